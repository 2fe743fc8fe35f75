package io.till.access;

import io.till.account.ApiKeys;
import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <api key>}. A request without the header goes on unauthenticated (and is
 * refused by the entry point); a wrong, malformed or revoked key is refused here, with the precise reason.
 */
class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    static final String BEARER = "Bearer ";
    /**
     * A request attribute: the verdict on this request's key, when {@link ApiKeyGate} already reached one before
     * handing the request on.
     */
    static final String VERDICT = ApiKeyAuthenticationFilter.class.getName() + ".verdict";

    private final ApiKeys apiKeys;
    private final ProblemEntryPoint entryPoint;

    ApiKeyAuthenticationFilter(ApiKeys apiKeys, ProblemEntryPoint entryPoint) {
        this.apiKeys = apiKeys;
        this.entryPoint = entryPoint;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            chain.doFilter(request, response);
            return;
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            entryPoint.reject(response, ErrorCode.API_KEY_INVALID,
                "Send the API key as 'Authorization: Bearer <api key>'.");
            return;
        }
        var verdict = request.getAttribute(VERDICT) instanceof ApiKeys.Authentication reached
            ? reached
            : apiKeys.authenticate(presentedKey(header));
        switch (verdict) {
            case ApiKeys.Authentication.Accepted accepted -> {
                var context = SecurityContextHolder.createEmptyContext();
                context.setAuthentication(new ApiKeyAuthentication(accepted.caller()));
                SecurityContextHolder.setContext(context);
                chain.doFilter(request, response);
            }
            case ApiKeys.Authentication.Rejected rejected ->
                entryPoint.reject(response, rejected.code(), rejected.detail());
        }
    }

    /** The key in an {@code Authorization} header that starts with {@link #BEARER}. */
    static String presentedKey(String header) {
        return header.substring(BEARER.length()).strip();
    }

    /** An authenticated API caller; the key itself is not kept in memory longer than the check. */
    static final class ApiKeyAuthentication extends AbstractAuthenticationToken {

        private final Caller.ApiKey caller;

        ApiKeyAuthentication(Caller.ApiKey caller) {
            super(List.of(new SimpleGrantedAuthority("ROLE_API")));
            this.caller = caller;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return null;
        }

        @Override
        public Caller.ApiKey getPrincipal() {
            return caller;
        }
    }
}
