package io.till.billing;

import io.till.customer.Customers;
import io.till.event.EventType;
import io.till.event.Events;
import io.till.idempotency.RequestEffects;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * What automations may do to billing records (PRODUCT.md §5, billing actions), each through the same services and
 * events as the API. Every operation is safe to repeat with the same step key: a charge or a credit happens once, and
 * asking for a state the record is already in changes nothing.
 */
@Component
public class BillingActions {

    private final InvoiceCharges charges;
    private final AutomationRetries retries;
    private final Invoices invoices;
    private final InvoiceChargeHolds holds;
    private final Credits credits;
    private final SubscriptionActions subscriptionActions;
    private final Subscriptions subscriptions;
    private final Customers customers;
    private final Events events;
    private final JdbcClient db;
    private final Clock clock;
    private final PlanInstallments planInstallments;
    private final InvoiceOutcomes outcomes;
    private final RequestEffects effects;
    private final PaymentPlans paymentPlans;

    BillingActions(InvoiceCharges charges, AutomationRetries retries, Invoices invoices, InvoiceChargeHolds holds,
        Credits credits,
        SubscriptionActions subscriptionActions,
        Subscriptions subscriptions, Customers customers, Events events, JdbcClient db, Clock clock,
        PlanInstallments planInstallments, InvoiceOutcomes outcomes, RequestEffects effects,
        PaymentPlans paymentPlans) {
        this.paymentPlans = paymentPlans;
        this.outcomes = outcomes;
        this.effects = effects;
        this.clock = clock;
        this.planInstallments = planInstallments;
        this.charges = charges;
        this.retries = retries;
        this.invoices = invoices;
        this.holds = holds;
        this.credits = credits;
        this.subscriptionActions = subscriptionActions;
        this.subscriptions = subscriptions;
        this.customers = customers;
        this.events = events;
        this.db = db;
    }

    /**
     * How a charge ended: {@code paid}, {@code declined} (with the gateway's code), {@code nothing_due}, {@code held}
     * (a paused subscription's), or {@code in_progress}: another charge of the invoice was at the gateway, and this
     * one made none. {@code bySchedule}: the retry schedule had just tried the same card and been declined, and its
     * payment is the answer; nothing was charged again so soon.
     */
    public record Charge(String status, String paymentId, String code, String message, boolean bySchedule) {}

    /** How soon a charge that found another of its invoice at the gateway asks again: a gateway answers in seconds. */
    public static final Duration IN_PROGRESS_ASK_AGAIN = Duration.ofSeconds(2);

    /** Charges an issued invoice now with {@code key} as the gateway's idempotency key: at most one charge per key. */
    public Charge retryPayment(String accountId, String invoiceId, String key, String executionId) {
        var retried = retries.retryNow(accountId, invoiceId, ChargeKeys.retry(key), executionId);
        return new Charge(retried.status(), retried.paymentId(), retried.code(), retried.message(),
            retried.bySchedule());
    }

    /**
     * Voids an issued invoice ({@code invoice.voided}); a void one is left as it is. A running plan bills a voided
     * installment again: on its next bill date, or one interval after the voided one when it was the last.
     */
    @Transactional
    public Invoice voidInvoice(String accountId, String invoiceId) {
        return close(accountId, invoiceId, "void");
    }

    /** Writes an issued invoice off as uncollectible; it is no longer retried (a subscription's may be voided later). */
    @Transactional
    public Invoice markUncollectible(String accountId, String invoiceId) {
        return close(accountId, invoiceId, "uncollectible");
    }

