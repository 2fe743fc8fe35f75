package io.till.shared.web;

import io.till.shared.Ids;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an id, taken from a well-formed incoming {@code X-Request-Id} (so a proxy's id carries through)
 * or made fresh; it is on the response, in every log line written while serving the request, and in problem details.
 */
@Component
@Order(RequestFilters.ADMISSION)
public class RequestIdFilter extends OncePerRequestFilter {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "request_id";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{8,64}");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
        // An error dispatch is the same request seen again: it keeps its id.
        String requestId = request.getAttribute(MDC_KEY) instanceof String earlier ? earlier : incomingOrNew(request);
        request.setAttribute(MDC_KEY, requestId);
        response.setHeader(HEADER, requestId);
        MDC.put(MDC_KEY, requestId);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(MDC_KEY);
        }
    }

    private static String incomingOrNew(HttpServletRequest request) {
        String incoming = request.getHeader(HEADER);
        return incoming != null && ACCEPTED.matcher(incoming).matches() ? incoming : Ids.newId("req");
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    /** The id of the request being served on this thread, or null outside a request. */
    public static String current() {
        return MDC.get(MDC_KEY);
    }
}
