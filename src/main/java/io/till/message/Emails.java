package io.till.message;

import io.till.account.Accounts;
import io.till.account.Branding;
import io.till.account.Brandings;
import io.till.egress.EgressGuard;
import io.till.egress.HostSlots;
import io.till.integration.Integrations;
import io.till.integration.SmtpSettings;
import io.till.shared.EmailAddresses;
import io.till.shared.RealTime;
import io.till.shared.web.PublicAddress;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Branded emails on an account's behalf, through its SMTP integration or into the dev mailbox while it has none, sent
 * once per idempotency key (see {@link MessageSends} for the one case that may resend). Each carries a Message-ID
 * derived from its key, so a resend after a crash is recognisably the same email.
 */
@Component
public class Emails {

    private static final Logger log = LoggerFactory.getLogger(Emails.class);

    static final String DEV_FROM = "no-reply@till.invalid";
    static final String IDEMPOTENCY_HEADER = "X-Till-Idempotency-Key";

    private final Integrations integrations;
    private final Brandings brandings;
    private final Accounts accounts;
    private final DevMailbox mailbox;
    private final MessageSends sends;
    private final EgressGuard guard;
    private final HostSlots hostSlots;
    private final PublicAddress publicAddress;
    /** An email's Date: what mail servers and spam filters read, never a sandbox's advanced clock. */
    private final Clock realTime;
    private final TransactionTemplate transaction;

    Emails(Integrations integrations, Brandings brandings, Accounts accounts, DevMailbox mailbox, MessageSends sends,
        EgressGuard guard, HostSlots hostSlots, PublicAddress publicAddress, @RealTime Clock realTime,
        TransactionTemplate transaction) {
        this.transaction = transaction;
        this.hostSlots = hostSlots;
        this.publicAddress = publicAddress;
        this.realTime = realTime;
        this.integrations = integrations;
        this.brandings = brandings;
        this.accounts = accounts;
        this.mailbox = mailbox;
        this.sends = sends;
        this.guard = guard;
    }

    /** A file sent along, such as a receipt's PDF. */
    public record Attachment(String filename, String contentType, byte[] content) {}

    /**
     * What to send. {@code html} is placed in the branded layout as given (escape what you put in it); with only
     * {@code text}, the HTML part is made from it, and the other way round. {@code replyTo} null means the support
     * email. {@code forOwnersOnly}: it carries a credential to staff rights (an invitation), so that in the dev mailbox
     * only an owner may read it.
     */
    public record Outgoing(InternetAddress to, InternetAddress replyTo, String subject, String text, String html,
        Attachment attachment, boolean forOwnersOnly) {

        public Outgoing(InternetAddress to, InternetAddress replyTo, String subject, String text, String html,
            Attachment attachment) {
            this(to, replyTo, subject, text, html, attachment, false);
        }
    }

    /** An email ready to go, either way. */
    private record Email(InternetAddress from, InternetAddress to, InternetAddress replyTo, String subject,
        String text, String html, Attachment attachment, String messageId, String idempotencyKey, Date sentAt) {}

