package io.till.database;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many requests Till serves at once: as many as the requests' pool has connections; the rest wait their turn in
 * the order they came, for a bounded time. Requests run on virtual threads, so nothing else bounds them: under load,
 * every waiting request was runnable work for the same two cores, a request holding a connection waited behind
 * hundreds of others for its next turn on a core, its connection stayed idle in transaction for tenths of a second,
 * and the pool's queue grew until requests gave up after the connection timeout (measured, see load/run). Admitted
 * requests never outnumber the connections (no code path holds two), so they never wait for one; and a request that
 * will not be admitted in time is answered before it has done any work — at once when the queue in front of it is
 * already longer than the slots serve within the wait, at the mean time a request has held a slot lately.
 */
final class RequestAdmission {

    /** Weight of the newest request in the mean hold time: the mean follows a change in load within a few hundred. */
    private static final double NEWEST_WEIGHT = 0.01;

    private final Semaphore slots;
    private final int size;
    private final long waitNanos;
    private volatile double meanHoldNanos;

    RequestAdmission(int size, Duration wait) {
        // Fair: the longest-waiting request goes first, so that no request waits much longer than the others.
        this.slots = new Semaphore(size, true);
        this.size = size;
        this.waitNanos = wait.toNanos();
    }

    /** Waits for a slot at most the configured time; {@code false} if none became free (then nothing is held). */
    boolean enter() throws InterruptedException {
        // With a timeout, even of zero, a fair semaphore never lets a newcomer ahead of those waiting.
        if (slots.tryAcquire(0, TimeUnit.NANOSECONDS)) {
            return true;
        }
        if (meanHoldNanos > 0 && slots.getQueueLength() >= size * (waitNanos / meanHoldNanos)) {
            // Those ahead will use up the wait: better told now than after it.
            return false;
        }
        return slots.tryAcquire(waitNanos, TimeUnit.NANOSECONDS);
    }

    /** Gives the slot back after a request that held it for {@code held}. */
    void leave(Duration held) {
        // Not atomic: two requests leaving at the same instant may count as one; the mean stays a fair estimate.
        double mean = meanHoldNanos;
        meanHoldNanos = mean == 0 ? held.toNanos() : mean + NEWEST_WEIGHT * (held.toNanos() - mean);
        slots.release();
    }

    int size() {
        return size;
    }

    /** Requests waiting for a slot now (an estimate, for metrics and tests). */
    int waiting() {
        return slots.getQueueLength();
    }

    int inUse() {
        return size - slots.availablePermits();
    }
}
