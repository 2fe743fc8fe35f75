package io.till.automation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.till.automation.engine.Engine;
import io.till.automation.engine.ExecutionState;
import io.till.automation.engine.Plan;
import io.till.automation.engine.Program;
import io.till.automation.engine.StepLog;
import io.till.shared.DatabaseOutage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The steps a run takes inside the transaction that starts it. While its next step is an action whose whole effect is
 * rows of Till's database ({@link io.till.action.Action#transactional()}: add_tag, remove_tag, update_customer,
 * create_task), the matcher performs it right there, and the run is written once, with those lines of its log, by the
 * statement that starts it. The steps commit with the event's match or not at all, so a crash repeats none of them,
 * and a run that ends there never passes through the queue. It stops before anything else (an action that calls out,
 * a delay, a retry's wait), where the run goes on as every run does, claimed and stepped by a worker. Runs of an
 * automation that cancels on events or waits for one start the ordinary way, so that whatever ends or wakes them finds
 * them as it always has.
 */
@Component
class StepsAtStart {

    private static final Logger log = LoggerFactory.getLogger(StepsAtStart.class);

    /** The most steps one run takes at its start (a loop of record actions goes on in the workers' rounds). */
    static final int MOST = 20;

    private final Engine engine;
    private final ExecutionContexts contexts;
    private final ActionCalls actionCalls;
    private final StepSecrets secrets;
    private final JsonMapper json;
    private final Counter succeeded;
    private final Counter failed;

    StepsAtStart(Engine engine, ExecutionContexts contexts, ActionCalls actionCalls, StepSecrets secrets,
        JsonMapper json, MeterRegistry meters) {
        this.engine = engine;
        this.contexts = contexts;
        this.actionCalls = actionCalls;
        this.secrets = secrets;
        this.json = json;
        this.succeeded = Executor.finished(meters, "succeeded");
        this.failed = Executor.finished(meters, "failed");
    }

    /**
     * Whether a run of {@code program} may take steps at its start: its first step is a transactional action, and
     * nothing about the automation makes its runs wait for, or end at, another event.
     */
    boolean startsHere(Program program) {
        var definition = program.definition();
        return definition.cancelOn().isEmpty() && !definition.steps().isEmpty()
            && definition.steps().getFirst() instanceof Definition.Step.Action first
            && actionCalls.transactional(first.action())
            && program.blocks().values().stream().flatMap(List::stream)
                .noneMatch(step -> step instanceof Definition.Step.WaitForEvent);
    }

    /**
     * Takes each start of {@code starts} whose automation is one of {@code startingHere} (those that
     * {@linkplain #startsHere start here}; its trigger snapshot read already) as far as its transactional steps go, in
     * the caller's transaction; answers the starts, each with the {@link ExecutionQueue.Head} it reached, if it took a
     * step. What an action throws is thrown: the caller's transaction, and every step taken in it, is then undone.
     * <p>
     * The runs take their steps in the order of their customers' ids, whatever the order of their events: each batch
     * then locks the customer rows it writes in one order, and two batches of two nodes over the same customers wait
     * for each other at most in line, never in a circle (which PostgreSQL would break only after its deadlock timeout,
     * undoing one batch).
     */
    List<ExecutionQueue.NewExecution> take(List<ExecutionQueue.NewExecution> starts,
        Map<String, Program> startingHere, Instant now) {
        var taken = new ArrayList<>(starts);
        var byCustomer = IntStream.range(0, starts.size()).boxed()
            .sorted(Comparator.comparing(i -> starts.get(i).customerId(),
                Comparator.nullsLast(Comparator.naturalOrder())))
            .toList();
        for (int i : byCustomer) {
            var start = starts.get(i);
            Program program = startingHere.get(start.automationId());
            ExecutionQueue.Head head = start.trigger() != null && program != null
                ? head(start, program, now)
                : null;
            if (head != null) {
                taken.set(i, start.with(head));
            }
        }
        return taken;
    }

    /**
     * Matches a batch through {@code match}, its runs taking their transactional first steps in the batch's
     * transaction; should one of those throw (a bug, a constraint the action broke), or be refused inside a
     * transactional service (which leaves the transaction able only to roll back), the whole batch was undone, and is
     * matched again without them, its runs then taking every step in the workers' rounds, as any run does.
     */
    static <T> T orWithout(Function<Boolean, T> match) {
        try {
            return match.apply(true);
        } catch (RuntimeException e) {
            if (DatabaseOutage.explains(e)) {
                throw e;
            }
            log.warn("A batch whose runs took steps at their start was undone; it is matched again without them", e);
            return match.apply(false);
        }
    }

    /** Counts the runs that ended at their start, once they are written. */
    void ended(List<ExecutionQueue.NewExecution> written) {
        for (var start : written) {
            if (start.head() != null && start.head().ended()) {
                (start.head().status().equals("succeeded") ? succeeded : failed).increment();
            }
        }
    }

    /** As the Executor takes one step per round, here one after the other while each is a transactional action. */
    private ExecutionQueue.Head head(ExecutionQueue.NewExecution start, Program program, Instant now) {
        ExecutionState state = ExecutionState.start();
        var logs = new ArrayList<StepLog>();
        for (int steps = 0; steps < MOST; steps++) {
            var round = new ArrayList<StepLog>();
            var progress = engine.next(program, start.id(), state, null, now);
            round.addAll(progress.logs());
            if (progress.plan() instanceof Plan.NeedsContext) {
                // Read fresh for every step, as a worker's round does: the step before may have changed the customer.
                var context = contexts.load(program, start.accountId(), start.customerId(), start.trigger());
                progress = engine.next(program, start.id(), progress.state(), context, now);
                round.addAll(progress.logs());
            }
            if (progress.plan() instanceof Plan.Finish finish) {
                logs.addAll(round);
                return ended(start, finish, progress.state(), logs);
            }
            if (!(progress.plan() instanceof Plan.Act act) || !actionCalls.transactional(act.step().action())) {
                // Anything else is the workers': the run goes on from before this walk, which they take again.
                break;
            }
            var claimed = new ExecutionQueue.Claimed(start.id(), start.accountId(), start.automationId(),
                start.version(), start.trigger(), start.customerId(), progress.state(), 0, logs.size());
            var performed = actionCalls.performHere(claimed, act);
            progress = engine.afterAction(program, start.id(), progress.state(), act, performed.result(),
                performed.started(), performed.ended(), ThreadLocalRandom.current().nextDouble());
            round.addAll(progress.logs());
            logs.addAll(round);
            state = progress.state();
            if (progress.plan() instanceof Plan.Finish finish) {
                return ended(start, finish, state, logs);
            }
            if (!(progress.plan() instanceof Plan.NeedsContext)) {
                // A retry's wait, a delay, a wait for an event: the workers write it, from here.
                break;
            }
        }
        return logs.isEmpty()
            ? null
            : new ExecutionQueue.Head("running", state, secrets.masked(start.accountId(), logs), null);
    }

    private ExecutionQueue.Head ended(ExecutionQueue.NewExecution start, Plan.Finish finish, ExecutionState state,
        List<StepLog> logs) {
        var masked = secrets.masked(start.accountId(), logs);
        return finish.succeeded()
            ? new ExecutionQueue.Head("succeeded", state, masked, null)
            : new ExecutionQueue.Head("failed", state, masked, json.createObjectNode()
                .put("step_id", finish.failedStep()).put("code", finish.errorCode())
                .put("message", finish.errorMessage()));
    }
}
