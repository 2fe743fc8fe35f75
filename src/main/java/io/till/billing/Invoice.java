package io.till.billing;

import io.swagger.v3.oas.annotations.media.Schema;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import java.time.Instant;

/**
 * The bill for one subscription period or one payment-plan installment, charged automatically. {@code attemptCount} is
 * every charge tried on a card for it, whoever made it: the number the dashboard's invoice page counts and lists.
 */
public record Invoice(
    String id,
    @Schema(description = "The invoice's number, counted per account from 1 in the order invoices are issued: what "
        + "staff and buyers read (\"Invoice #12\"). sequence is its place in its subscription or plan.", example = "12") long number,
    String customerId,
    String subscriptionId,
    String paymentPlanId,
    @Schema(description = "Its place in its subscription (the billing period, counted from 1 with a trial's) or payment "
        + "plan (the installment).", example = "2") int sequence,
    String status,
    long amountDue,
    long amountCredited,
    @Schema(description = "What is still owed: amount_due less the credit applied to it; 0 once paid or void. An invoice "
        + "written off as uncollectible still owes it. What the "
        + "next charge asks, and what a dunning email should quote.", example = "1400") long amountRemaining,
    String currency,
    Instant periodStart,
    Instant periodEnd,
    @Schema(description = "How many charges were tried for this invoice, failed ones included, whoever made them: "
        + "each attempt of its retry schedule, staff's pay now, and each retry_payment of an automation (which leaves "
        + "the schedule as it is). One per payment of the invoice: the number the dashboard shows as its charge "
        + "attempts. 0 before the first, and when credit paid all of it.", example = "2") int attemptCount,
    Instant dueAt,
    boolean overdue,
    Instant paidAt,
    @Schema(description = "When the invoice was made void: written off by staff or the API, or as its subscription "
        + "or payment plan ended still owing it. Null unless void.") Instant voidedAt,
    Instant createdAt) {

    /**
     * Whether it is a subscription's invoice written off as uncollectible: bad debt, still owed (its subscription stays
     * past due for it), which voiding forgives. A plan's installment written off is never billed again and owes nothing
     * ({@link PaymentPlans#WRITTEN_OFF}).
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean writtenOffStillOwed() {
        return status.equals("uncollectible") && subscriptionId != null;
    }

    /** This invoice, if it still waits for its money; otherwise refuses to {@code action} it, naming its status. */
    public Invoice requireIssued(String action) {
        if (!status.equals("issued")) {
            throw new TillException(ErrorCode.INVALID_STATE, "Cannot " + action + " an invoice that is " + status
                + ".");
        }
        return this;
    }
}
