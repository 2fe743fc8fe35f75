package io.till.access;

import jakarta.servlet.RequestDispatcher;
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
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The friendly 403 inside the dashboard's frame, for a signed-in staff member who asked for what only an owner may do
 * (or posted a form whose CSRF token expired): it says who can, instead of a bare error. Anyone not signed in gets the
 * container's answer, as before.
 */
@Controller
class ForbiddenPage {

    static final String PATH = "/admin/forbidden";
    private static final String CSRF = ForbiddenPage.class.getName() + ".csrf";

    /** Forwards a refused request of a signed-in staff member to this page. */
    static AccessDeniedHandler handler() {
        var plain = new AccessDeniedHandlerImpl();
        return (HttpServletRequest request, HttpServletResponse response, AccessDeniedException e) -> {
            var authentication = SecurityContextHolder.getContext().getAuthentication();
            if (authentication == null || !(authentication.getPrincipal() instanceof StaffSignIn.StaffDetails)) {
                plain.handle(request, response, e);
                return;
            }
            if (e instanceof CsrfException) {
                request.setAttribute(CSRF, Boolean.TRUE);
            }
            response.setStatus(HttpStatus.FORBIDDEN.value());
            try {
                request.getRequestDispatcher(PATH).forward(request, response);
            } catch (ServletException failed) {
                throw new IOException(failed);
            }
        };
    }

    @RequestMapping(PATH)
    String forbidden(HttpServletRequest request, HttpServletResponse response, Model model) {
        response.setStatus(HttpStatus.FORBIDDEN.value());
        String path = request.getAttribute(RequestDispatcher.FORWARD_SERVLET_PATH) instanceof String forwarded
            ? forwarded
            : "";
        model.addAttribute("csrf", request.getAttribute(CSRF) != null);
        model.addAttribute("what", what(path));
        return "access/forbidden";
    }

    /** What the refused request would have done, as "Only an owner can …" ends. */
    static String what(String path) {
        if (path.startsWith("/admin/developers/api-keys")) {
            return "create or revoke API keys";
        }
        if (path.startsWith("/admin/settings/integrations")) {
            return "manage integrations";
        }
        if (path.startsWith("/admin/settings/staff")) {
            return "invite staff, change roles or remove staff";
        }
        return "do this";
    }
}
