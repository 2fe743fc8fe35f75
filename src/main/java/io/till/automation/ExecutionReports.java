package io.till.automation;

import io.till.shared.Timestamps;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The figures of the automation reports, each one aggregate query bound to the account. */
@Repository
class ExecutionReports {

    /**
     * The events that start failed-payment automations. Their trigger snapshot carries the invoice that failed
     * ({@code data.invoice.id}, as billing records them).
     */
    static final List<String> PAYMENT_FAILED = List.of("payment.failed", "subscription.payment_failed",
        "payment_plan.payment_failed");

    /**
     * {@link #PAYMENT_FAILED} as the partial index of their runs says it (V109): written out, so that the planner
     * knows the index holds every run the report reads; a parameter would leave it to scan them all.
     */
    private static final String PAYMENT_FAILED_RUN = "(e.trigger ->> 'type') IN ("
        + String.join(", ", PAYMENT_FAILED.stream().map(type -> "'" + type + "'").toList()) + ")";

    /** How long after the failure a payment still counts as recovered by the automation. */
    static final int RECOVERY_DAYS = 30;

    private final JdbcClient db;

    ExecutionReports(JdbcClient db) {
        this.db = db;
    }

    /**
     * Runs of one automation started on one day (in the store's time zone), by outcome; {@code stopped} ended by one of
     * its cancel-on events (the invoice paid while dunning waited: for a recovery automation, the outcome it is for),
     * apart from {@code canceled} by hand, so that a chart never counts a recovery as a cancellation; {@code open}
     * still pending, running or waiting.
     */
    record DayCount(LocalDate day, String automationId, String automation, long succeeded, long stopped,
        long failed, long canceled, long open) {

        public long total() {
            return succeeded + stopped + failed + canceled + open;
        }
    }

    List<DayCount> runsPerDay(String accountId, String automationId, ZoneId zone, Instant from, Instant to) {
        // Automation by automation, each one's runs of the window read from its (account, automation, created_at)
        // index, not the whole table with every account's history: a million runs, a sixth of them in the window,
        // took 280 ms; this, 130 ms.
        return db.sql("""
            SELECT d.day, a.id AS automation_id, a.name, d.succeeded, d.stopped, d.failed, d.canceled, d.open
              FROM automations a
             CROSS JOIN LATERAL (
                   SELECT (e.created_at AT TIME ZONE :zone)::date AS day,
                          count(*) FILTER (WHERE e.status = 'succeeded') AS succeeded,
                          count(*) FILTER (WHERE e.status = 'canceled' AND e.canceled_by_event IS NOT NULL) AS stopped,
                          count(*) FILTER (WHERE e.status = 'failed') AS failed,
                          count(*) FILTER (WHERE e.status = 'canceled' AND e.canceled_by_event IS NULL) AS canceled,
                          count(*) FILTER (WHERE e.status IN ('pending', 'running', 'waiting')) AS open
                     FROM executions e
                    WHERE e.account_id = a.account_id AND e.automation_id = a.id
                      AND e.created_at >= :from AND e.created_at < :to
                    GROUP BY 1) d
             WHERE a.account_id = :accountId
               AND (CAST(:automationId AS text) IS NULL OR a.id = :automationId)
             ORDER BY 1 DESC, 3
            """)
            .param("accountId", accountId)
            .param("automationId", automationId)
            .param("zone", zone.getId())
            .param("from", Timestamps.of(from))
            .param("to", Timestamps.of(to))
            .query((rs, row) -> new DayCount(rs.getObject("day", LocalDate.class), rs.getString("automation_id"),
                rs.getString("name"), rs.getLong("succeeded"), rs.getLong("stopped"), rs.getLong("failed"),
                rs.getLong("canceled"), rs.getLong("open")))
            .list();
    }

    /**
     * Invoices whose failed payment started a failed-payment automation, by the week (from Monday, in the store's time
     * zone) of their first such run: how many and how much were paid within {@link #RECOVERY_DAYS} days of it, and how
     * much is still unpaid.
     * An invoice counts once, however many runs it started. Amounts are what the card had to pay (credits applied
     * are not revenue recovered).
     */
    record WeekRecovery(LocalDate week, String currency, long failed, long recovered, long recoveredAmount,
        long unpaid, long unpaidAmount) {

        /** Recovered invoices as a whole percentage of those that failed. */
        public long rate() {
            return failed == 0 ? 0 : Math.round(100.0 * recovered / failed);
        }
    }

    List<WeekRecovery> recovery(String accountId, ZoneId zone, Instant from, Instant to) {
        return db.sql("""
            -- Each invoice's first failure ever, then those within the window: one that first failed before it is
            -- no failure of the window's, however often it failed again within it.
            WITH failures AS (
                SELECT DISTINCT ON (i.id) i.id, i.currency, i.status, i.paid_at, i.subscription_id,
                       i.amount_due - i.amount_credited AS amount, e.created_at AS failed_at
                  FROM executions e
                  JOIN invoices i ON i.account_id = e.account_id
                                 AND i.id = e.trigger -> 'data' -> 'invoice' ->> 'id'
                 WHERE e.account_id = :accountId
                   AND %s
                   AND e.created_at < :to
                 ORDER BY i.id, e.created_at),
            judged AS (
                SELECT *, status = 'paid' AND paid_at <= failed_at + make_interval(days => :days) AS recovered,
                       -- Still owed: issued, or a subscription's written off as bad debt (Invoices.STILL_OWED).
                       status = 'issued' OR status = 'uncollectible' AND subscription_id IS NOT NULL AS owed
                  FROM failures
                 WHERE failed_at >= :from)
            SELECT date_trunc('week', failed_at AT TIME ZONE :zone)::date AS week, currency,
                   count(*) AS failed,
                   count(*) FILTER (WHERE recovered) AS recovered,
                   coalesce(sum(amount) FILTER (WHERE recovered), 0) AS recovered_amount,
                   count(*) FILTER (WHERE owed) AS unpaid,
                   coalesce(sum(amount) FILTER (WHERE owed), 0) AS unpaid_amount
              FROM judged
             GROUP BY 1, 2
             ORDER BY 1, 2
            """.formatted(PAYMENT_FAILED_RUN))
            .param("accountId", accountId)
            .param("days", RECOVERY_DAYS)
            .param("zone", zone.getId())
            .param("from", Timestamps.of(from))
            .param("to", Timestamps.of(to))
            .query((rs, row) -> new WeekRecovery(rs.getObject("week", LocalDate.class), rs.getString("currency"),
                rs.getLong("failed"), rs.getLong("recovered"), rs.getLong("recovered_amount"), rs.getLong("unpaid"),
                rs.getLong("unpaid_amount")))
            .list();
    }

    static Instant startOf(LocalDate day, ZoneId zone) {
        return day.atStartOfDay(zone).toInstant();
    }
}
