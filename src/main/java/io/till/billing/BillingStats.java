package io.till.billing;

import io.till.customer.CustomerStats;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** A customer's figures, read from the billing records in one round trip each. */
@Component
class BillingStats implements CustomerStats.Source {

    private final JdbcClient db;

    BillingStats(JdbcClient db) {
        this.db = db;
    }

    /**
     * Missed payments are read from what the record lists as unpaid invoices, not from statuses: a plan stays
     * {@code active} while a failed installment is retried, and a paused subscription keeps its arrears. Each
     * subscription or plan counts once, however many of its invoices wait; an invoice not yet charged (issued a moment
     * before its charge) is owed but not missed.
     */
    @Override
    public CustomerStats of(String accountId, String customerId) {
        record Counts(long orders, int subscriptions, int plans, int missed, int paused) {}
        var counts = db.sql("""
            SELECT (SELECT count(*) FROM orders
                     WHERE account_id = :accountId AND customer_id = :customerId
                       AND status IN ('paid', 'refunded')) AS orders,
                   (SELECT count(*) FROM subscriptions
                     WHERE account_id = :accountId AND customer_id = :customerId
                       AND status IN (:active)) AS subscriptions,
                   (SELECT count(*) FROM payment_plans
                     WHERE account_id = :accountId AND customer_id = :customerId AND status = 'active') AS plans,
                   (SELECT count(DISTINCT coalesce(subscription_id, payment_plan_id)) FROM invoices
                     WHERE account_id = :accountId AND customer_id = :customerId AND attempt_count > 0
                       AND %s) AS missed,
                   (SELECT count(*) FROM subscriptions
                     WHERE account_id = :accountId AND customer_id = :customerId AND status = 'paused') AS paused
            """.formatted(Invoices.STILL_OWED))
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("active", Subscription.ACTIVE_STATUSES)
            .query((rs, row) -> new Counts(rs.getLong("orders"), rs.getInt("subscriptions"), rs.getInt("plans"),
                rs.getInt("missed"), rs.getInt("paused")))
            .single();
        // A disputed payment is the bank's to give back or keep: like a refund, it is not the seller's money (as
        // Credits counts it taken back), so it is summed apart, never into the lifetime value.
        record Sum(String currency, long kept, long disputed) {}
        var sums = db.sql("""
            SELECT currency,
                   sum(amount - amount_refunded) FILTER (WHERE status IN ('succeeded', 'refunded')) AS kept,
                   sum(amount - amount_refunded) FILTER (WHERE status = 'disputed') AS disputed
              FROM payments
             WHERE account_id = :accountId AND customer_id = :customerId
               AND status IN ('succeeded', 'refunded', 'disputed')
             GROUP BY currency
             ORDER BY currency
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .query((rs, row) -> new Sum(rs.getString("currency"), rs.getLong("kept"), rs.getLong("disputed")))
            .list();
        var lifetimeValue = sums.stream()
            .filter(sum -> sum.kept() != 0 || sum.disputed() == 0)
            .map(sum -> new CustomerStats.Money(sum.kept(), sum.currency()))
            .toList();
        var disputed = sums.stream()
            .filter(sum -> sum.disputed() != 0)
            .map(sum -> new CustomerStats.Money(sum.disputed(), sum.currency()))
            .toList();
        return new CustomerStats(counts.orders(), lifetimeValue, counts.subscriptions(), counts.plans(),
            counts.missed(), counts.paused(), disputed);
    }
}
