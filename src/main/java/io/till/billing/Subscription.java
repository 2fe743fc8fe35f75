package io.till.billing;

import java.time.Instant;

/**
 * A customer's subscription to a product option, renewed every interval through its card; a fixed-term one ends on its
 * own at {@code ends_at}.
 */
public record Subscription(
    String id,
    String customerId,
    String orderId,
    String productId,
    String optionId,
    String subscriptionGroupId,
    String cardId,
    String status,
    long amount,
    String currency,
    String interval,
    int intervalCount,
    Instant currentPeriodStart,
    Instant currentPeriodEnd,
    Instant trialEnd,
    Instant endsAt,
    Instant canceledAt,
    Instant createdAt) {}