    private Invoice close(String accountId, String invoiceId, String status) {
        Invoice invoice = invoices.lockWithOwner(accountId, invoiceId);
        if (invoice.status().equals(status)) {
            return invoice;
        }
        // A subscription's invoice written off is still owed: voiding it forgives it. A plan's is never billed again
        // (PaymentPlans.WRITTEN_OFF), where voiding would bill its installment again.
        boolean forgiven = status.equals("void") && invoice.writtenOffStillOwed();
        if (!invoice.status().equals("issued") && !forgiven) {
            throw new TillException(ErrorCode.INVALID_STATE, "Only an issued invoice can become " + status
                + (status.equals("void") ? " (or a subscription's written off as uncollectible)" : "")
                + "; this one is " + invoice.status() + (invoice.status().equals("uncollectible")
                    ? ", and a payment plan's installment written off is never billed again"
                    : "")
                + ".");
        }
        holds.requireNone(accountId, invoiceId);
        db.sql("""
            UPDATE invoices SET status = :status, voided_at = CAST(:voidedAt AS timestamptz)
             WHERE account_id = :accountId AND id = :id
            """)
            .param("status", status)
            .param("voidedAt", status.equals("void") ? Timestamps.of(Timestamps.now(clock)) : null)
            .param("accountId", accountId)
            .param("id", invoiceId)
            .update();
        db.sql("""
            UPDATE billing_jobs SET done_at = :now
             WHERE account_id = :accountId AND subject_id = :id AND done_at IS NULL
               AND kind IN ('INVOICE_RETRY', 'INVOICE_OVERDUE')
            """)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("accountId", accountId)
            .param("id", invoiceId)
            .update();
        if (status.equals("void")) {
            invoices.voided(accountId, invoiceId);
        }
        Invoice closed = invoices.get(accountId, invoiceId);
        var customer = customers.get(accountId, closed.customerId());
        if (status.equals("void")) {
            events.record(accountId, EventType.INVOICE_VOIDED, closed.customerId(), Map.of("invoice", closed,
                "customer", customer));
            if (closed.paymentPlanId() != null) {
                // An unpaid plan that owes nothing else is active again, as a subscription is (nothing is retried,
                // so unpaid would describe nothing); a voided installment is still owed: a running plan bills it
                // again.
                java.time.Instant now = Timestamps.now(clock);
                if (paymentPlans.lockForUpdate(accountId, closed.paymentPlanId()).status().equals("unpaid")
                    && invoices.unpaidFor(accountId, null, closed.paymentPlanId()).isEmpty()) {
                    paymentPlans.setStatus(accountId, closed.paymentPlanId(), "active", now);
                }
                planInstallments.resume(accountId, closed.paymentPlanId(), now);
            }
        }
        if (status.equals("uncollectible") && closed.paymentPlanId() != null) {
            // Written off, the installment is never billed again: an active plan owing nothing else may be done.
            planInstallments.completeIfBilledOut(accountId, closed.paymentPlanId(), Timestamps.now(clock));
        }
        if (status.equals("void") && closed.subscriptionId() != null) {
            // Voided, nothing of it is owed any more: past due or unpaid for it alone would describe nothing. An
            // invoice written off as uncollectible is still owed (bad debt, as Stripe's dunning settings keep it
            // apart from the subscription's status): the subscription stays as it is until staff act on it.
            outcomes.settled(accountId, subscriptions.lockForUpdate(accountId, closed.subscriptionId()), customer,
                Timestamps.now(clock));
        }
        return closed;
    }

    /** A credit note on a paid invoice; once per key. Answers the customer's balances. */
    public List<io.till.customer.CustomerStats.Money> createCreditNote(String accountId, String invoiceId,
        long amount, String reason, String key) {
        Invoice invoice = invoices.get(accountId, invoiceId);
        credits.once(accountId, key, () -> credits.creditNote(accountId, invoiceId, amount, reason));
        return credits.balance(accountId, invoice.customerId()).balances();
    }

    /**
     * Spends credit on an issued invoice, up to {@code limit}; once per key. Credit that covers it all settles it at
     * once. Answers the amount this key applied: when the key applied it before (a step tried again after its node
     * died), what it applied then, as its entries record it, so that the step's output still says what was spent.
     */
    public long applyCredits(String accountId, String invoiceId, Long limit, String key) {
        long[] applied = {0};
        boolean ran = credits.once(accountId, key, () -> applied[0] = credits.applyTo(accountId, invoiceId, limit));
        if (!ran) {
            applied[0] = db.sql("""
                SELECT coalesce(-sum(amount), 0) FROM credit_entries
                 WHERE account_id = :accountId AND idempotency_key = :key AND kind = 'applied'
                """)
                .param("accountId", accountId)
                .param("key", key)
                .query(Long.class)
                .single();
        }
        charges.settleIfCovered(accountId, invoiceId);
        return applied[0];
    }

    /**
     * Staff's or a developer's "apply credit" ({@link Credits#applyAsked}) and the settlement of an invoice it covers,
     * in one transaction: an invoice is never left credited in full yet unpaid by a failure between the two. Once per
     * Idempotency-Key: sent again after a crash or a 5xx, it answers what it applied then and applies nothing more.
     */
    @Transactional
    public long applyAsked(String accountId, String invoiceId, Long amount) {
        var earlier = effects.recordedBefore("credit_applied");
        long applied = earlier.map(Long::parseLong).orElseGet(() -> credits.applyAsked(accountId, invoiceId, amount));
        if (earlier.isEmpty()) {
            effects.recorded("credit_applied", Long.toString(applied));
        }
        charges.settleIfCovered(accountId, invoiceId);
        return applied;
    }

    /** Grants credit to a customer; once per key. Answers the customer's balances. */
    public List<io.till.customer.CustomerStats.Money> grantCredits(String accountId, String customerId, long amount,
        String currency, String reason, String key) {
        credits.once(accountId, key, () -> credits.grant(accountId, customerId, amount, currency, reason));
        return credits.balance(accountId, customerId).balances();
    }

    /** Cancels now or at period end; a subscription already canceled (or canceling, for period end) is left so. */
    public Subscription cancelSubscription(String accountId, String subscriptionId, boolean atPeriodEnd) {
        Subscription subscription = subscriptions.get(accountId, subscriptionId);
        if (subscription.status().equals("canceled")
            || (atPeriodEnd && subscription.status().equals("canceling"))) {
            return subscription;
        }
        return subscriptionActions.cancel(accountId, subscriptionId, atPeriodEnd, false, new Cancellation(null, null,
            Cancellation.By.STAFF, "an automation"));
    }

    /** Pauses a subscription; a paused one is left so. */
    public Subscription pauseSubscription(String accountId, String subscriptionId) {
        Subscription subscription = subscriptions.get(accountId, subscriptionId);
        if (subscription.status().equals("paused")) {
            return subscription;
        }
        return subscriptionActions.pause(accountId, subscriptionId);
    }
}
