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
        for (String table : List.of("subscriptions", "payment_plans")) {
            db.sql("""
                UPDATE %s SET card_id = :next, updated_at = :now, version = version + 1
                 WHERE account_id = :accountId AND customer_id = :customerId
                   AND (card_id IS NULL OR card_id = CAST(:previous AS text))
                """.formatted(table))
                .param("next", change.defaultCardId())
                .param("now", Timestamps.of(now))
                .param("accountId", change.accountId())
                .param("customerId", change.customerId())
                .param("previous", change.previousDefaultCardId())
                .update();
        }
    }

    private String lastCardTried(String accountId, String invoiceId) {
        return payments.latestFor(accountId, invoiceId).map(Payment::cardId).orElse(null);
    }
}
