package io.till.automation;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.till.event.EventSignal;
import io.till.shared.TestClockSync;
import io.till.shared.Timestamps;
import io.till.shared.WorkerThreads;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The engine's background loops on this node: one matches new events as soon as they commit (and polls for those
 * other nodes record), one moves fired timers into the queue and fires schedules, and {@code workers} loops claim and
 * run executions. Any number of nodes may run them against one database.
 */
@Component
class AutomationWorkers implements SmartLifecycle {

    private static final Duration TIMER_POLL = Duration.ofMillis(250);
    private static final Duration BACKLOG_EVERY = Duration.ofSeconds(10);

    private final TestClockSync testClock;
    private final Triggers triggers;
    private final Executions executions;
    private final Executor executor;
    private final EventSignal events;
    private final EventSignal work = new EventSignal();
    private final AutomationSettings settings;
    private final Clock clock;
    private final WorkerThreads loops = new WorkerThreads("The automation engine");
    private final AtomicReference<Executions.Backlog> backlog = new AtomicReference<>(new Executions.Backlog(0, 0));
    /** When the timer loop next counts the backlog (System.nanoTime). */
    private long backlogDue = System.nanoTime();

    AutomationWorkers(TestClockSync testClock, Triggers triggers, Executions executions, Executor executor,
        EventSignal events, AutomationSettings settings, Clock clock, MeterRegistry meters) {
        this.testClock = testClock;
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
        testClock.catchUp();
        loops.start("till-automation-matcher", this::matchEvents);
        loops.start("till-automation-timers", this::fireTimers);
        for (int i = 0; i < settings.workers(); i++) {
            loops.start("till-automation-worker-" + i, this::runExecutions);
        }
    }

    private void matchEvents() throws InterruptedException {
        long seen = events.generation();
        if (testClock.round(() -> triggers.matchEvents(AutomationAgenda.EVENT_BATCH)) > 0) {
            work.fire();
        } else {
            events.awaitAfter(seen, settings.pollInterval());
        }
    }

    private void fireTimers() {
        int moved = testClock.round(() -> {
            testClock.catchUp();
            return executions.promoteTimers(Timestamps.now(clock), AutomationAgenda.TIMER_BATCH)
                + triggers.fireSchedules(AutomationAgenda.TIMER_BATCH);
        });
        if (moved > 0) {
            work.fire();
        }
        if (System.nanoTime() - backlogDue >= 0) {
            backlog.set(executions.backlog());
            backlogDue = System.nanoTime() + BACKLOG_EVERY.toNanos();
        }
        if (moved < AutomationAgenda.TIMER_BATCH) {
            LockSupport.parkNanos(TIMER_POLL.toNanos());
        }
    }

    private void runExecutions() throws InterruptedException {
        long seen = work.generation();
        if (testClock.round(executor::runRound) == 0) {
            work.awaitAfter(seen, settings.pollInterval());
        }
    }

    @Override
    public void stop() {
        loops.stop();
    }

    @Override
    public boolean isRunning() {
        return loops.running();
    }

    /** Stops before the web server and the database, so that a round in flight can write back. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1000;
    }
}
