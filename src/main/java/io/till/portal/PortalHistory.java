package io.till.portal;

import io.till.shared.Amounts;
import io.till.shared.Timestamps;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What a buyer sees of their own history: orders, payments (a renewal or an installment their credit paid in full
 * among them), refunds, and how many of each. Every query is bound to the signed-in buyer's account AND customer: no
 * id in a URL can widen it. Their subscriptions and plans are {@link PortalOverview}'s.
 */
@Repository
class PortalHistory {

    private final JdbcClient db;

    PortalHistory(JdbcClient db) {
        this.db = db;
    }

    /** An order; {@code refunded} is what went back of a paid one, null when nothing did. */
    record OrderLine(String id, long number, Instant createdAt, String status, String total, String summary,
        String refunded) {}

    /**
     * {@code orderNumber}: the order the payment paid, null for a renewal or an installment; {@code paidFor} what a
     * renewal or an installment paid ("Membership renewal", "Course · installment 2 of 3"), null for an order's.
     */
    record PaymentLine(String id, Instant createdAt, String status, String amount, String refunded,
        PortalOverview.CardLabel card,
        String failure, Long orderNumber, String paidFor) {}

    /**
     * A refund, with what it gave back: the payment's order ({@code orderNumber}) or the subscription's or plan's
     * product ({@code paidFor}), the card it went back to and the day the payment was made, so that a buyer with
     * several purchases knows which one it was; its row opens that payment's receipt, which lists its refunds.
     */
    record RefundLine(String id, Instant createdAt, String status, String amount, String paymentId,
        Instant paidAt, String paidAmount, Long orderNumber, String paidFor, PortalOverview.CardLabel card) {

        /** "Refund of order #23", "Refund of your Membership payment", or "Refund" when its payment says neither. */
        public String title() {
            if (orderNumber != null) {
                return "Refund of order #" + orderNumber;
            }
            return paidFor == null ? "Refund" : "Refund of your " + paidFor + " payment";
        }
    }

    /** The buyer's orders, newest first: {@code limit} of them after the first {@code offset}. */
    List<OrderLine> orders(PortalBuyer buyer, int limit, int offset) {
        return db.sql("""
            SELECT o.id, o.number, o.created_at, o.total, o.currency,
                   (SELECT string_agg(i.name, ', ' ORDER BY i.position) FROM order_items i
                     WHERE i.account_id = o.account_id AND i.order_id = o.id) AS summary,
                   -- What went back; a refund the gateway has not confirmed has not (Receipts.OrderDetails).
                   coalesce(refunds.succeeded, 0) AS refunded,
                   CASE WHEN o.status = 'refunded' AND refunds.pending > 0 THEN 'paid' ELSE o.status END AS status
              FROM orders o
              LEFT JOIN LATERAL (
                  SELECT sum(r.amount) FILTER (WHERE r.status = 'succeeded') AS succeeded,
                         sum(r.amount) FILTER (WHERE r.status = 'pending') AS pending
                    FROM payments p
                    JOIN refunds r ON r.account_id = p.account_id AND r.payment_id = p.id
                   WHERE p.account_id = o.account_id AND p.order_id = o.id) refunds ON true
             WHERE o.account_id = :accountId AND o.customer_id = :customerId
             ORDER BY o.created_at DESC, o.id DESC
             LIMIT :limit OFFSET :offset
            """)
            .param("accountId", buyer.accountId())
            .param("customerId", buyer.customerId())
            .param("limit", limit)
            .param("offset", offset)
            .query(
                (rs, row) -> new OrderLine(rs.getString("id"), rs.getLong("number"), Timestamps.read(rs, "created_at"),
                    rs.getString("status"), Amounts.format(rs.getLong("total"), rs.getString("currency")),
                    rs.getString("summary"), rs.getLong("refunded") == 0 || !"paid".equals(rs.getString("status"))
                        ? null
                        : Amounts.format(rs.getLong("refunded"), rs.getString("currency"))))
            .list();
    }

    /** The buyer's payments, newest first: {@code limit} of them after the first {@code offset}. */
    List<PaymentLine> payments(PortalBuyer buyer, int limit, int offset) {
        return payments(buyer, null, null, limit, offset);
    }

