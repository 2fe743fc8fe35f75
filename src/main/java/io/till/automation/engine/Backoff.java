package io.till.automation.engine;

import io.till.automation.Definition.Retry;
import java.time.Duration;

/** How long to wait before the next attempt of a failed action. */
public final class Backoff {

    private Backoff() {}

    /**
     * The first backoff doubled for each attempt already made, never above the cap, then jittered above it by up to a
     * half, never past the cap, so that executions failing together do not all come back at the same moment: at least
     * the first pause the seller set, never more than the longest. A cap shorter than the first backoff (refused at
     * save since) is read as the first backoff.
     *
     * @param failedAttempt the attempt that just failed, from 1
     * @param jitter a number in [0, 1)
     */
    public static Duration after(Retry retry, int failedAttempt, double jitter) {
        Duration cap = retry.cap().compareTo(retry.backoff()) < 0 ? retry.backoff() : retry.cap();
        Duration full = retry.backoff();
        for (int i = 1; i < failedAttempt && full.compareTo(cap) < 0; i++) {
            full = full.multipliedBy(2);
        }
        if (full.compareTo(cap) > 0) {
            full = cap;
        }
        long millis = full.toMillis();
        return Duration.ofMillis(Math.min(cap.toMillis(), millis + (long) (millis / 2.0 * jitter)));
    }
}
