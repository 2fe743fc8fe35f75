package io.till.automation;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One run of an automation as the API shows it: what started it, where it stands, and, when read alone, its
 * step-by-step log.
 *
 * @param status pending, running, waiting, succeeded, failed or canceled
 * @param wakeAt while waiting, when it goes on
 * @param canceledByEvent the event that ended it, one its automation cancels on (cancel_on); while its step still
 *     runs, the run ends when that step does
 * @param steps read alone, the first lines of its log
 * @param stepsHasMore read alone, whether more lines follow them ({@code GET /api/v1/executions/{id}/steps} pages
 *     the whole log)
 */
public record Execution(
    String id,
    String automationId,
    int version,
    String status,
    JsonNode trigger,
    String customerId,
    JsonNode error,
    String canceledByEvent,
    Instant wakeAt,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    Instant updatedAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<Step> steps,
    @JsonInclude(JsonInclude.Include.NON_NULL) Boolean stepsHasMore) {

    /** One line of the log: an attempt of an action, or a branch, delay, loop or stop. */
    public record Step(
        int seq,
        String stepId,
        String path,
        String iteration,
        String kind,
        String status,
        int attempt,
        JsonNode input,
        JsonNode output,
        JsonNode error,
        String idempotencyKey,
        Instant startedAt,
        Instant finishedAt,
        long durationMs) {}

    Execution withSteps(List<Step> log, boolean more) {
        return new Execution(id, automationId, version, status, trigger, customerId, error, canceledByEvent, wakeAt,
            createdAt, startedAt, finishedAt, updatedAt, log, more);
    }
}
