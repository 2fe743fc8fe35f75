package io.till.task;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** An internal to-do for the seller's staff ("call this customer about the failed payment"). */
public record Task(
    String id,
    String title,
    String notes,
    String customerId,
    @Schema(description = "The invoice it is about, if any (a dunning automation's task): the tasks inbox says "
        + "whether it has been paid since.", example = "inv_01jdq5yq3m6b8w0c4s2e7r9t1v") String invoiceId,
    String assignee,
    Instant dueAt,
    String status,
    String executionId,
    Instant createdAt,
    Instant updatedAt) {

    /** Still open after its due time: staff see it marked overdue. */
    public boolean overdueAt(Instant now) {
        return status.equals("open") && dueAt != null && dueAt.isBefore(now);
    }
}
