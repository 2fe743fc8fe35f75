package io.till.webhook;

import io.till.egress.RetryAfter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What happens to a delivery after an attempt: a pure function of the answer, the number of attempts so far, the time
 * and a random number for jitter. Only 2xx succeeds; 410 means the receiver is gone for good; everything else is
 * retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h (each ±10 %, about three days in all),
 * no sooner than a {@code Retry-After} asked for, and then the delivery is exhausted.
 */
final class RetryPolicy {

    static final List<Duration> SCHEDULE = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
        Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(14),
        Duration.ofHours(20), Duration.ofHours(24));

    /** A Retry-After longer than this is shortened to it, so that a receiver cannot park a delivery for months. */
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);

    private RetryPolicy() {}

    /**
     * The delivery's next state; {@code nextAttemptAt} is set only while it stays pending. (What a 410 does to the
     * endpoint is {@link WebhookDeliveries.Outcome#gone}'s to say.)
     */
    record Next(String status, Instant nextAttemptAt) {}

    /**
     * After an answer with {@code status}; {@code attempts} counts this attempt; {@code random} is in [0, 1). A
     * Retry-After given as a date is the receiver's, read against real time ({@code realNow}); the wait it asks for
     * then counts from Till's {@code now}, which a sandbox's test clock may have moved ahead.
     */
    static Next afterAnswer(int status, String retryAfter, int attempts, Instant now, Instant realNow,
        double random) {
        if (status >= 200 && status < 300) {
            return new Next("succeeded", null);
        }
        if (status == 410) {
            return new Next("failed", null);
        }
        Duration asked = status == 429 || status == 503 ? retryAfter(retryAfter, realNow) : null;
        return retry(attempts, now, random, asked);
    }

    /** After no answer at all (a timeout, a refused connection). */
    static Next afterNoAnswer(int attempts, Instant now, double random) {
        return retry(attempts, now, random, null);
    }

    private static Next retry(int attempts, Instant now, double random, Duration asked) {
        if (attempts > SCHEDULE.size()) {
            return new Next("exhausted", null);
        }
        Duration base = SCHEDULE.get(attempts - 1);
        Instant next = now.plusMillis(Math.round(base.toMillis() * (0.9 + 0.2 * random)));
        if (asked != null && now.plus(asked).isAfter(next)) {
            next = now.plus(asked);
        }
        return new Next("pending", next);
    }

    static Duration retryAfter(String header, Instant now) {
        Duration asked = RetryAfter.parse(header, now);
        return asked == null || asked.compareTo(MAX_RETRY_AFTER) <= 0 ? asked : MAX_RETRY_AFTER;
    }
}
