package io.till.automation.engine;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything an execution needs to go on from where it stopped, saved as JSON after every step: the stack of frames
 * (outermost first), the outputs of the actions run so far, the attempt of the current action, while it waits (a
 * delay, or the backoff before a retry) when it may go on, and the last event a wait_for_event step of the run took
 * (null before any), after which its next wait looks.
 */
public record ExecutionState(List<Frame> frames, ObjectNode outputs, int attempt, Instant resumeAt, EventMark taken) {

    public ExecutionState {
        frames = List.copyOf(frames);
    }

    public ExecutionState(List<Frame> frames, ObjectNode outputs, int attempt, Instant resumeAt) {
        this(frames, outputs, attempt, resumeAt, null);
    }

    public static ExecutionState start() {
        return new ExecutionState(List.of(Frame.root()), JsonNodeFactory.instance.objectNode(), 1, null);
    }

    /** The state from which a failed execution is tried again: the same step, from its first attempt. */
    public ExecutionState retried() {
        return new ExecutionState(frames, outputs, 1, null, taken);
    }
}
