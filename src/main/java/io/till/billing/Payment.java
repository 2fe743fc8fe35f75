package io.till.billing;

import java.time.Instant;

/** One charge attempt on a card; a failed one says why and whether trying the same card again can help. */
public record Payment(
    String id,
    String customerId,
    String orderId,
    String subscriptionId,
    String paymentPlanId,
    String cardId,
    long amount,
    long amountRefunded,
    String currency,
    String status,
    String failureCode,
    String failureMessage,
    Boolean hardDecline,
    Instant createdAt) {}
