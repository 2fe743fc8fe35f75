package io.till.billing;

import java.time.Instant;
import java.util.List;

/**
 * The automation runs (executions) of one customer, newest first, for the customer record's timeline. Automation
 * provides it: automation depends on billing, so billing asks through this port rather than reading automation.
 */
public interface CustomerRuns {

    /**
     * One run: which automation, how it stands, when it started; {@code endedBy} says what stopped a canceled run
     * ("by Invoice paid"), null for any other.
     */
    record Run(String id, String automationName, String status, String endedBy, Instant createdAt) {}

    /** Up to {@code limit + 1} runs with ids below {@code beforeId} (all when null): the extra one says more follow. */
    List<Run> newestFirst(String accountId, String customerId, String beforeId, int limit);
}
