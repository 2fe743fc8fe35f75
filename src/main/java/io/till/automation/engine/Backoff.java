package io.till.automation.engine;

import io.till.automation.Definition.Retry;
import java.time.Duration;

/** How long to wait before the next attempt of a failed action. */
public final class Backoff {

    private Backoff() {}

    /**
     * The first backoff doubled for each attempt already made, never above the cap, then jittered into its upper half
     * ("equal jitter") so that executions failing together do not all come back at the same moment.
     *
     * @param failedAttempt the attempt that just failed, from 1
     * @param jitter a number in [0, 1)
     */
    public static Duration after(Retry retry, int failedAttempt, double jitter) {
        Duration full = retry.backoff();
        for (int i = 1; i < failedAttempt && full.compareTo(retry.cap()) < 0; i++) {
            full = full.multipliedBy(2);
        }
        if (full.compareTo(retry.cap()) > 0) {
            full = retry.cap();
        }
        long millis = full.toMillis();
        return Duration.ofMillis(millis / 2 + (long) (millis / 2.0 * jitter));
    }
}
