package io.till.billing;

import io.till.shared.Timestamps;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The accounts' retry schedules; an account that never saved one has the configured defaults. */
@Repository
class RetrySchedules {

    private final JdbcClient db;
    private final Clock clock;
    private final BillingSettings settings;

    RetrySchedules(JdbcClient db, Clock clock, BillingSettings settings) {
        this.db = db;
        this.clock = clock;
        this.settings = settings;
    }

    RetrySchedule defaults() {
        return new RetrySchedule(settings.subscriptionRetries(), settings.paymentPlanRetries());
    }

    RetrySchedule get(String accountId) {
        return db.sql("""
            SELECT subscription_retry_seconds, payment_plan_retry_seconds
              FROM billing_retry_schedules WHERE account_id = :accountId
            """)
            .param("accountId", accountId)
            .query((rs, row) -> new RetrySchedule(durations(rs.getArray("subscription_retry_seconds")),
                durations(rs.getArray("payment_plan_retry_seconds"))))
            .optional()
            .orElseGet(this::defaults);
    }

    /** Replaces the schedule with what {@code body} asks for: the API's and the dashboard's one way in. */
    RetrySchedule save(String accountId, RetryScheduleBody body) {
        return put(accountId, body.toSchedule(defaults()));
    }

    private RetrySchedule put(String accountId, RetrySchedule schedule) {
        db.sql("""
            INSERT INTO billing_retry_schedules (account_id, subscription_retry_seconds, payment_plan_retry_seconds,
                                                 updated_at)
            VALUES (:accountId, :subscriptions, :plans, :now)
            ON CONFLICT (account_id) DO UPDATE
               SET subscription_retry_seconds = EXCLUDED.subscription_retry_seconds,
                   payment_plan_retry_seconds = EXCLUDED.payment_plan_retry_seconds, updated_at = EXCLUDED.updated_at
            """)
            .param("accountId", accountId)
            .param("subscriptions", seconds(schedule.subscriptions()))
            .param("plans", seconds(schedule.paymentPlans()))
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .update();
        return get(accountId);
    }

    private static Long[] seconds(List<Duration> durations) {
        return durations.stream().map(Duration::toSeconds).toArray(Long[]::new);
    }

    private static List<Duration> durations(Array array) throws SQLException {
        return Arrays.stream((Long[]) array.getArray()).map(Duration::ofSeconds).toList();
    }
}
