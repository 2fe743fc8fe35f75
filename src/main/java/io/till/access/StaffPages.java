package io.till.access;

import io.till.account.ApiKeys;
import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.RealTime;
import io.till.shared.TillException;
import java.time.Clock;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Settings → Staff: who signs in to the account, with their role, last sign-in and status, and the open invitations.
 * Everyone on the staff may look; only an owner may change anything (SecurityConfiguration refuses the POSTs to others,
 * the page hides the controls). A refused change comes back here with the reason and nothing changed.
 */
@Controller
class StaffPages {

    static final String STAFF = "/admin/settings/staff";

    private final StaffMembers members;
    private final StaffInvites invites;
    private final ApiKeys apiKeys;
    private final Clock clock;

    StaffPages(StaffMembers members, StaffInvites invites, ApiKeys apiKeys, @RealTime Clock clock) {
        this.apiKeys = apiKeys;
        this.members = members;
        this.invites = invites;
        this.clock = clock;
    }

    @GetMapping(STAFF)
    String staff(Caller.Staff staff, Model model) {
        var now = clock.instant();
        model.addAttribute("members", members.list(staff.accountId()));
        model.addAttribute("invites", invites.open(staff.accountId())
            .stream()
            .map(invite -> new OpenInvite(invite, invite.status(now)))
            .toList());
        model.addAttribute("me", staff.staffUserId());
        return "access/staff";
    }

    /** An invitation with its status as of the page's time. */
    record OpenInvite(StaffInvites.Invite invite, String status) {}

    @PostMapping(STAFF + "/invites")
    String invite(Caller.Staff staff, @RequestParam(defaultValue = "") String email,
        @RequestParam(defaultValue = "staff") String role, RedirectAttributes redirect) {
        boolean sent = attempt(redirect, () -> {
            var invite = members.invite(staff, email, role);
            redirect.addFlashAttribute("flash", "Invitation sent to " + invite.email() + ". The link works once, "
                + "within 7 days.");
        });
        if (!sent) {
            // Typed again as it was: the role too, so that fixing the email does not invite an owner as staff.
            redirect.addFlashAttribute("inviteEmail", email);
            redirect.addFlashAttribute("inviteRole", role);
        }
        return "redirect:" + STAFF;
    }

    @PostMapping(STAFF + "/invites/{id}/revoke")
    String revokeInvite(Caller.Staff staff, @PathVariable String id, RedirectAttributes redirect) {
        attempt(redirect, () -> {
            members.revokeInvite(staff.accountId(), id);
            redirect.addFlashAttribute("flash", "Invitation revoked: its link no longer works.");
        });
        return "redirect:" + STAFF;
    }

    @PostMapping(STAFF + "/{id}/role")
    String changeRole(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String role,
        RedirectAttributes redirect) {
        attempt(redirect, () -> {
            redirect.addFlashAttribute("flash", members.changeRole(staff, id, role)
                ? "Role changed to " + role + ". Their sessions ended at once; they sign in again with it."
                : "Their role was " + role + " already: nothing changed.");
        });
        return "redirect:" + STAFF;
    }

    @PostMapping(STAFF + "/{id}/remove")
    String remove(Caller.Staff staff, @PathVariable String id, RedirectAttributes redirect) {
        attempt(redirect, () -> {
            var removed = members.remove(staff, id);
            // Keys are the account's and keep working: said, so that one the member kept is revoked on purpose.
            int keys = apiKeys.activeMadeBy(staff.accountId(), removed.email());
            redirect.addFlashAttribute("flash", removed.email() + " was removed and signed out." + (keys == 0
                ? ""
                : " " + keys + (keys == 1 ? " API key they made still works" : " API keys they made still work")
                    + ": revoke " + (keys == 1 ? "it" : "them") + " under Developers › API keys if "
                    + (keys == 1 ? "it" : "they") + " should not."));
        });
        return "redirect:" + STAFF;
    }

    /**
     * Runs a change; a refused one comes back to the page with the service's reason (an unknown id is the frame's
     * 404 page). Answers whether it was made.
     */
    private static boolean attempt(RedirectAttributes redirect, Runnable change) {
        try {
            change.run();
            return true;
        } catch (TillException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw e;
            }
            redirect.addFlashAttribute("error", e.getMessage());
            return false;
        }
    }
}
