package io.till.billing;

import java.time.Instant;

/** Money given back from a payment, in full or in part. */
public record Refund(String id, String paymentId, String customerId, long amount, String currency, String status,
    String reason, Instant createdAt) {}
