package io.till.task;

import java.time.Instant;

/** An internal to-do for the seller's staff ("call this customer about the failed payment"). */
public record Task(
    String id,
    String title,
    String notes,
    String customerId,
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
