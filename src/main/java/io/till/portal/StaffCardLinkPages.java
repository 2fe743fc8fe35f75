package io.till.portal;

import io.till.idempotency.FormSubmissions;
import io.till.shared.Caller;
import io.till.shared.TillException;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * "Email a card-update link", on a customer's record and on their subscriptions' and plans' pages: staff send the
 * link a dunning email would carry, then go back to the page they were on.
 */
@Controller
class StaffCardLinkPages {

    private final CardLinkEmails emails;
    private final FormSubmissions submissions;

    StaffCardLinkPages(CardLinkEmails emails, FormSubmissions submissions) {
        this.emails = emails;
        this.submissions = submissions;
    }

    @PostMapping("/admin/customers/{id}/card-link")
    String send(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String back,
        @RequestParam(name = FormSubmissions.FIELD, required = false) String formKey, RedirectAttributes redirect) {
        // Back to a dashboard page only: never a redirect elsewhere that a crafted form could ask for.
        String to = back.matches("/admin/[A-Za-z0-9_/-]*(#[a-z-]+)?") ? back : "/admin/customers/" + id;
        try {
            // A double click sends one email: the second submit answers with the first one's message.
            String message = submissions.once(staff.accountId(), formKey, "/admin/customers/" + id + "/card-link",
                () -> {
                    var sent = emails.send(staff.accountId(), id);
                    if (!sent.ok()) {
                        // Refused, the form key is free again: the staff member may try once SMTP works.
                        throw new TillException(io.till.shared.ErrorCode.INVALID_STATE, sent.message());
                    }
                    return sent.message();
                });
            redirect.addFlashAttribute("flash", message);
        } catch (TillException refused) {
            if (refused.code() == io.till.shared.ErrorCode.NOT_FOUND) {
                // The customer's page says so in the dashboard's frame (this class's errors would get the portal's).
                return "redirect:" + (id.matches("[A-Za-z0-9_]+") ? "/admin/customers/" + id : "/admin/customers");
            }
            redirect.addFlashAttribute("flashError", refused.getMessage());
        }
        return "redirect:" + to;
    }
}
