package io.till.portal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Signs the request in from the portal cookie, but only for pages of the session's own account: a buyer signed in at
 * one seller is a stranger at every other.
 */
final class PortalSessionFilter extends OncePerRequestFilter {

    private final PortalSessions sessions;
    private final PortalCookie cookie;

    PortalSessionFilter(PortalSessions sessions, PortalCookie cookie) {
        this.sessions = sessions;
        this.cookie = cookie;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
        var accountId = PortalPaths.accountId(request);
        if (accountId.isPresent()) {
            cookie.read(request)
                .flatMap(sessions::find)
                .filter(session -> session.buyer().accountId().equals(accountId.get()))
                .ifPresent(session -> {
                    var context = SecurityContextHolder.createEmptyContext();
                    context.setAuthentication(new PortalAuthentication(session));
                    SecurityContextHolder.setContext(context);
                });
        }
        chain.doFilter(request, response);
    }
}
