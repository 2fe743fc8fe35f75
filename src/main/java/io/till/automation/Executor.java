package io.till.automation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.till.automation.engine.Engine;
import io.till.automation.engine.Plan;
import io.till.automation.engine.Program;
import io.till.automation.engine.StepLog;
import io.till.shared.DatabaseOutage;
import io.till.shared.Timestamps;
import io.till.shared.WriteBack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs executions, one round at a time: claim a batch of due executions, take each one step forward (reading its
 * records fresh, calling at most one action, outside any transaction, each on its own virtual thread), and write each
 * one back as soon as its step ends, with those that end at the same moment, while the lease of the steps still running
 * is renewed. One action per execution per round means a crash repeats at most the step that was running, and only
 * with the same idempotency key.
 */
@Component
class Executor {

    private static final Logger log = LoggerFactory.getLogger(Executor.class);
    /** At most this many results per write; River's batch completer flushes at a similar size. */
    private static final int WRITE_BATCH = 200;
    /** How long a result that ended waits for others to share its write. */
    private static final Duration WRITE_EVERY = Duration.ofMillis(5);
    /** How many steps one execution takes in one round, at most, before it goes back to the queue. */
    private static final int STEPS_PER_ROUND = 50;
    /**
     * How long into its round an execution may still take its next step in the round: quick steps chain (fifty in a
     * few milliseconds), while a chain of slow ones (a loop of webhooks at their timeout) goes back to the queue, so
     * that the round ends and the worker claims other accounts' work too, rather than one run holding it for minutes.
     */
    static final Duration CHAIN_WINDOW = Duration.ofSeconds(2);
    /** How often a round with steps still running looks whether their lease is due for renewal. */
    private static final Duration RENEWAL_CHECK = Duration.ofMillis(100);

    private final ExecutionQueue queue;
    private final ExecutionResults results;
    private final Programs programs;
    private final ExecutionContexts contexts;
    private final Engine engine;
    private final ActionCalls actionCalls;
    private final Clock clock;
    private final JsonMapper json;
    private final AutomationSettings settings;
    private final StepSecrets secrets;
    private final ExecutionWaits waits;
    private final Counter succeeded;
    private final Counter failed;
    private final Counter refused;
    private final Counter abandoned;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    Executor(ExecutionQueue queue, ExecutionResults results, Programs programs, ExecutionContexts contexts,
        Engine engine, ActionCalls actionCalls,
        Clock clock, JsonMapper json, AutomationSettings settings, MeterRegistry meters, StepSecrets secrets,
        ExecutionWaits waits) {
        this.secrets = secrets;
        this.waits = waits;
        this.queue = queue;
        this.results = results;
        this.programs = programs;
        this.contexts = contexts;
        this.engine = engine;
        this.actionCalls = actionCalls;
        this.clock = clock;
        this.json = json;
        this.settings = settings;
        this.succeeded = finished(meters, "succeeded");
        this.failed = finished(meters, "failed");
        this.refused = Counter.builder("till.automation.writes.refused")
            .description("Round results dropped because another node had taken the execution over").register(meters);
        this.abandoned = Counter.builder("till.automation.writes.abandoned")
            .description("Round results not written because no connection could be had within the lease; the "
                + "executions come back with their lease")
            .register(meters);
    }

    /** The counter of executions that ended with {@code status}, wherever their last step was taken. */
    static Counter finished(MeterRegistry meters, String status) {
        return Counter.builder("till.automation.executions.finished").tag("status", status)
            .description("Executions that ended").register(meters);
    }

    /** Claims and runs one round; returns how many executions it claimed. */
    int runRound() {
        return runRound(UUID.randomUUID(), settings.batchSize(), settings.lease());
    }

    int runRound(UUID token, int limit, Duration lease) {
        return run(new ExecutionQueue.Lease(token, lease), queue.claim(token, limit, Timestamps.now(clock), lease),
            n -> {
            });
    }

    /**
     * Runs executions claimed under {@code lease} (by a round's claim, or by the matcher that started them) one step
     * each; returns how many. {@code written} hears how many more have been written back, as they are.
     */
    int run(ExecutionQueue.Lease claim, List<ExecutionQueue.Claimed> claimed, IntConsumer written) {
        if (claimed.isEmpty()) {
            return 0;
        }
        UUID token = claim.token();
        Duration lease = claim.length();
        var ended = new LinkedBlockingQueue<Ended>();
        Set<String> held = new HashSet<>();
        for (var execution : claimed) {
            held.add(execution.id());
            stepAside(execution, lease, ended);
        }
        writeBackAsStepsEnd(token, lease, ended, held, written);
        return claimed.size();
    }

