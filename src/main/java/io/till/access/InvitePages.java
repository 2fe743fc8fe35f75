package io.till.access;

import io.till.shared.TillException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The page an invitation's link opens, for someone not signed in yet: they choose a password and are signed in. Showing
 * the page uses nothing up (a mail scanner may fetch it); only the form's POST does.
 */
@Controller
class InvitePages {

    static final String INVITES = "/admin/invites/";

    private final StaffInvites invites;
    private final StaffMembers members;
    private final StaffSessions sessions;

    InvitePages(StaffInvites invites, StaffMembers members, StaffSessions sessions) {
        this.invites = invites;
        this.members = members;
        this.sessions = sessions;
    }

    @GetMapping(INVITES + "{token}")
    String invitation(@PathVariable String token,
        @RequestParam(name = ForbiddenHandler.EXPIRED, required = false) String expired, HttpServletResponse response,
        Model model) {
        if (expired != null) {
            // The form came back after the page's session ended (ForbiddenHandler): nothing was used up.
            model.addAttribute("error", "This page was open too long and expired, so nothing was saved. Choose your "
                + "password again.");
        }
        return page(token, response, model);
    }

    @PostMapping(INVITES + "{token}")
    String accept(@PathVariable String token, @RequestParam(defaultValue = "") String password,
        @RequestParam(defaultValue = "") String confirmation, HttpServletRequest request,
        HttpServletResponse response, Model model) {
        try {
            var user = members.accept(token, password, confirmation);
            sessions.signIn(request, response, user);
            return "redirect:/admin";
        } catch (TillException e) {
            model.addAttribute("error", e.getMessage());
            return page(token, response, model);
        }
    }

    private String page(String token, HttpServletResponse response, Model model) {
        var invite = invites.usable(token);
        if (invite.isEmpty()) {
            response.setStatus(HttpStatus.GONE.value());
            return "access/invite_gone";
        }
        model.addAttribute("invite", invite.get());
        model.addAttribute("accountName", members.storeName(invite.get().accountId()));
        model.addAttribute("token", token);
        // Accepting signs in as the new member in this browser: whoever is signed in here is told it ends their
        // session.
        if (SecurityContextHolder.getContext().getAuthentication() != null
            && SecurityContextHolder.getContext().getAuthentication()
                .getPrincipal() instanceof StaffSignIn.StaffDetails details) {
            model.addAttribute("signedInAs", details.user().email());
        }
        return "access/invite";
    }
}
