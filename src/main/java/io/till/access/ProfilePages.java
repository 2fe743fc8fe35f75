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
    private final SignInThrottle throttle;

    ProfilePages(StaffMembers members, StaffSessions sessions, StaffUsers staffUsers, SignInThrottle throttle) {
        this.members = members;
        this.sessions = sessions;
        this.staffUsers = staffUsers;
        this.throttle = throttle;
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
        // A stolen session must not buy unlimited guesses at the password: these are counted for the member (not for
        // their email, which a stranger can fill with bad sign-ins to keep them from changing it) and the address.
        switch (throttle.admitSignedIn(staff.staffUserId(), request.getRemoteAddr())) {
            case SignInThrottle.Refused refused -> {
                long minutes = refused.retryAfter().toMinutes() + 1;
                redirect.addFlashAttribute("error", "Too many wrong passwords. Try again in " + minutes
                    + (minutes == 1 ? " minute." : " minutes."));
            }
            case SignInThrottle.Admitted admitted -> {
                try {
                    sessions.keep(request, members.changePassword(staff, current, password, confirmation,
                        () -> throttle.succeeded(admitted, staff.email())));
                    // Whoever had a copy of this session's cookie has it no longer.
                    request.changeSessionId();
                    redirect.addFlashAttribute("flash", "Password changed. Your other sessions were signed out.");
                } catch (TillException e) {
                    redirect.addFlashAttribute("error", e.getMessage());
                }
            }
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
