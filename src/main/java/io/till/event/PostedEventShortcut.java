package io.till.event;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.till.shared.DatabaseOutage;
import io.till.shared.TillException;
import io.till.shared.web.ApiGate;
import io.till.shared.web.CachedBodyRequest;
import io.till.shared.web.Problems;
import io.till.shared.web.RequestFilters;
import io.till.shared.web.StorableBodyAdvice;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers the plainest {@code POST /api/v1/events} (one valid event, a valid API key, no Idempotency-Key) ahead of
 * Spring Security and Spring MVC, which cost about half of such a request's CPU for nothing it needs: a system
 * that reports each of its events as it happens posts more of these than anything else. It comes right after
 * admission and the request id, before Spring's request observation and the checks that a plain event does not need
 * ({@link RequestFilters}). The answer is the one {@link EventController#post} gives, with the headers the API's
 * security chain writes ({@link ApiGate}), a database outage answered as {@code DatabaseOutageFilter} answers it; the
 * request is timed as the observation times any other ({@code http_server_requests}, uri {@code /api/v1/events}, the
 * same tags), by a timer of its own.
 *
 * <p>Everything else goes the regular way, which answers it as it answers any request: another path, method or query,
 * an Idempotency-Key, a cross-origin request, another content type or answer type, a body of unknown or too large a
 * length, a key the gate does not accept (missing, malformed, unknown, revoked: the chain names why), and a body that
 * is not one valid event (the regular way reads it again from memory, and names every problem). Nothing is recorded
 * before the event is known to be valid, so a request handed on is never recorded twice.
 */
class PostedEventShortcut extends OncePerRequestFilter {

    static final String PATH = "/api/v1/events";
    /** The largest body taken here: an event's data is at most 64 KiB of JSON, the rest of it is short. */
    private static final int MAX_BODY_BYTES = 66 * 1024;

    private static final Logger log = LoggerFactory.getLogger(PostedEventShortcut.class);

    private final ApiGate gate;
    private final CustomEvents customEvents;
    private final JsonMapper json;
    private final Problems problems;
    private final MeterRegistry meters;
    private final String timerName;
    /** The timers of the answers given here, by status. */
    private final Map<Integer, Timer> timers = new ConcurrentHashMap<>();

    PostedEventShortcut(ApiGate gate, CustomEvents customEvents, JsonMapper json, Problems problems,
        MeterRegistry meters, String timerName) {
        this.gate = gate;
        this.customEvents = customEvents;
        this.json = json;
        this.problems = problems;
        this.meters = meters;
        this.timerName = timerName;
    }

    /** Registers the shortcut after admission and the request id, before the request timing ({@link RequestFilters}). */
    @Configuration(proxyBeanMethods = false)
    static class Registration {

        @Bean
        FilterRegistrationBean<PostedEventShortcut> postedEventShortcut(ApiGate gate, CustomEvents customEvents,
            JsonMapper json, Problems problems, MeterRegistry meters, ObservationProperties observations) {
            var registration = new FilterRegistrationBean<>(new PostedEventShortcut(gate, customEvents, json,
                problems, meters, observations.getHttp().getServer().getRequests().getName()));
            registration.setOrder(RequestFilters.POSTED_EVENT);
            registration.addUrlPatterns(PATH);
            return registration;
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        long length = request.getContentLengthLong();
        return !"POST".equals(request.getMethod()) || !(request.getContextPath() + PATH).equals(request.getRequestURI())
            || request.getQueryString() != null || request.getHeader("Idempotency-Key") != null
            || request.getHeader(HttpHeaders.ORIGIN) != null || length < 0 || length > MAX_BODY_BYTES
            || !isJson(request.getContentType()) || !acceptsJson(request.getHeader(HttpHeaders.ACCEPT));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
        // As the regular way would: with the API's headers, whatever the answer, and timed under its route. A request
        // handed on gets the headers again, the same, and is timed there.
        var started = Timer.start(meters);
        gate.writeHeaders(request, response);
        CachedBodyRequest read = null;
        Optional<Event> event = Optional.empty();
        try {
            var caller = gate.caller(request);
            if (caller.isPresent()) {
                long length = request.getContentLengthLong();
                // Never null: the container hands no more than Content-Length bytes; fewer if the client stopped.
                read = CachedBodyRequest.read(request, (int) length);
                if (read.body().length == length) {
                    event = posted(read.body())
                        .flatMap(posted -> customEvents.recordIfValid(caller.get().accountId(), posted));
                }
            }
        } catch (TillException refusal) {
            answer(response, Problems.of(refusal.code(), refusal.getMessage(), refusal.errors()));
            timed(started, response, "none");
            return;
        } catch (RuntimeException e) {
            if (DatabaseOutage.explains(e)) {
                // As DatabaseOutageFilter answers any request.
                response.setHeader(HttpHeaders.RETRY_AFTER, Integer.toString(DatabaseOutage.RETRY_AFTER_SECONDS));
                answer(response, Problems.databaseUnavailable());
                timed(started, response, "none");
                return;
            }
            log.error("Request failed unexpectedly", e);
            answer(response, Problems.unexpected());
            timed(started, response, e.getClass().getSimpleName());
            return;
        }
        if (event.isEmpty()) {
            chain.doFilter(read == null ? request : read, response);
            return;
        }
        byte[] answer = json.writeValueAsBytes(event.get());
        response.setStatus(HttpServletResponse.SC_CREATED);
        response.setHeader(HttpHeaders.LOCATION, PATH + "/" + event.get().id());
        response.setContentType("application/json");
        response.setContentLength(answer.length);
        response.getOutputStream().write(answer);
        timed(started, response, "none");
    }

    /**
     * Times an answer given here under the tags Spring's request observation gives any other: its route, method,
     * status and outcome, the exception that ended it ("none"), and its error.
     */
    private void timed(Timer.Sample started, HttpServletResponse response, String exception) {
        int status = response.getStatus();
        var timer = "none".equals(exception)
            ? timers.computeIfAbsent(status, s -> timer(s, exception))
            : timer(status, exception);
        started.stop(timer);
    }

    private Timer timer(int status, String exception) {
        var outcome = switch (status / 100) {
            case 1 -> "INFORMATIONAL";
            case 2 -> "SUCCESS";
            case 3 -> "REDIRECTION";
            case 4 -> "CLIENT_ERROR";
            case 5 -> "SERVER_ERROR";
            default -> "UNKNOWN";
        };
        return meters.timer(timerName, Tags.of("error", exception, "exception", exception, "method", "POST",
            "outcome", outcome, "status", Integer.toString(status), "uri", PATH));
    }

    /** A failure answered as the API's exception handler answers it. */
    private void answer(HttpServletResponse response, ProblemDetail problem) throws IOException {
        problem.setInstance(URI.create(PATH));
        problems.write(response, problem);
    }

    /** The posted event, if the body is one that the regular way would read and accept as storable. */
    private Optional<CustomEvents.Posted> posted(byte[] body) {
        CustomEvents.Posted posted;
        try {
            posted = json.readValue(body, CustomEvents.Posted.class);
        } catch (JacksonException e) {
            return Optional.empty();
        }
        if (posted == null || StorableBodyAdvice.find(posted, "").isPresent()) {
            return Optional.empty();
        }
        return Optional.of(posted);
    }

    /** JSON, said as the regular way reads it; a type it could not parse goes there, to be refused. */
    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        MediaType type;
        try {
            type = MediaType.parseMediaType(contentType);
        } catch (InvalidMediaTypeException e) {
            return false;
        }
        return MediaType.APPLICATION_JSON.equalsTypeAndSubtype(type) && (type.getParameters().isEmpty()
            || type.getParameters().size() == 1 && StandardCharsets.UTF_8.equals(type.getCharset()));
    }

    /** An Accept the regular way answers with JSON for certain: none, anything, or JSON. */
    private static boolean acceptsJson(String accept) {
        return accept == null || accept.equals("*/*") || accept.equals("application/json");
    }
}
