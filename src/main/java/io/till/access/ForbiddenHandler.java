package io.till.access;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.csrf.CsrfException;

/**
 * Shows a signed-in staff member's refused request (a role rule, an expired CSRF token) as the dashboard's 403 page,
 * {@link ForbiddenPage}. A form sent from a page whose session is gone goes to the sign-in page, which says so; anyone
 * else not signed in gets the container's answer, as before.
 */
final class ForbiddenHandler implements AccessDeniedHandler {

    static final String PATH = "/admin/forbidden";
    static final String CSRF = ForbiddenHandler.class.getName() + ".csrf";

    /** The query an invitation's page is shown again with when its form came back too late ({@link InvitePages}). */
    static final String EXPIRED = "expired";

    private final AccessDeniedHandler plain = new AccessDeniedHandlerImpl();

    private static boolean isInvitation(HttpServletRequest request) {
        String path = request.getServletPath();
        return path != null && path.startsWith(InvitePages.INVITES)
            && path.indexOf('/', InvitePages.INVITES.length()) < 0 && path.length() > InvitePages.INVITES.length()
            && "POST".equals(request.getMethod());
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
        throws IOException, ServletException {
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !(authentication.getPrincipal() instanceof StaffSignIn.StaffDetails)) {
            if (e instanceof CsrfException && isInvitation(request)) {
                // An invitation's page left open past the session it made: the invitee has no login yet, so not the
                // sign-in page but the invitation again, with a fresh token, saying why the password is asked again.
                response.sendRedirect(request.getContextPath() + request.getServletPath() + "?" + EXPIRED);
                return;
            }
            if (e instanceof CsrfException) {
                // A form sent from a page whose session is gone (Till restarted, or it ended meanwhile): its token
                // went with it. The sign-in page, saying the session ended when one came with it, not a bare 403.
                boolean ended = request.getRequestedSessionId() != null;
                if (request.getHeader("HX-Request") != null) {
                    SecurityConfiguration.toSignIn(response, ended);
                } else {
                    response.sendRedirect(SecurityConfiguration.LOGIN_PAGE + (ended
                        ? "?ended=" + StaffSessions.Ending.EXPIRED.parameter()
                        : ""));
                }
                return;
            }
            plain.handle(request, response, e);
            return;
        }
        if (e instanceof CsrfException) {
            request.setAttribute(CSRF, Boolean.TRUE);
        }
        response.setStatus(HttpStatus.FORBIDDEN.value());
        request.getRequestDispatcher(PATH).forward(request, response);
    }
}
