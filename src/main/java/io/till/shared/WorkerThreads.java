package io.till.shared;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's background loops for one feature: each thread repeats its step until stopped. A step that fails is tried
 * again after a second (the database may be restarting), and an interrupt ends the loop.
 */
public final class WorkerThreads {

    private static final Logger log = LoggerFactory.getLogger(WorkerThreads.class);
    private static final Duration BACKOFF_AFTER_ERROR = Duration.ofSeconds(1);

    /** One turn of a loop; it waits on its own when there is nothing to do. */
    @FunctionalInterface
    public interface Step {
        void run() throws InterruptedException;
    }

    private final String what;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    /** @param what who runs the loops, for the log ("The automation engine") */
    public WorkerThreads(String what) {
        this.what = what;
    }

    public synchronized void start(String name, Step step) {
        running = true;
        threads.add(Thread.ofPlatform().name(name).daemon().start(() -> loop(step)));
    }

    private void loop(Step step) {
        while (running) {
            try {
                step.run();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("{} hit an error and tries again in a second: {}", what, e.toString());
                LockSupport.parkNanos(BACKOFF_AFTER_ERROR.toNanos());
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
