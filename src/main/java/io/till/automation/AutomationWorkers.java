package io.till.automation;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.till.event.EventSignal;
import io.till.shared.TestClockSync;
import io.till.shared.Timestamps;
import io.till.shared.WorkerThreads;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The engine's background loops on this node: one matches new events as soon as they commit (and polls for those
 * other nodes record) and runs the first step of the executions it starts beside it, one moves fired timers into the
 * queue and fires schedules, and {@code workers} loops claim executions and hand each claim off to be run, claiming
 * again while the node has room ({@code workers} batches), so that a slow step holds its own room only. Any number of
 * nodes may run them against one database.
 */
@Component
class AutomationWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AutomationWorkers.class);

    private static final Duration TIMER_POLL = Duration.ofMillis(250);
    private static final Duration BACKLOG_EVERY = Duration.ofSeconds(10);
    private static final int MATCHERS = 2;
    /** How long the matcher waits for room to run first steps before it queues what it starts instead. */
    private static final Duration ROOM_WAIT = Duration.ofSeconds(1);
    /** How long a worker waits for half a batch of room to free before it claims for what there is. */
    private static final Duration ROOM_GATHER = Duration.ofMillis(50);

    private final TestClockSync testClock;
    private final Triggers triggers;
    private final DirectStarts starts;
    private final ExecutionQueue queue;
    private final Executor executor;
    private final EventSignal events;
    private final EventSignal work = new EventSignal();
    private final AutomationSettings settings;
    private final Clock clock;
    private final WorkerThreads loops = new WorkerThreads("The automation engine");
    /**
     * How many first steps of executions the matcher started may run at once, four batches' worth; past that, the
     * matcher queues what it starts for the workers.
     */
    private static final int FIRST_STEPS = 4 * AutomationAgenda.EVENT_BATCH;
    private final Semaphore firstSteps = new Semaphore(FIRST_STEPS);
    /** How many executions the worker loops' claims may have running at once: a batch for each loop. */
    private final int runRoom;
    private final Semaphore running;
    private final AtomicReference<ExecutionQueue.Backlog> backlog = new AtomicReference<>(
        new ExecutionQueue.Backlog(0, 0));
    /** When the timer loop next counts the backlog (System.nanoTime). */
    private long backlogDue = System.nanoTime();

    AutomationWorkers(TestClockSync testClock, Triggers triggers, DirectStarts starts, ExecutionQueue queue,
        Executor executor,
        EventSignal events, AutomationSettings settings, Clock clock, MeterRegistry meters) {
        this.testClock = testClock;
        this.triggers = triggers;
        this.starts = starts;
        this.queue = queue;
        this.executor = executor;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
        this.runRoom = settings.workers() * settings.batchSize();
        this.running = new Semaphore(runRoom);
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
        // Two matchers: while one waits on the database (its batch's commit), the other matches; they take disjoint
        // batches from the inbox (SKIP LOCKED).
        for (int i = 0; i < MATCHERS; i++) {
            loops.start("till-automation-matcher-" + i, this::matchEvents);
        }
        loops.start("till-automation-timers", this::fireTimers);
        for (int i = 0; i < settings.workers(); i++) {
            loops.start("till-automation-worker-" + i, this::runExecutions);
        }
    }

    private void matchEvents() throws InterruptedException {
        long seen = events.generation();
        int room = roomForFirstSteps();
        boolean queued = room == 0;
        var left = new AtomicInteger(room);
        int matched;
        try {
            matched = testClock.round(() -> {
                if (queued) {
                    return triggers.matchEvents(AutomationAgenda.EVENT_BATCH);
                }
                var lease = new ExecutionQueue.Lease(UUID.randomUUID(), settings.lease());
                var batch = StepsAtStart.orWithout(atStart -> triggers.matchEvents(room, lease, atStart));
                int started = Math.min(batch.claimed().size(), room);
                if (started > 0) {
                    left.addAndGet(-started);
                    runBeside("till-automation-first-steps", lease, batch.claimed(), firstSteps, started);
                }
                return batch.events();
            });
        } finally {
            firstSteps.release(left.get());
        }
        if (matched > 0) {
            if (queued) {
                work.fire();
            }
            events.gatherAfter(matched);
        } else {
            events.awaitAfter(seen, settings.pollInterval());
        }
    }

    /**
     * Takes room for a batch of first steps, from a fifth of a batch to a whole one, waiting a moment for it: while the
     * node's first steps keep up, a backlog stays in the inbox, whose batches are fair across accounts, rather than in
     * the queue, which is first come first served. Returns 0 when there is none: the matcher then queues what it starts.
     */
    private int roomForFirstSteps() throws InterruptedException {
        int least = AutomationAgenda.EVENT_BATCH / 5;
        if (!firstSteps.tryAcquire(least, ROOM_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            return 0;
        }
        int room = least + firstSteps.drainPermits();
        int surplus = Math.max(0, room - AutomationAgenda.EVENT_BATCH);
        firstSteps.release(surplus);
        return room - surplus;
    }

    /**
     * Runs one step of each execution {@code claimed} under {@code lease} on a thread of its own, beside the loop that
     * claimed them, which goes on: the matcher matching (a new execution is not queued, then claimed, before its first
     * step), a worker claiming while there is room. Each gives its share of the {@code permits} of {@code room} back as
     * soon as it is written. Called from the claiming round, which it carries over until the steps are written: an
     * advance of the test clock waits for them, as it waits for any round, rather than going on while they are yet to
     * run, at a time it has passed.
     */
    private void runBeside(String name, ExecutionQueue.Lease lease, List<ExecutionQueue.Claimed> claimed,
        Semaphore room, int permits) {
        var carried = testClock.carryOver();
        var holding = new AtomicInteger(permits);
        Runnable steps = () -> {
            try {
                executor.run(lease, claimed, n -> release(room, holding, n));
            } catch (RuntimeException | Error e) {
                log.warn("Steps of a claim ended with an error; their lease brings them back", e);
            } finally {
                release(room, holding, holding.get());
                carried.end();
            }
        };
        try {
            Thread.ofVirtual().name(name).start(steps);
        } catch (RuntimeException | Error e) {
            release(room, holding, holding.get());
            carried.end();
            throw e;
        }
    }

    private static void release(Semaphore room, AtomicInteger holding, int written) {
        int n = Math.min(written, holding.getAndUpdate(h -> h - Math.min(h, written)));
        if (n > 0) {
            room.release(n);
        }
    }

    private void fireTimers() {
        int moved = testClock.round(() -> {
            testClock.catchUp();
            return queue.promoteTimers(Timestamps.now(clock), AutomationAgenda.TIMER_BATCH)
                + starts.fireSchedules(AutomationAgenda.TIMER_BATCH);
        });
        if (moved > 0) {
            work.fire();
        }
        if (System.nanoTime() - backlogDue >= 0) {
            backlog.set(queue.backlog());
            backlogDue = System.nanoTime() + BACKLOG_EVERY.toNanos();
        }
        if (moved < AutomationAgenda.TIMER_BATCH) {
            LockSupport.parkNanos(TIMER_POLL.toNanos());
        }
    }

    /**
     * Claims as many due executions as there is room for, up to a batch, and hands them off to run; waits for work when
     * none was due, and for room when all of it is taken (by steps that take long: they hold that room only).
     */
    private void runExecutions() throws InterruptedException {
        long seen = work.generation();
        int room = roomToRun();
        if (room == 0) {
            return;
        }
        var left = new AtomicInteger(room);
        int claimed;
        try {
            claimed = testClock.round(() -> {
                var lease = new ExecutionQueue.Lease(UUID.randomUUID(), settings.lease());
                var batch = queue.claim(lease.token(), room, Timestamps.now(clock), lease.length());
                if (!batch.isEmpty()) {
                    left.addAndGet(-batch.size());
                    runBeside("till-automation-run", lease, batch, running, batch.size());
                }
                return batch.size();
            });
        } finally {
            running.release(left.get());
        }
        if (claimed == 0) {
            work.awaitAfter(seen, settings.pollInterval());
        }
    }

    /**
     * Takes room for a claim, up to a batch: half a batch or more when it frees within moments (claims of a few runs
     * each, as steps are written, cost more than the runs: 5-step runs went a quarter slower), else whatever there is
     * (steps that take long hold the rest), waiting up to the poll interval for any; 0 when there is none.
     */
    private int roomToRun() throws InterruptedException {
        int least = Math.max(1, settings.batchSize() / 2);
        int taken;
        if (running.tryAcquire(least, ROOM_GATHER.toNanos(), TimeUnit.NANOSECONDS)) {
            taken = least;
        } else if (running.tryAcquire(1, settings.pollInterval().toNanos(), TimeUnit.NANOSECONDS)) {
            taken = 1;
        } else {
            return 0;
        }
        int room = taken + running.drainPermits();
        int surplus = Math.max(0, room - settings.batchSize());
        running.release(surplus);
        return room - surplus;
    }

    @Override
    public void stop() {
        loops.stop();
        // Claims handed off and still running write back before the database goes (their steps end at their actions'
        // caps at the latest); whatever does not, another node takes over when the lease ends.
        try {
            long deadline = System.nanoTime() + settings.lease().toNanos();
            if (firstSteps.tryAcquire(FIRST_STEPS, settings.lease().toNanos(), TimeUnit.NANOSECONDS)) {
                firstSteps.release(FIRST_STEPS);
            }
            if (running.tryAcquire(runRoom, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                running.release(runRoom);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
