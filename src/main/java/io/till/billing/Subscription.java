package io.till.billing;

import java.time.Instant;
import java.util.List;

/**
 * A customer's subscription to a product option, renewed every interval through its card; a fixed-term one ends on its
 * own at {@code ends_at}. The {@code cancel_*} fields and {@code canceled_by} say why and by whom it was canceled
 * (null when it was not, or when the buyer kept it after all).
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
    Instant createdAt,
    String cancelReason,
    String cancelReasonText,
    String canceledBy,
    Instant cancelRequestedAt) {

    /** The statuses a customer record counts and lists as active: still billing, or paid up to a cancellation. */
    public static final List<String> ACTIVE_STATUSES = List.of("trialing", "active", "past_due", "canceling");

    public boolean isActive() {
        return ACTIVE_STATUSES.contains(status);
    }
}
