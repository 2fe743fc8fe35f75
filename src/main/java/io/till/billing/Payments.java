package io.till.billing;

import io.till.payment.PaymentGateway;
import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.util.Map;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class Payments {

    private static final RowMapper<Payment> PAYMENT = (rs, row) -> new Payment(rs.getString("id"),
        rs.getString("customer_id"), rs.getString("order_id"), rs.getString("subscription_id"),
        rs.getString("payment_plan_id"), rs.getString("invoice_id"), rs.getString("card_id"), rs.getLong("amount"),
        rs.getLong("amount_refunded"),
        rs.getString("currency"), rs.getString("status"), rs.getString("failure_code"),
        rs.getString("failure_message"), rs.getObject("hard_decline", Boolean.class),
        Timestamps.read(rs, "created_at"));

    private final JdbcClient db;
    private final Clock clock;

    Payments(JdbcClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** What a payment pays for: an order, a subscription period, an installment. */
    public record PaidFor(String orderId, String subscriptionId, String paymentPlanId) {}

    /** Records the gateway's answer to a charge. */
    public Payment record(String accountId, String customerId, String cardId, PaidFor paidFor, long amount,
        String currency, String gateway, String idempotencyKey, PaymentGateway.ChargeResult result) {
        String id = Ids.newId("pay");
        var declined = result instanceof PaymentGateway.ChargeResult.Declined d ? d : null;
        db.sql("""
            INSERT INTO payments (id, account_id, customer_id, order_id, subscription_id, payment_plan_id, card_id,
                                  amount, currency, status, failure_code, failure_message, hard_decline, gateway,
                                  gateway_reference, idempotency_key, created_at)
            VALUES (:id, :accountId, :customerId, :orderId, :subscriptionId, :paymentPlanId, :cardId, :amount,
                    :currency, :status, :failureCode, :failureMessage, :hardDecline, :gateway, :reference, :key, :now)
            """)
            .param("id", id)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("orderId", paidFor.orderId())
            .param("subscriptionId", paidFor.subscriptionId())
            .param("paymentPlanId", paidFor.paymentPlanId())
            .param("cardId", cardId)
            .param("amount", amount)
            .param("currency", currency)
            .param("status", declined == null ? "succeeded" : "failed")
            .param("failureCode", declined == null ? null : declined.code())
            .param("failureMessage", declined == null ? null : declined.message())
            .param("hardDecline", declined == null ? null : declined.hard())
            .param("gateway", gateway)
            .param("reference", result.reference())
            .param("key", idempotencyKey)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .update();
        return get(accountId, id);
    }

    /** Links a payment made for an order to the subscription or plan the order started. */
    public Payment attachTo(String accountId, String paymentId, String subscriptionId, String paymentPlanId) {
        db.sql("""
            UPDATE payments SET subscription_id = :subscriptionId, payment_plan_id = :paymentPlanId
             WHERE account_id = :accountId AND id = :id
            """)
            .param("subscriptionId", subscriptionId)
            .param("paymentPlanId", paymentPlanId)
            .param("accountId", accountId)
            .param("id", paymentId)
            .update();
        return get(accountId, paymentId);
    }

    /** The payment recorded for this charge attempt, if an earlier run of the same job got that far. */
    public java.util.Optional<Payment> findByKey(String accountId, String idempotencyKey) {
        return db.sql("SELECT * FROM payments WHERE account_id = :accountId AND idempotency_key = :key")
            .param("accountId", accountId)
            .param("key", idempotencyKey)
            .query(PAYMENT)
            .optional();
    }

    /** The latest charge on each of the customer's cards that was ever charged, by card id. */
    public java.util.Map<String, Payment> latestByCard(String accountId, String customerId) {
        return db.sql("""
            SELECT DISTINCT ON (card_id) * FROM payments
             WHERE account_id = :accountId AND customer_id = :customerId AND card_id IS NOT NULL
             ORDER BY card_id, created_at DESC, id DESC
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .query(PAYMENT)
            .list()
            .stream()
            .collect(java.util.stream.Collectors.toMap(Payment::cardId, payment -> payment));
    }

    /** The last attempt at collecting the invoice, if any was made. */
    java.util.Optional<Payment> latestFor(String accountId, String invoiceId) {
        return db.sql("""
            SELECT * FROM payments
             WHERE account_id = :accountId AND invoice_id = :invoiceId
             ORDER BY created_at DESC, id DESC
             LIMIT 1
            """)
            .param("accountId", accountId)
            .param("invoiceId", invoiceId)
            .query(PAYMENT)
            .optional();
    }

    /**
     * Makes the payment one of the invoice's charges, and the invoice's {@code attempt_count} the number of them: every
     * charge tried for it is counted from its payments, here, in the transaction that adds one.
     */
    /** Keeps who asked for the charge off its schedule ({@code charged_by}, see {@link ChargedBy}). */
    void chargedBy(String accountId, String paymentId, String by) {
        db.sql("UPDATE payments SET charged_by = :by WHERE account_id = :accountId AND id = :id")
            .param("by", by)
            .param("accountId", accountId)
            .param("id", paymentId)
            .update();
    }

    void linkInvoice(String accountId, String paymentId, String invoiceId) {
        db.sql("UPDATE payments SET invoice_id = :invoiceId WHERE account_id = :accountId AND id = :id")
            .param("invoiceId", invoiceId)
            .param("accountId", accountId)
            .param("id", paymentId)
            .update();
        db.sql("""
            UPDATE invoices i
               SET attempt_count = (SELECT count(*) FROM payments p
                                     WHERE p.account_id = i.account_id AND p.invoice_id = i.id)
             WHERE i.account_id = :accountId AND i.id = :invoiceId
            """)
            .param("accountId", accountId)
            .param("invoiceId", invoiceId)
            .update();
    }

    /** The payments of a subscription or plan (give one of the two), its first order's included, newest first. */
    java.util.List<Payment> of(String accountId, String subscriptionId, String paymentPlanId) {
        return db.sql("""
            SELECT * FROM payments
             WHERE account_id = :accountId
               AND (subscription_id = :subscriptionId OR payment_plan_id = :paymentPlanId)
             ORDER BY created_at DESC, id DESC
             LIMIT 100
            """)
            .param("accountId", accountId)
            .param("subscriptionId", subscriptionId)
            .param("paymentPlanId", paymentPlanId)
            .query(PAYMENT)
            .list();
    }

    /**
     * A charge tried on a card for an invoice, with the gateway key it was made under: the key says what made it (see
     * {@link ChargeKeys}), and {@code chargedBy} who asked for it on demand (pay now), null for the schedule.
     */
    record Tried(Payment payment, String key, String chargedBy) {}

    /**
     * Every charge tried for an invoice, oldest first: each attempt of its retry schedule or staff's pay now, and each
     * retry an automation made. The invoice's {@code attempt_count} is how many there are.
     */
    java.util.List<Tried> forInvoice(String accountId, String invoiceId) {
        return db.sql("""
            SELECT * FROM payments
             WHERE account_id = :accountId AND invoice_id = :invoiceId
             ORDER BY created_at, id
            """)
            .param("accountId", accountId)
            .param("invoiceId", invoiceId)
            .query((rs, row) -> new Tried(PAYMENT.mapRow(rs, row), rs.getString("idempotency_key"),
                rs.getString("charged_by")))
            .list();
    }

    public Payment get(String accountId, String id) {
        return db.sql("SELECT * FROM payments WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .query(PAYMENT)
            .optional()
            .orElseThrow(() -> TillException.notFound("payment", id));
    }

    Page<Payment> list(String accountId, String customerId, PageRequest page) {
        return list(accountId, RecordFilter.ofCustomer(customerId), page);
    }

    Page<Payment> list(String accountId, RecordFilter filter, PageRequest page) {
        return CustomerRecordLists.newestFirst(db, "payments", accountId, filter, page, PAYMENT, Payment::id);
    }

    /** The list, of one invoice's charges only when {@code invoiceId} is not null (another account's finds none). */
    Page<Payment> list(String accountId, RecordFilter filter, String invoiceId, PageRequest page) {
        if (invoiceId == null) {
            return list(accountId, filter, page);
        }
        return CustomerRecordLists.newestFirst(db, "payments", "invoice_id = :invoiceId", Map.of("invoiceId",
            invoiceId), accountId, filter, page, PAYMENT, Payment::id);
    }

    /** Every charge attempt toward an order (its first payment, then one per upsell taken), oldest first. */
    java.util.List<Payment> ofOrder(String accountId, String orderId) {
        return db.sql("""
            SELECT * FROM payments
             WHERE account_id = :accountId AND order_id = :orderId
             ORDER BY created_at, id
            """)
            .param("accountId", accountId)
            .param("orderId", orderId)
            .query(PAYMENT)
            .list();
    }

    /** The record a payment belongs to: the order it paid, or the invoice it collected. */
    record Holder(String orderId, String invoiceId, String customerId) {}

    Holder holder(String accountId, String paymentId) {
        return db
            .sql("SELECT order_id, invoice_id, customer_id FROM payments WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", paymentId)
            .query((rs, row) -> new Holder(rs.getString("order_id"), rs.getString("invoice_id"),
                rs.getString("customer_id")))
            .optional()
            .orElseThrow(() -> TillException.notFound("payment", paymentId));
    }

    /**
     * Whether a payment of an invoice of the subscription (or else the plan) succeeded at or after {@code since}, as
     * Till's clock reads it.
     */
    boolean succeededSince(String accountId, String subscriptionId, String planId, java.time.Instant since) {
        return db.sql("""
            SELECT EXISTS (
                SELECT 1 FROM payments p
                  JOIN invoices i ON i.account_id = p.account_id AND i.id = p.invoice_id
                 WHERE p.account_id = :accountId AND p.status = 'succeeded' AND p.created_at >= :since
                   AND (i.subscription_id = :subscriptionId OR i.payment_plan_id = :planId))
            """)
            .param("accountId", accountId)
            .param("subscriptionId", subscriptionId)
            .param("planId", planId)
            .param("since", Timestamps.of(since))
            .query(Boolean.class)
            .single();
    }
}
