package io.till.billing;

import io.till.shared.PersonalData;
import io.till.shared.PersonalRows;
import io.till.shared.RedactedRows;
import io.till.shared.RedactedRows.Column;
import io.till.shared.Redaction;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A customer's personal data in the billing records: billing addresses on orders, the words a buyer wrote when
 * canceling, and the staff's reasons for refunds and credits, which may name them. Amounts, dates and statuses stay,
 * and so does each order's country (the evidence of where tax was due). Nothing is erased while it still bills: an
 * open subscription, plan, invoice or order keeps its customer whole.
 */
@Component
class BillingPersonalData implements PersonalData {

    private final JdbcClient db;
    private final JsonMapper json;

    BillingPersonalData(JdbcClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    @Override
    public Map<String, JsonNode> export(String accountId, String customerId, Values known) {
        var params = Map.of("accountId", accountId, "customerId", customerId);
        var records = new LinkedHashMap<String, JsonNode>();
        records.put("orders", PersonalRows.of(db, json, """
            SELECT o.*, (SELECT coalesce(jsonb_agg(to_jsonb(i) - 'account_id' ORDER BY i.position), '[]')
                           FROM order_items i WHERE i.account_id = o.account_id AND i.order_id = o.id) AS items
              FROM orders o
             WHERE o.account_id = :accountId AND o.customer_id = :customerId
            """, params));
        for (String table : List.of("subscriptions", "payment_plans", "invoices", "payments", "refunds",
            "credit_entries")) {
            records.put(table, PersonalRows.of(db, json, "SELECT * FROM " + table
                + " WHERE account_id = :accountId AND customer_id = :customerId", params));
        }
        return records;
    }

    @Override
    public List<String> obstacles(String accountId, String customerId) {
        return db.sql("""
            SELECT 'subscription ' || id || ' is ' || status FROM subscriptions
             WHERE account_id = :accountId AND customer_id = :customerId AND status <> 'canceled'
            UNION ALL
            SELECT 'payment plan ' || id || ' is ' || status FROM payment_plans
             WHERE account_id = :accountId AND customer_id = :customerId AND status IN ('active', 'unpaid')
            UNION ALL
            SELECT 'invoice ' || id || ' is open' FROM invoices
             WHERE account_id = :accountId AND customer_id = :customerId AND status = 'issued'
            UNION ALL
            SELECT 'order ' || id || ' is pending' FROM orders
             WHERE account_id = :accountId AND customer_id = :customerId AND status = 'pending'
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .query(String.class)
            .list();
    }

    @Override
    public Values values(String accountId, String customerId) {
        var places = new HashSet<String>();
        var names = new HashSet<String>();
        db.sql("""
            SELECT billing_name, billing_line1, billing_line2, billing_city, billing_postal_code FROM orders
             WHERE account_id = :accountId AND customer_id = :customerId
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .query(rs -> {
                addIfPresent(names, rs.getString("billing_name"));
                addIfPresent(places, rs.getString("billing_line1"));
                addIfPresent(places, rs.getString("billing_line2"));
                addIfPresent(places, rs.getString("billing_city"));
                addIfPresent(places, rs.getString("billing_postal_code"));
            });
        return new Values(Set.of(), names, places);
    }

    private static void addIfPresent(Set<String> values, String value) {
        if (value != null) {
            values.add(value);
        }
    }

    @Override
    public void erase(String accountId, String customerId, Redaction redaction) {
        db.sql("""
            UPDATE orders
               SET billing_name = NULL, billing_line1 = NULL, billing_line2 = NULL, billing_city = NULL,
                   billing_postal_code = NULL, billing_region = NULL
             WHERE account_id = :accountId AND customer_id = :customerId
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .update();
        // A refund's or a credit's reason is the staff's note, which may name the buyer ("asked by phone, +1…").
        for (String table : List.of("refunds", "credit_entries")) {
            RedactedRows.rewrite(db, json, redaction, table, List.of("id"), List.of(Column.text("reason")),
                "account_id = :accountId AND customer_id = :customerId AND reason IS NOT NULL",
                Map.of("accountId", accountId, "customerId", customerId));
        }
        // What the buyer wrote in their own words is theirs as a whole; the reason they picked from the list stays.
        db.sql("""
            UPDATE subscriptions SET cancel_reason_text = NULL
             WHERE account_id = :accountId AND customer_id = :customerId AND cancel_reason_text IS NOT NULL
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .update();
    }
}
