package io.till.billing;

import java.time.Instant;

/** A purchase paid in {@code installments} equal payments, one every interval; the buyer cannot cancel it. */
public record PaymentPlan(
    String id,
    String customerId,
    String orderId,
    String productId,
    String optionId,
    String cardId,
    String status,
    long installmentAmount,
    String currency,
    int installments,
    int installmentsPaid,
    String interval,
    int intervalCount,
    Instant nextBillAt,
    Instant createdAt) {

    /** Still collecting installments (what a customer record counts as an active plan). */
    @com.fasterxml.jackson.annotation.JsonIgnore // The status says it; not a field of the API's record.
    public boolean isActive() {
        return "active".equals(status);
    }

    /**
     * When its next installment is billed, for the lists: an unpaid plan (out of retries, still owing) keeps its date,
     * as its own page shows it; an ended one has none.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public Instant billsNextAt() {
        return "active".equals(status) || "unpaid".equals(status) ? nextBillAt : null;
    }

    /** Whether staff can set this plan's status to {@code next}: cancel it, or take back a cancellation. */
    public boolean canBecome(String next) {
        return switch (next) {
            case "canceled" -> status.equals("active") || status.equals("unpaid");
            case "active" -> status.equals("unpaid") || status.equals("canceled");
            default -> false;
        };
    }
}
