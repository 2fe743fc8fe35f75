package io.till.automation;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Decides whether an event is in an automation's scope: for each scope key, the subject the event names of that kind
 * ({@link ScopeKey#places}) must be the scoped id. A payment or invoice names only its subscription or payment plan,
 * whose product, option and group are read here, once per record and batch.
 */
@Component
class EventScopes {

    private final JdbcClient db;

    EventScopes(JdbcClient db) {
        this.db = db;
    }

    /** Reads subscriptions and payment plans for one batch of events; not shared across batches. */
    Reader reader(String accountId) {
        return new Reader(accountId, new HashMap<>());
    }

    final class Reader {
        private final String accountId;
        private final Map<String, Optional<Map<String, String>>> billed;

        private Reader(String accountId, Map<String, Optional<Map<String, String>>> billed) {
            this.accountId = accountId;
            this.billed = billed;
        }

        /** Why an event of this type and data is out of the scope, or empty when it is in it. */
        Optional<String> mismatch(Map<String, String> scope, String eventType, JsonNode data) {
            for (Map.Entry<String, String> entry : scope.entrySet()) {
                ScopeKey key = ScopeKey.of(entry.getKey()).orElse(null);
                String subject = key == null ? null : subject(key, eventType, data);
                if (!entry.getValue().equals(subject)) {
                    return Optional.of("scope " + entry.getKey() + "=" + entry.getValue() + " does not match "
                        + (subject == null ? "anything" : subject) + " of this event");
                }
            }
            return Optional.empty();
        }

        /** The id of the event's own subject of this kind, or null when it names none. */
        private String subject(ScopeKey key, String eventType, JsonNode data) {
            for (ScopeKey.Place place : key.places(eventType)) {
                String id = at(data, place.path());
                if (id == null) {
                    continue;
                }
                String subject = switch (place.via()) {
                    case ID -> id;
                    case SUBSCRIPTION -> record("subscriptions", id).map(row -> row.get(key.key)).orElse(null);
                    case PAYMENT_PLAN -> record("payment_plans", id).map(row -> row.get(key.key)).orElse(null);
                };
                if (subject != null) {
                    return subject;
                }
            }
            return null;
        }

        private Optional<Map<String, String>> record(String table, String id) {
            return billed.computeIfAbsent(table + ":" + id, ignored -> db.sql("SELECT product_id, option_id, "
                + (table.equals("subscriptions") ? "subscription_group_id" : "NULL AS subscription_group_id")
                // The table name is one of two constants, never from the event.
                + " FROM " + table + " WHERE account_id = :accountId AND id = :id")
                .param("accountId", accountId)
                .param("id", id)
                .query((rs, row) -> {
                    var ids = new HashMap<String, String>();
                    for (String column : new String[]{"product_id", "option_id", "subscription_group_id"}) {
                        ids.put(column, rs.getString(column));
                    }
                    return (Map<String, String>) ids;
                })
                .optional());
        }
    }

    private static String at(JsonNode data, String path) {
        JsonNode node = data;
        for (String field : path.split("\\.")) {
            if (node == null || !node.isObject()) {
                return null;
            }
            node = node.get(field);
        }
        return node != null && node.isString() ? node.asString() : null;
    }
}
