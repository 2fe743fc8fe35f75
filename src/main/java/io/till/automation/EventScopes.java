package io.till.automation;

import io.till.customer.Cards;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
                Set<String> subjects = key == null ? Set.of() : subjects(key, eventType, data);
                if (!subjects.contains(entry.getValue())) {
                    return Optional.of("scope " + entry.getKey() + "=" + entry.getValue() + " does not match "
                        + (subjects.isEmpty() ? "anything" : String.join(", ", new TreeSet<>(subjects)))
                        + " of this event");
                }
            }
            return Optional.empty();
        }

        /** The ids of the event's own subject of this kind: one, or for a card those of all it pays. */
        private Set<String> subjects(ScopeKey key, String eventType, JsonNode data) {
            var subjects = new HashSet<String>();
            for (ScopeKey.Place place : key.places(eventType)) {
                String id = at(data, place.path());
                if (id == null) {
                    continue;
                }
                switch (place.via()) {
                    case ID -> subjects.add(id);
                    case SUBSCRIPTION -> record("subscriptions", id).map(row -> row.get(key.key))
                        .ifPresent(subjects::add);
                    case PAYMENT_PLAN -> record("payment_plans", id).map(row -> row.get(key.key))
                        .ifPresent(subjects::add);
                    case CARD -> subjects.addAll(paidBy(id, key));
                }
                subjects.remove(null);
                if (!subjects.isEmpty()) {
                    break;
                }
            }
            subjects.remove(null);
            return subjects;
        }

        /**
         * What a card pays, of this kind: the live subscriptions and plans with this card, and those without a card
         * of their own on file when it is the customer's default ({@link Cards#paidBy}, the rule billing charges by).
         */
        private List<String> paidBy(String cardId, ScopeKey key) {
            String column = key == ScopeKey.SUBSCRIPTION_GROUP ? "subscription_group_id" : key.key;
            String plans = key == ScopeKey.SUBSCRIPTION_GROUP ? "" : """
                UNION
                SELECT s.%s FROM payment_plans s JOIN customers c ON c.id = s.customer_id
                 WHERE s.account_id = :accountId AND s.status IN ('active', 'unpaid') AND %s
                """.formatted(column, Cards.paidBy(":card"));
            // The column names come from the scope key, never from the event.
            return db.sql("""
                SELECT s.%s FROM subscriptions s JOIN customers c ON c.id = s.customer_id
                 WHERE s.account_id = :accountId AND s.status <> 'canceled' AND %s
                """.formatted(column, Cards.paidBy(":card")) + plans)
                .param("accountId", accountId)
                .param("card", cardId)
                .query(String.class)
                .list();
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
