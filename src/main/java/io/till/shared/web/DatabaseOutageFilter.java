package io.till.shared.web;

import io.till.shared.DatabaseOutage;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A request that could not reach the database outside a REST controller (looking up an API key or a dashboard session,
 * rendering a page) is answered 503 with {@code Retry-After}, like one inside a controller, instead of a 500 and a
 * stack trace in the log for every request while the database is away.
 */
@Component
@Order(RequestFilters.OUTAGE_AND_LIMITS)
class DatabaseOutageFilter extends OncePerRequestFilter {

    private final Problems problems;

    DatabaseOutageFilter(Problems problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (ServletException | RuntimeException e) {
            if (!DatabaseOutage.explains(e) || response.isCommitted()) {
                throw e;
            }
            response.resetBuffer();
            response.setHeader(HttpHeaders.RETRY_AFTER, Integer.toString(DatabaseOutage.RETRY_AFTER_SECONDS));
            if (ApiPaths.isApi(request)) {
                problems.write(response, Problems.databaseUnavailable());
            } else {
                response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            }
        }
    }
}