    private void stepAside(ExecutionQueue.Claimed execution, Duration lease, BlockingQueue<Ended> ended) {
        threads.submit(() -> {
            ExecutionResults.Written result = null;
            try {
                result = step(execution, lease);
            } catch (RuntimeException | Error e) {
                // Not swallowed unseen by the pool's future (step fails a run for anything a retry does not mend).
                log.error("The step of execution {} died; its lease brings it back", execution.id(), e);
                throw e;
            } finally {
                // Even a step that died of an Error ends: the round stops waiting for it, the lease brings it back.
                ended.add(new Ended(execution.id(), result));
            }
        });
    }

    /** One step of the round that has ended; {@code written} is null when it died without a result. */
    private record Ended(String executionId, ExecutionResults.Written written) {}

    /**
     * Writes each execution back as soon as its step ends, a few at a time, so that a fast run never waits for a slow
     * neighbour in its round (an SMTP server that answers slowly, a CRM at its timeout); and keeps the lease of the
     * steps still running alive, so that no other node takes over, and repeats, an action this node is performing.
     */
    private void writeBackAsStepsEnd(UUID token, Duration lease, BlockingQueue<Ended> ended, Set<String> held,
        IntConsumer written) {
        Instant renewed = Timestamps.now(clock);
        Instant chainsUntil = renewed.plus(CHAIN_WINDOW);
        Duration renewEvery = lease.dividedBy(3);
        Map<String, Integer> taken = new HashMap<>();
        boolean interrupted = false;
        while (!held.isEmpty()) {
            var batch = new ArrayList<Ended>(WRITE_BATCH);
            try {
                Ended first = ended.poll(RENEWAL_CHECK.toNanos(), TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    gather(ended, batch, held.size());
                }
            } catch (InterruptedException e) {
                // The node is stopping: the round still writes back what its steps do (they end at their actions'
                // timeouts at the latest), so that nothing they did is repeated by another node.
                interrupted = true;
            }
            batch.forEach(e -> held.remove(e.executionId()));
            var results = batch.stream().map(Ended::written).filter(Objects::nonNull).toList();
            // An execution that goes on at once (its next step is due now) keeps its lease and takes its next step in
            // this round, once this one is written: it is not queued and claimed again, and a crash still repeats at
            // most the step that was running. Not while the node stops, nor forever (a long loop of quick steps), nor
            // past the round's first moments (CHAIN_WINDOW: a chain of slow steps).
            Set<String> goOn = interrupted || !Timestamps.now(clock).isBefore(chainsUntil)
                ? Set.of()
                : results.stream()
                    .filter(w -> w.continuesNow() && !w.logs().isEmpty()
                        && taken.getOrDefault(w.claimed().id(), 1) < STEPS_PER_ROUND)
                    .map(w -> w.claimed().id()).collect(Collectors.toSet());
            Map<String, String> accepted = writeOrLeave(token, results, goOn, lease);
            int continued = 0;
            for (var result : results) {
                String id = result.claimed().id();
                // Not one an event canceled while its step ran: it ended with that step.
                if (goOn.contains(id) && "running".equals(accepted.get(id))) {
                    held.add(id);
                    taken.merge(id, 1, Integer::sum);
                    stepAside(result.next(), lease, ended);
                    continued++;
                }
            }
            written.accept(batch.size() - continued);
            Instant now = Timestamps.now(clock);
            if (!held.isEmpty() && !now.isBefore(renewed.plus(renewEvery))) {
                try {
                    queue.renewLeases(token, held, now.plus(lease));
                    renewed = now;
                } catch (DataAccessResourceFailureException | TransientDataAccessException notNow) {
                    // No connection (or one lost under it), or a deadlock lost to a cancel locking the same runs: tried
                    // again at the next check, a tenth of a second on; renewals start with two thirds of the lease
                    // left.
                    log.warn("Could not renew the lease of {} executions; trying again: {}", held.size(),
                        notNow.getMessage());
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Adds the steps that end within a moment of the first to its batch: one transaction for many results when many
     * end together (a round of fast steps), without holding back a result that ends alone.
     */
    private static void gather(BlockingQueue<Ended> ended, List<Ended> batch, int outstanding)
        throws InterruptedException {
        long until = System.nanoTime() + WRITE_EVERY.toNanos();
        while (batch.size() < WRITE_BATCH && batch.size() < outstanding) {
            ended.drainTo(batch, WRITE_BATCH - batch.size());
            long left = until - System.nanoTime();
            if (batch.size() >= WRITE_BATCH || batch.size() >= outstanding || left <= 0) {
                return;
            }
            Ended next = ended.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
        }
    }

    /**
     * Writes {@code round} back; when no connection could be had for a whole lease (a database restarting, a pool dry
     * through a long pause of the node), leaves those executions to their lease, which brings them back to be taken
     * again under the same keys, and goes on: the steps of the round still running write their own results when they
     * end, rather than being dropped with the write that failed (a node thawed after a long pause wrote nothing, not
     * even its refused late writes, found by the chaos suite).
     */
    private Map<String, String> writeOrLeave(UUID token, List<ExecutionResults.Written> round, Set<String> goOn,
        Duration lease) {
        try {
            return write(token, round, goOn, lease);
        } catch (DataAccessResourceFailureException | CannotCreateTransactionException
            | TransientDataAccessException notWritten) {
            abandoned.increment(round.size());
            log.warn("Could not write back {} executions within their lease; they come back when it runs out, and "
                + "their steps are taken again under the same keys: {}", round.size(), notWritten.getMessage());
            return Map.of();
        } catch (RuntimeException unexpected) {
            // Not one result's fault (that one fails alone, see ExecutionResults.save) nor the moment's: a fault of
            // Till's. These are left to their lease as above, rather than ending the round, which would leave every
            // step still running in it unwritten and its lease unrenewed.
            abandoned.increment(round.size());
            log.error("Could not write back {} executions; they come back when their lease runs out", round.size(),
                unexpected);
            return Map.of();
        }
    }

    private Map<String, String> write(UUID token, List<ExecutionResults.Written> round, Set<String> goOn,
        Duration lease) {
        if (round.isEmpty()) {
            return Map.of();
        }
        var accepted = saveOnceConnected(token, round, goOn, lease);
        if (accepted.size() < round.size()) {
            // This node was too slow (paused, or cut off from the database) and its lease ran out: another node owns
            // these executions now, and what this round did was not written. Said out loud, because it is rare.
            refused.increment(round.size() - accepted.size());
            log.warn("Refused late writes: {} of {} executions were taken over by another node after the lease ran "
                + "out; nothing of theirs was written", round.size() - accepted.size(), round.size());
        }
        for (String status : accepted.values()) {
            if (status.equals("succeeded")) {
                succeeded.increment();
            } else if (status.equals("failed")) {
                failed.increment();
            }
        }
        return accepted;
    }

    /** Saves a round's results, trying again while no connection can be had ({@link WriteBack}). */
    private Map<String, String> saveOnceConnected(UUID token, List<ExecutionResults.Written> round,
        Set<String> goOn, Duration lease) {
        return WriteBack.onceConnected(lease, round.size() + " executions",
            () -> results.save(token, round, goOn, Timestamps.now(clock)));
    }

    /** Takes one execution as far as one action call, or to a wait or the end. */
    private ExecutionResults.Written step(ExecutionQueue.Claimed execution, Duration lease) {
        if (execution.steps() >= Definition.MAX_STEPS_PER_RUN) {
            // Loops within loops over a long list: a version saved before they were bounded at save can get here.
            // Checked as a step begins, so one step that walks far (branches, loop heads) may pass the bound by
            // its own walk budget, no more.
            return new ExecutionResults.Written(execution, "failed", execution.state(), json.createObjectNode()
                .put("code", "too_long").put("message", "The run stopped after " + Definition.MAX_STEPS_PER_RUN
                    + " steps, the most one run may take; lower the max of its loops."),
                null, List.of());
        }
        var logs = new ArrayList<StepLog>();
        try {
            Program program = programs.get(execution.automationId(), execution.version());
            Instant now = Timestamps.now(clock);
            // At a wait_for_event step: what arrived, if anything (else the wait ends at its timeout).
            boolean awaiting = Engine.awaiting(program, execution.state());
            JsonNode arrived = awaiting
                ? waits.arrived(execution.id(), execution.state().resumeAt()).orElse(null)
                : null;
            var progress = engine.next(program, execution.id(), execution.state(), null, now, arrived);
            logs.addAll(progress.logs());
            if (progress.plan() instanceof Plan.NeedsContext) {
                ObjectNode context = contexts.load(program, execution.accountId(), execution.customerId(),
                    execution.trigger());
                progress = engine.next(program, execution.id(), progress.state(), context, now);
                logs.addAll(progress.logs());
            }

            if (progress.plan() instanceof Plan.Act act) {
                var performed = actionCalls.perform(execution, act, lease);
                progress = engine.afterAction(program, execution.id(), progress.state(), act, performed.result(),
                    performed.started(), performed.ended(), ThreadLocalRandom.current().nextDouble());
                logs.addAll(progress.logs());
            }
            // A run still at a wait (woken early with nothing arrived, or at a new wait, which replaces the row)
            // keeps its row; one that moved on has left it.
            boolean leftWait = awaiting && !Engine.awaiting(program, progress.state());
            // The logs show secret params masked; only the action's call saw them opened.
            return written(execution, progress, secrets.masked(execution.accountId(), logs), leftWait);
        } catch (RuntimeException e) {
            if (isDatabaseHiccup(e)) {
                // The database hiccuped (a deadlock) or went away (a restart cut the connection, none could be had):
                // nothing is wrong with the execution, so it tries again next round.
                return waitingForDatabase(execution, e);
            }
            // A bug or a broken definition: the execution fails where it stands, with the reason, and can be retried.
            log.error("Execution {} could not go on", execution.id(), e);
            return new ExecutionResults.Written(execution, "failed", execution.state(), internalError(execution),
                null, secrets.masked(execution.accountId(), logs));
        } catch (StackOverflowError | LinkageError e) {
            // Nothing a retry mends (an action's output nested deeper than what walks it can go, a class missing from
            // the build), as ActionCalls says of an action that dies so: the run fails once, without the step's logs
            // (walking them may die again). Left unwritten, it was taken again at every lease, its action performed
            // again each time, with nothing logged.
            log.error("Execution {} could not go on", execution.id(), e);
            return new ExecutionResults.Written(execution, "failed", execution.state(), internalError(execution),
                null, List.of());
        }
    }

    /** What went wrong inside Till stays in Till's log: the seller sees that it did, and where to look. */
    private ObjectNode internalError(ExecutionQueue.Claimed execution) {
        return json.createObjectNode().put("code", "internal_error").put("message", "Till could not go on with this "
            + "execution; the server log has the details under " + execution.id() + ".");
    }

    private static boolean isDatabaseHiccup(RuntimeException e) {
        return e instanceof TransientDataAccessException || e instanceof DataAccessResourceFailureException
            || e instanceof RecoverableDataAccessException || DatabaseOutage.explains(e);
    }

    private static ExecutionResults.Written waitingForDatabase(ExecutionQueue.Claimed execution, RuntimeException e) {
        log.warn("Execution {} waits for the database: {}", execution.id(), e.toString());
        return new ExecutionResults.Written(execution, "running", execution.state(), null, null, List.of());
    }

    private ExecutionResults.Written written(ExecutionQueue.Claimed execution, Plan.Progress progress,
        List<StepLog> logs, boolean leftWait) {
        return switch (progress.plan()) {
            case Plan.Finish finish when finish.succeeded() -> new ExecutionResults.Written(execution, "succeeded",
                progress.state(), null, null, logs, null, leftWait);
            case Plan.Finish finish -> new ExecutionResults.Written(execution, "failed", progress.state(), json
                .createObjectNode().put("step_id", finish.failedStep()).put("code", finish.errorCode())
                .put("message", finish.errorMessage()), null, logs, null, leftWait);
            case Plan.Wait wait -> new ExecutionResults.Written(execution, "waiting", progress.state(), null,
                wait.until(), logs, null, leftWait);
            case Plan.AwaitEvent await -> new ExecutionResults.Written(execution, "waiting", progress.state(), null,
                await.until(), logs, new ExecutionResults.Await(await.event(), await.record(), await.recordId(),
                    await.after()),
                false);
            case Plan.NeedsContext more -> new ExecutionResults.Written(execution, "running", progress.state(), null,
                null, logs, null, leftWait);
            case Plan.Act act -> throw new IllegalStateException("an action was planned and not called");
        };
    }
}
