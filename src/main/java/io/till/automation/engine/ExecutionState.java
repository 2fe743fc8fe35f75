package io.till.automation.engine;

import io.till.automation.Definition.Step;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything an execution needs to go on from where it stopped, saved as JSON after every step: the stack of frames
 * (outermost first), the outputs of the actions run so far, the attempt of the current action, while it waits (a
 * delay, or the backoff before a retry) when it may go on, the last event a wait_for_event step of the run took
 * (null before any), after which its next wait looks, how many attempts the current action made before staff
 * retried the run: its retry policy counts attempts afresh from {@code attempt} 1, while its log goes on numbering
 * them ({@code attemptsBefore} + {@code attempt}), so that the log never says "attempt 1" twice; and, for a run
 * retried while it stood at a wait_for_event step that had begun, when that wait began ({@code waitBegan}; null
 * otherwise), which it is entered again from; and whether the current action's attempt was deferred, waiting its turn
 * ({@code deferred}), which its log said once: a step taken again every few seconds until its turn comes wrote a line
 * each time, and the lines counted against the run's limit of steps.
 */
public record ExecutionState(List<Frame> frames, ObjectNode outputs, int attempt, Instant resumeAt, EventMark taken,
    int attemptsBefore, Instant waitBegan, boolean deferred) {

    public ExecutionState {
        frames = List.copyOf(frames);
    }

    public ExecutionState(List<Frame> frames, ObjectNode outputs, int attempt, Instant resumeAt, EventMark taken,
        int attemptsBefore, Instant waitBegan) {
        this(frames, outputs, attempt, resumeAt, taken, attemptsBefore, waitBegan, false);
    }

    public ExecutionState(List<Frame> frames, ObjectNode outputs, int attempt, Instant resumeAt, EventMark taken,
        int attemptsBefore) {
        this(frames, outputs, attempt, resumeAt, taken, attemptsBefore, null);
    }

    public ExecutionState(List<Frame> frames, ObjectNode outputs, int attempt, Instant resumeAt, EventMark taken) {
        this(frames, outputs, attempt, resumeAt, taken, 0);
    }

    public ExecutionState(List<Frame> frames, ObjectNode outputs, int attempt, Instant resumeAt) {
        this(frames, outputs, attempt, resumeAt, null);
    }

    public static ExecutionState start() {
        return new ExecutionState(List.of(Frame.root()), JsonNodeFactory.instance.objectNode(), 1, null);
    }

    /**
     * The state from which a failed execution is tried again: the same step, from its first attempt as its retry
     * policy counts, after the {@code attemptsMade} its log already shows. A run that stands at a delay keeps when
     * that delay ends (a run that failed as its delay ended goes on at once, not after the whole delay again); the
     * backoff before an action's next attempt is dropped, since staff asked for the attempt now. A run that stands at
     * a wait_for_event step that had begun enters it again as it first began: the buyer's window (a P3D timeout) is
     * not lengthened by the time the run stood failed, and the wait's registration, which went with the failure, is
     * made again, so that an event that came meanwhile is still found.
     */
    public ExecutionState retried(Program program, int attemptsMade) {
        return switch (current(program)) {
            case Step.Delay delay -> new ExecutionState(frames, outputs, 1, resumeAt, taken, attemptsMade);
            case Step.WaitForEvent wait when resumeAt != null -> new ExecutionState(frames, outputs, 1, null, taken,
                attemptsMade, resumeAt.minus(wait.timeout()));
            case null, default -> new ExecutionState(frames, outputs, 1, null, taken, attemptsMade, waitBegan);
        };
    }

    /** The id of the step the run stands at, or null at the end of a block. */
    public String stepId(Program program) {
        Step step = current(program);
        return step == null ? null : step.id();
    }

    /** The step the run stands at, or null at the end of a block. */
    private Step current(Program program) {
        if (frames.isEmpty()) {
            return null;
        }
        Frame top = frames.getLast();
        List<Step> block = program.block(top.block());
        return top.index() < block.size() ? block.get(top.index()) : null;
    }
}
