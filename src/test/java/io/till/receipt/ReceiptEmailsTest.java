package io.till.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.till.message.Emails;
import io.till.testing.Api;
import io.till.testing.Await;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import jakarta.mail.BodyPart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Receipt emails through a real SMTP server (GreenMail): when the portal settings ask, once per payment. */
@TillIntegrationTest
class ReceiptEmailsTest {

    static final String PASSWORD = "smtp-pass-r3c31pt";

    @RegisterExtension
    static GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
        .withConfiguration(GreenMailConfiguration.aConfig().withUser("shop@shop.test", "till", PASSWORD));

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    ReceiptEmails receiptEmails;
    @Autowired
    Emails emails;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient db;
    @Autowired
    TransactionTemplate transaction;

    Shops.Shop shop(String receiptEmailsJson) {
        var shop = shops.open();
        var smtp = api.post("/api/v1/integrations", shop.apiKey(), """
            {"type": "smtp", "config": {"host": "127.0.0.1", "port": %d, "username": "till", "password": "%s",
             "starttls": false, "from_email": "shop@shop.test"}}""".formatted(mail.getSmtp().getPort(), PASSWORD));
        assertThat(smtp.status()).as(smtp.text()).isIn(200, 201);
        var branding = api.send("PUT", "/api/v1/account/branding", shop.apiKey(), """
            {"company_name": "Ada's Atelier", "support_email": "help@atelier.test"}""", List.of("Content-Type",
            "application/json"));
        assertThat(branding.status()).as(branding.text()).isEqualTo(200);
        var settings = api.send("PUT", "/api/v1/portal_settings", shop.apiKey(), """
            {"receipt_emails": %s, "footer": "Your receipts live at https://atelier.test/portal."}"""
            .formatted(receiptEmailsJson), List.of("Content-Type", "application/json"));
        assertThat(settings.status()).as(settings.text()).isEqualTo(200);
        return shop;
    }

    List<String> receiptKeys(Shops.Shop shop) {
        return db.sql("""
            SELECT idempotency_key FROM message_sends
             WHERE account_id = :accountId AND idempotency_key LIKE 'receipt:%' ORDER BY created_at""")
            .param("accountId", shop.accountId())
            .query(String.class)
            .list();
    }

    private void awaitSent(Shops.Shop shop, String key) {
        Await.until(key + " marked sent", () -> sent(shop, key));
    }

    private boolean sent(Shops.Shop shop, String key) {
        return db.sql("""
            SELECT EXISTS (SELECT 1 FROM message_sends
                            WHERE account_id = :accountId AND idempotency_key = :key AND status = 'sent')""")
            .param("accountId", shop.accountId())
            .param("key", key)
            .query(Boolean.class)
            .single();
    }

