package io.till.shared;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps this node's {@link TillClock} up with the sandbox test clock, which another node may have moved: its offset is
 * stored in {@code test_clock}, and a node follows it before deciding what is due. While the test clock advances, the
 * node's background workers stand still: a due item a worker held would otherwise be skipped by the advance, which
 * would move on and run it late.
 */
@Component
public class TestClockSync {

    private final TillClock clock;
    private final JdbcClient db;
    /**
     * Workers' rounds share it, an advance holds it alone. Fair, so that an advance waiting for the rounds in flight is
     * not starved by new ones.
     */
    private final ReentrantReadWriteLock advancing = new ReentrantReadWriteLock(true);

    TestClockSync(TillClock clock, JdbcClient db) {
        this.clock = clock;
        this.db = db;
    }

    public void catchUp() {
        clock.catchUp(Duration.ofMillis(db.sql("SELECT offset_ms FROM test_clock WHERE id = 1")
            .query(Long.class)
            .single()));
    }

    /**
     * Runs one round of a background worker at the clock's current time; while the test clock advances it runs nothing
     * and returns 0, and the worker tries again on its next turn.
     */
    public int round(IntSupplier work) {
        var shared = advancing.readLock();
        try {
            // tryLock() would jump ahead of an advance waiting for the lock; a timed try keeps the queue's order.
            if (!shared.tryLock(0, TimeUnit.NANOSECONDS)) {
                return 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        try {
            return work.getAsInt();
        } finally {
            shared.unlock();
        }
    }

    /**
     * Runs an advance of the test clock with this node's workers held still: the rounds in flight finish first, at the
     * time they began in, and no new round starts until the advance is over, so every due item runs at its own time.
     */
    public <T> T whileWorkersWait(Supplier<T> advance) {
        var exclusive = advancing.writeLock();
        exclusive.lock();
        try {
            return advance.get();
        } finally {
            exclusive.unlock();
        }
    }
}
