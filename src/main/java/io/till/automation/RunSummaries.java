package io.till.automation;

import io.till.shared.Timestamps;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * How each automation of the list has been running: runs started since a moment (the last 7 days), how many of
 * those failed and finished, and when it last started one. One query for the whole list, bound to the account, each
 * automation's runs read through {@code executions_automation_created_idx} (V48) rather than all its runs ever.
 */
@Repository
class RunSummaries {

    /**
     * @param finished runs that came to an end of their own: succeeded, failed, or stopped by the event their cancel_on
     *     waits for (an invoice paid while a dunning run waited: the outcome it is for). The base of the failure rate;
     *     runs staff canceled say nothing of how it works.
     */
    record Summary(long runs, long failed, long finished, Instant lastRun) {

        static final Summary NONE = new Summary(0, 0, 0, null);

        /** "25 %", or null while no run has finished. */
        public String failureRate() {
            return finished == 0 ? null : Math.round(100.0 * failed / finished) + " %";
        }

        public boolean failing() {
            return failed > 0;
        }
    }

    private final JdbcClient db;

    RunSummaries(JdbcClient db) {
        this.db = db;
    }

    Map<String, Summary> since(String accountId, Collection<String> automationIds, Instant since) {
        if (automationIds.isEmpty()) {
            return Map.of();
        }
        return db.sql("""
            SELECT a.id, recent.runs, recent.failed, recent.finished, latest.created_at AS last_run
              FROM automations a
              CROSS JOIN LATERAL (
                    SELECT count(*) AS runs,
                           count(*) FILTER (WHERE e.status = 'failed') AS failed,
                           count(*) FILTER (WHERE e.status IN ('succeeded', 'failed')
                                              OR (e.status = 'canceled' AND e.canceled_by_event IS NOT NULL))
                             AS finished
                      FROM executions e
                     WHERE e.account_id = a.account_id AND e.automation_id = a.id AND e.created_at >= :since
                   ) recent
              LEFT JOIN LATERAL (
                    SELECT e.created_at FROM executions e
                     WHERE e.account_id = a.account_id AND e.automation_id = a.id
                     ORDER BY e.created_at DESC
                     LIMIT 1
                   ) latest ON true
             WHERE a.account_id = :accountId AND a.id IN (:ids)
            """)
            .param("accountId", accountId)
            .param("ids", automationIds)
            .param("since", Timestamps.of(since))
            .query((rs, row) -> Map.entry(rs.getString("id"), new Summary(rs.getLong("runs"), rs.getLong("failed"),
                rs.getLong("finished"), Timestamps.read(rs, "last_run"))))
            .list()
            .stream()
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
