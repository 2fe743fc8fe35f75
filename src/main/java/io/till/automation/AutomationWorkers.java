package io.till.automation;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.till.event.EventSignal;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The engine's background loops on this node: one matches new events as soon as they commit (and polls for those
 * other nodes record), one moves fired timers into the queue and fires schedules, and {@code workers} loops claim and
 * run executions. Any number of nodes may run them against one database.
 */
@Component
class AutomationWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AutomationWorkers.class);
    private static final Duration TIMER_POLL = Duration.ofMillis(250);
    private static final Duration BACKOFF_AFTER_ERROR = Duration.ofSeconds(1);

    private final AutomationAgenda agenda;
    private final Triggers triggers;
    private final Executions executions;
    private final Executor executor;
    private final EventSignal events;
    private final EventSignal work = new EventSignal();
    private final AutomationSettings settings;
    private final Clock clock;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Executions.Backlog> backlog = new AtomicReference<>(new Executions.Backlog(0, 0));
    private volatile boolean running;

    AutomationWorkers(AutomationAgenda agenda, Triggers triggers, Executions executions, Executor executor,
        EventSignal events, AutomationSettings settings, Clock clock, MeterRegistry meters) {
        this.agenda = agenda;
        this.triggers = triggers;
        this.executions = executions;
        this.executor = executor;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
        Gauge.builder("till.automation.queue.depth", backlog, b -> b.get().queued())
            .description("Executions due now, waiting for a worker").register(meters);
        Gauge.builder("till.automation.timers.backlog", backlog, b -> b.get().timers())
            .description("Executions waiting on a delay or a retry (estimated)").register(meters);
    }

    @Override
    public void start() {
        if (!settings.workersEnabled()) {
            return;
        }
        running = true;
        agenda.catchUpWithTestClock();
        threads.add(Thread.ofPlatform().name("till-automation-matcher").daemon().start(this::matchEvents));
        threads.add(Thread.ofPlatform().name("till-automation-timers").daemon().start(this::fireTimers));
        for (int i = 0; i < settings.workers(); i++) {
            threads.add(Thread.ofPlatform().name("till-automation-worker-" + i).daemon().start(this::runExecutions));
        }
    }

    private void matchEvents() {
        while (running) {
            long seen = events.generation();
            try {
                int taken = triggers.matchEvents(AutomationAgenda.EVENT_BATCH);
                if (taken > 0) {
                    work.fire();
                    continue;
                }
                events.awaitAfter(seen, settings.pollInterval());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                pauseAfter(e);
            }
        }
    }

    private void fireTimers() {
        long lastBacklog = 0;
        while (running) {
            try {
                agenda.catchUpWithTestClock();
                int moved = executions.promoteTimers(Timestamps.now(clock), AutomationAgenda.TIMER_BATCH)
                    + triggers.fireSchedules(AutomationAgenda.TIMER_BATCH);
                if (moved > 0) {
                    work.fire();
                }
                if (System.nanoTime() - lastBacklog > Duration.ofSeconds(10).toNanos()) {
                    backlog.set(executions.backlog());
                    lastBacklog = System.nanoTime();
                }
                if (moved < AutomationAgenda.TIMER_BATCH) {
                    LockSupport.parkNanos(TIMER_POLL.toNanos());
                }
            } catch (RuntimeException e) {
                pauseAfter(e);
            }
        }
    }

    private void runExecutions() {
        while (running) {
            long seen = work.generation();
            try {
                if (executor.runRound() == 0) {
                    work.awaitAfter(seen, settings.pollInterval());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                pauseAfter(e);
            }
        }
    }

    private void pauseAfter(RuntimeException e) {
        if (!running) {
            return;
        }
        log.warn("The automation engine hit an error and tries again in a second: {}", e.toString());
        LockSupport.parkNanos(BACKOFF_AFTER_ERROR.toNanos());
    }

    @Override
    public void stop() {
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

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the web server and the database, so that a round in flight can write back. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1000;
    }
}