    /**
     * Sends the email unless one was already sent under {@code idempotencyKey}; answers what was sent ({@code
     * message_id}, {@code to}, {@code via}, and {@code dev_message_id} in the dev mailbox).
     *
     * @throws AddressException when the SMTP integration's sender address is not valid
     * @throws MessagingException when the SMTP server refuses or cannot be reached, or when this node already has
     *     {@link io.till.egress.EgressClient#MAX_CALLS_PER_HOST} sends open to it (a {@link HostSlots.Busy} cause:
     *     nothing was handed over, and the key stays free to send under later)
     */
    public JsonNode send(String accountId, String idempotencyKey, Outgoing outgoing)
        throws MessagingException, UnsupportedEncodingException {
        var reserved = sends.reserve(accountId, idempotencyKey, "email");
        if (reserved.sent().isPresent()) {
            return reserved.sent().get();
        }
        Branding branding = brandings.get(accountId);
        Optional<SmtpSettings> smtp = integrations.smtp(accountId);
        Email email = compose(accountId, idempotencyKey, branding, outgoing,
            smtp.map(SmtpSettings::fromEmail).orElse(DEV_FROM));
        ObjectNode output = JsonNodeFactory.instance.objectNode()
            .put("message_id", email.messageId())
            .put("to", email.to().getAddress())
            .put("via", smtp.isPresent() ? "smtp" : "dev_mailbox");
        if (smtp.isPresent()) {
            if (reserved.inDoubt()) {
                // An earlier attempt handed it over and lost the answer: the server may have delivered it. The same
                // Message-ID lets mail clients fold a second copy away.
                output.put("may_have_been_sent_twice", true);
            }
            try (var slot = slot(smtp.get())) {
                sends.handingOver(accountId, idempotencyKey);
                try {
                    send(smtp.get(), email);
                } catch (MessagingException | org.springframework.mail.MailException failure) {
                    // Not when an earlier attempt is in doubt: its message may have arrived whatever this one got.
                    if (SmtpFailures.nothingDelivered(failure) && !reserved.inDoubt()) {
                        sends.notDelivered(accountId, idempotencyKey);
                    }
                    throw failure;
                }
            }
        } else {
            // Delivered and marked sent in one transaction: a crash between the two leaves neither, and the retry
            // delivers it once.
            transaction.executeWithoutResult(status -> {
                output.put("dev_message_id", mailbox.deliver(accountId, "email", email.to().toUnicodeString(), email
                    .from().toUnicodeString(), email.subject(), email.text(), email.html(), headers(email),
                    outgoing.forOwnersOnly()));
                sends.markSent(accountId, idempotencyKey, output);
            });
            return output;
        }
        sends.markSent(accountId, idempotencyKey, output);
        return output;
    }

    /**
     * Promises an email under {@code idempotencyKey} inside the caller's transaction, before anything is sent: the
     * promise commits with the change that calls for the email, and {@link #unsent} finds it until it is sent.
     */
    public void promise(String accountId, String idempotencyKey) {
        sends.reserve(accountId, idempotencyKey, "email");
    }

    /**
     * Takes the email promised under {@code idempotencyKey} to send it now: false when a sweep ({@link #unsent}) took
     * it since, less than {@code before} ago, or it was sent. Only the one who took it sends it.
     */
    public boolean claim(String accountId, String idempotencyKey, Instant before) {
        return sends.claimPromised(accountId, idempotencyKey, before);
    }

    /**
     * Settles the email promised under {@code idempotencyKey} without sending it, saying {@code why}: one that can
     * never be delivered (an erased buyer's address) is not tried again for days.
     */
    public void drop(String accountId, String idempotencyKey, String why) {
        sends.markSent(accountId, idempotencyKey, JsonNodeFactory.instance.objectNode().put("via", "none")
            .put("skipped", why));
    }

    /**
     * Why the SMTP server refused a message for good, when it did so for the message itself (a 5xx for its recipient or
     * its content, an address that is not one): sending it again cannot pass. Empty when it may (a 4xx, an outage) or
     * when the account's own SMTP settings are at fault (credentials, STARTTLS, a refused host), which the seller can
     * fix. The reason gives the reply code, never the server's words.
     */
    public static Optional<String> refusedForGood(Exception failure) {
        var failed = SmtpFailures.classify(failure);
        boolean theMessage = failed.code().equals("invalid_address") || failed.code().equals("smtp_rejected");
        return !failed.retryable() && theMessage ? Optional.of(failed.message()) : Optional.empty();
    }

    /** An email promised under a key and not sent yet. */
    public record Promised(String accountId, String idempotencyKey) {}

    /**
     * Up to {@code limit} promised emails whose keys start with {@code prefix} and that nobody tried since
     * {@code before} (a crash, an SMTP outage); each is marked tried now.
     */
    public java.util.List<Promised> unsent(String prefix, Instant before, int limit) {
        return sends.claimUnsent(prefix, before, limit)
            .stream()
            .map(unsent -> new Promised(unsent.accountId(), unsent.key()))
            .toList();
    }

    /**
     * The HTML part an email with this plain {@code text} body gets under {@code branding}, framed exactly as a sent
     * one: the dashboard's branding page previews it while the seller types.
     */
    public static String previewHtml(Branding branding, String companyName, String text, String baseUrl) {
        return EmailLayout.html(branding, companyName, EmailLayout.textToHtml(text, branding, baseUrl));
    }

