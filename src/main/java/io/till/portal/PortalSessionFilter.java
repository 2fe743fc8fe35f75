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
 * one seller is a stranger at every other. A cookie whose session is over (idle, past its lifetime, signed out in
 * another tab) marks the request {@link #ENDED}, so that the sign-in page can say why it is shown.
 */
final class PortalSessionFilter extends OncePerRequestFilter {

    /** Request attribute: the request came with a portal cookie whose session has ended. */
    static final String ENDED = PortalSessionFilter.class.getName() + ".ENDED";

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
        var token = accountId.flatMap(id -> cookie.read(request, id));
        if (token.isPresent()) {
            var session = sessions.find(token.get());
            if (session.isEmpty()) {
                request.setAttribute(ENDED, true);
            }
            session.filter(live -> live.buyer().accountId().equals(accountId.get()))
                .ifPresent(live -> {
                    var context = SecurityContextHolder.createEmptyContext();
                    context.setAuthentication(new PortalAuthentication(live));
                    SecurityContextHolder.setContext(context);
                });
        }
        chain.doFilter(request, response);
    }
}
