package io.till.billing;

import java.time.Instant;

/** The bill for one subscription period or one payment-plan installment, charged automatically. */
public record Invoice(
    String id,
    String customerId,
    String subscriptionId,
    String paymentPlanId,
    int sequence,
    String status,
    long amountDue,
    long amountCredited,
    String currency,
    Instant periodStart,
    Instant periodEnd,
    int attemptCount,
    Instant dueAt,
    boolean overdue,
    Instant paidAt,
    Instant createdAt) {}
