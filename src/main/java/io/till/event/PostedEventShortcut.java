package io.till.event;

import io.till.shared.DatabaseOutage;
import io.till.shared.TillException;
import io.till.shared.web.ApiGate;
import io.till.shared.web.CachedBodyRequest;
import io.till.shared.web.Problems;
import io.till.shared.web.StorableBodyAdvice;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers the plainest {@code POST /api/v1/events} (one valid event, a valid API key, no Idempotency-Key) ahead of
 * Spring Security and Spring MVC, which cost about half of such a request's CPU for nothing it needs: a system
 * that reports each of its events as it happens posts more of these than anything else. The answer is the one
 * {@link EventController#post} gives, with the headers the API's security chain writes ({@link ApiGate}); the request
 * is timed as any other ({@code http_server_requests}, uri {@code /api/v1/events}).
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

    PostedEventShortcut(ApiGate gate, CustomEvents customEvents, JsonMapper json, Problems problems) {
        this.gate = gate;
        this.customEvents = customEvents;
        this.json = json;
        this.problems = problems;
    }

    /** Registers the shortcut after Till's own request filters (admission, request id, limits, timing). */
    @Configuration(proxyBeanMethods = false)
    static class Registration {

        @Bean
        FilterRegistrationBean<PostedEventShortcut> postedEventShortcut(ApiGate gate, CustomEvents customEvents,
            JsonMapper json, Problems problems) {
            var registration = new FilterRegistrationBean<>(new PostedEventShortcut(gate, customEvents, json,
                problems));
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
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
        // As the regular way would: timed under its route, with the API's headers, whatever the answer. A request
        // handed on gets both again, the same.
        ServerHttpObservationFilter.findObservationContext(request)
            .ifPresent(observation -> observation.setPathPattern(PATH));
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
            return;
        } catch (RuntimeException e) {
            if (DatabaseOutage.explains(e)) {
                throw e; // DatabaseOutageFilter answers 503 with Retry-After, as for any request.
            }
            log.error("Request failed unexpectedly", e);
            answer(response, Problems.unexpected());
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
