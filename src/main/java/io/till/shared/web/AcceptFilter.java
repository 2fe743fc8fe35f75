package io.till.shared.web;

import io.till.shared.ErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a change to the API (POST, PUT, PATCH, DELETE) whose {@code Accept} header takes no JSON, before anything is
 * done: every answer to a change is JSON, and Spring MVC negotiates the answer's type only once the handler has run,
 * so the client would be told 406 about a change that was made, and make it again on retry. A read (GET) is refused
 * as before, after it ran, which harms nothing.
 */
@Component
@Order(RequestFilters.ACCEPT)
class AcceptFilter extends OncePerRequestFilter {

    private static final Set<String> CHANGES = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final Problems problems;

    AcceptFilter(Problems problems) {
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getHeader(HttpHeaders.ACCEPT) == null || !CHANGES.contains(request.getMethod())
            || !ApiPaths.isApi(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
        if (takesJson(request.getHeaders(HttpHeaders.ACCEPT).asIterator())) {
            chain.doFilter(request, response);
            return;
        }
        problems.write(response, ErrorCode.NOT_ACCEPTABLE, "The API answers with application/json (and problems "
            + "with application/problem+json); this request's Accept header takes neither. Nothing was done.");
    }

    private static boolean takesJson(Iterator<String> accepts) {
        while (accepts.hasNext()) {
            String accept = accepts.next();
            // What API clients send most, answered without parsing.
            if (accept.equals("application/json") || accept.equals("*/*")) {
                return true;
            }
            List<MediaType> types;
            try {
                types = MediaType.parseMediaTypes(accept);
            } catch (InvalidMediaTypeException e) {
                return false;
            }
            for (MediaType type : types) {
                // q=0 means "not this".
                if (type.getQualityValue() > 0 && (type.isCompatibleWith(MediaType.APPLICATION_JSON)
                    || type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))) {
                    return true;
                }
            }
        }
        return false;
    }
}
