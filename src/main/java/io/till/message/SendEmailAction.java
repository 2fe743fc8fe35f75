package io.till.message;

import io.till.account.Accounts;
import io.till.account.Branding;
import io.till.account.Brandings;
import io.till.action.Action;
import io.till.action.ActionCall;
import io.till.action.ActionResult;
import io.till.action.ActionSchema;
import io.till.action.ActionSchema.Param;
import io.till.action.ActionSchema.Type;
import io.till.egress.EgressGuard;
import io.till.integration.Integrations;
import io.till.integration.SmtpSettings;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.mail.MailException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code send_email}: a branded email through the account's SMTP integration, or into the dev mailbox while it has
 * none. Each email carries a Message-ID derived from the step's idempotency key, and a step whose key was already sent
 * answers what it sent instead of sending again (see {@link MessageSends} for the one case that may resend).
 */
@Component
public class SendEmailAction implements Action {

    public static final ActionSchema SCHEMA = ActionSchema.of("send_email",
        "Sends an email, branded, through the account's SMTP integration (the dev mailbox without one)",
        Param.required("to", Type.STRING, "the recipient's email address"),
        Param.required("subject", Type.STRING, "the subject"),
        Param.optional("text", Type.STRING, "the plain-text body; text or html is required"),
        Param.optional("html", Type.STRING, "the HTML body, placed in the branded layout; text or html is required"),
        Param.optional("reply_to", Type.STRING, "where replies go; the support email by default"));

    static final String DEV_FROM = "no-reply@till.invalid";
    static final String IDEMPOTENCY_HEADER = "X-Till-Idempotency-Key";

    private final Integrations integrations;
    private final Brandings brandings;
    private final Accounts accounts;
    private final DevMailbox mailbox;
    private final MessageSends sends;
    private final EgressGuard guard;

    SendEmailAction(Integrations integrations, Brandings brandings, Accounts accounts, DevMailbox mailbox,
        MessageSends sends, EgressGuard guard) {
        this.guard = guard;
        this.integrations = integrations;
        this.brandings = brandings;
        this.accounts = accounts;
        this.mailbox = mailbox;
        this.sends = sends;
    }

    @Override
    public ActionSchema schema() {
        return SCHEMA;
    }

    /** An email ready to go, either way. */
    record Email(InternetAddress from, InternetAddress to, InternetAddress replyTo, String subject, String text,
        String html, String messageId, String idempotencyKey, Date sentAt) {}

    @Override
    public ActionResult perform(ActionCall call) {
        var params = call.params();
        if (text(params, "text") == null && text(params, "html") == null) {
            return ActionResult.Failed.permanent("invalid_params", "params.text: give text or html");
        }
        InternetAddress to;
        InternetAddress replyTo;
        Branding branding = brandings.get(call.accountId());
        try {
            to = address(params.get("to").asString(), "params.to");
            String reply = Optional.ofNullable(text(params, "reply_to")).orElse(branding.supportEmail());
            replyTo = reply == null ? null : address(reply, "params.reply_to");
        } catch (AddressException e) {
            return ActionResult.Failed.permanent("invalid_address", e.getMessage());
        }
        Optional<JsonNode> sent = sends.reserve(call.accountId(), call.idempotencyKey(), "email");
        if (sent.isPresent()) {
            return new ActionResult.Done(sent.get());
        }
        Optional<SmtpSettings> smtp = integrations.smtp(call.accountId());
        Email email;
        try {
            email = compose(call, branding, to, replyTo, smtp.map(SmtpSettings::fromEmail).orElse(DEV_FROM));
        } catch (AddressException | UnsupportedEncodingException e) {
            return ActionResult.Failed.permanent("invalid_address", "the sender address is not valid: " + e
                .getMessage());
        }
        ObjectNode output = JsonNodeFactory.instance.objectNode()
            .put("message_id", email.messageId())
            .put("to", to.getAddress())
            .put("via", smtp.isPresent() ? "smtp" : "dev_mailbox");
        if (smtp.isPresent()) {
            try {
                send(smtp.get(), email);
            } catch (MailException | MessagingException e) {
                return SmtpFailures.classify(e);
            }
        } else {
            output.put("dev_message_id", mailbox.deliver(call.accountId(), "email", to.toUnicodeString(), email
                .from().toUnicodeString(), email.subject(), email.text(), email.html(), headers(email)));
        }
        sends.markSent(call.accountId(), call.idempotencyKey(), output);
        return new ActionResult.Done(output);
    }

