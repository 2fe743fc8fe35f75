package io.till.automation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.automation.Definition.Retry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Retry RETRY = new Retry(10, Duration.ofSeconds(10), Duration.ofSeconds(60));

    @Test
    void waitsAtLeastTheFirstBackoffAfterTheFirstAttempt() {
        assertThat(Backoff.after(RETRY, 1, 0.0)).isEqualTo(Duration.ofSeconds(10));
        assertThat(Backoff.after(RETRY, 1, 0.5)).isEqualTo(Duration.ofMillis(12_500));
    }

    @Test
    void doublesTheBackoffForEachFailedAttempt() {
        assertThat(Backoff.after(RETRY, 2, 0.0)).isEqualTo(Duration.ofSeconds(20));
        assertThat(Backoff.after(RETRY, 3, 0.0)).isEqualTo(Duration.ofSeconds(40));
    }

    @Test
    void neverWaitsLongerThanTheCap() {
        assertThat(Backoff.after(RETRY, 4, 0.0)).isEqualTo(Duration.ofSeconds(60));
        assertThat(Backoff.after(new Retry(10, Duration.ofSeconds(10), Duration.ofSeconds(50)), 3, 0.9))
            .as("40 s and its jitter past the cap of 50 s").isEqualTo(Duration.ofSeconds(50));
        assertThat(Backoff.after(RETRY, 20, 0.999_999)).isEqualTo(Duration.ofSeconds(60));
    }

    /**
     * A first pause longer than the longest (refused at save since) is waited in full: a seller's "a day" is never cut
     * to an hour.
     */
    @Test
    void waitsAFirstBackoffLongerThanTheCapInFull() {
        var retry = new Retry(3, Duration.ofHours(2), Duration.ofHours(1));

        assertThat(Backoff.after(retry, 1, 0.0)).isEqualTo(Duration.ofHours(2));
        assertThat(Backoff.after(retry, 2, 0.9)).isEqualTo(Duration.ofHours(2));
    }

    /** At least the pause the seller set, at most the longest: jittered above it, so runs failing together spread. */
    @Test
    void jittersAboveTheBackoffUpToAHalfAndNeverPastTheCap() {
        for (int attempt = 1; attempt <= 12; attempt++) {
            Duration full = Duration.ofSeconds(Math.min(10L << (attempt - 1), 60));
            Duration most = full.plus(full.dividedBy(2)).compareTo(Duration.ofSeconds(60)) > 0
                ? Duration.ofSeconds(60)
                : full.plus(full.dividedBy(2));
            for (double jitter : new double[]{0.0, 0.1, 0.25, 0.5, 0.75, 0.999_999}) {
                assertThat(Backoff.after(RETRY, attempt, jitter)).as("attempt %d, jitter %s", attempt, jitter)
                    .isBetween(full, most);
            }
        }
    }

    @Test
    void waitsLongerWithMoreJitter() {
        assertThat(Backoff.after(RETRY, 2, 0.9)).isGreaterThan(Backoff.after(RETRY, 2, 0.1));
    }
}
