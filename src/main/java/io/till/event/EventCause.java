package io.till.event;

import java.util.function.Supplier;

/**
 * The automation run on whose behalf this thread works, if any: every event raised meanwhile carries it as {@code
 * caused_by.execution_id}, so that matching never starts an automation again from what its own run set off (a run that
 * updates the customer on {@code customer.updated} would otherwise start itself for ever). The services that raise
 * events serve the API and automation steps alike; the cause rides on the thread rather than through every signature.
 */
public final class EventCause {

    private static final ThreadLocal<String> EXECUTION = new ThreadLocal<>();

    private EventCause() {}

    /** Does {@code work} on this thread for the run {@code executionId}. */
    public static <T> T during(String executionId, Supplier<T> work) {
        String outer = EXECUTION.get();
        EXECUTION.set(executionId);
        try {
            return work.get();
        } finally {
            if (outer == null) {
                EXECUTION.remove();
            } else {
                EXECUTION.set(outer);
            }
        }
    }

    /** The run this thread works for, or null. */
    static String execution() {
        return EXECUTION.get();
    }
}