    static String pdfText(MimeMessage email) throws Exception {
        var parts = (MimeMultipart) email.getContent();
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
                assertThat(part.getContentType()).startsWith("application/pdf");
                return ReceiptPdfs.text(part.getInputStream().readAllBytes());
            }
        }
        throw new AssertionError("no attachment");
    }

    static String htmlPart(MimeMessage email) throws Exception {
        var mixed = (MimeMultipart) email.getContent();
        var alternative = (MimeMultipart) mixed.getBodyPart(0).getContent();
        return (String) alternative.getBodyPart(1).getContent();
    }

    static java.util.List<String> pdfLinks(MimeMessage email) throws Exception {
        var parts = (MimeMultipart) email.getContent();
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
                return ReceiptPdfs.links(part.getInputStream().readAllBytes());
            }
        }
        throw new AssertionError("no attachment");
    }

    static String textPart(MimeMessage email) throws Exception {
        var mixed = (MimeMultipart) email.getContent();
        var alternative = (MimeMultipart) mixed.getBodyPart(0).getContent();
        return (String) alternative.getBodyPart(0).getContent();
    }

    /**
     * A receipt promised to a buyer erased before it went out is settled without sending: their address is at the
     * reserved .invalid domain, which never receives mail, and the sweep tried it for three days.
     */
    @Test
    void aReceiptPromisedToABuyerErasedSinceIsSettledWithoutSending() throws Exception {
        var shop = shop("{\"initial_order\": true}");
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "erased@example.com");
        String paymentId = order.get("payment_id").asString();
        awaitSent(shop, "receipt:" + paymentId);
        assertThat(api.post("/api/v1/subscriptions/" + order.get("subscription_id").asString() + "/cancel",
            shop.apiKey(), null).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/customers/" + order.get("customer_id").asString() + "/redact", shop.apiKey(),
            null).status()).isEqualTo(200);
        // As if promised again and never sent (a crash before the send): the sweep finds it.
        db.sql(
            "UPDATE message_sends SET status = 'sending', output = NULL WHERE account_id = :a AND idempotency_key = :k")
            .param("a", shop.accountId())
            .param("k", "receipt:" + paymentId)
            .update();
        int before = mail.getReceivedMessages().length;

        receiptEmails.send(shop.accountId(), paymentId);

        assertThat(mail.getReceivedMessages()).hasSize(before);
        assertThat(db.sql("SELECT status || ' ' || (output ->> 'skipped') FROM message_sends WHERE account_id = :a "
            + "AND idempotency_key = :k")
            .param("a", shop.accountId())
            .param("k", "receipt:" + paymentId)
            .query(String.class)
            .single()).isEqualTo("sent the buyer's personal data was erased");
    }

    @Test
    void theInitialOrdersReceiptIsEmailedOnceWithItsPdf() throws Exception {
        var shop = shop("{\"initial_order\": true}");

        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "grace@example.com");

        assertThat(mail.waitForIncomingEmail(10_000, 1)).as("the receipt email arrived").isTrue();
        MimeMessage email = mail.getReceivedMessages()[0];
        assertThat(email.getSubject()).isEqualTo("Your receipt from Ada's Atelier");
        assertThat(email.getAllRecipients()[0].toString()).isEqualTo("grace@example.com");
        assertThat(email.getContentType()).startsWith("multipart/mixed");
        assertThat(textPart(email)).contains("$19.00", "Visa •••• 4242",
            "Your receipts live at https://atelier.test/portal.");
        assertThat(pdfText(email)).contains("Ada's Atelier", order.get("payment_id").asString(), "Membership",
            "$19.00", "4242", "Your receipts live at https://atelier.test/portal.");
        // The footer's address is a link, in the email and in its PDF; the full stop after it is not part of it.
        assertThat(htmlPart(email))
            .containsPattern("<a\\s+href=\"https://atelier.test/portal\"[^>]*>https://atelier.test/portal</a>\\.");
        assertThat(pdfLinks(email)).containsExactly("https://atelier.test/portal");

        // Sending again, by hand or by the sweep, finds the key sent and sends nothing. (The server that received the
        // mail counts it before the sender has marked it sent.)
        awaitSent(shop, "receipt:" + order.get("payment_id").asString());
        receiptEmails.send(shop.accountId(), order.get("payment_id").asString());
        clock.passRealTime(ReceiptEmails.FORGOTTEN_AFTER.plusMinutes(1));
        receiptEmails.sendForgotten();
        assertThat(mail.getReceivedMessages()).hasSize(1);
        assertThat(receiptKeys(shop)).containsExactly("receipt:" + order.get("payment_id").asString());
    }

    /** An order with a billing address: the receipt email says whom it billed, line by line, in both its parts. */
    @Test
    void theReceiptEmailOfAnOrderWithABillingAddressShowsItUnderBilledTo() throws Exception {
        var shop = shop("{\"initial_order\": true}");
        var order = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Grace Hopper", "email": "grace@example.com"}, "token": "pm_card_visa",
             "option_id": "%s", "billing_address": {"name": "Hopper Compilers Ltd", "line1": "221B Baker Street",
             "line2": "Floor 2", "city": "London", "postal_code": "NW1 6XE", "country": "GB"}}"""
            .formatted(shop.monthly()));
        assertThat(order.status()).as(order.text()).isEqualTo(201);

        assertThat(mail.waitForIncomingEmail(10_000, 1)).as("the receipt email arrived").isTrue();
        MimeMessage email = mail.getReceivedMessages()[0];
        // Lines end in CRLF on the wire.
        assertThat(textPart(email).replace("\r\n", "\n")).contains("""

            Billed to
            Grace Hopper
            Hopper Compilers Ltd
            221B Baker Street
            Floor 2
            London, NW1 6XE
            United Kingdom
            """);
        assertThat(htmlPart(email)).containsPattern("Billed to</span>\\s*<br><span>Grace Hopper</span><br><span>"
            + "Hopper Compilers Ltd</span><br><span>221B Baker Street</span><br><span>Floor 2</span><br><span>"
            + "London, NW1 6XE</span><br><span>United Kingdom</span></p>");
    }

    /**
     * A receipt sent after a refund (the sweep, once the seller's mail server is back) says so in both its parts: the
     * HTML a buyer reads showed the charge alone, the text part the refund too.
     */
    @Test
    void bothPartsOfAReceiptEmailSayWhenItWasPaidWithWhatAndWhatWasRefunded() throws Exception {
        var shop = shop("{}");
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "grace@example.com");
        String payment = order.get("payment_id").asString();
        var refund = api.post("/api/v1/refunds", shop.apiKey(), """
            {"payment_id": "%s", "amount": 500}""".formatted(payment));
        assertThat(refund.status()).as(refund.text()).isBetween(200, 201);

        receiptEmails.send(shop.accountId(), payment);

        assertThat(mail.waitForIncomingEmail(10_000, 1)).as("the receipt email arrived").isTrue();
        MimeMessage email = mail.getReceivedMessages()[0];
        String text = textPart(email);
        String html = htmlPart(email);
        for (String part : List.of(text, html)) {
            assertThat(part).contains("Paid on ", "Visa •••• 4242 on ", "Refunded $5.00 on ");
        }
    }

    @Test
    void onlyThePaymentsTheSettingsAskForGetAReceipt() throws Exception {
        var shop = shop("{\"subscription_renewals\": true}");
        var subscription = shops.buy(shop, shop.monthly(), "pm_card_visa", "sub@example.com");
        shops.buy(shop, shop.plan(), "pm_card_visa", "plan@example.com");

        shops.advance(shop, "P32D");

        assertThat(mail.waitForIncomingEmail(10_000, 1)).as("the renewal's receipt arrived").isTrue();
        // One sender sends in commit order: had the purchases promised an email, it would have come first.
        var received = mail.getReceivedMessages();
        assertThat(Arrays.stream(received).map(ReceiptEmailsTest::recipient).toList()).containsExactly(
            "sub@example.com");
        assertThat(pdfText(received[0])).contains("Payment receipt", "Membership", "Monthly");
        var keys = receiptKeys(shop);
        assertThat(keys).hasSize(1);
        assertThat(keys.get(0)).isNotEqualTo("receipt:" + subscription.get("payment_id").asString());
    }

    /** A reviewer's: a renewal the buyer's credit paid in full took no payment, and so got no receipt at all. */
    @Test
    void aRenewalTheBuyersCreditPaidGetsAReceiptSayingSo() throws Exception {
        var shop = shop("{\"subscription_renewals\": true}");
        var subscription = shops.buy(shop, shop.monthly(), "pm_card_visa", "sub@example.com");
        var credit = api.post("/api/v1/customers/" + subscription.get("customer_id").asString() + "/credits",
            shop.apiKey(), "{\"amount\": 5000, \"currency\": \"usd\", \"reason\": \"Goodwill\"}");
        assertThat(credit.status()).as(credit.text()).isEqualTo(201);

        shops.advance(shop, "P32D");

        assertThat(mail.waitForIncomingEmail(10_000, 1)).as("the renewal's receipt arrived").isTrue();
        var received = mail.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertThat(received[0].getSubject()).isEqualTo("Your receipt from Ada's Atelier");
        assertThat(pdfText(received[0])).contains("Receipt", "Membership — Monthly", "Credit applied",
            "Paid with", "Your account credit").doesNotContain("Payment receipt");
        assertThat(textPart(received[0])).contains("Receipt for $19.00 paid with your credit on",
            "Paid with your account credit: no card was charged", "Invoice reference inv_");
        var keys = receiptKeys(shop);
        assertThat(keys).hasSize(1);
        assertThat(keys.get(0)).startsWith("receipt:inv_");
        awaitSent(shop, keys.get(0));
    }

    @Test
    void aPlansInstallmentGetsAReceiptWhenTheSettingsAskForInstallments() throws Exception {
        var shop = shop("{\"plan_installments\": true}");
        var plan = shops.buy(shop, shop.plan(), "pm_card_visa", "plan@example.com");
        shops.buy(shop, shop.monthly(), "pm_card_visa", "sub@example.com");

        shops.advance(shop, "P32D");

        assertThat(mail.waitForIncomingEmail(10_000, 1)).as("the second installment's receipt arrived").isTrue();
        // Neither purchase (an initial order) nor the subscription's renewal asked for one; one sender sends in commit
        // order, so had they promised an email it would be here by now.
        var received = mail.getReceivedMessages();
        assertThat(Arrays.stream(received).map(ReceiptEmailsTest::recipient).toList()).containsExactly(
            "plan@example.com");
        assertThat(received[0].getSubject()).isEqualTo("Your receipt from Ada's Atelier");
        assertThat(pdfText(received[0])).contains("Payment receipt", "Membership — 3 payments",
            "Payment plan installment", "Visa •••• 4242", "Your receipts live at https://atelier.test/portal.");
        assertThat(textPart(received[0])).contains("Membership — 3 payments (Payment plan installment)", "$100.00");
        var keys = receiptKeys(shop);
        assertThat(keys).hasSize(1);
        assertThat(keys.get(0)).isNotEqualTo("receipt:" + plan.get("payment_id").asString());
        awaitSent(shop, keys.get(0));
    }

    /**
     * The send a payment's commit queued and the sweep never both send one receipt: the sweep took promises whose
     * queued send had not started yet (a queue of renewals' receipts two minutes long), and both sent them.
     */
    @Test
    void aPromisedReceiptIsSentByTheQueuedSendOrByTheSweepNeverBoth() throws Exception {
        var shop = shop("{\"plan_installments\": true}");
        String swept = "pay_swept_" + java.util.UUID.randomUUID();
        String queued = "pay_queued_" + java.util.UUID.randomUUID();
        transaction.executeWithoutResult(status -> {
            emails.promise(shop.accountId(), "receipt:" + swept);
            emails.promise(shop.accountId(), "receipt:" + queued);
        });
        clock.passRealTime(ReceiptEmails.FORGOTTEN_AFTER.plusSeconds(1));

        // The sweep takes both promises; the queued send of one comes after and sends nothing.
        var found = emails.unsent("receipt:", clock.realTime().instant().minus(ReceiptEmails.FORGOTTEN_AFTER), 50);
        assertThat(found).extracting(Emails.Promised::idempotencyKey).contains("receipt:" + swept,
            "receipt:" + queued);
        assertThat(emails.claim(shop.accountId(), "receipt:" + queued, clock.realTime().instant().minus(
            ReceiptEmails.FORGOTTEN_AFTER))).as("taken by the sweep").isFalse();

        // A queued send that takes its promise first keeps the sweep away from it.
        String first = "pay_first_" + java.util.UUID.randomUUID();
        transaction.executeWithoutResult(status -> emails.promise(shop.accountId(), "receipt:" + first));
        assertThat(emails.claim(shop.accountId(), "receipt:" + first, clock.realTime().instant().minus(
            ReceiptEmails.FORGOTTEN_AFTER))).isTrue();
        clock.passRealTime(java.time.Duration.ofMinutes(1));
        assertThat(emails.unsent("receipt:", clock.realTime().instant().minus(ReceiptEmails.FORGOTTEN_AFTER), 50))
            .extracting(Emails.Promised::idempotencyKey).doesNotContain("receipt:" + first);
    }

    /**
     * The scheduled sweep sends what it finds. (It runs on a thread of its own rather than the scheduler's, which also
     * runs billing's clock for every account: a seller's slow mail server held that thread through every send of a
     * sweep; a hostile one is held to the egress deadline, HostileSmtpTest.)
     */
    @Test
    void theScheduledSweepSendsWhatWasPromisedAndNeverSent() throws Exception {
        var shop = shop("{\"plan_installments\": true}");
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "swept@example.com");
        String payment = order.get("payment_id").asString();
        transaction.executeWithoutResult(status -> emails.promise(shop.accountId(), "receipt:" + payment));
        clock.passRealTime(ReceiptEmails.FORGOTTEN_AFTER.plusSeconds(1));

        // Asked again while waiting: the context's own scheduled sweep may be under way, and then this one starts none.
        Await.until("the sweep sent it", () -> {
            receiptEmails.sweep();
            return sent(shop, "receipt:" + payment);
        });
        assertThat(mail.getReceivedMessages()).hasSize(1);
        assertThat(recipient(mail.getReceivedMessages()[0])).isEqualTo("swept@example.com");
    }

    @Test
    void aReceiptPromisedButNeverSentIsSentByTheSweep() throws Exception {
        var shop = shop("{\"plan_installments\": true}");
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "late@example.com");
        String payment = order.get("payment_id").asString();
        // As a crash right after the payment's commit leaves it: promised, not sent.
        transaction.executeWithoutResult(status -> emails.promise(shop.accountId(), "receipt:" + payment));

        receiptEmails.sendForgotten();
        var tooEarly = new ArrayList<>(List.of(mail.getReceivedMessages()));
        clock.passRealTime(ReceiptEmails.FORGOTTEN_AFTER.plusSeconds(1));
        receiptEmails.sendForgotten();

        assertThat(tooEarly).isEmpty();
        assertThat(mail.getReceivedMessages()).hasSize(1);
        assertThat(recipient(mail.getReceivedMessages()[0])).isEqualTo("late@example.com");
    }

    @Test
    void aReceiptNotSentWithinThreeDaysIsGivenUpRatherThanTriedEveryMinuteForever() throws Exception {
        var shop = shop("{\"plan_installments\": true}");
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "gone@example.com");
        String payment = order.get("payment_id").asString();
        transaction.executeWithoutResult(status -> emails.promise(shop.accountId(), "receipt:" + payment));
        // Promised three days ago and tried every minute since (not by moving the clock: the real time it shares with
        // other tests' child processes must stay the machine's).
        db.sql("""
            UPDATE message_sends SET created_at = created_at - interval '3 days 5 minutes',
                                     updated_at = updated_at - interval '3 minutes'
             WHERE account_id = :accountId AND idempotency_key = :key""")
            .param("accountId", shop.accountId())
            .param("key", "receipt:" + payment)
            .update();

        receiptEmails.sendForgotten();

        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    Shops.Shop shopWithSmtp(int port) {
        var shop = shops.open();
        var smtp = api.post("/api/v1/integrations", shop.apiKey(), """
            {"type": "smtp", "config": {"host": "127.0.0.1", "port": %d, "username": "till", "password": "%s",
             "starttls": false, "from_email": "shop@shop.test"}}""".formatted(port, PASSWORD));
        assertThat(smtp.status()).as(smtp.text()).isIn(200, 201);
        var settings = api.send("PUT", "/api/v1/portal_settings", shop.apiKey(), """
            {"receipt_emails": {"initial_order": true}}""", List.of("Content-Type", "application/json"));
        assertThat(settings.status()).as(settings.text()).isEqualTo(200);
        return shop;
    }

    String sendState(Shops.Shop shop, String key) {
        return db.sql("SELECT status || coalesce(' ' || (output ->> 'skipped'), '') FROM message_sends "
            + "WHERE account_id = :a AND idempotency_key = :k")
            .param("a", shop.accountId())
            .param("k", key)
            .query(String.class)
            .single();
    }

    /**
     * A receipt whose address the buyer's mail server refuses for good (a 5xx for the recipient) is settled, saying
     * so, rather than tried again every two minutes for three days: a server refusing the same address thousands of
     * times is how a sender's mail comes to be treated as spam.
     */
    @Test
    void aReceiptTheServerRefusesForGoodIsSettledNotTriedAgainForDays() throws Exception {
        try (var refusing = new RefusingSmtp("550 5.1.1 no such user here")) {
            var shop = shopWithSmtp(refusing.port());
            var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "nobody@example.com");
            String key = "receipt:" + order.get("payment_id").asString();
            Await.until("the server asked once", () -> refusing.recipientsAsked() == 1);
            Await.until("the receipt settled", () -> sendState(shop, key).startsWith("sent"));

            clock.passRealTime(ReceiptEmails.FORGOTTEN_AFTER.plusMinutes(1));
            receiptEmails.sendForgotten();

            assertThat(sendState(shop, key)).isEqualTo("sent the SMTP server refused nobody@example.com (reply 550)");
            assertThat(refusing.recipientsAsked()).isEqualTo(1);
        }
    }

    /** A refusal for now (a 4xx: the mailbox full, greylisting) leaves the receipt for the sweep to try again. */
    @Test
    void aReceiptTheServerDefersIsTriedAgainByTheSweep() throws Exception {
        try (var deferring = new RefusingSmtp("451 4.7.1 greylisted, try later")) {
            var shop = shopWithSmtp(deferring.port());
            var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "later@example.com");
            String key = "receipt:" + order.get("payment_id").asString();
            Await.until("the server asked once", () -> deferring.recipientsAsked() == 1);

            clock.passRealTime(ReceiptEmails.FORGOTTEN_AFTER.plusMinutes(1));
            receiptEmails.sendForgotten();

            assertThat(deferring.recipientsAsked()).isEqualTo(2);
            assertThat(sendState(shop, key)).isEqualTo("sending");
        }
    }

    static String recipient(MimeMessage email) {
        try {
            return email.getAllRecipients()[0].toString();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

}