    /**
     * The buyer's payments, newest first: of one subscription, or of one plan, when its id is given; {@code limit} of
     * them after the first {@code offset}.
     */
    List<PaymentLine> payments(PortalBuyer buyer, String subscriptionId, String paymentPlanId, int limit,
        int offset) {
        return db.sql("""
            SELECT paid.*,
                   CASE WHEN paid.order_number IS NOT NULL THEN NULL
                        WHEN pp.id IS NOT NULL
                        THEN p.name || ' · installment ' || i.sequence || ' of ' || pp.installments
                        -- The first bill after a free trial is the first payment, not a renewal.
                        WHEN s.id IS NOT NULL AND s.trial_end IS NOT NULL AND i.period_start = s.trial_end
                        THEN p.name || ' · first payment after the free trial'
                        WHEN s.id IS NOT NULL THEN p.name || ' renewal' END AS paid_for
              FROM (
                SELECT pa.id, pa.created_at, pa.amount, pa.currency, pa.failure_message,
                       (SELECT coalesce(sum(r.amount), 0) FROM refunds r
                         WHERE r.account_id = pa.account_id AND r.payment_id = pa.id AND r.status = 'succeeded')
                         AS amount_refunded,
                       CASE WHEN pa.status = 'refunded' AND EXISTS (SELECT 1 FROM refunds r
                              WHERE r.account_id = pa.account_id AND r.payment_id = pa.id AND r.status = 'pending')
                            THEN 'succeeded' ELSE pa.status END AS status,
                       c.brand AS card_brand, c.last4 AS card_last4, o.number AS order_number, pa.invoice_id
                  FROM payments pa
                  LEFT JOIN cards c ON c.account_id = pa.account_id AND c.customer_id = pa.customer_id
                                   AND c.id = pa.card_id
                  LEFT JOIN orders o ON o.account_id = pa.account_id AND o.id = pa.order_id
                 WHERE pa.account_id = :accountId AND pa.customer_id = :customerId
                   AND (CAST(:subscriptionId AS text) IS NULL OR pa.subscription_id = :subscriptionId)
                   AND (CAST(:paymentPlanId AS text) IS NULL OR pa.payment_plan_id = :paymentPlanId)
                UNION ALL
                -- A renewal or an installment the buyer's credit paid in full took no card payment: without these
                -- rows it would be missing from what they paid.
                SELECT i.id, i.paid_at, i.amount_credited, i.currency, NULL, 0, 'credit', NULL, NULL, NULL, i.id
                  FROM invoices i
                 WHERE %s
                   AND (CAST(:subscriptionId AS text) IS NULL OR i.subscription_id = :subscriptionId)
                   AND (CAST(:paymentPlanId AS text) IS NULL OR i.payment_plan_id = :paymentPlanId)
              ) paid
              -- What a renewal's or an installment's payment paid for, from its invoice.
              LEFT JOIN invoices i ON i.account_id = :accountId AND i.id = paid.invoice_id
              LEFT JOIN subscriptions s ON s.account_id = i.account_id AND s.id = i.subscription_id
              LEFT JOIN payment_plans pp ON pp.account_id = i.account_id AND pp.id = i.payment_plan_id
              LEFT JOIN products p ON p.account_id = i.account_id AND p.id = coalesce(s.product_id, pp.product_id)
             ORDER BY paid.created_at DESC, paid.id DESC
             LIMIT :limit OFFSET :offset
            """.formatted(PAID_BY_CREDIT))
            .param("accountId", buyer.accountId())
            .param("customerId", buyer.customerId())
            .param("subscriptionId", subscriptionId)
            .param("paymentPlanId", paymentPlanId)
            .param("limit", limit)
            .param("offset", offset)
            .query((rs, row) -> {
                String currency = rs.getString("currency");
                long refunded = rs.getLong("amount_refunded");
                return new PaymentLine(rs.getString("id"), Timestamps.read(rs, "created_at"), rs.getString("status"),
                    Amounts.format(rs.getLong("amount"), currency),
                    refunded > 0 ? Amounts.format(refunded, currency) : null, PortalOverview.CardLabel.read(rs),
                    rs.getString("failure_message"), rs.getObject("order_number", Long.class),
                    rs.getString("paid_for"));
            })
            .list();
    }

    /** The buyer's invoices their credit paid in full (no card payment), which {@link #payments} lists too. */
    private static final String PAID_BY_CREDIT = """
        i.account_id = :accountId AND i.customer_id = :customerId
           AND i.status = 'paid' AND i.paid_at IS NOT NULL AND i.amount_credited > 0
           AND NOT EXISTS (SELECT 1 FROM payments x
                            WHERE x.account_id = i.account_id AND x.invoice_id = i.id AND x.status <> 'failed')""";

