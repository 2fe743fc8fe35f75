package io.till.access;

import io.till.account.StaffUsers;
import io.till.shared.Caller;
import io.till.shared.TillException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Settings → Your sign-in: the signed-in staff member's own password and sessions, for owners and staff alike. */
@Controller
class ProfilePages {

    static final String PROFILE = "/admin/settings/profile";

    private final StaffMembers members;
    private final StaffSessions sessions;
    private final StaffUsers staffUsers;

    ProfilePages(StaffMembers members, StaffSessions sessions, StaffUsers staffUsers) {
        this.members = members;
        this.sessions = sessions;
        this.staffUsers = staffUsers;
    }

    @GetMapping(PROFILE)
    String profile() {
        return "access/profile";
    }

    /** A new password ends every other session of theirs; this one goes on. */
    @PostMapping(PROFILE + "/password")
    String changePassword(Caller.Staff staff, HttpServletRequest request,
        @RequestParam(defaultValue = "") String current, @RequestParam(defaultValue = "") String password,
        @RequestParam(defaultValue = "") String confirmation, RedirectAttributes redirect) {
        try {
            sessions.keep(request, members.changePassword(staff, current, password, confirmation));
            redirect.addFlashAttribute("flash", "Password changed. Your other sessions were signed out.");
        } catch (TillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:" + PROFILE;
    }

    /** Ends every session of the staff member, this one included, on every browser and node. */
    @PostMapping(PROFILE + "/sign-out-everywhere")
    String signOutEverywhere(Caller.Staff staff, HttpServletRequest request) {
        staffUsers.endSessions(staff.accountId(), staff.staffUserId());
        var session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        return "redirect:/admin/login?ended=" + StaffSessions.Ending.EVERYWHERE.parameter();
    }
}
