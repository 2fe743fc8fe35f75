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
                     WHERE account_id = :accountId AND customer_id = :customerId AND status = 'issued'
                       AND attempt_count > 0) AS missed,
                   (SELECT count(*) FROM subscriptions
                     WHERE account_id = :accountId AND customer_id = :customerId AND status = 'paused') AS paused
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("active", Subscription.ACTIVE_STATUSES)
            .query((rs, row) -> new Counts(rs.getLong("orders"), rs.getInt("subscriptions"), rs.getInt("plans"),
                rs.getInt("missed"), rs.getInt("paused")))
            .single();
        var lifetimeValue = db.sql("""
            SELECT currency, sum(amount - amount_refunded) AS amount FROM payments
             WHERE account_id = :accountId AND customer_id = :customerId
               AND status IN ('succeeded', 'refunded', 'disputed')
             GROUP BY currency
             ORDER BY currency
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .query((rs, row) -> new CustomerStats.Money(rs.getLong("amount"), rs.getString("currency")))
            .list();
        return new CustomerStats(counts.orders(), lifetimeValue, counts.subscriptions(), counts.plans(),
            counts.missed(), counts.paused());
    }
}
