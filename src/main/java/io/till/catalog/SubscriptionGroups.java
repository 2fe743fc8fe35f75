package io.till.catalog;

import io.till.idempotency.RequestEffects;
import io.till.shared.FieldErrors;
import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Groups of subscription products, which subscription events can be scoped to. */
@Repository
public class SubscriptionGroups {

    public record SubscriptionGroup(String id, String name, Instant createdAt) {}

    private static final RowMapper<SubscriptionGroup> GROUP = (rs, row) -> new SubscriptionGroup(rs.getString("id"),
        rs.getString("name"), Timestamps.read(rs, "created_at"));

    private final JdbcClient db;
    private final RequestEffects effects;
    private final Clock clock;

    SubscriptionGroups(JdbcClient db, Clock clock, RequestEffects effects) {
        this.effects = effects;
        this.db = db;
        this.clock = clock;
    }

    /**
     * A new group. Its name is the account's only group of that name, whatever the case: automations are scoped to a
     * group picked by name, and two that read alike could not be told apart there.
     */
    @Transactional
    SubscriptionGroup create(String accountId, String name) {
        var earlier = effects.recordedBefore("subscription_group");
        if (earlier.isPresent()) {
            // Created by an earlier attempt of this keyed request, which never got to answer.
            return get(accountId, earlier.get());
        }
        checkName(accountId, name, null);
        var group = new SubscriptionGroup(Ids.newId("sgrp"), name.strip(), Timestamps.now(clock));
        db.sql(
            "INSERT INTO subscription_groups (id, account_id, name, created_at) VALUES (:id, :accountId, :name, :at)")
            .param("id", group.id())
            .param("accountId", accountId)
            .param("name", group.name())
            .param("at", Timestamps.of(group.createdAt()))
            .update();
        effects.recorded("subscription_group", group.id());
        return group;
    }

    /**
     * Renames the group, as unique as a new one's name (another letter case of its own name is a rename). Its products
     * and subscriptions stay in it, and automations scoped to it keep it: they name it by id.
     */
    @Transactional
    SubscriptionGroup rename(String accountId, String id, String name) {
        get(accountId, id);
        checkName(accountId, name, id);
        db.sql("UPDATE subscription_groups SET name = :name WHERE account_id = :accountId AND id = :id")
            .param("name", name.strip())
            .param("accountId", accountId)
            .param("id", id)
            .update();
        return get(accountId, id);
    }

    /**
     * Refuses a name that is blank, too long, or that of another group of the account whatever the case (the lock
     * makes two at once see each other).
     */
    private void checkName(String accountId, String name, String exceptId) {
        var errors = new FieldErrors();
        if (name == null || name.isBlank() || name.length() > 200) {
            errors.add("name", "required", "is required, at most 200 characters");
        }
        errors.throwIfAny();
        db.sql("SELECT pg_advisory_xact_lock(hashtext(:key))").param("key", "till.subscription-groups:" + accountId)
            .query((rs, row) -> 1).list();
        boolean taken = db.sql("""
            SELECT EXISTS (SELECT 1 FROM subscription_groups
                            WHERE account_id = :accountId AND lower(name) = lower(:name)
                              AND id IS DISTINCT FROM :exceptId)
            """)
            .param("accountId", accountId)
            .param("name", name.strip())
            .param("exceptId", exceptId)
            .query(Boolean.class)
            .single();
        if (taken) {
            throw TillException.invalid("name", "taken", "is the name of a group you have already: choose it for "
                + "the product, or give this one another name");
        }
    }

    SubscriptionGroup get(String accountId, String id) {
        return db.sql("SELECT id, name, created_at FROM subscription_groups WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .query(GROUP)
            .optional()
            .orElseThrow(() -> TillException.notFound("subscription group", id));
    }

    Page<SubscriptionGroup> list(String accountId, PageRequest page) {
        return page.page(db.sql("""
            SELECT id, name, created_at FROM subscription_groups
             WHERE account_id = :accountId AND (CAST(:afterId AS text) IS NULL OR id < :afterId)
             ORDER BY id DESC
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("afterId", page.afterId())
            .param("limit", page.fetchSize())
            .query(GROUP)
            .list(), SubscriptionGroup::id);
    }
}
