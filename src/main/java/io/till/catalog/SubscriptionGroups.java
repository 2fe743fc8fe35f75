package io.till.catalog;

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

/** Groups of subscription products, which subscription events can be scoped to. */
@Repository
public class SubscriptionGroups {

    public record SubscriptionGroup(String id, String name, Instant createdAt) {}

    private static final RowMapper<SubscriptionGroup> GROUP = (rs, row) -> new SubscriptionGroup(rs.getString("id"),
        rs.getString("name"), Timestamps.read(rs, "created_at"));

    private final JdbcClient db;
    private final Clock clock;

    SubscriptionGroups(JdbcClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    SubscriptionGroup create(String accountId, String name) {
        var errors = new FieldErrors();
        if (name == null || name.isBlank() || name.length() > 200) {
            errors.add("name", "required", "is required, at most 200 characters");
        }
        errors.throwIfAny();
        var group = new SubscriptionGroup(Ids.newId("sgrp"), name.strip(), Timestamps.now(clock));
        db.sql(
            "INSERT INTO subscription_groups (id, account_id, name, created_at) VALUES (:id, :accountId, :name, :at)")
            .param("id", group.id())
            .param("accountId", accountId)
            .param("name", group.name())
            .param("at", Timestamps.of(group.createdAt()))
            .update();
        return group;
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
