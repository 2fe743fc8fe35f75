package io.till.billing;

import io.till.customer.Customers;
import io.till.event.EventType;
import io.till.event.Events;
import io.till.payment.Gateways;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How a refund ends: succeeded, with its events, as the gateway says its money went back; failed, its amount freed,
 * as the gateway declined it or has no trace of it; and a refund {@link Refunds} left pending (its answer lost, its
 * node dead) settled from the gateway's word by the billing clock.
 */
@Component
class RefundSettlements {

    private static final Logger log = LoggerFactory.getLogger(RefundSettlements.class);

    private final JdbcClient db;
    private final Payments payments;
    private final Subscriptions subscriptions;
    private final PaymentPlans paymentPlans;
    private final Gateways gateways;
    private final Customers customers;
    private final Events events;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final Orders orders;
    private final BillingJobs jobs;
    private final RefundHistory history;
    private final InvoiceShares shares;

    RefundSettlements(JdbcClient db, Payments payments, Subscriptions subscriptions, PaymentPlans paymentPlans,
        Gateways gateways, Customers customers, Events events, TransactionTemplate transaction, Clock clock,
        Orders orders, BillingJobs jobs, RefundHistory history, InvoiceShares shares) {
        this.db = db;
        this.payments = payments;
        this.subscriptions = subscriptions;
        this.paymentPlans = paymentPlans;
        this.gateways = gateways;
        this.customers = customers;
        this.events = events;
        this.transaction = transaction;
        this.clock = clock;
        this.orders = orders;
        this.jobs = jobs;
        this.history = history;
        this.shares = shares;
    }

    /**
     * Settles a refund still pending when its settlement falls due: the gateway's answer never came (it was
     * unreachable, or the node died asking). Once the last ask is {@link Refunds#SETTLEMENT_DELAY} old (a retry may have
     * asked again since the refund was made: the settlement then waits for that ask), the gateway is asked for a
     * refund made with the refund's key: if it made one, the refund succeeded (with its events, as if the answer had
     * come); if not, nothing was given back and the refund failed, its amount free to refund again, unless a request
     * asked again meanwhile. An unreachable gateway fails the job, which the billing clock tries again later. A failed
     * refund the gateway made after all, which waits for another to be settled to be counted ({@link #succeed}), is
     * counted when it can be.
     */
    void settlePending(String accountId, String refundId) {
        Refund refund = history.get(accountId, refundId);
        if (refund.status().equals("failed")) {
            madeAfterAll(accountId, refundId)
                .ifPresent(reference -> transaction.execute(status -> succeed(accountId, refund, reference)));
            return;
        }
        if (!refund.status().equals("pending")) {
            return;
        }
        record Asked(Instant at, int count) {}
        // Read before the gateway is: a request that asks after this may be there by the time it answers.
        Asked asked = db.sql("SELECT asked_at, asks FROM refunds WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", refundId)
            .query((rs, row) -> new Asked(Timestamps.read(rs, "asked_at"), rs.getInt("asks")))
            .single();
        Instant now = Timestamps.now(clock);
        if (asked.at().plus(Refunds.SETTLEMENT_DELAY).isAfter(now)) {
            jobs.schedule(accountId, BillingJobs.Kind.REFUND_SETTLEMENT, refundId,
                asked.at().plus(Refunds.SETTLEMENT_DELAY));
            return;
        }
        Optional<String> made = gateways.forAccount(accountId).findRefund(accountId, key(refund),
            chargeReference(accountId, refund));
        boolean settled = Boolean.TRUE.equals(transaction.execute(status -> {
            if (made.isEmpty()) {
                return fail(accountId, refund, asked.count());
            }
            succeed(accountId, refund, made.get());
            return true;
        }));
        if (!settled) {
            // A request asked again between the look and now (or settled it: the next look sees that): settle once
            // that ask is as old.
            jobs.schedule(accountId, BillingJobs.Kind.REFUND_SETTLEMENT, refundId, now.plus(Refunds.SETTLEMENT_DELAY));
        }
    }

    /** The gateway's reference of a failed refund it made after all, kept until it can be counted. */
    private Optional<String> madeAfterAll(String accountId, String refundId) {
        return db.sql("""
            SELECT gateway_reference FROM refunds
             WHERE account_id = :accountId AND id = :id AND status = 'failed' AND gateway_reference IS NOT NULL
            """)
            .param("accountId", accountId)
            .param("id", refundId)
            .query(String.class)
            .optional();
    }

    /**
     * Fails a pending refund and frees its amount; answers whether it did. A refund settled meanwhile (by a retry, say)
     * is left as it is, and so, with {@code asks}, is one asked for again since they were counted.
     */
    boolean fail(String accountId, Refund refund, Integer asks) {
        int failed = db.sql("""
            UPDATE refunds SET status = 'failed'
             WHERE account_id = :accountId AND id = :id AND status = 'pending'
               AND (CAST(:asks AS integer) IS NULL OR asks = :asks)
            """)
            .param("accountId", accountId)
            .param("id", refund.id())
            .param("asks", asks)
            .update();
        if (failed == 0) {
            return false;
        }
        db.sql("""
            UPDATE payments SET amount_refunded = amount_refunded - :amount,
                   status = CASE WHEN status = 'refunded' THEN 'succeeded' ELSE status END
             WHERE account_id = :accountId AND id = :id
            """)
            .param("amount", refund.amount())
            .param("accountId", accountId)
            .param("id", refund.paymentId())
            .update();
        orders.followRefunds(accountId, refund.paymentId());
        return true;
    }

