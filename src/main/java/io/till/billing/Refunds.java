package io.till.billing;

import io.till.customer.Customers;
import io.till.event.EventType;
import io.till.event.Events;
import io.till.idempotency.MoneyMovements;
import io.till.payment.Gateways;
import io.till.payment.PaymentGateway;
import io.till.shared.Amounts;
import io.till.shared.ErrorCode;
import io.till.shared.FieldErrors;
import io.till.shared.Ids;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Refunds (the lists of a record's refunds are {@link RefundHistory}'s). A refund reserves its amount on the payment
 * before the gateway is asked, so that concurrent refunds can never give back more than was paid, and settles after.
 */
@Component
class Refunds {

    static final RowMapper<Refund> REFUND = (rs, row) -> new Refund(rs.getString("id"),
        rs.getString("payment_id"), rs.getString("customer_id"), rs.getLong("amount"), rs.getString("currency"),
        rs.getString("status"), rs.getString("reason"), Timestamps.read(rs, "created_at"));

    private final JdbcClient db;
    private final Payments payments;
    private final Subscriptions subscriptions;
    private final PaymentPlans paymentPlans;
    private final Gateways gateways;
    private final Customers customers;
    private final Events events;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final MoneyMovements movements;
    private final Orders orders;
    private final BillingJobs jobs;

    /**
     * How long after a refund is asked the billing clock settles it if it is still pending (its answer from the
     * gateway was lost, or the node died asking): far longer than the gateway is given to answer.
     */
    static final java.time.Duration SETTLEMENT_DELAY = java.time.Duration.ofMinutes(10);

    Refunds(JdbcClient db, Payments payments, Subscriptions subscriptions, PaymentPlans paymentPlans, Gateways gateways,
        Customers customers, Events events, TransactionTemplate transaction, Clock clock,
        MoneyMovements movements, Orders orders, BillingJobs jobs) {
        this.jobs = jobs;
        this.movements = movements;
        this.orders = orders;
        this.db = db;
        this.subscriptions = subscriptions;
        this.paymentPlans = paymentPlans;
        this.payments = payments;
        this.gateways = gateways;
        this.customers = customers;
        this.events = events;
        this.transaction = transaction;
        this.clock = clock;
    }

    /**
     * What may still go back of the invoice this payment paid, by refund or credit note together (what was paid for it
     * by card and by credit, less what went back already), and what of it went back as credit notes. A payment of no
     * invoice (an order's) is not limited by it. The invoice is locked, as a credit note locks it, so that a refund and
     * a credit note cannot both take the rest.
     */
    private record InvoiceShare(long left, long noted) {

        static final InvoiceShare NONE = new InvoiceShare(Long.MAX_VALUE, 0);
    }

    private InvoiceShare invoiceShare(String accountId, String paymentId, boolean lock) {
        if (lock) {
            // Locked by a statement of its own: the sums below must be read after the lock is held (a statement that
            // waits for a row lock still reads what its snapshot saw before, and a credit note committed meanwhile
            // would not count).
            db.sql("""
                SELECT i.id FROM invoices i
                 WHERE i.account_id = :accountId
                   AND i.id = (SELECT invoice_id FROM payments WHERE account_id = :accountId AND id = :paymentId)
                   FOR NO KEY UPDATE
                """)
                .param("accountId", accountId)
                .param("paymentId", paymentId)
                .query(String.class)
                .optional();
        }
        return db.sql("""
            WITH noted AS (
                SELECT coalesce(sum(c.amount), 0) AS amount FROM credit_entries c
                  JOIN payments p ON p.account_id = c.account_id AND p.invoice_id = c.invoice_id
                 WHERE p.account_id = :accountId AND p.id = :paymentId AND c.kind = 'credit_note')
            SELECT i.amount_credited
                   + (SELECT coalesce(sum(p.amount - p.amount_refunded), 0) FROM payments p
                       WHERE p.account_id = i.account_id AND p.invoice_id = i.id
                         AND p.status IN ('succeeded', 'refunded'))
                   - (SELECT amount FROM noted) AS left_over,
                   (SELECT amount FROM noted) AS noted
              FROM invoices i
             WHERE i.account_id = :accountId
               AND i.id = (SELECT invoice_id FROM payments WHERE account_id = :accountId AND id = :paymentId)
            """)
            .param("accountId", accountId)
            .param("paymentId", paymentId)
            .query((rs, row) -> new InvoiceShare(rs.getLong("left_over"), rs.getLong("noted")))
            .optional()
            .orElse(InvoiceShare.NONE);
    }

