package io.till.automation;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Which automations' runs set off an event: the run that raised it ({@code caused_by.execution_id}), the run that
 * raised the event that started that one, and so on back to something from outside. No automation starts from an
 * event its own run set off, directly or through others, so that automations that set each other off stop where the
 * chain comes back to one of them instead of going round for ever.
 */
@Component
class CauseChains {

    /** How far back a chain is followed; a chain without repeats is as long as the automations in it. */
    static final int DEPTH = 100;

    private final JdbcClient db;

    CauseChains(JdbcClient db) {
        this.db = db;
    }

    /** A run's automation in a chain. */
    record Link(String automationId, String automationName) {}

    /**
     * The automations behind an event of the account raised by run {@code executionId}, that run's first; empty for
     * none. (A posted event's data may name any run: only the account's own are followed.)
     */
    List<Link> behind(String accountId, String executionId) {
        if (executionId == null) {
            return List.of();
        }
        return db.sql("""
            WITH RECURSIVE chain (execution_id, depth) AS (
                SELECT CAST(:executionId AS text), 1
                UNION ALL
                SELECT x.trigger -> 'data' -> 'caused_by' ->> 'execution_id', c.depth + 1
                  FROM chain c
                  JOIN executions x ON x.account_id = :accountId AND x.id = c.execution_id
                 WHERE c.depth < :depth AND x.trigger -> 'data' -> 'caused_by' ->> 'execution_id' IS NOT NULL)
            SELECT a.id, a.name
              FROM chain c
              JOIN executions x ON x.account_id = :accountId AND x.id = c.execution_id
              JOIN automations a ON a.id = x.automation_id AND a.account_id = x.account_id
             ORDER BY c.depth
            """)
            .param("accountId", accountId)
            .param("executionId", executionId)
            .param("depth", DEPTH)
            .query((rs, row) -> new Link(rs.getString("id"), rs.getString("name")))
            .list();
    }

    /**
     * Why {@code automationId} does not start from an event these automations set off, or empty when it is not among
     * them.
     */
    static Optional<String> refusal(String automationId, List<Link> chain) {
        for (int i = 0; i < chain.size(); i++) {
            if (!chain.get(i).automationId().equals(automationId)) {
                continue;
            }
            if (i == 0) {
                return Optional.of("One of its own steps raised this event: an automation never starts again from its "
                    + "own event.");
            }
            var through = chain.subList(0, i).stream().map(link -> "“" + link.automationName() + "”").toList();
            return Optional.of("Its own run set off this event through " + String.join(", then ", through.reversed())
                + ": an automation never starts again from what it set off.");
        }
        return Optional.empty();
    }
}
