package io.till.message;

import io.till.action.Action;
import io.till.action.ActionCall;
import io.till.action.ActionResult;
import io.till.action.ActionSchema;
import io.till.action.ActionSchema.Param;
import io.till.action.ActionSchema.Type;
import io.till.egress.ConnectionFailure;
import io.till.integration.Integrations;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.UnsupportedEncodingException;
import org.springframework.mail.MailException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * {@code send_email}: a branded email through the account's SMTP integration, or into the dev mailbox while it has
 * none ({@link Emails}). A step whose idempotency key was already sent answers what it sent instead of sending again.
 */
@Component
public class SendEmailAction implements Action {

    public static final ActionSchema SCHEMA = ActionSchema.of("send_email",
        "Sends an email, branded, through the account's SMTP integration (the dev mailbox without one)",
        Param.required("to", Type.STRING, "the recipient's email address"),
        Param.required("subject", Type.STRING, "the subject"),
        Param.optional("text", Type.STRING, "the plain-text body; text or html is required"),
        Param.optional("html", Type.STRING, "the HTML body, placed in the branded layout; text or html is required"),
        Param.optional("reply_to", Type.STRING, "where replies go; the support email by default"),
        MarketingConsent.PARAM)
        .checking(SendEmailAction::check);

    /** A body and plain addresses: checked when saved and again once rendered. */
    static void check(ActionSchema.Values params) {
        if (!params.given("text") && !params.given("html")) {
            params.refuse("text", "invalid_params", "give text or html");
        }
        for (String field : java.util.List.of("to", "reply_to")) {
            String value = params.literal(field);
            if (value != null) {
                try {
                    address(value);
                } catch (AddressException e) {
                    params.refuse(field, "invalid_address", e.getMessage());
                }
            }
        }
    }

    static final String IDEMPOTENCY_HEADER = Emails.IDEMPOTENCY_HEADER;

    private final Emails emails;
    private final Integrations integrations;
    private final MarketingConsent consent;

    SendEmailAction(Emails emails, Integrations integrations, MarketingConsent consent) {
        this.emails = emails;
        this.integrations = integrations;
        this.consent = consent;
    }

    @Override
    public ActionSchema schema() {
        return SCHEMA;
    }

    @Override
    public ActionResult perform(ActionCall call) {
        var refusal = refusal(call);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        var withheld = consent.withheld(call);
        if (withheld.isPresent()) {
            return withheld.get();
        }
        var params = call.params();
        InternetAddress to;
        InternetAddress replyTo;
        try {
            to = address(params.get("to").asString());
            String reply = text(params, "reply_to");
            replyTo = reply == null ? null : address(reply);
        } catch (AddressException e) {
            return ActionResult.Failed.permanent("invalid_address", e.getMessage());
        }
        var outgoing = new Emails.Outgoing(to, replyTo, params.get("subject").asString(), text(params, "text"),
            text(params, "html"), null);
        try {
            return new ActionResult.Done(emails.send(call.accountId(), call.idempotencyKey(), outgoing));
        } catch (AddressException | UnsupportedEncodingException e) {
            return ActionResult.Failed.permanent("invalid_address", "the sender address is not valid: " + e
                .getMessage());
        } catch (MailException | MessagingException e) {
            return SmtpFailures.hostBusy(e)
                ? ActionResult.Deferred.hostBusy("cannot send to the SMTP server now: " + ConnectionFailure.BUSY
                    .sentence())
                : SmtpFailures.classify(e);
        }
    }

    @Override
    public ActionResult preview(ActionCall call) {
        return new ActionResult.Done(call.params().deepCopy().put("via", integrations.smtp(call.accountId())
            .isPresent() ? "smtp" : "dev_mailbox").put("dry_run", true));
    }

    /** One plain address, {@code ada@example.com}; a list or a display name is refused. */
    private static InternetAddress address(String value) throws AddressException {
        String trimmed = value.strip();
        InternetAddress address;
        try {
            address = new InternetAddress(trimmed, true);
        } catch (AddressException e) {
            throw new AddressException("'" + trimmed + "' is not an email address");
        }
        if (!trimmed.equals(address.getAddress()) || !trimmed.contains("@")) {
            throw new AddressException("'" + trimmed + "' is not one plain email address");
        }
        // RFC 2606 reserves .invalid for names that can never resolve: an erased customer's email is one.
        if (trimmed.toLowerCase(java.util.Locale.ROOT).endsWith(".invalid")) {
            throw new AddressException("'" + trimmed + "' can never receive mail (the .invalid domain is reserved; "
                + "an erased customer's email is at it)");
        }
        return address;
    }

    private static String text(JsonNode params, String field) {
        JsonNode value = params.get(field);
        return value == null || value.isNull() || value.asString().isBlank() ? null : value.asString();
    }
}