    /**
     * What {@link #refund} would give back of {@code payment} at most, as of now: what is left of it, less what its
     * invoice already gave back as credit notes. Zero for a payment that did not succeed. For the dashboard's forms;
     * the refund itself checks again under locks.
     */
    long refundable(String accountId, Payment payment) {
        if (!payment.status().equals("succeeded")) {
            return 0;
        }
        long left = payment.amount() - payment.amountRefunded();
        return Math.max(0, Math.min(left, invoiceShare(accountId, payment.id(), false).left()));
    }

    /** Refunds {@code amount} (everything that is left when null) of a payment. */
    Refund refund(String accountId, String paymentId, Long amount, String reason) {
        Optional<Refund> resumed = resumed(accountId);
        if (resumed.isPresent()) {
            return resumed.get();
        }
        var errors = new FieldErrors();
        if (paymentId == null) {
            errors.add("payment_id", "required", "is required");
        }
        if (amount != null && amount <= 0) {
            errors.add("amount", "out_of_range", "must be positive, in minor units");
        }
        errors.checkLength("reason", reason, 500);
        errors.throwIfAny();
        payments.get(accountId, paymentId);
        PaymentGateway gateway = gateways.forAccount(accountId);
        record Reserved(Refund refund, String chargeReference) {}
        Reserved reserved = transaction.execute(status -> {
            record Refundable(String status, long remaining, String currency, String customerId,
                String chargeReference) {}
            var payment = db.sql("""
                SELECT status, amount - amount_refunded AS remaining, currency, customer_id, gateway_reference
                  FROM payments
                 WHERE account_id = :accountId AND id = :id
                   FOR NO KEY UPDATE
                """)
                .param("accountId", accountId)
                .param("id", paymentId)
                .query((rs, row) -> new Refundable(rs.getString("status"), rs.getLong("remaining"),
                    rs.getString("currency"), rs.getString("customer_id"), rs.getString("gateway_reference")))
                .single();
            if (!payment.status().equals("succeeded")) {
                throw new TillException(ErrorCode.INVALID_STATE, "A " + payment.status() + " payment cannot be "
                    + "refunded.");
            }
            var share = invoiceShare(accountId, paymentId, true);
            long noted = share.noted();
            long remaining = Math.min(payment.remaining(), share.left());
            if (remaining <= 0) {
                throw new TillException(ErrorCode.INVALID_STATE, "Nothing is left to refund of this payment: its "
                    + "invoice went back to the customer in full, " + Amounts.format(noted, payment.currency())
                    + " of it as a credit note.");
            }
            long toRefund = amount == null ? remaining : amount;
            if (toRefund > remaining) {
                // In money, never in minor units: staff read this beside the form where they typed dollars.
                throw TillException.invalid("amount", "out_of_range", "is more than the "
                    + Amounts.format(remaining, payment.currency()) + " left to refund of this payment"
                    + (noted > 0
                        ? ", after the " + Amounts.format(noted, payment.currency()) + " its invoice gave "
                            + "back as a credit note"
                        : ""));
            }
            String id = Ids.newId("re");
            var now = Timestamps.now(clock);
            db.sql("""
                INSERT INTO refunds (id, account_id, payment_id, customer_id, amount, currency, status, reason,
                                     created_at, asked_at)
                VALUES (:id, :accountId, :paymentId, :customerId, :amount, :currency, 'pending', :reason, :now, :now)
                """)
                .param("id", id)
                .param("accountId", accountId)
                .param("paymentId", paymentId)
                .param("customerId", payment.customerId())
                .param("amount", toRefund)
                .param("currency", payment.currency())
                .param("reason", reason)
                .param("now", Timestamps.of(now))
                .update();
            // Should the gateway's answer never come, the billing clock asks the gateway what became of it.
            jobs.schedule(accountId, BillingJobs.Kind.REFUND_SETTLEMENT, id, now.plus(SETTLEMENT_DELAY));
            db.sql("""
                UPDATE payments SET amount_refunded = amount_refunded + :amount,
                       status = CASE WHEN amount_refunded + :amount = amount THEN 'refunded' ELSE status END
                 WHERE account_id = :accountId AND id = :id
                """)
                .param("amount", toRefund)
                .param("accountId", accountId)
                .param("id", paymentId)
                .update();
            orders.followRefunds(accountId, paymentId);
            movements.reaching("refund:" + id);
            return new Reserved(get(accountId, id), payment.chargeReference());
        });
        return complete(accountId, reserved.refund(), reserved.chargeReference(), gateway);
    }

