package io.till.automation.engine;

import io.till.automation.Definition;
import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/** What an execution does next, as decided by the {@link Engine}. */
public sealed interface Plan {

    /** Call the step's action with these rendered params. */
    record Act(Definition.Step.Action step, String path, String iteration, ObjectNode params, String idempotencyKey,
        int attempt) implements Plan {}

    /** Nothing until {@code until}: a delay, or the backoff before the next attempt. */
    record Wait(Instant until) implements Plan {}

    /**
     * Nothing until an event of type {@code event} about the run's customer arrives (and, with a {@code record}, about
     * the record whose id is {@code recordId}), or until {@code until} at the latest; an event that happened
     * {@code after} its mark (the run's trigger, or the event its last wait took) counts, even before the step ran.
     */
    record AwaitEvent(Instant until, String event, String record, String recordId, EventMark after)
        implements
            Plan {}

    /** The records the context names must be read (fresh) before the engine can go on. */
    record NeedsContext() implements Plan {}

    /** The execution ended; a failed one names the step and why, and can be retried from that step. */
    record Finish(boolean succeeded, String failedStep, String errorCode, String errorMessage) implements Plan {

        static Finish success() {
            return new Finish(true, null, null, null);
        }
    }

    /** What the engine decided, the state to save with it, and the log lines it wrote on the way. */
    record Progress(ExecutionState state, Plan plan, java.util.List<StepLog> logs) {}
}
