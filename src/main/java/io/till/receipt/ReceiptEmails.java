package io.till.receipt;

import io.till.event.Event;
import io.till.event.EventType;
import io.till.message.Emails;
import io.till.receipt.ReceiptPreferences.PaidFor;
import io.till.shared.RealTime;
import jakarta.annotation.PreDestroy;
import jakarta.mail.internet.InternetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;
import tools.jackson.databind.JsonNode;

/**
 * Receipt emails (seed 003 "Customer Notifications", off by default): one per payment that took money, for the
 * initial order, a subscription renewal or a plan installment, as the seller's preferences (the portal settings)
 * ask. The decision is taken
 * while the payment is recorded, in its transaction, by promising an email under the key {@code receipt:<payment>};
 * the email goes out right after the commit, and a sweep sends any promise a crash or an SMTP outage left behind.
 * The key is what makes it one email per payment, however often the sending is tried.
 */
@Component
@EnableScheduling
class ReceiptEmails {

    static final String KEY_PREFIX = "receipt:";
    /** A promise this old was not kept right after its commit; the sweep keeps it. */
    static final Duration FORGOTTEN_AFTER = Duration.ofMinutes(2);

    private static final Logger log = LoggerFactory.getLogger(ReceiptEmails.class);

    private final ReceiptPreferences preferences;
    private final Receipts receipts;
    private final Emails emails;
    private final ITemplateEngine templates;
    private final Clock clock;
    private volatile boolean stopped;
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(Thread.ofVirtual()
        .name("receipt-emails")
        .factory());

    ReceiptEmails(ReceiptPreferences preferences, Receipts receipts, Emails emails, ITemplateEngine templates,
        @RealTime Clock clock) {
        this.preferences = preferences;
        this.receipts = receipts;
        this.emails = emails;
        this.templates = templates;
        this.clock = clock;
    }