    /**
     * Marks a refund succeeded, with its events, the gateway having given its money back; a refund that succeeded
     * meanwhile is answered as it is. A failed one was given up by its settlement, which found nothing at the gateway
     * while its request was still on its way (stalled past its settlement), and freed its amount: it succeeds after
     * all, its amount reserved on the payment again, unless other refunds reserved what was left of the payment
     * meanwhile. Then it stays failed, its reference kept, and is counted once they are settled: the gateway, which
     * never gives back more than it took, refuses them.
     */
    Refund succeed(String accountId, Refund settling, String reference) {
        String was = db.sql("SELECT status FROM refunds WHERE account_id = :accountId AND id = :id FOR NO KEY UPDATE")
            .param("accountId", accountId)
            .param("id", settling.id())
            .query(String.class)
            .single();
        if (was.equals("succeeded")) {
            return history.get(accountId, settling.id());
        }
        if (was.equals("failed") && !reserveAgain(accountId, settling)) {
            db.sql("UPDATE refunds SET gateway_reference = :reference WHERE account_id = :accountId AND id = :id")
                .param("reference", reference)
                .param("accountId", accountId)
                .param("id", settling.id())
                .update();
            jobs.schedule(accountId, BillingJobs.Kind.REFUND_SETTLEMENT, settling.id(),
                Timestamps.now(clock).plus(Refunds.SETTLEMENT_DELAY));
            return history.get(accountId, settling.id());
        }
        db.sql("""
            UPDATE refunds SET status = 'succeeded', gateway_reference = :reference
             WHERE account_id = :accountId AND id = :id
            """)
            .param("reference", reference)
            .param("accountId", accountId)
            .param("id", settling.id())
            .update();
        Refund refund = history.get(accountId, settling.id());
        Payment payment = payments.get(accountId, refund.paymentId());
        var data = new LinkedHashMap<String, Object>();
        data.put("payment", payment);
        data.put("refund", refund);
        data.put("customer", customers.get(accountId, payment.customerId()));
        events.record(accountId, EventType.PAYMENT_REFUNDED, payment.customerId(), data);
        if (payment.subscriptionId() != null) {
            events.record(accountId, EventType.SUBSCRIPTION_PAYMENT_REFUNDED, payment.customerId(),
                with(data, "subscription", subscriptions.get(accountId, payment.subscriptionId())));
        }
        if (payment.paymentPlanId() != null) {
            events.record(accountId, EventType.PAYMENT_PLAN_PAYMENT_REFUNDED, payment.customerId(),
                with(data, "payment_plan", paymentPlans.get(accountId, payment.paymentPlanId())));
        }
        return refund;
    }

    /**
     * Reserves on its payment again the amount of a failed refund the gateway made after all; false when other refunds
     * reserved what was left of the payment meanwhile. What its invoice gave back meanwhile as a credit note is not
     * taken back: should the two now give back more than was paid for the invoice, the customer holds that much more
     * credit than they paid for, which is said in the log for staff to take back.
     */
    private boolean reserveAgain(String accountId, Refund refund) {
        int reserved = db.sql("""
            UPDATE payments SET amount_refunded = amount_refunded + :amount,
                   status = CASE WHEN status = 'succeeded' AND amount_refunded + :amount = amount THEN 'refunded'
                                 ELSE status END
             WHERE account_id = :accountId AND id = :id AND amount_refunded + :amount <= amount
            """)
            .param("amount", refund.amount())
            .param("accountId", accountId)
            .param("id", refund.paymentId())
            .update();
        if (reserved == 0) {
            log.warn("Refund {} of payment {} was made after it had been given up, and other refunds reserved what was "
                + "left of the payment meanwhile: it is counted once they are settled", refund.id(),
                refund.paymentId());
            return false;
        }
        long left = shares.of(accountId, refund.paymentId(), true).left();
        if (left < 0) {
            log.warn(
                "Refund {} of payment {} was made after it had been given up, and a credit note was written on its "
                    + "invoice meanwhile for the same money: together they gave back {} {} more than was paid for the "
                    + "invoice; the customer holds that much more credit than they paid for",
                refund.id(),
                refund.paymentId(), -left, refund.currency());
        }
        orders.followRefunds(accountId, refund.paymentId());
        return true;
    }

    /** The gateway's idempotency key of a refund, which the gateway also keeps with it (findRefund). */
    static String key(Refund refund) {
        return "refund:" + refund.id();
    }

    /** The gateway's reference of the charge a refund gives back from. */
    String chargeReference(String accountId, Refund refund) {
        return db.sql("SELECT gateway_reference FROM payments WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", refund.paymentId())
            .query(String.class)
            .single();
    }

    private static LinkedHashMap<String, Object> with(LinkedHashMap<String, Object> data, String key, Object value) {
        var copy = new LinkedHashMap<>(data);
        copy.put(key, value);
        return copy;
    }
}
