package io.till.automation;

import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
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

    private final JdbcClient db;

    ScopeNames(JdbcClient db) {
        this.db = db;
    }

    /** Names by id for every scope of these triggers; an id of another account (or of nobody) gets no name. */
    Map<String, String> of(String accountId, Collection<Definition.Trigger> triggers) {
        var wanted = new EnumMap<ScopeKey, Set<String>>(ScopeKey.class);
        for (Definition.Trigger trigger : triggers) {
            if (trigger instanceof Definition.Trigger.OnEvent(var event, var scope)) {
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
}