    /**
     * Runs inside the transaction that records the payment (see {@code Events#record}), or the invoice the buyer's
     * credit paid in full: that renewal or installment took no payment, and has its receipt too.
     */
    @EventListener
    void recorded(Event event) {
        String paymentId = receiptOf(event);
        if (paymentId == null || !preferences.emailWanted(event.accountId(), paidFor(event.data()))) {
            return;
        }
        String accountId = event.accountId();
        emails.promise(accountId, KEY_PREFIX + paymentId);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    sender.execute(() -> sendPromised(accountId, paymentId));
                }
            });
        }
    }

    /**
     * The id of what {@code event} promises a receipt of: the payment of {@code payment.succeeded}, or the invoice of
     * an {@code invoice.paid} without a payment (the buyer's credit paid it all); null for any other event.
     */
    private static String receiptOf(Event event) {
        if (event.type().equals(EventType.PAYMENT_SUCCEEDED.type())) {
            return event.data().path("payment").path("id").asString(null);
        }
        JsonNode invoice = event.data().path("invoice");
        if (event.type().equals(EventType.INVOICE_PAID.type()) && !event.data().has("payment")
            && invoice.path("amount_credited").asLong(0) > 0) {
            return invoice.path("id").asString(null);
        }
        return null;
    }

    /** payment.succeeded carries the order it paid, or the invoice of a renewal or an installment. */
    static PaidFor paidFor(JsonNode data) {
        if (data.has("order")) {
            return PaidFor.INITIAL_ORDER;
        }
        JsonNode subscription = data.path("invoice").path("subscription_id");
        return subscription.isString() ? PaidFor.SUBSCRIPTION_RENEWAL : PaidFor.PLAN_INSTALLMENT;
    }

    /**
     * Starts a sweep on a thread of its own, unless one still runs: never on the scheduler's thread, which also runs
     * billing's clock for every account, and which a seller's slow mail server held (thirty seconds a send at most, up
     * to fifty sends a sweep).
     */
    @Scheduled(initialDelayString = "PT1M", fixedDelayString = "PT1M")
    void sweep() {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            Thread.ofVirtual().name("receipt-sweep").start(() -> {
                try {
                    sendForgotten();
                } catch (RuntimeException e) {
                    log.warn("The sweep of receipt emails stopped; the next one goes on: {}", e.getMessage());
                } finally {
                    sweeping.set(false);
                }
            });
        } catch (RuntimeException | Error e) {
            sweeping.set(false);
            throw e;
        }
    }

    /** Sends receipts promised more than {@link #FORGOTTEN_AFTER} ago and never sent, fifty at most. */
    void sendForgotten() {
        // One taken at a time, right before it is sent: fifty taken at once and sent one after another behind a slow
        // SMTP server were, past FORGOTTEN_AFTER, taken again by another node's sweep and sent by both.
        for (int sent = 0; sent < 50 && !stopped; sent++) {
            var next = emails.unsent(KEY_PREFIX, clock.instant().minus(FORGOTTEN_AFTER), 1);
            if (next.isEmpty()) {
                return;
            }
            send(next.getFirst().accountId(), next.getFirst().idempotencyKey().substring(KEY_PREFIX.length()));
        }
    }

    /**
     * Sends the receipt its payment's commit promised, unless the sweep took it meanwhile (the queue of these sends ran
     * past {@link #FORGOTTEN_AFTER}): one of the two sends it.
     */
    void sendPromised(String accountId, String paymentId) {
        try {
            if (!emails.claim(accountId, KEY_PREFIX + paymentId, clock.instant().minus(FORGOTTEN_AFTER))) {
                return;
            }
        } catch (RuntimeException e) {
            // The database is away: left promised, for the sweep.
            log.warn("Receipt email for payment {} of account {} left to the sweep: {}", paymentId, accountId,
                e.getClass().getSimpleName());
            return;
        }
        send(accountId, paymentId);
    }

    /**
     * Sends the receipt of one payment, or of an invoice the buyer's credit paid ({@code inv_…}), once; a failure is
     * logged and left to the sweep.
     */
    void send(String accountId, String paymentId) {
        try {
            Receipt receipt = paymentId.startsWith("inv_")
                ? receipts.forInvoice(accountId, paymentId)
                : receipts.forPayment(accountId, paymentId);
            if (receipt.buyer().email().toLowerCase(Locale.ROOT).endsWith(".invalid")) {
                // Erased since it was promised (RFC 2606's .invalid never receives mail): settled, not tried for days.
                emails.drop(accountId, KEY_PREFIX + paymentId, "the buyer's personal data was erased");
                return;
            }
            var context = new Context(Locale.US, Map.of("receipt", receipt));
            String html = templates.process("receipt/email", java.util.Set.of("body"), context);
            var outgoing = new Emails.Outgoing(new InternetAddress(receipt.buyer().email(), true), null,
                "Your receipt from " + receipt.seller().companyName(), ReceiptText.render(receipt), html,
                new Emails.Attachment(receipt.fileName(), "application/pdf",
                    receipts.pdf(receipt)));
            emails.send(accountId, KEY_PREFIX + paymentId, outgoing);
        } catch (Exception e) {
            var refused = Emails.refusedForGood(e);
            if (refused.isPresent()) {
                // Settled, saying why: a server refusing one address every two minutes for days would come to count
                // the seller's mail as spam.
                log.warn("Receipt email for payment {} of account {} not sent: {}", paymentId, accountId,
                    refused.get());
                emails.drop(accountId, KEY_PREFIX + paymentId, refused.get());
                return;
            }
            // Left promised: the sweep tries again after FORGOTTEN_AFTER. The message names no peer's body.
            log.warn("Receipt email for payment {} of account {} not sent yet: {}", paymentId, accountId,
                e.getClass().getSimpleName());
        }
    }

    @PreDestroy
    void stop() {
        // A sweep under way ends with the send it is making; what it has not taken stays promised.
        stopped = true;
        sender.shutdown();
    }
}
