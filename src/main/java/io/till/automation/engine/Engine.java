package io.till.automation.engine;

import io.till.action.ActionResult;
import io.till.action.ActionSchema;
import io.till.automation.Definition.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decides what an execution does next: a pure function of the program, the execution's saved state, the context and
 * the time. It walks branches, loops and delays until it reaches an action to call, a time to wait for, or the end,
 * and it turns an action's result into the next state (success, a retry after backoff, the fallback, or failure). It
 * does no I/O: reading records, calling actions and saving are the {@code Executor}'s.
 */
public final class Engine {

    /** The longest a receiver's Retry-After delays a step's next attempt, as webhooks cap it. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);

    /** How many steps one decision may walk through without calling an action (nested loops of stops, say). */
    static final int WALK_BUDGET = 10_000;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final Function<String, ActionSchema> schemas;

    /** @param schemas the schema of each action by name, null for an action this Till does not have */
    public Engine(Function<String, ActionSchema> schemas) {
        this.schemas = schemas;
    }

    /**
     * Goes on from {@code state}. With a null context the engine goes only as far as it can without reading any
     * record (to the end, or into a fixed delay), and otherwise answers {@link Plan.NeedsContext}.
     */
    public Plan.Progress next(Program program, String executionId, ExecutionState state, ObjectNode context,
        Instant now) {
        return next(program, executionId, state, context, now, null);
    }

    /**
     * As {@link #next(Program, String, ExecutionState, ObjectNode, Instant)}, for a run waiting at a wait_for_event
     * step ({@link #awaiting}): {@code arrived} is the event that ended the wait (its snapshot, as a trigger's), or
     * null when none did (the wait ends at its timeout).
     */
    public Plan.Progress next(Program program, String executionId, ExecutionState state, ObjectNode context,
        Instant now, JsonNode arrived) {
        var walk = new Walk(schemas, program, executionId, state, context, now);
        walk.arrived = arrived;
        return walk.progress(walk.run());
    }

    /** Whether the run stands waiting at a wait_for_event step: its next decision needs to know what arrived. */
    public static boolean awaiting(Program program, ExecutionState state) {
        if (state.resumeAt() == null || state.frames().isEmpty()) {
            return false;
        }
        Frame top = state.frames().getLast();
        List<Step> block = program.block(top.block());
        return top.index() < block.size() && block.get(top.index()) instanceof Step.WaitForEvent;
    }

    /** Records how the action of {@code act} ended and goes on as far as it can without reading records. */
    public Plan.Progress afterAction(Program program, String executionId, ExecutionState state, Plan.Act act,
        ActionResult result, Instant startedAt, Instant now, double jitter) {
        var walk = new Walk(schemas, program, executionId, state, null, now);
        // The attempt has ended, unless it is deferred again.
        boolean saidWaiting = walk.deferred;
        walk.deferred = false;
        Plan plan = switch (result) {
            case ActionResult.Done done -> {
                walk.log(act, "succeeded", act.params(), done.output(), null, startedAt);
                walk.outputs.set(act.step().id(), done.output() == null ? NODES.nullNode() : done.output());
                walk.firstAttempt();
                walk.advance();
                yield walk.run();
            }
            case ActionResult.Failed failed -> {
                var error = Walk.error(failed.code(), failed.message());
                if (failed.retryable()) {
                    error.put("retryable", true);
                }
                walk.log(act, "failed", act.params(), null, error, startedAt);
                if (failed.retryable() && act.attempt() < act.step().retry().attempts()) {
                    Duration wait = Backoff.after(act.step().retry(), act.attempt(), jitter);
                    if (failed.retryAfter() != null && failed.retryAfter().compareTo(wait) > 0) {
                        // The receiver's word, up to a day: 999999999 seconds parked the run (and every run of its
                        // concurrency key after it) for decades.
                        wait = failed.retryAfter().compareTo(MAX_RETRY_AFTER) > 0
                            ? MAX_RETRY_AFTER
                            : failed.retryAfter();
                    }
                    walk.attempt = act.attempt() + 1;
                    walk.resumeAt = now.plus(wait);
                    yield new Plan.Wait(walk.resumeAt);
                }
                yield walk.exhausted(act.step(), act.path(), failed.code(), failed.message());
            }
            case ActionResult.Deferred deferred -> {
                // Not an attempt: the step is taken again, as the same attempt, once what it waits for has ended.
                walk.resumeAt = now.plus(deferred.after()).plusMillis((long) (deferred.after().toMillis() * jitter));
                if (!saidWaiting) {
                    // Once per attempt: taken again every few seconds until its turn comes, a line each time filled
                    // the log and spent the run's limit of steps (a loop of posts to a busy host failed as too long).
                    walk.log(act, "waiting", act.params(), NODES.objectNode().put("until", walk.resumeAt.toString())
                        .put("reason", deferred.message()), null, startedAt);
                }
                walk.deferred = true;
                walk.attempt = act.attempt();
                yield new Plan.Wait(walk.resumeAt);
            }
        };
        return walk.progress(plan);
    }

}
