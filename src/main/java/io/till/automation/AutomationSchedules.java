package io.till.automation;

import io.till.automation.engine.Schedules;
import io.till.shared.Timestamps;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * When each active scheduled automation fires next ({@code automation_schedules}, which {@link DirectStarts} fires
 * from): set when a scheduled version becomes active, moved past the times missed while it was paused when it resumes,
 * gone when it is archived or its active version has another trigger. Inside the caller's transaction.
 */
@Component
class AutomationSchedules {

    private final JdbcClient db;
    private final JsonMapper json;
    private final DefinitionParser parser;

    AutomationSchedules(JdbcClient db, JsonMapper json, DefinitionParser parser) {
        this.db = db;
        this.json = json;
        this.parser = parser;
    }

    /**
     * Keeps the row that says when a scheduled automation fires next: set from now when a scheduled version becomes
     * active, gone when the active version has another trigger.
     */
    void activated(String accountId, String id, int version, Definition definition, Instant now) {
        if (definition.trigger() instanceof Definition.Trigger.OnSchedule(var schedule)) {
            db.sql("""
                INSERT INTO automation_schedules (automation_id, account_id, version, anchor, next_fire_at)
                VALUES (:id, :accountId, :version, :now, :next)
                ON CONFLICT (automation_id) DO UPDATE
                   SET version = EXCLUDED.version, anchor = EXCLUDED.anchor, next_fire_at = EXCLUDED.next_fire_at
                """)
                .param("id", id)
                .param("accountId", accountId)
                .param("version", version)
                .param("now", Timestamps.of(now))
                .param("next", Timestamps.of(Schedules.next(schedule, now, now)))
                .update();
        } else {
            db.sql("DELETE FROM automation_schedules WHERE account_id = :accountId AND automation_id = :id")
                .param("accountId", accountId)
                .param("id", id)
                .update();
        }
    }

    /**
     * A resumed scheduled automation fires next at its first time after now, keeping its phase (its anchor): the times
     * that passed while it was paused are not owed.
     */
    void resumed(String accountId, String id, Instant now) {
        record Paused(Instant anchor, String definition) {}
        db.sql("""
            SELECT s.anchor, v.definition
              FROM automation_schedules s
              JOIN automation_versions v ON v.automation_id = s.automation_id AND v.version = s.version
             WHERE s.account_id = :accountId AND s.automation_id = :id
            """)
            .param("accountId", accountId)
            .param("id", id)
            .query((rs, row) -> new Paused(Timestamps.read(rs, "anchor"), rs.getString("definition")))
            .optional()
            .ifPresent(paused -> {
                if (parser.parseSaved(json.readTree(paused.definition()))
                    .trigger() instanceof Definition.Trigger.OnSchedule(var when)) {
                    db.sql(
                        "UPDATE automation_schedules SET next_fire_at = :next WHERE account_id = :accountId AND automation_id = :id")
                        .param("accountId", accountId)
                        .param("next", Timestamps.of(Schedules.next(when, paused.anchor(), now)))
                        .param("id", id)
                        .update();
                }
            });
    }

    void archived(String accountId, String id) {
        db.sql("DELETE FROM automation_schedules WHERE account_id = :accountId AND automation_id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }
}
