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
 * (null before any), after which its next wait looks, and how many attempts the current action made before staff
 * retried the run: its retry policy counts attempts afresh from {@code attempt} 1, while its log goes on numbering
 * them ({@code attemptsBefore} + {@code attempt}), so that the log never says "attempt 1" twice.
 */
public record ExecutionState(List<Frame> frames, ObjectNode outputs, int attempt, Instant resumeAt, EventMark taken,
    int attemptsBefore) {

    public ExecutionState {
        frames = List.copyOf(frames);
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
     * backoff before an action's next attempt is dropped, since staff asked for the attempt now.
     */
    public ExecutionState retried(Program program, int attemptsMade) {
        return new ExecutionState(frames, outputs, 1, atDelay(program) ? resumeAt : null, taken, attemptsMade);
    }

    private boolean atDelay(Program program) {
        if (frames.isEmpty()) {
            return false;
        }
        Frame top = frames.getLast();
        List<Step> block = program.block(top.block());
        return top.index() < block.size() && block.get(top.index()) instanceof Step.Delay;
    }
}
