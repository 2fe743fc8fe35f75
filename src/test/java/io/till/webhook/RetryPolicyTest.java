package io.till.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void onlyA2xxAnswerSucceeds() {
        assertThat(RetryPolicy.afterAnswer(204, null, 1, NOW, NOW, 0.5).status()).isEqualTo("succeeded");
        assertThat(RetryPolicy.afterAnswer(302, null, 1, NOW, NOW, 0.5).status()).isEqualTo("pending");
        assertThat(RetryPolicy.afterAnswer(400, null, 1, NOW, NOW, 0.5).status()).isEqualTo("pending");
    }

    @Test
    void a410FailsTheDeliveryAtOnceWithNoRetry() {
        var next = RetryPolicy.afterAnswer(410, null, 1, NOW, NOW, 0.5);

        assertThat(next.status()).isEqualTo("failed");
        assertThat(next.nextAttemptAt()).isNull();
    }

    @Test
    void retriesFollowTheScheduleWithinTenPercentThenStop() {
        for (int attempt = 1; attempt <= RetryPolicy.SCHEDULE.size(); attempt++) {
            Duration base = RetryPolicy.SCHEDULE.get(attempt - 1);
            var earliest = RetryPolicy.afterNoAnswer(attempt, NOW, 0.0).nextAttemptAt();
            var latest = RetryPolicy.afterNoAnswer(attempt, NOW, 0.999999).nextAttemptAt();

            assertThat(earliest).isEqualTo(NOW.plusMillis(Math.round(base.toMillis() * 0.9)));
            assertThat(latest).isBefore(NOW.plusMillis(Math.round(base.toMillis() * 1.1) + 1));
        }
        assertThat(RetryPolicy.afterNoAnswer(10, NOW, 0.5).status()).isEqualTo("exhausted");
        assertThat(RetryPolicy.SCHEDULE.stream().map(Duration::toHours).reduce(0L, Long::sum)).isBetween(72L, 80L);
    }

    @Test
    void aRetryAfterInSecondsOrAsADateDelaysTheNextAttempt() {
        var seconds = RetryPolicy.afterAnswer(429, "600", 1, NOW, NOW, 0.5);
        var date = RetryPolicy.afterAnswer(503, "Sun, 01 Mar 2026 15:00:00 GMT", 1, NOW, NOW, 0.5);
        var ignored = RetryPolicy.afterAnswer(500, "600", 1, NOW, NOW, 0.5);
        var capped = RetryPolicy.afterAnswer(429, "99999999", 1, NOW, NOW, 0.5);

        assertThat(seconds.nextAttemptAt()).isEqualTo(NOW.plusSeconds(600));
        assertThat(date.nextAttemptAt()).isEqualTo(Instant.parse("2026-03-01T15:00:00Z"));
        assertThat(ignored.nextAttemptAt()).isEqualTo(NOW.plusSeconds(5));
        assertThat(capped.nextAttemptAt()).isEqualTo(NOW.plus(RetryPolicy.MAX_RETRY_AFTER));
    }

    /**
     * A receiver's date is in real time: in a sandbox whose clock jumped two days ahead, "at 15:00" still means in
     * three hours, not at once.
     */
    @Test
    void aRetryAfterDateIsReadAgainstRealTimeAndWaitedFromTillsTime() {
        Instant jumped = NOW.plus(Duration.ofDays(2));

        var date = RetryPolicy.afterAnswer(503, "Sun, 01 Mar 2026 15:00:00 GMT", 1, jumped, NOW, 0.5);

        assertThat(date.nextAttemptAt()).isEqualTo(jumped.plus(Duration.ofHours(3)));
    }
}
