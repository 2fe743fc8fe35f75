package io.till.billing;

import io.till.customer.CardEvents;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What a card change does to unpaid balances (PRODUCT.md §3, {@code card.updated}): subscriptions and plans that paid
 * with the default card follow the new default, and every unpaid invoice is retried at once with the card that now
 * pays it. Never with the card that just failed on it: that would only raise {@code payment.failed} again and start
 * the failed-payment automations over.
 */
@Component
class CardRecovery {

    private final JdbcClient db;
    private final Invoices invoices;
    private final InvoiceCharges charges;
    private final BillingJobs jobs;
    private final Payments payments;
    private final Clock clock;

    CardRecovery(JdbcClient db, Invoices invoices, InvoiceCharges charges, BillingJobs jobs, Payments payments,
        Clock clock) {
        this.payments = payments;
        this.db = db;
        this.invoices = invoices;
        this.charges = charges;
        this.jobs = jobs;
        this.clock = clock;
    }

    /** Runs inside the transaction that changed the card, so the move and the retries commit with it. */
    @EventListener
    void paymentCardChanged(CardEvents.PaymentCardChanged change) {
        Instant now = Timestamps.now(clock);
        if (!Objects.equals(change.previousDefaultCardId(), change.defaultCardId())) {
            followDefault(change, now);
        }
        retry(change.accountId(), invoices.unpaidOf(change.accountId(), change.customerId()), now);
    }

    /**
     * A removed card pays nothing any more: the subscriptions and plans it paid are paid with the default from now on
     * (and say so), and their unpaid invoices are retried with it.
     */
    @EventListener
    void cardRemoved(CardEvents.Removed removed) {
        Instant now = Timestamps.now(clock);
        move(removed.accountId(), removed.customerId(), removed.cardId(), removed.defaultCardId(), false, now);
        retry(removed.accountId(), invoices.unpaidOf(removed.accountId(), removed.customerId()), now);
    }

    /** Schedules an attempt now for each invoice whose paying card is not the one that last failed on it. */
    void retry(String accountId, List<Invoice> unpaid, Instant now) {
        for (Invoice invoice : unpaid) {
            String paying = charges.cardFor(accountId, invoice);
            if (paying != null && !paying.equals(lastCardTried(accountId, invoice.id()))) {
                jobs.schedule(accountId, BillingJobs.Kind.INVOICE_RETRY, invoice.id(), now);
            }
        }
    }

    /**
     * A subscription or plan paying with the customer's default card (or with none of its own) pays with the new
     * default from now on; one given a card of its own, at checkout or by {@code change_card}, keeps it.
     */
    private void followDefault(CardEvents.PaymentCardChanged change, Instant now) {
        move(change.accountId(), change.customerId(), change.previousDefaultCardId(), change.defaultCardId(), true,
            now);
    }

    /**
     * Moves the customer's subscriptions and plans paid with {@code from} (and, if asked, those with no card) to
     * {@code to}; and what their pending orders will start, so that a purchase charged meanwhile starts it where it
     * would be had the change come after it.
     */
    private void move(String accountId, String customerId, String from, String to, boolean unset, Instant now) {
        for (String table : List.of("subscriptions", "payment_plans")) {
            db.sql("""
                UPDATE %s SET card_id = :next, updated_at = :now, version = version + 1
                 WHERE account_id = :accountId AND customer_id = :customerId
                   AND ((:unset AND card_id IS NULL) OR card_id = CAST(:previous AS text))
                """.formatted(table))
                .param("next", to)
                .param("now", Timestamps.of(now))
                .param("accountId", accountId)
                .param("customerId", customerId)
                .param("unset", unset)
                .param("previous", from)
                .update();
        }
        db.sql("""
            UPDATE orders SET recurring_card_id = :next
             WHERE account_id = :accountId AND customer_id = :customerId AND status = 'pending'
               AND recurring_card_id = CAST(:previous AS text)
            """)
            .param("next", to)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("previous", from)
            .update();
    }

    private String lastCardTried(String accountId, String invoiceId) {
        return payments.latestFor(accountId, invoiceId).map(Payment::cardId).orElse(null);
    }
}