    /** The buyer's refunds, newest first: {@code limit} of them after the first {@code offset}. */
    List<RefundLine> refunds(PortalBuyer buyer, int limit, int offset) {
        return db
            .sql(
                """
                    SELECT r.id, r.created_at, r.status, r.amount, r.currency, r.payment_id, pa.created_at AS paid_at,
                           pa.amount AS paid_amount, pa.currency AS paid_currency, o.number AS order_number, p.name AS paid_for, c.brand AS card_brand, c.last4 AS card_last4
                      FROM refunds r
                      JOIN payments pa ON pa.account_id = r.account_id AND pa.id = r.payment_id
                      LEFT JOIN cards c ON c.account_id = pa.account_id AND c.customer_id = pa.customer_id
                                       AND c.id = pa.card_id
                      LEFT JOIN orders o ON o.account_id = pa.account_id AND o.id = pa.order_id
                      LEFT JOIN invoices i ON i.account_id = pa.account_id AND i.id = pa.invoice_id
                      LEFT JOIN subscriptions s ON s.account_id = i.account_id AND s.id = i.subscription_id
                      LEFT JOIN payment_plans pp ON pp.account_id = i.account_id AND pp.id = i.payment_plan_id
                      LEFT JOIN products p ON p.account_id = i.account_id AND p.id = coalesce(s.product_id, pp.product_id)
                     WHERE r.account_id = :accountId AND r.customer_id = :customerId
                     ORDER BY r.created_at DESC, r.id DESC
                     LIMIT :limit OFFSET :offset
                    """)
            .param("accountId", buyer.accountId())
            .param("customerId", buyer.customerId())
            .param("limit", limit)
            .param("offset", offset)
            .query((rs, row) -> new RefundLine(rs.getString("id"), Timestamps.read(rs, "created_at"),
                rs.getString("status"), Amounts.format(rs.getLong("amount"), rs.getString("currency")),
                rs.getString("payment_id"), Timestamps.read(rs, "paid_at"), Amounts.format(rs.getLong("paid_amount"),
                    rs.getString("paid_currency")),
                rs.getObject("order_number", Long.class),
                rs.getString("paid_for"), PortalOverview.CardLabel.read(rs)))
            .list();
    }

    /**
     * How many orders, payments and refunds the buyer has in all, for "See all" and the pages of each list; and how
     * many subscriptions and plans they ever had (none: a one-time buyer, whose page starts at their orders).
     */
    record Counts(int orders, int payments, int refunds, int billing) {}

    Counts counts(PortalBuyer buyer) {
        return db.sql("""
            SELECT (SELECT count(*) FROM orders
                     WHERE account_id = :accountId AND customer_id = :customerId) AS orders,
                   (SELECT count(*) FROM payments
                     WHERE account_id = :accountId AND customer_id = :customerId)
                   + (SELECT count(*) FROM invoices i WHERE %s) AS payments,
                   (SELECT count(*) FROM refunds
                     WHERE account_id = :accountId AND customer_id = :customerId) AS refunds,
                   (SELECT count(*) FROM subscriptions
                     WHERE account_id = :accountId AND customer_id = :customerId)
                   + (SELECT count(*) FROM payment_plans
                       WHERE account_id = :accountId AND customer_id = :customerId) AS billing
            """.formatted(PAID_BY_CREDIT))
            .param("accountId", buyer.accountId())
            .param("customerId", buyer.customerId())
            .query((rs, row) -> new Counts(rs.getInt("orders"), rs.getInt("payments"), rs.getInt("refunds"), rs
                .getInt("billing")))
            .single();
    }

    /** How many payments one subscription, or one plan, of the buyer has in all, for the pages of its payments. */
    int paymentCount(PortalBuyer buyer, String subscriptionId, String paymentPlanId) {
        return db.sql("""
            SELECT (SELECT count(*) FROM payments
                     WHERE account_id = :accountId AND customer_id = :customerId
                       AND (CAST(:subscriptionId AS text) IS NULL OR subscription_id = :subscriptionId)
                       AND (CAST(:paymentPlanId AS text) IS NULL OR payment_plan_id = :paymentPlanId))
                 + (SELECT count(*) FROM invoices i
                     WHERE %s
                     AND (CAST(:subscriptionId AS text) IS NULL OR i.subscription_id = :subscriptionId)
                     AND (CAST(:paymentPlanId AS text) IS NULL OR i.payment_plan_id = :paymentPlanId))
            """.formatted(PAID_BY_CREDIT))
            .param("accountId", buyer.accountId())
            .param("customerId", buyer.customerId())
            .param("subscriptionId", subscriptionId)
            .param("paymentPlanId", paymentPlanId)
            .query(Integer.class)
            .single();
    }
}
