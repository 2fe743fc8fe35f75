package io.till.database;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many requests Till serves at once: as many as the requests' pool has connections, the rest wait their turn in
 * the order they came, for a bounded time. Requests run on virtual threads, so nothing else bounds them: under load,
 * every waiting request was runnable work for the same two cores, a request holding a connection waited behind
 * hundreds of others for its next turn on a core, its connection stayed idle in transaction for tenths of a second,
 * and the pool's queue grew until requests gave up after the connection timeout (measured, see load/run). Admitted
 * requests never outnumber the connections (no code path holds two), so they never wait for one; and a request that
 * is not admitted in time is answered before it has done any work.
 */
final class RequestAdmission {

    private final Semaphore slots;
    private final int size;
    private final long waitNanos;

    RequestAdmission(int size, Duration wait) {
        // Fair: the longest-waiting request goes first, so that no request waits much longer than the others.
        this.slots = new Semaphore(size, true);
        this.size = size;
        this.waitNanos = wait.toNanos();
    }

    /** Waits for a slot at most the configured time; {@code false} if none became free (then nothing is held). */
    boolean enter() throws InterruptedException {
        return slots.tryAcquire(waitNanos, TimeUnit.NANOSECONDS);
    }

    void leave() {
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