    @Override
    public ActionResult preview(ActionCall call) {
        return new ActionResult.Done(call.params().deepCopy().put("via", integrations.smtp(call.accountId())
            .isPresent() ? "smtp" : "dev_mailbox").put("dry_run", true));
    }

    private Email compose(ActionCall call, Branding branding, InternetAddress to, InternetAddress replyTo,
        String fromEmail) throws AddressException, UnsupportedEncodingException {
        String accountName = accounts.get(call.accountId()).name();
        String company = branding.companyNameOr(accountName);
        var from = new InternetAddress(fromEmail, branding.senderNameOr(accountName), "UTF-8");
        from.validate();
        String html = text(call.params(), "html");
        String text = text(call.params(), "text");
        String body = text != null ? text : EmailLayout.htmlToText(html);
        String subject = call.params().get("subject").asString().replaceAll("[\\r\\n]+", " ").strip();
        return new Email(from, to, replyTo, subject, EmailLayout.text(branding, company, body), EmailLayout.html(
            branding, company, html != null ? html : EmailLayout.textToHtml(text, branding)),
            messageId(call, fromEmail),
            call.idempotencyKey(), Date.from(call.now()));
    }

    private void send(SmtpSettings smtp, Email email) throws MessagingException {
        var sender = smtp.sender(guard);
        MimeMessage mime = sender.createMimeMessage();
        mime.setFrom(email.from());
        mime.setRecipient(Message.RecipientType.TO, email.to());
        if (email.replyTo() != null) {
            mime.setReplyTo(new InternetAddress[]{email.replyTo()});
        }
        mime.setSubject(email.subject(), "UTF-8");
        mime.setSentDate(email.sentAt());
        var alternative = new MimeMultipart("alternative");
        var text = new MimeBodyPart();
        text.setText(email.text(), "UTF-8", "plain");
        var html = new MimeBodyPart();
        html.setText(email.html(), "UTF-8", "html");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        mime.setContent(alternative);
        // JavaMailSenderImpl keeps a Message-ID set before sending instead of generating one.
        mime.setHeader("Message-ID", email.messageId());
        mime.setHeader(IDEMPOTENCY_HEADER, email.idempotencyKey());
        sender.send(mime);
    }

    private static ObjectNode headers(Email email) {
        var headers = JsonNodeFactory.instance.objectNode()
            .put("From", email.from().toUnicodeString())
            .put("To", email.to().toUnicodeString());
        if (email.replyTo() != null) {
            headers.put("Reply-To", email.replyTo().toUnicodeString());
        }
        return headers.put("Subject", email.subject())
            .put("Message-ID", email.messageId())
            .put(IDEMPOTENCY_HEADER, email.idempotencyKey())
            .put("Content-Type", "multipart/alternative");
    }

    /** The same for every attempt of the step, so that a resend after a crash is recognisably the same email. */
    static String messageId(ActionCall call, String fromEmail) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((call.accountId() + "/" + call
                .idempotencyKey()).getBytes(StandardCharsets.UTF_8));
            String domain = fromEmail.substring(fromEmail.lastIndexOf('@') + 1);
            return "<" + HexFormat.of().formatHex(digest, 0, 16) + "@" + domain + ">";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** One plain address, {@code ada@example.com}; a list or a display name is refused. */
    private static InternetAddress address(String value, String field) throws AddressException {
        String trimmed = value.strip();
        InternetAddress address;
        try {
            address = new InternetAddress(trimmed, true);
        } catch (AddressException e) {
            throw new AddressException(field + ": '" + trimmed + "' is not an email address");
        }
        if (!trimmed.equals(address.getAddress()) || !trimmed.contains("@")) {
            throw new AddressException(field + ": '" + trimmed + "' is not one plain email address");
        }
        return address;
    }

    private static String text(JsonNode params, String field) {
        JsonNode value = params.get(field);
        return value == null || value.isNull() || value.asString().isBlank() ? null : value.asString();
    }
}
