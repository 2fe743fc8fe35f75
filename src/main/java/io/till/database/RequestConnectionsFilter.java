package io.till.database;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Marks the thread serving a request, from before the API key is looked up to the error page, so that its queries use
 * the requests' pool ({@link ConnectionPools}). Requests are marked rather than loops because every request passes
 * here: any other thread — a loop added tomorrow included — gets the workers' pool without having to ask.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestConnectionsFilter extends OncePerRequestFilter {

    private static final ThreadLocal<Boolean> SERVING_REQUEST = new ThreadLocal<>();

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
        SERVING_REQUEST.set(true);
        try {
            chain.doFilter(request, response);
        } finally {
            SERVING_REQUEST.remove();
        }
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }
}
