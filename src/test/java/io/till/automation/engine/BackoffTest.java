package io.till.automation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.automation.Definition.Retry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Retry RETRY = new Retry(10, Duration.ofSeconds(10), Duration.ofSeconds(60));

    @Test
    void waitsTheFirstBackoffAfterTheFirstAttempt() {
        assertThat(Backoff.after(RETRY, 1, 0.0)).isEqualTo(Duration.ofSeconds(5));
        assertThat(Backoff.after(RETRY, 1, 0.5)).isEqualTo(Duration.ofMillis(7500));
    }

    @Test
    void doublesTheBackoffForEachFailedAttempt() {
        assertThat(Backoff.after(RETRY, 2, 0.0)).isEqualTo(Duration.ofSeconds(10));
        assertThat(Backoff.after(RETRY, 3, 0.0)).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void neverWaitsLongerThanTheCap() {
        assertThat(Backoff.after(RETRY, 4, 0.0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(Backoff.after(RETRY, 20, 0.0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(Backoff.after(RETRY, 20, 0.999_999)).isLessThanOrEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void capsAFirstBackoffLongerThanTheCap() {
        var retry = new Retry(3, Duration.ofHours(2), Duration.ofHours(1));

        assertThat(Backoff.after(retry, 1, 0.0)).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void jittersIntoTheUpperHalfOfTheBackoff() {
        for (int attempt = 1; attempt <= 12; attempt++) {
            Duration full = Duration.ofSeconds(Math.min(10L << (attempt - 1), 60));
            for (double jitter : new double[]{0.0, 0.1, 0.25, 0.5, 0.75, 0.999_999}) {
                assertThat(Backoff.after(RETRY, attempt, jitter)).as("attempt %d, jitter %s", attempt, jitter)
                    .isBetween(full.dividedBy(2), full);
            }
        }
    }

    @Test
    void waitsLongerWithMoreJitter() {
        assertThat(Backoff.after(RETRY, 2, 0.9)).isGreaterThan(Backoff.after(RETRY, 2, 0.1));
    }
}
