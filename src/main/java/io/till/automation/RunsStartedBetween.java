package io.till.automation;

import io.till.shared.Timestamps;
import java.time.Instant;
import java.util.LinkedHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The runs a test clock's advance set off, by automation, for the dashboard's flash. */
@Component
public class RunsStartedBetween {

    private final JdbcClient db;

    RunsStartedBetween(JdbcClient db) {
        this.db = db;
    }

    /**
     * Runs started after {@code from} up to {@code to} (the clock's time, as runs record it), counted by the name of
     * their automation, the automation that ran first first.
     */
    public LinkedHashMap<String, Long> countsBetween(String accountId, Instant from, Instant to) {
        var counts = new LinkedHashMap<String, Long>();
        db.sql("""
            SELECT a.name, count(*) AS n
              FROM executions e
              JOIN automations a ON a.id = e.automation_id AND a.account_id = e.account_id
             WHERE e.account_id = :accountId AND e.created_at > :from AND e.created_at <= :to
             GROUP BY a.id, a.name
             ORDER BY min(e.created_at), a.name
            """)
            .param("accountId", accountId)
            .param("from", Timestamps.of(from))
            .param("to", Timestamps.of(to))
            .query((rs, row) -> counts.merge(rs.getString("name"), rs.getLong("n"), Long::sum))
            .list();
        return counts;
    }
}
