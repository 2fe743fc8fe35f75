package io.till.shared;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
     * Rounds share the clock, an advance has it alone; an advance waiting keeps new rounds out, so that it is not
     * starved by them. A round may be carried over to another thread ({@link #carryOver}), which a read-write lock,
     * held by a thread, could not do.
     */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Rounds in progress, carried-over ones included. */
    private int rounds;
    private int advancesWaiting;
    /** The thread advancing the clock, if one is: its own rounds run (the advance does the workers' work itself). */
    private volatile Thread advancer;
    /** How many rounds this thread is in: one inside another runs, as a read lock taken again would. */
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);

    /** Longer than any round may take (actions and calls are cut off well before): an advance waits no longer. */
    static final Duration LONGEST_ROUND = Duration.ofMinutes(2);

    private static final Logger log = LoggerFactory.getLogger(TestClockSync.class);

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
     * Runs one round of a background worker at the clock's current time; while the test clock advances, or an advance
     * waits, it runs nothing and returns 0, and the worker tries again on its next turn.
     */
    public int round(IntSupplier work) {
        if (!enter()) {
            return 0;
        }
        int[] mine = depth.get();
        mine[0]++;
        try {
            return work.getAsInt();
        } finally {
            mine[0]--;
            leave();
        }
    }

    /**
     * From inside a round: keeps it in progress after the round's work returns, until {@link Carried#end} (from any
     * thread), so that an advance waits for what the round handed to another thread (steps of executions it claimed)
     * rather than going on while they are yet to run, at a time it has passed.
     */
    public Carried carryOver() {
        lock.lock();
        try {
            if (depth.get()[0] == 0) {
                throw new IllegalStateException("carryOver() is for the work of a round");
            }
            rounds++;
            return new Carried();
        } finally {
            lock.unlock();
        }
    }

    /** A round carried over to another thread; ending it twice ends it once. */
    public final class Carried {

        private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

        public void end() {
            if (ended.compareAndSet(false, true)) {
                leave();
            }
        }
    }

    private boolean enter() {
        lock.lock();
        try {
            boolean inside = depth.get()[0] > 0 || Thread.currentThread() == advancer;
            if (!inside && (advancer != null || advancesWaiting > 0)) {
                return false;
            }
            rounds++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void leave() {
        lock.lock();
        try {
            if (--rounds == 0) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs an advance of the test clock with this node's workers held still: the rounds in flight (and those carried
     * over) finish first, at the time they began in, and no new round starts until the advance is over, so every due
     * item runs at its own time.
     */
    public <T> T whileWorkersWait(Supplier<T> advance) {
        Thread me = Thread.currentThread();
        if (advancer == me) {
            return advance.get();
        }
        lock.lock();
        try {
            advancesWaiting++;
            try {
                long giveUp = System.nanoTime() + LONGEST_ROUND.toNanos();
                while (advancer != null || rounds > depth.get()[0]) {
                    long left = giveUp - System.nanoTime();
                    if (left <= 0 && advancer == null) {
                        // Longer than any action or call may take: a round never ended (a bug), which must not stop
                        // the sandbox's clock for good.
                        log.warn("The test clock advances without waiting for {} worker rounds that never ended",
                            rounds - depth.get()[0]);
                        break;
                    }
                    changed.awaitNanos(Math.max(left, TimeUnit.SECONDS.toNanos(1)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting to advance the test clock", e);
            } finally {
                advancesWaiting--;
            }
            advancer = me;
        } finally {
            lock.unlock();
        }
        try {
            return advance.get();
        } finally {
            lock.lock();
            try {
                advancer = null;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
