package io.till.automation.engine;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One line of an execution's log: one attempt of an action, or a branch decided, a delay begun or ended, a loop
 * entered, a stop.
 *
 * @param path where the step sits in the definition ({@code steps[2].then[0]})
 * @param iteration the loop iterations around the step ({@code 3}, {@code 3.0} when nested), empty outside loops
 * @param status {@code succeeded}, {@code failed}, {@code waiting} or {@code skipped}
 */
public record StepLog(
    String stepId,
    String path,
    String iteration,
    String kind,
    String status,
    int attempt,
    JsonNode input,
    JsonNode output,
    JsonNode error,
    Instant startedAt,
    Instant finishedAt,
    String idempotencyKey) {}