    private Email compose(String accountId, String key, Branding branding, Outgoing outgoing,
        String fromEmail) throws AddressException, UnsupportedEncodingException {
        String accountName = accounts.get(accountId).name();
        String company = branding.companyNameOr(accountName);
        var from = new InternetAddress(fromEmail, branding.senderNameOr(accountName), "UTF-8");
        from.validate();
        InternetAddress replyTo = outgoing.replyTo();
        if (replyTo == null && branding.supportEmail() != null && EmailAddresses.isPlain(branding.supportEmail())) {
            // One saved before addresses were checked as mail libraries read them is left off, not every email with it.
            replyTo = new InternetAddress(branding.supportEmail());
        }
        String body = outgoing.text() != null ? outgoing.text() : EmailLayout.htmlToText(outgoing.html());
        String html = outgoing.html() != null
            ? outgoing.html()
            : EmailLayout.textToHtml(outgoing.text(), branding,
                publicAddress.baseUrl());
        String subject = outgoing.subject().replaceAll("[\\r\\n]+", " ").strip();
        return new Email(from, outgoing.to(), replyTo, subject, EmailLayout.text(branding, company, body),
            EmailLayout.html(branding, company, html), outgoing.attachment(), messageId(accountId, key, fromEmail),
            key, Date.from(realTime.instant()));
    }

    /** Room for one more send to the server, held until it ends; taken before anything is marked handed over. */
    private HostSlots.Slot slot(SmtpSettings smtp) throws MessagingException {
        try {
            return hostSlots.take(smtp.host(), smtp.port());
        } catch (HostSlots.Busy busy) {
            throw new MessagingException(busy.getMessage(), busy);
        }
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
        if (email.attachment() == null) {
            mime.setContent(alternative);
        } else {
            var both = new MimeBodyPart();
            both.setContent(alternative);
            var file = new MimeBodyPart();
            file.setDataHandler(new DataHandler(new ByteArrayDataSource(email.attachment().content(),
                email.attachment().contentType())));
            file.setFileName(email.attachment().filename());
            file.setDisposition(MimeBodyPart.ATTACHMENT);
            var mixed = new MimeMultipart("mixed");
            mixed.addBodyPart(both);
            mixed.addBodyPart(file);
            mime.setContent(mixed);
        }
        // JavaMailSenderImpl keeps a Message-ID set before sending instead of generating one.
        mime.setHeader("Message-ID", email.messageId());
        mime.setHeader(IDEMPOTENCY_HEADER, email.idempotencyKey());
        try {
            sender.send(mime);
        } catch (org.springframework.mail.MailSendException e) {
            if (!e.getFailedMessages().isEmpty()) {
                throw e;
            }
            // No message failed: the server took it, and only closing the connection after it broke (a goodbye
            // unanswered, a reset). Sent: reported as failed, its retry would send it again.
            log.warn("Email {} sent; closing the connection to the SMTP server after it failed: {}", email.messageId(),
                e.getMostSpecificCause().getMessage());
        }
    }

    private static ObjectNode headers(Email email) {
        var headers = JsonNodeFactory.instance.objectNode()
            .put("From", email.from().toUnicodeString())
            .put("To", email.to().toUnicodeString());
        if (email.replyTo() != null) {
            headers.put("Reply-To", email.replyTo().toUnicodeString());
        }
        headers.put("Subject", email.subject())
            .put("Message-ID", email.messageId())
            .put(IDEMPOTENCY_HEADER, email.idempotencyKey())
            .put("Content-Type", email.attachment() == null ? "multipart/alternative" : "multipart/mixed");
        if (email.attachment() != null) {
            // The dev mailbox keeps no files; it names the one a real send would carry.
            headers.put("X-Till-Attachment", email.attachment().filename());
        }
        return headers;
    }

    /** The same for every attempt under one key, so that a resend after a crash is recognisably the same email. */
    static String messageId(String accountId, String key, String fromEmail) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((accountId + "/" + key).getBytes(
                StandardCharsets.UTF_8));
            String domain = fromEmail.substring(fromEmail.lastIndexOf('@') + 1);
            return "<" + HexFormat.of().formatHex(digest, 0, 16) + "@" + domain + ">";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
