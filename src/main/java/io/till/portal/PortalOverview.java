package io.till.portal;

import io.till.billing.CardExpiry;
import io.till.billing.PaymentPlans;
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
 * What a buyer sees of their own subscriptions and payment plans, on the overview page and each one's own. Every query
 * is bound to the signed-in buyer's account AND customer: no id in a URL can widen it. Their orders, payments and
 * refunds are {@link PortalHistory}'s.
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
    record CardLabel(String brand, String last4, String expires, CardExpiry expiry) {

        static CardLabel read(ResultSet rs) throws SQLException {
            return rs.getString("card_last4") == null
                ? null
                : new CardLabel(rs.getString("card_brand"), rs.getString("card_last4"), null, null);
        }

        /** The card paying a subscription or plan, marked as the cards page marks it (CardExpiry). */
        static CardLabel paying(ResultSet rs, Instant now) throws SQLException {
            if (rs.getString("card_last4") == null) {
                return null;
            }
            int month = rs.getInt("card_exp_month");
            int year = rs.getInt("card_exp_year");
            return new CardLabel(rs.getString("card_brand"), rs.getString("card_last4"), "%02d/%d".formatted(month,
                year), CardExpiry.of(month, year, now));
        }

        /** The brand as the buyer's receipts and the cards page name it: "American Express", "JCB", "UnionPay". */
        public String brandName() {
            return PortalCardText.brand(brand);
        }

        /** Whether it no longer works: it pays nothing until the buyer chooses another card. */
        public boolean expired() {
            return expiry == CardExpiry.EXPIRED;
        }

        /** "Expired 01/2025" or "Expires soon: 01/2027"; null for a card far from its expiry, which needs no mark. */
        public String expiryText() {
            return expiry == null || expiry == CardExpiry.VALID ? null : expiry.text(expires);
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

        /** Paused by the seller: nothing is charged, what it owes included, until it resumes. */
        public boolean paused() {
            return "paused".equals(status);
        }

        /** Whether choosing a card pays what it owes at once: it owes something and is not paused. */
        public boolean payable() {
            return unpaid != null && !paused();
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
        return billing(buyer, all, null);
    }

    /**
     * The buyer's credit, per currency, when there is some ("$3.00"): what a credit note or the seller granted them,
     * less what was spent on invoices. Receipts name it; without this the portal never said where it went.
     */
    List<String> credit(PortalBuyer buyer) {
        return db.sql("""
            SELECT currency, sum(amount) AS amount FROM credit_entries
             WHERE account_id = :accountId AND customer_id = :customerId
             GROUP BY currency
            HAVING sum(amount) > 0
             ORDER BY currency
            """)
            .param("accountId", buyer.accountId())
            .param("customerId", buyer.customerId())
            .query((rs, row) -> io.till.shared.Amounts.format(rs.getLong("amount"), rs.getString("currency")))
            .list();
    }

    /** The subscriptions and payment plans the buyer's order {@code orderId} started, whatever became of them. */
    List<Billing> startedBy(PortalBuyer buyer, String orderId) {
        return billing(buyer, true, orderId);
    }

    private List<Billing> billing(PortalBuyer buyer, boolean all, String orderId) {
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
                   (SELECT sum(i.amount_due - i.amount_credited) FROM invoices i
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
               AND (CAST(:orderId AS text) IS NULL OR s.order_id = :orderId)
             ORDER BY s.created_at DESC, s.id DESC
            """.formatted(Subscription.ENDED_OWING))
            .param("accountId", buyer.accountId())
            .param("customerId", buyer.customerId())
            .param("all", all)
            .param("orderId", orderId)
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
                   (SELECT sum(i.amount_due - i.amount_credited) FROM invoices i
                     WHERE i.account_id = pp.account_id AND i.customer_id = pp.customer_id
                       AND i.payment_plan_id = pp.id AND i.status = 'issued' AND i.attempt_count > 0) AS unpaid,
                   """ + PaymentPlans.AMOUNT_PAID + """
             AS paid,
            """ + PaymentPlans.WRITTEN_OFF + """
                    AS written_off
              FROM payment_plans pp
              JOIN products p ON p.account_id = pp.account_id AND p.id = pp.product_id
              JOIN product_options o ON o.account_id = pp.account_id AND o.id = pp.option_id
              JOIN customers cu ON cu.account_id = pp.account_id AND cu.id = pp.customer_id
              LEFT JOIN cards c ON c.account_id = pp.account_id AND c.customer_id = pp.customer_id
                               AND c.id = coalesce(pp.card_id, cu.default_card_id)
             WHERE pp.account_id = :accountId AND pp.customer_id = :customerId
               AND (:all OR pp.status IN ('active', 'unpaid'))
               AND (CAST(:orderId AS text) IS NULL OR pp.order_id = :orderId)
             ORDER BY pp.created_at DESC, pp.id DESC
            """)
            .param("accountId", buyer.accountId())
            .param("customerId", buyer.customerId())
            .param("all", all)
            .param("orderId", orderId)
            .query((rs, row) -> {
                String currency = rs.getString("currency");
                String status = rs.getString("status");
                String shown = shownPlanStatus(status, rs.getLong("unpaid"));
                return new Billing("payment_plan", rs.getString("id"), name(rs), status,
                    shown, Amounts.format(rs.getLong("installment_amount"), currency),
                    every(rs.getString("interval"), rs.getInt("interval_count")),
                    "active".equals(rs.getString("status")) ? Timestamps.read(rs, "next_bill_at") : null,
                    null,
                    CardLabel.paying(rs, now), unpaid(rs, currency),
                    progress(status, rs.getInt("installments_paid"), rs.getInt("installments"),
                        rs.getInt("written_off"), rs.getLong("paid"), currency),
                    null);
            })
            .list();
        return java.util.stream.Stream.concat(subscriptions.stream(), plans.stream()).toList();
    }

    /**
     * "2 of 3 paid"; a plan paid off says so, with what it came to ({@code amountPaid}): "Paid in full: $300.00 over 3
     * payments". Installments the store wrote off are neither: "1 of 3 paid, 1 written off", and a plan completed
     * without them reads "Completed: $200.00 over 2 payments, 1 written off".
     */
    static String progress(String status, int paid, int installments, int writtenOff, long amountPaid,
        String currency) {
        String off = writtenOff == 0 ? "" : ", " + writtenOff + " written off";
        if (!"completed".equals(status)) {
            return paid + " of " + installments + " paid" + off;
        }
        return (writtenOff == 0 ? "Paid in full: " : "Completed: ") + Amounts.format(amountPaid, currency) + " over "
            + paid + (paid == 1 ? " payment" : " payments") + off;
    }

    /**
     * A plan has no past due state of its own (it is unpaid once its retries are spent), but a buyer reads a failed
     * installment as a subscription's failed renewal is shown: past due. Every portal page shows a plan so.
     */
    static String shownPlanStatus(String status, long unpaid) {
        return "active".equals(status) && unpaid > 0 ? "past_due" : status;
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
