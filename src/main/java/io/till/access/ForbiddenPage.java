package io.till.access;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The friendly 403 inside the dashboard's frame, for a signed-in staff member who asked for what only an owner may do
 * (or posted a form whose CSRF token expired): it says who can, instead of a bare error ({@link ForbiddenHandler}
 * forwards here).
 */
@Controller
class ForbiddenPage {

    @RequestMapping(ForbiddenHandler.PATH)
    String forbidden(HttpServletRequest request, HttpServletResponse response, Model model) {
        response.setStatus(HttpStatus.FORBIDDEN.value());
        String path = request.getAttribute(RequestDispatcher.FORWARD_SERVLET_PATH) instanceof String forwarded
            ? forwarded
            : "";
        model.addAttribute("csrf", request.getAttribute(ForbiddenHandler.CSRF) != null);
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
        if (path.startsWith("/admin/webhooks")) {
            return path.endsWith("/status")
                ? "enable a webhook endpoint again"
                : "add, edit or delete webhook endpoints, or rotate their secrets";
        }
        if (path.startsWith("/admin/settings/staff")) {
            return "invite staff, change roles or remove staff";
        }
        return "do this";
    }
}
