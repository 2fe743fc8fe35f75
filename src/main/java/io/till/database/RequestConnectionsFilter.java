package io.till.database;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.till.shared.ErrorCode;
import io.till.shared.web.ApiPaths;
import io.till.shared.web.Problems;
import io.till.shared.web.RequestFilters;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Marks the thread serving a request, from before the API key is looked up to the error page, so that its queries use
 * the requests' pool ({@link ConnectionPools}), and admits it only when one of the pool's connections can be its
 * ({@link RequestAdmission}). Requests are marked rather than loops because every request passes here: any other
 * thread — a loop added tomorrow included — gets the workers' pool without having to ask.
 */
@Component
@Order(RequestFilters.ADMISSION)
class RequestConnectionsFilter extends OncePerRequestFilter {

    /** Seconds a refused client is asked to wait: a turn at the front of the queue takes milliseconds, not seconds. */
    static final int BUSY_RETRY_AFTER_SECONDS = 1;

    private static final ThreadLocal<Boolean> SERVING_REQUEST = new ThreadLocal<>();

    private final RequestAdmission admission;
    private final Problems problems;
    private final Counter refused;

    RequestConnectionsFilter(RequestAdmission admission, Problems problems, MeterRegistry meters) {
        this.admission = admission;
        this.problems = problems;
        this.refused = Counter.builder("till.requests.refused.busy")
            .description("Requests answered 503 busy because they found no free request slot in time")
            .register(meters);
        Gauge.builder("till.requests.waiting", admission, RequestAdmission::waiting)
            .description("Requests waiting for a request slot").register(meters);
        Gauge.builder("till.requests.active", admission, RequestAdmission::inUse)
            .description("Requests being served, at most the requests' pool size").register(meters);
    }

    static boolean servingRequest() {
        return Boolean.TRUE.equals(SERVING_REQUEST.get());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
        if (servingRequest()) {
            // A dispatch within the request (a forward to the error page): the outer one unmarks the thread.
            chain.doFilter(request, response);
            return;
        }
        boolean gated = gated(ApiPaths.routed(request));
        if (gated && !enter()) {
            refuse(request, response);
            return;
        }
        long admittedAt = System.nanoTime();
        SERVING_REQUEST.set(true);
        try {
            chain.doFilter(request, response);
        } finally {
            SERVING_REQUEST.remove();
            if (gated) {
                admission.leave(Duration.ofNanos(System.nanoTime() - admittedAt));
            }
        }
    }

    /**
     * Health and metrics answer under overload too: that is when they are needed. Static files (the pages' CSS and
     * scripts) touch no database and take microseconds, so a page admitted under load also gets its styles.
     */
    static boolean gated(String uri) {
        return !(uri.startsWith("/actuator/") || uri.startsWith("/portal/assets/") || uri.startsWith("/admin/assets/")
            || uri.startsWith("/webjars/") || uri.equals("/favicon.ico"));
    }

    private boolean enter() throws IOException {
        try {
            return admission.enter();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for a request slot", e);
        }
    }

    /** Nothing was done for this request: it can be sent again as it is. */
    private void refuse(HttpServletRequest request, HttpServletResponse response) throws IOException {
        refused.increment();
        response.setHeader(HttpHeaders.RETRY_AFTER, Integer.toString(BUSY_RETRY_AFTER_SECONDS));
        String detail = "Till is serving as many requests as it can at the moment. Nothing was done; send the request "
            + "again in " + BUSY_RETRY_AFTER_SECONDS + " second.";
        if (ApiPaths.isApi(request)) {
            problems.write(response, ErrorCode.BUSY, detail);
            return;
        }
        // A page, without the error page's rendering (which would need a slot of its own).
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType(MediaType.TEXT_HTML_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write("""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Till is busy</title></head>
            <body><main><h1>Till is busy</h1><p>Too many requests at once. Nothing was changed; please try again in a
            moment.</p></main></body></html>
            """);
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }
}