    /**
     * The refund an earlier attempt of this request (same Idempotency-Key) reserved, finished under its own key: the
     * gateway gives back at most once per key. Empty when there is none or it failed (nothing was given back): then
     * the refund runs anew.
     */
    private Optional<Refund> resumed(String accountId) {
        Optional<String> refundKey = movements.reachedBefore().filter(key -> key.startsWith("refund:"));
        if (refundKey.isEmpty()) {
            return Optional.empty();
        }
        Refund earlier = get(accountId, refundKey.get().substring("refund:".length()));
        return switch (earlier.status()) {
            case "succeeded" -> Optional.of(earlier);
            case "pending" -> askAgain(accountId, earlier);
            default -> Optional.empty();
        };
    }

    /**
     * Finishes a pending refund for a retry of its request: from the gateway's word if it made the refund already (read
     * before write: a key the gateway forgot, as Stripe does after a day, must not make a second one), else by asking
     * again under the refund's key, noted first ({@code asked_at}) so that its settlement waits for this ask.
     */
    private Optional<Refund> askAgain(String accountId, Refund pending) {
        String chargeReference = chargeReference(accountId, pending);
        PaymentGateway gateway = gateways.forAccount(accountId);
        Optional<String> made = gateway.findRefund(accountId, key(pending), chargeReference);
        if (made.isPresent()) {
            return Optional.of(transaction.execute(status -> succeed(accountId, pending, made.get())));
        }
        int noted = db.sql("""
            UPDATE refunds SET asked_at = :now WHERE account_id = :accountId AND id = :id AND status = 'pending'
            """)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("accountId", accountId)
            .param("id", pending.id())
            .update();
        if (noted == 0) {
            // Settled meanwhile: succeeded is the answer; failed gave nothing back, and the refund runs anew.
            Refund settled = get(accountId, pending.id());
            return settled.status().equals("succeeded") ? Optional.of(settled) : Optional.empty();
        }
        return Optional.of(complete(accountId, pending, chargeReference, gateway));
    }

    private Refund complete(String accountId, Refund pending, String chargeReference, PaymentGateway gateway) {
        String reference;
        try {
            reference = gateway.refund(new PaymentGateway.RefundRequest(accountId, key(pending), chargeReference,
                pending.amount(), pending.currency()));
        } catch (TillException e) {
            if (e.code() == ErrorCode.REFUND_DECLINED) {
                // The gateway looked at it and said no: nothing was given back.
                transaction.executeWithoutResult(status -> fail(accountId, pending, null));
            }
            throw e;
        }
        // Any other failure (no answer, an answer that is not one, a fault here) leaves it unknown whether the money
        // went back: the refund stays pending with its amount reserved, so that nothing is given back twice, until a
        // retry with the same Idempotency-Key finishes it or the billing clock settles it (settlePending).
        return transaction.execute(status -> succeed(accountId, pending, reference));
    }

