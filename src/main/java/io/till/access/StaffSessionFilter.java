package io.till.access;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends a dashboard session that {@link StaffSessions} says is over, before the request is authorized: the browser goes
 * to the sign-in page, which says why. htmx requests are told with {@code HX-Redirect}, so the whole page goes there
 * instead of the sign-in page being swapped into a fragment.
 */
final class StaffSessionFilter extends OncePerRequestFilter {

    private final StaffSessions sessions;
    private final String loginPage;

    StaffSessionFilter(StaffSessions sessions, String loginPage) {
        this.sessions = sessions;
        this.loginPage = loginPage;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getServletPath();
        return !path.startsWith("/admin") || path.startsWith("/admin/assets/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
        var session = request.getSession(false);
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        if (session != null && authentication != null
            && authentication.getPrincipal() instanceof StaffSignIn.StaffDetails details) {
            var ending = sessions.check(session, details.user().id());
            if (ending.isPresent()) {
                session.invalidate();
                SecurityContextHolder.clearContext();
                String target = loginPage + "?ended=" + ending.get().parameter();
                if (request.getHeader("HX-Request") != null) {
                    response.setHeader("HX-Redirect", target);
                    response.setStatus(HttpServletResponse.SC_NO_CONTENT);
                } else {
                    response.sendRedirect(target);
                }
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
