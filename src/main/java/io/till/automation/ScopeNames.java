package io.till.automation;

import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The names of the objects event triggers are scoped to (a checkout, a product, a subscription group…), read from the
 * account that owns the automations, one query per kind of scope, to say a trigger in words ({@link TriggerSentence}).
 */
@Component
class ScopeNames {

    /** The most objects of one kind a scope picker lists. */
    static final int CHOICES = 500;

    private final JdbcClient db;

    ScopeNames(JdbcClient db) {
        this.db = db;
    }

    /** Names by id for every scope of these triggers; an id of another account (or of nobody) gets no name. */
    Map<String, String> of(String accountId, Collection<Definition.Trigger> triggers) {
        var wanted = new EnumMap<ScopeKey, Set<String>>(ScopeKey.class);
        for (Definition.Trigger trigger : triggers) {
            if (trigger instanceof Definition.Trigger.OnEvent(var event, var scope, var daysBefore)) {
                scope.forEach((key, id) -> ScopeKey.of(key)
                    .ifPresent(kind -> wanted.computeIfAbsent(kind, k -> new HashSet<>()).add(id)));
            }
        }
        var names = new HashMap<String, String>();
        wanted.forEach((kind, ids) -> db.sql("SELECT id, " + (kind == ScopeKey.PROMO_CODE ? "code" : "name")
        // The table and column come from the enum, never from the definition.
            + " AS name FROM " + kind.table + " WHERE account_id = :accountId AND id IN (:ids)")
            .param("accountId", accountId)
            .param("ids", ids)
            .query((rs, row) -> Map.entry(rs.getString("id"), rs.getString("name")))
            .list()
            .forEach(entry -> names.put(entry.getKey(), entry.getValue())));
        return names;
    }

    /**
     * What a scope of this kind can name in the account, for the builder's picker, by name; an upsell, addon or
     * option is named with the checkout or product it belongs to ("Pro checkout · Priority support").
     */
    List<WhenChoices.Choice> choices(String accountId, ScopeKey kind) {
        String sql = switch (kind) {
            case CHECKOUT -> "SELECT id, name || CASE WHEN archived_at IS NULL THEN '' ELSE ' (archived)' END AS name"
                + " FROM checkouts WHERE account_id = :accountId ORDER BY archived_at IS NOT NULL, lower(name), id";
            case PRODUCT, SUBSCRIPTION_GROUP -> "SELECT id, name FROM " + kind.table
                + " WHERE account_id = :accountId ORDER BY lower(name), id";
            case PROMO_CODE -> "SELECT id, code AS name FROM promo_codes WHERE account_id = :accountId"
                + " ORDER BY lower(code)";
            // Offers taken away, and those of archived checkouts, last and marked: an automation may still name them.
            case UPSELL, ADDON -> "SELECT o.id, c.name || ' · ' || o.name || CASE WHEN o.retired_at IS NOT NULL"
                + " THEN ' (no longer offered)' WHEN c.archived_at IS NOT NULL THEN ' (archived)' ELSE '' END AS name"
                + " FROM " + kind.table + " o"
                + " JOIN checkouts c ON c.id = o.checkout_id AND c.account_id = o.account_id"
                + " WHERE o.account_id = :accountId"
                + " ORDER BY o.retired_at IS NOT NULL OR c.archived_at IS NOT NULL, lower(c.name), c.id, o.position";
            case OPTION -> "SELECT o.id, p.name || ' · ' || o.name AS name FROM product_options o"
                + " JOIN products p ON p.id = o.product_id AND p.account_id = o.account_id"
                + " WHERE o.account_id = :accountId ORDER BY lower(p.name), p.id, o.position";
        };
        // The tables come from the enum; a picker longer than this is no use, and the JSON still takes any id.
        return db.sql(sql + " LIMIT " + CHOICES)
            .param("accountId", accountId)
            .query((rs, row) -> new WhenChoices.Choice(rs.getString("id"), rs.getString("name")))
            .list();
    }
}
