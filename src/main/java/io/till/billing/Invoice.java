package io.till.billing;

import io.till.shared.ErrorCode;
import io.till.shared.TillException;
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
    Instant createdAt) {

    /** This invoice, if it still waits for its money; otherwise refuses to {@code action} it, naming its status. */
    public Invoice requireIssued(String action) {
        if (!status.equals("issued")) {
            throw new TillException(ErrorCode.INVALID_STATE, "Cannot " + action + " an invoice that is " + status
                + ".");
        }
        return this;
    }
}
