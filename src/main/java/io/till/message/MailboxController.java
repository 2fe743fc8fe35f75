package io.till.message;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/dev/mailbox")
@Tag(name = "Dev mailbox")
class MailboxController {

    /** An API key is an owner's: only owners create them. */
    private static final boolean OWNER = true;

    private final DevMailbox mailbox;

    MailboxController(DevMailbox mailbox) {
        this.mailbox = mailbox;
    }

    @GetMapping
    @Operation(summary = "Messages kept instead of sent", description = "Emails sent while the account has no smtp "
        + "integration and SMS sent while it has no twilio one; newest first, with headers, text and HTML.")
    Page<DevMessage> list(Caller caller, @RequestParam(required = false) Integer limit,
        @RequestParam(required = false) String cursor) {
        return mailbox.list(caller.accountId(), OWNER, PageRequest.of(limit, cursor, "msg"));
    }

    record Cleared(int deleted) {}

    @DeleteMapping
    @Operation(summary = "Empty the dev mailbox")
    Cleared clear(Caller caller) {
        return new Cleared(mailbox.clear(caller.accountId(), OWNER));
    }
}