    /** The gateway's idempotency key of a refund, which the gateway also keeps with it (findRefund). */
    private static String key(Refund refund) {
        return "refund:" + refund.id();
    }

    private String chargeReference(String accountId, Refund refund) {
        return db.sql("SELECT gateway_reference FROM payments WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", refund.paymentId())
            .query(String.class)
            .single();
    }

    /**
     * Settles a refund still pending when its settlement falls due: the gateway's answer never came (it was
     * unreachable, or the node died asking). Once the last ask is {@link #SETTLEMENT_DELAY} old (a retry may have
     * asked again since the refund was made: the settlement then waits for that ask), the gateway is asked for a
     * refund made with the refund's key: if it made one, the refund succeeded (with its events, as if the answer had
     * come); if not, nothing was given back and the refund failed, its amount free to refund again, unless a retry
     * asked again meanwhile. An unreachable gateway fails the job, which the billing clock tries again later.
     */
    void settlePending(String accountId, String refundId) {
        Refund refund = get(accountId, refundId);
        if (!refund.status().equals("pending")) {
            return;
        }
        Instant asked = db.sql("SELECT asked_at FROM refunds WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", refundId)
            .query((rs, row) -> Timestamps.read(rs, "asked_at"))
            .single();
        Instant now = Timestamps.now(clock);
        if (asked.plus(SETTLEMENT_DELAY).isAfter(now)) {
            jobs.schedule(accountId, BillingJobs.Kind.REFUND_SETTLEMENT, refundId, asked.plus(SETTLEMENT_DELAY));
            return;
        }
        Optional<String> made = gateways.forAccount(accountId).findRefund(accountId, key(refund),
            chargeReference(accountId, refund));
        boolean settled = Boolean.TRUE.equals(transaction.execute(status -> {
            if (made.isEmpty()) {
                return fail(accountId, refund, asked);
            }
            succeed(accountId, refund, made.get());
            return true;
        }));
        if (!settled) {
            // A retry asked again between the look and now (or settled it: the next look sees that): settle once
            // that ask is as old.
            jobs.schedule(accountId, BillingJobs.Kind.REFUND_SETTLEMENT, refundId, now.plus(SETTLEMENT_DELAY));
        }
    }

    /**
     * Fails a pending refund and frees its amount; answers whether it did. A refund settled meanwhile (by a retry, say)
     * is left as it is, and so, with {@code askedAt}, is one asked for again since then.
     */
    private boolean fail(String accountId, Refund refund, Instant askedAt) {
        int failed = db.sql("""
            UPDATE refunds SET status = 'failed'
             WHERE account_id = :accountId AND id = :id AND status = 'pending'
               AND (CAST(:askedAt AS timestamptz) IS NULL OR asked_at = :askedAt)
            """)
            .param("accountId", accountId)
            .param("id", refund.id())
            .param("askedAt", Timestamps.of(askedAt))
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

    /** Marks a pending refund succeeded, with its events; a refund settled meanwhile is answered as it is. */
    private Refund succeed(String accountId, Refund pending, String reference) {
        int succeeded = db.sql("""
            UPDATE refunds SET status = 'succeeded', gateway_reference = :reference
             WHERE account_id = :accountId AND id = :id AND status = 'pending'
            """)
            .param("reference", reference)
            .param("accountId", accountId)
            .param("id", pending.id())
            .update();
        Refund refund = get(accountId, pending.id());
        if (succeeded == 0) {
            return refund;
        }
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

    Refund get(String accountId, String id) {
        return db.sql("SELECT * FROM refunds WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .query(REFUND)
            .optional()
            .orElseThrow(() -> TillException.notFound("refund", id));
    }

    private static LinkedHashMap<String, Object> with(LinkedHashMap<String, Object> data, String key, Object value) {
        var copy = new LinkedHashMap<>(data);
        copy.put(key, value);
        return copy;
    }
}
