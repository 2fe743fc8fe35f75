package io.till.receipt;

import io.till.shared.Timestamps;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The billing rows a receipt is made of, read in one place: payments (with the invoice and the product they paid for),
 * refunds, credit notes and cards. Every query filters by account, and by customer when one is given (a buyer's view).
 */
@Repository
class ReceiptRecords {

    private final JdbcClient db;

    ReceiptRecords(JdbcClient db) {
        this.db = db;
    }

    /**
     * A payment and what it paid for: an order, or an invoice of a subscription or payment plan ({@code originOrderId}
     * is the order that started it); {@code orderNumber} is the number of the one or the other, null when neither.
     */
    record PaymentRow(String id, String customerId, String orderId, String status, long amount, String currency,
        String cardBrand, String cardLast4, Instant createdAt, String productName, String optionName,
        boolean subscription, Instant periodStart, Instant periodEnd, long amountDue, long amountCredited,
        String originOrderId, Long orderNumber) {}

    Optional<PaymentRow> payment(String accountId, String customerId, String paymentId) {
        return db.sql("""
            SELECT p.id, p.customer_id, p.order_id, p.status, p.amount, p.currency, p.created_at,
                   d.brand, d.last4, coalesce(i.product_name, pr.name) AS product_name,
                   coalesce(i.option_name, o.name) AS option_name,
                   p.subscription_id IS NOT NULL AS subscription,
                   i.period_start, i.period_end, coalesce(i.amount_due, 0) AS amount_due,
                   coalesce(i.amount_credited, 0) AS amount_credited,
                   coalesce(s.order_id, pl.order_id) AS origin_order_id, n.number AS order_number
              FROM payments p
              LEFT JOIN cards d ON d.account_id = p.account_id AND d.id = p.card_id
              LEFT JOIN invoices i ON i.account_id = p.account_id AND i.id = p.invoice_id
              LEFT JOIN subscriptions s ON s.account_id = p.account_id AND s.id = p.subscription_id
              LEFT JOIN payment_plans pl ON pl.account_id = p.account_id AND pl.id = p.payment_plan_id
              LEFT JOIN products pr ON pr.account_id = p.account_id AND pr.id = coalesce(s.product_id, pl.product_id)
              LEFT JOIN product_options o ON o.account_id = p.account_id AND o.id = coalesce(s.option_id, pl.option_id)
              LEFT JOIN orders n ON n.account_id = p.account_id AND n.id = coalesce(p.order_id, s.order_id, pl.order_id)
             WHERE p.account_id = :accountId AND p.id = :id
               AND (CAST(:customerId AS text) IS NULL OR p.customer_id = :customerId)
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("id", paymentId)
            .query((rs, row) -> new PaymentRow(rs.getString("id"), rs.getString("customer_id"),
                rs.getString("order_id"), rs.getString("status"), rs.getLong("amount"), rs.getString("currency"),
                rs.getString("brand"), rs.getString("last4"), Timestamps.read(rs, "created_at"),
                rs.getString("product_name"), rs.getString("option_name"), rs.getBoolean("subscription"),
                Timestamps.read(rs, "period_start"), Timestamps.read(rs, "period_end"), rs.getLong("amount_due"),
                rs.getLong("amount_credited"), rs.getString("origin_order_id"),
                rs.getObject("order_number", Long.class)))
            .optional();
    }

    /**
     * A renewal's or an installment's invoice that the buyer's credit paid in full, with no card payment, as a payment
     * row: its id, the day it was paid, nothing charged ({@code amount} 0) and what it paid for. Empty for any other
     * invoice, and for another customer's when {@code customerId} is given.
     */
    Optional<PaymentRow> paidByCredit(String accountId, String customerId, String invoiceId) {
        return db.sql("""
            SELECT i.id, i.customer_id, i.currency, i.paid_at, coalesce(i.product_name, pr.name) AS product_name,
                   coalesce(i.option_name, o.name) AS option_name,
                   i.subscription_id IS NOT NULL AS subscription, i.period_start, i.period_end, i.amount_due,
                   i.amount_credited, coalesce(s.order_id, pl.order_id) AS origin_order_id, n.number AS order_number
              FROM invoices i
              LEFT JOIN subscriptions s ON s.account_id = i.account_id AND s.id = i.subscription_id
              LEFT JOIN payment_plans pl ON pl.account_id = i.account_id AND pl.id = i.payment_plan_id
              LEFT JOIN products pr ON pr.account_id = i.account_id AND pr.id = coalesce(s.product_id, pl.product_id)
              LEFT JOIN product_options o ON o.account_id = i.account_id AND o.id = coalesce(s.option_id, pl.option_id)
              LEFT JOIN orders n ON n.account_id = i.account_id AND n.id = coalesce(s.order_id, pl.order_id)
             WHERE i.account_id = :accountId AND i.id = :id
               AND (CAST(:customerId AS text) IS NULL OR i.customer_id = :customerId)
               AND i.status = 'paid' AND i.paid_at IS NOT NULL AND i.amount_credited > 0
               AND NOT EXISTS (SELECT 1 FROM payments x
                                WHERE x.account_id = i.account_id AND x.invoice_id = i.id AND x.status <> 'failed')
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("id", invoiceId)
            .query((rs, row) -> new PaymentRow(rs.getString("id"), rs.getString("customer_id"), null, "succeeded", 0,
                rs.getString("currency"), null, null, Timestamps.read(rs, "paid_at"), rs.getString("product_name"),
                rs.getString("option_name"), rs.getBoolean("subscription"), Timestamps.read(rs, "period_start"),
                Timestamps.read(rs, "period_end"), rs.getLong("amount_due"), rs.getLong("amount_credited"),
                rs.getString("origin_order_id"), rs.getObject("order_number", Long.class)))
            .optional();
    }

    /** What the seller credited back on an invoice (to spend on later invoices), oldest first. */
    List<Receipt.CreditNote> creditNotesOfInvoice(String accountId, String invoiceId) {
        return db.sql("""
            SELECT c.id, c.created_at, c.amount
              FROM credit_entries c
             WHERE c.account_id = :accountId AND c.kind = 'credit_note' AND c.invoice_id = :invoiceId
             ORDER BY c.created_at, c.id
            """)
            .param("accountId", accountId)
            .param("invoiceId", invoiceId)
            .query((rs, row) -> new Receipt.CreditNote(rs.getString("id"), Timestamps.read(rs, "created_at"),
                rs.getLong("amount")))
            .list();
    }

    /**
     * The gateway key a payment was charged under, which says what it paid for: {@code order:<order>} for the purchase
     * itself, {@code order:<order>:upsell:<upsell>:attempt:<n>} for an upsell taken after it.
     */
    String chargeKey(String accountId, String paymentId) {
        return db.sql("SELECT idempotency_key FROM payments WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", paymentId)
            .query(String.class)
            .single();
    }

    /** The money taken toward an order, oldest first; failed attempts took nothing. */
    List<Receipt.Charge> chargesOfOrder(String accountId, String orderId) {
        return db.sql("""
            SELECT p.id, p.created_at, p.amount, d.brand, d.last4
              FROM payments p
              LEFT JOIN cards d ON d.account_id = p.account_id AND d.id = p.card_id
             WHERE p.account_id = :accountId AND p.order_id = :orderId AND p.status <> 'failed'
             ORDER BY p.created_at, p.id
            """)
            .param("accountId", accountId)
            .param("orderId", orderId)
            .query((rs, row) -> new Receipt.Charge(rs.getString("id"), Timestamps.read(rs, "created_at"),
                rs.getLong("amount"), rs.getString("brand"), rs.getString("last4")))
            .list();
    }

    /**
     * The credit notes issued on the invoices these payments paid, oldest first. A credit note is on an invoice, not a
     * payment; failed attempts at the invoice have no receipt, so the one that paid it shows them.
     */
    List<Receipt.CreditNote> creditNotes(String accountId, List<String> paymentIds) {
        if (paymentIds.isEmpty()) {
            return List.of();
        }
        return db.sql("""
            SELECT c.id, c.created_at, c.amount
              FROM credit_entries c
             WHERE c.account_id = :accountId AND c.kind = 'credit_note'
               AND c.invoice_id IN (SELECT p.invoice_id FROM payments p
                                     WHERE p.account_id = :accountId AND p.id = ANY (:paymentIds)
                                       AND p.status <> 'failed')
             ORDER BY c.created_at, c.id
            """)
            .param("accountId", accountId)
            .param("paymentIds", paymentIds.toArray(String[]::new))
            .query((rs, row) -> new Receipt.CreditNote(rs.getString("id"), Timestamps.read(rs, "created_at"),
                rs.getLong("amount")))
            .list();
    }

    /** What the gateway was asked to give back of these payments and has not confirmed yet (or refused). */
    long pendingRefunds(String accountId, List<String> paymentIds) {
        if (paymentIds.isEmpty()) {
            return 0;
        }
        return db.sql("""
            SELECT coalesce(sum(amount), 0)
              FROM refunds
             WHERE account_id = :accountId AND payment_id = ANY (:paymentIds) AND status = 'pending'
            """)
            .param("accountId", accountId)
            .param("paymentIds", paymentIds.toArray(String[]::new))
            .query(Long.class)
            .single();
    }

    /** The refunds that went through for these payments, oldest first. */
    List<Receipt.Refund> refunds(String accountId, List<String> paymentIds) {
        if (paymentIds.isEmpty()) {
            return List.of();
        }
        return db.sql("""
            SELECT id, payment_id, created_at, amount
              FROM refunds
             WHERE account_id = :accountId AND payment_id = ANY (:paymentIds) AND status = 'succeeded'
             ORDER BY created_at, id
            """)
            .param("accountId", accountId)
            .param("paymentIds", paymentIds.toArray(String[]::new))
            .query((rs, row) -> new Receipt.Refund(rs.getString("id"), rs.getString("payment_id"),
                Timestamps.read(rs, "created_at"), rs.getLong("amount")))
            .list();
    }
}
