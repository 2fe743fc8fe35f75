package io.till.shared;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's background loops for one feature: each thread repeats its step until stopped. A step that fails is tried
 * again after a second; while the database is unreachable the loops wait longer and longer (up to a few seconds) and
 * say so once, not on every turn. An interrupt ends the loop.
 */
public final class WorkerThreads {

    private static final Logger log = LoggerFactory.getLogger(WorkerThreads.class);
    private static final Duration BACKOFF_AFTER_ERROR = Duration.ofSeconds(1);
    private static final Duration FIRST_OUTAGE_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_OUTAGE_BACKOFF = Duration.ofSeconds(5);

    /** One turn of a loop; it waits on its own when there is nothing to do. */
    @FunctionalInterface
    public interface Step {
        void run() throws InterruptedException;
    }

    /** How a loop waits after a failed turn: it parks the thread, except in tests that follow the waits. */
    @FunctionalInterface
    interface Pause {
        void waitFor(Duration duration);
    }

    private final String what;
    private final DatabaseOutage outage;
    private final Pause pause;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    /** @param what who runs the loops, for the log ("The automation engine") */
    public WorkerThreads(String what) {
        this(what, duration -> LockSupport.parkNanos(duration.toNanos()));
    }

    WorkerThreads(String what, Pause pause) {
        this.what = what;
        this.outage = new DatabaseOutage(what);
        this.pause = pause;
    }

    public synchronized void start(String name, Step step) {
        running = true;
        threads.add(Thread.ofPlatform().name(name).daemon().start(() -> loop(step)));
    }

    private void loop(Step step) {
        Duration outageBackoff = FIRST_OUTAGE_BACKOFF;
        boolean waitedForDatabase = false;
        while (running) {
            long turnStarted = System.nanoTime();
            try {
                step.run();
                // Only a loop that saw the outage may end it: another's turn begun before it may still succeed.
                if (waitedForDatabase) {
                    outage.over();
                    waitedForDatabase = false;
                    outageBackoff = FIRST_OUTAGE_BACKOFF;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                if (DatabaseOutage.explains(e)) {
                    outage.noticed(e, turnStarted);
                    waitedForDatabase = true;
                    pause.waitFor(outageBackoff);
                    outageBackoff = outageBackoff.multipliedBy(2).compareTo(MAX_OUTAGE_BACKOFF) > 0
                        ? MAX_OUTAGE_BACKOFF
                        : outageBackoff.multipliedBy(2);
                } else {
                    log.warn("{} hit an error and tries again in a second: {}", what, e.toString());
                    pause.waitFor(BACKOFF_AFTER_ERROR);
                }
            }
        }
    }

    /** Stops every loop, waiting up to 20 seconds each for the turn in flight to end. */
    public synchronized void stop() {
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
    }

    public boolean running() {
        return running;
    }
}
