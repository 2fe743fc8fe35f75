package io.till.portal;

import io.till.billing.Subscription;
import io.till.shared.Amounts;
import io.till.shared.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What a buyer sees of their own billing on the overview page. Every query is bound to the signed-in buyer's account
 * AND customer: no id in a URL can widen it.
 */
@Repository
class PortalOverview {

    private final JdbcClient db;
    private final Clock clock;

    PortalOverview(JdbcClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * A card as the buyer knows it; {@code expiry} (with {@code expires}, "01/2025") says how near it is to its expiry
     * for the card paying a subscription or plan, and is null for the card a payment was made with.
     */
    record CardLabel(String brand, String last4, String expires, PortalCardViews.Expiry expiry) {

        static CardLabel read(ResultSet rs) throws SQLException {
            return rs.getString("card_last4") == null
                ? null
                : new CardLabel(rs.getString("card_brand"), rs.getString("card_last4"), null, null);
        }

        /** The card paying a subscription or plan, marked as the cards page marks it (PortalCardViews.Expiry). */
        static CardLabel paying(ResultSet rs, Instant now) throws SQLException {
            if (rs.getString("card_last4") == null) {
                return null;
            }
            int month = rs.getInt("card_exp_month");
            int year = rs.getInt("card_exp_year");
            return new CardLabel(rs.getString("card_brand"), rs.getString("card_last4"), "%02d/%d".formatted(month,
                year), PortalCardViews.Expiry.of(month, year, now));
        }

        /** Whether it no longer works: it pays nothing until the buyer chooses another card. */
        public boolean expired() {
            return expiry == PortalCardViews.Expiry.EXPIRED;
        }

        /** "Expired 01/2025" or "Expires soon: 01/2027"; null for a card far from its expiry, which needs no mark. */
        public String expiryText() {
            return expiry == null || expiry == PortalCardViews.Expiry.VALID ? null : expiry.text(expires);
        }

        public String expiryTone() {
            return expiry == null ? null : expiry.tone();
        }
    }

    /**
     * A subscription or payment plan. {@code nextBillAt} is null when nothing more will be charged; {@code endsOn} is
     * when a canceling subscription (or one in the last period of its term) ends, null otherwise; {@code unpaid} is
     * null when nothing is owed.
     */
    record Billing(String kind, String id, String name, String status, String shownStatus, String amount,
        String every, Instant nextBillAt, Instant endsOn, CardLabel card, String unpaid, String progress, Term term) {

        public boolean isSubscription() {
            return "subscription".equals(kind);
        }

        /**
         * Whether a card can be chosen for it on the cards page (CardChoices.billed): a subscription until it is
         * canceled, a plan until it is completed or canceled.
         */
        public boolean takesCard() {
            return isSubscription() ? !"canceled".equals(status) : List.of("active", "unpaid").contains(status);
        }

        public String href(String accountId) {
            return "/portal/" + accountId + (isSubscription() ? "/subscriptions/" : "/payment_plans/") + id;
        }

        /** Where the buyer chooses the card that pays it: its row on the cards page. */
        public String cardsHref(String accountId) {
            return "/portal/" + accountId + "/cards#pay-" + id;
        }

        /** Whether its card expired while it still takes one: the buyer has to choose another card for it. */
        public boolean needsCard() {
            return takesCard() && card != null && card.expired();
        }
    }

    /**
     * The term of a fixed-term subscription: it ends on its own after {@code payments} payments, at {@code endsAt};
     * {@code paid} of them are made.
     */
    record Term(int payments, int paid, Instant endsAt) {

        /** "Ends after 12 payments · 3 paid". */
        public String text() {
            return "Ends after " + payments + (payments == 1 ? " payment" : " payments") + " · " + paid + " paid";
        }
    }

    /** An order; {@code refunded} is what went back of a paid one, null when nothing did. */
    record OrderLine(String id, long number, Instant createdAt, String status, String total, String summary,
        String refunded) {}

    /**
     * {@code orderNumber}: the order the payment paid, null for a renewal or an installment; {@code paidFor} what a
     * renewal or an installment paid ("Membership renewal", "Course · installment 2 of 3"), null for an order's.
     */
    record PaymentLine(String id, Instant createdAt, String status, String amount, String refunded, CardLabel card,
        String failure, Long orderNumber, String paidFor) {}

    record RefundLine(String id, Instant createdAt, String status, String amount, String paymentId) {}

    /**
     * When a subscription that will not bill again ends: a canceling one at the end of its period, one in the last
     * period of its term then too (a fixed term ends where its last period does).
     */
    private static Instant endsOn(String status, boolean billsAgain, Instant periodEnd, Term term) {
        boolean running = List.of("trialing", "active", "past_due").contains(status);
        if (status.equals("canceling") || (running && !billsAgain && term != null)) {
            return periodEnd;
        }
        return null;
    }

    List<Billing> billing(PortalBuyer buyer, boolean all) {
        Instant now = Timestamps.now(clock);
        var subscriptions = db.sql("""
            SELECT s.id, p.name AS product, o.name AS option, s.status, s.amount, s.currency, s.interval,
                   s.interval_count, s.current_period_end, c.brand AS card_brand, c.last4 AS card_last4,
                   c.exp_month AS card_exp_month, c.exp_year AS card_exp_year, o.cycles, s.ends_at,
                   s.canceled_by,
                   EXISTS (SELECT 1 FROM invoices i WHERE i.account_id = s.account_id AND i.subscription_id = s.id
                             AND i.status = 'void' AND %s) AS ended_owing,
                   -- A fixed term counts the payments that went through, refunded since or not.
                   (SELECT count(*) FROM payments pa
                     WHERE pa.account_id = s.account_id AND pa.customer_id = s.customer_id
                       AND pa.subscription_id = s.id AND pa.status IN ('succeeded', 'refunded', 'disputed'))
                     AS payments_made,
                   -- Subscription.nextBill's rule: renewing, and not in the last period of a fixed term.
                   s.status IN ('trialing', 'active', 'past_due')
                       AND (s.ends_at IS NULL OR s.current_period_end < s.ends_at) AS bills_again,
                   (SELECT sum(i.amount_due) FROM invoices i
                     WHERE i.account_id = s.account_id AND i.customer_id = s.customer_id AND i.subscription_id = s.id
                       AND i.status = 'issued' AND i.attempt_count > 0) AS unpaid
              FROM subscriptions s
              JOIN products p ON p.account_id = s.account_id AND p.id = s.product_id
              JOIN product_options o ON o.account_id = s.account_id AND o.id = s.option_id
              JOIN customers cu ON cu.account_id = s.account_id AND cu.id = s.customer_id
              LEFT JOIN cards c ON c.account_id = s.account_id AND c.customer_id = s.customer_id
                               AND c.id = coalesce(s.card_id, cu.default_card_id)
             WHERE s.account_id = :accountId AND s.customer_id = :customerId
               AND (:all OR s.status <> 'canceled')
             ORDER BY s.created_at DESC, s.id DESC
            """.formatted(Subscription.ENDED_OWING))
            .param("accountId", buyer.accountId())
            .param("customerId", buyer.customerId())
            .param("all", all)
            .query((rs, row) -> {
                String status = rs.getString("status");
                String currency = rs.getString("currency");
                boolean billsAgain = rs.getBoolean("bills_again");
                int cycles = rs.getInt("cycles");
                Term term = rs.wasNull() || rs.getTimestamp("ends_at") == null
                    ? null
                    : new Term(cycles, rs.getInt("payments_made"), Timestamps.read(rs, "ends_at"));
                return new Billing("subscription", rs.getString("id"), name(rs), status,
                    Subscription.shownStatus(status, rs.getString("canceled_by"),
                        Timestamps.read(rs, "current_period_end"), Timestamps.read(rs, "ends_at"),
                        rs.getBoolean("ended_owing")),
                    Amounts.format(rs.getLong("amount"), currency),
                    every(rs.getString("interval"), rs.getInt("interval_count")),
                    billsAgain ? Timestamps.read(rs, "current_period_end") : null,
                    endsOn(status, billsAgain, Timestamps.read(rs, "current_period_end"), term),
                    CardLabel.paying(rs, now),
                    unpaid(rs, currency), null, term);
            })
            .list();
        var plans = db.sql("""
            SELECT pp.id, p.name AS product, o.name AS option, pp.status, pp.installment_amount, pp.currency,
                   pp.interval, pp.interval_count, pp.next_bill_at, pp.installments, pp.installments_paid,
                   c.brand AS card_brand, c.last4 AS card_last4, c.exp_month AS card_exp_month,
                   c.exp_year AS card_exp_year,
                   (SELECT sum(i.amount_due) FROM invoices i
                     WHERE i.account_id = pp.account_id AND i.customer_id = pp.customer_id
                       AND i.payment_plan_id = pp.id AND i.status = 'issued' AND i.attempt_count > 0) AS unpaid
              FROM payment_plans pp
              JOIN products p ON p.account_id = pp.account_id AND p.id = pp.product_id
              JOIN product_options o ON o.account_id = pp.account_id AND o.id = pp.option_id
              JOIN customers cu ON cu.account_id = pp.account_id AND cu.id = pp.customer_id
              LEFT JOIN cards c ON c.account_id = pp.account_id AND c.customer_id = pp.customer_id
                               AND c.id = coalesce(pp.card_id, cu.default_card_id)
             WHERE pp.account_id = :accountId AND pp.customer_id = :customerId
               AND (:all OR pp.status IN ('active', 'unpaid'))
             ORDER BY pp.created_at DESC, pp.id DESC
            """)
            .param("accountId", buyer.accountId())
            .param("customerId", buyer.customerId())
            .param("all", all)
            .query((rs, row) -> {
                String currency = rs.getString("currency");
                return new Billing("payment_plan", rs.getString("id"), name(rs), rs.getString("status"),
                    rs.getString("status"), Amounts.format(rs.getLong("installment_amount"), currency),
                    every(rs.getString("interval"), rs.getInt("interval_count")),
                    "active".equals(rs.getString("status")) ? Timestamps.read(rs, "next_bill_at") : null,
                    null,
                    CardLabel.paying(rs, now), unpaid(rs, currency),
                    rs.getInt("installments_paid") + " of " + rs.getInt("installments") + " paid", null);
            })
            .list();
        return java.util.stream.Stream.concat(subscriptions.stream(), plans.stream()).toList();
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
                    refunded > 0 ? Amounts.format(refunded, currency) : null, CardLabel.read(rs),
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
        return db.sql("""
            SELECT id, created_at, status, amount, currency, payment_id
              FROM refunds
             WHERE account_id = :accountId AND customer_id = :customerId
             ORDER BY created_at DESC, id DESC
             LIMIT :limit OFFSET :offset
            """)
            .param("accountId", buyer.accountId())
            .param("customerId", buyer.customerId())
            .param("limit", limit)
            .param("offset", offset)
            .query((rs, row) -> new RefundLine(rs.getString("id"), Timestamps.read(rs, "created_at"),
                rs.getString("status"), Amounts.format(rs.getLong("amount"), rs.getString("currency")),
                rs.getString("payment_id")))
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

    private static String name(ResultSet rs) throws SQLException {
        String product = rs.getString("product");
        String option = rs.getString("option");
        return option == null || option.isBlank() || option.equalsIgnoreCase(product)
            ? product
            : product + " · " + option;
    }

    private static String unpaid(ResultSet rs, String currency) throws SQLException {
        long unpaid = rs.getLong("unpaid");
        return unpaid > 0 ? Amounts.format(unpaid, currency) : null;
    }

    /** "month" × 1 → "month"; "month" × 3 → "3 months". */
    static String every(String interval, int count) {
        return count == 1 ? interval : count + " " + interval + "s";
    }
}
