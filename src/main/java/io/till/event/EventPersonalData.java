package io.till.event;

import io.till.shared.PersonalData;
import io.till.shared.PersonalRows;
import io.till.shared.RedactedRows;
import io.till.shared.Redaction;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A customer's personal data in the event log: the snapshots their events carry, and the earlier names, emails, phones
 * and custom fields' values {@code customer.updated} kept in {@code previous_attributes} (which rendered emails of their
 * runs may show).
 */
@Component
class EventPersonalData implements PersonalData {

    private final JdbcClient db;
    private final JsonMapper json;

    EventPersonalData(JdbcClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    @Override
    public Values values(String accountId, String customerId) {
        var contacts = new HashSet<String>();
        var fields = new HashSet<String>();
        var names = new HashSet<String>();
        db.sql("""
            SELECT data -> 'previous_attributes' ->> 'email' AS email,
                   data -> 'previous_attributes' ->> 'phone' AS phone,
                   data -> 'previous_attributes' ->> 'name' AS name,
                   (SELECT array_agg(field.value)
                      FROM jsonb_each_text(CASE jsonb_typeof(data -> 'previous_attributes' -> 'metadata')
                                                WHEN 'object' THEN data -> 'previous_attributes' -> 'metadata'
                                                ELSE '{}'::jsonb END) field) AS fields
              FROM events
             WHERE account_id = :accountId AND customer_id = :customerId AND type = :updated
            """)
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("updated", EventType.CUSTOMER_UPDATED.type())
            .query(rs -> {
                for (String column : List.of("email", "phone")) {
                    if (rs.getString(column) != null) {
                        contacts.add(rs.getString(column));
                    }
                }
                if (rs.getString("name") != null) {
                    names.add(rs.getString("name"));
                }
                java.sql.Array values = rs.getArray("fields");
                if (values != null) {
                    for (Object value : (Object[]) values.getArray()) {
                        if (value != null) {
                            fields.add(value.toString());
                        }
                    }
                }
            });
        // The custom fields' earlier values are searched for too, under the rule for fields (not contacts).
        var exact = new HashSet<String>(contacts);
        exact.addAll(fields);
        return new Values(exact, names, Set.of(), contacts);
    }

    @Override
    public Map<String, JsonNode> export(String accountId, String customerId, Values known) {
        return Map.of("events", PersonalRows.of(db, json, """
            SELECT id, type, occurred_at, data FROM events WHERE account_id = :accountId AND customer_id = :customerId
            """, Map.of("accountId", accountId, "customerId", customerId)));
    }

    /**
     * Redacts their events' snapshots, and marks each event as recorded before the erasure: it starts no run after
     * it, even for an automation that read its snapshot before ({@code ExecutionQueue} refuses that start).
     */
    @Override
    public void erase(String accountId, String customerId, Redaction redaction) {
        db.sql("UPDATE events SET erased = true WHERE account_id = :accountId AND customer_id = :customerId")
            .param("accountId", accountId)
            .param("customerId", customerId)
            .update();
        RedactedRows.rewrite(db, json, redaction, "events", List.of("id"), List.of(RedactedRows.Column.json("data")),
            "account_id = :accountId AND customer_id = :customerId",
            Map.of("accountId", accountId, "customerId", customerId));
    }
}
