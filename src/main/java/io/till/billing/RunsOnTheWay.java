package io.till.billing;

import java.time.Instant;
import java.util.LinkedHashMap;

/**
 * The automations that ran while the sandbox's test clock moved, for the dashboard's "Advance" to say beside the events
 * (the automation feature fills it in: billing does not know automations).
 */
public interface RunsOnTheWay {

    /**
     * Runs started after {@code from} up to {@code to} (the clock's time, as runs record it), counted by the name of
     * their automation, the automation that ran first first.
     */
    LinkedHashMap<String, Long> countsBetween(String accountId, Instant from, Instant to);
}
