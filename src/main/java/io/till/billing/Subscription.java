package io.till.billing;

import io.swagger.v3.oas.annotations.media.Schema;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import java.time.Instant;
import java.util.List;

/**
 * A customer's subscription to a product option, renewed every interval through its card; a fixed-term one ends on its
 * own at {@code ends_at}. The {@code cancel_*} fields, {@code canceled_by} and {@code canceled_by_who} say why and by
 * whom it was canceled (null when it was not, or when the buyer kept it after all).
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
    @Schema(description = "Who on the seller's side canceled it: the staff member's email, or \"the API\" for an API "
        + "key; null when the buyer did, or it was not canceled.", example = "ada@example.com") String canceledByWho,
    Instant cancelRequestedAt,
    @com.fasterxml.jackson.annotation.JsonIgnore // Billing's own; the periods' dates say it.
    @Schema(hidden = true) Instant periodsRestartedAt) {

    /**
     * When its paid periods began, whose day of the month they keep: when they last started again after a pause or
     * arrears, else the end of the trial, else its start.
     */
    Instant periodAnchor() {
        return periodsRestartedAt != null ? periodsRestartedAt : trialEnd != null ? trialEnd : createdAt;
    }

    /**
     * Where its fixed term ends once its periods start again at {@code restart}, after its period ended while it was
     * paused (or unpaid): as many renewals after {@code restart} as were left after the period it stopped in, so that a
     * pause uses up none of the term's payments. Null without a term.
     */
    Instant termEndRestartedAt(Instant restart) {
        if (endsAt == null) {
            return null;
        }
        Instant end = restart;
        for (Instant renewal = currentPeriodEnd; renewal
            .isBefore(endsAt); renewal = Periods.after(renewal, interval, intervalCount, periodAnchor())) {
            end = Periods.after(end, interval, intervalCount, restart);
        }
        return end;
    }

    /**
     * The statuses a customer's stats count as active: billing now, or paid up to a cancellation. Not a paused one,
     * which bills nothing until it resumes (the win-back template reads {@code active_subscriptions} as "came back").
     */
    public static final List<String> ACTIVE_STATUSES = List.of("trialing", "active", "past_due", "canceling");

    @com.fasterxml.jackson.annotation.JsonIgnore // The status says it; not a field of the API's record.
    public boolean isActive() {
        return ACTIVE_STATUSES.contains(status);
    }

    /** Whether its current period is its free trial (canceling during the trial, too): nothing was charged for it. */
    public boolean inTrial() {
        return trialEnd != null && trialEnd.equals(currentPeriodEnd);
    }

    /**
     * The SQL condition, on a void invoice {@code i} of subscription {@code s}, of an invoice voided as the subscription
     * ended, still owing it (or at a time not known), rather than written off along the way: what {@code endedOwing}
     * of {@link #shownStatus(boolean)} asks.
     */
    public static final String ENDED_OWING = "(i.voided_at IS NULL OR i.voided_at >= s.canceled_at)";

    /**
     * The status as buyers and staff read it: {@code completed} for a fixed-term subscription that ended on its own
     * after its last period, paid up (stored as {@code canceled}, with no one who canceled it), else {@link #status}.
     * One whose term ran out while it still owed ({@code endedOwing}: its unpaid invoice was voided as it ended) reads
     * {@code canceled}; a bill written off earlier by staff does not make it so. Only for showing: every rule reads {@link #status}.
     */
    public String shownStatus(boolean endedOwing) {
        return shownStatus(status, canceledBy, currentPeriodEnd, endsAt, endedOwing);
    }

    /** {@link #shownStatus(boolean)} from the columns it reads, for a query that lists subscriptions. */
    public static String shownStatus(String status, String canceledBy, Instant currentPeriodEnd, Instant endsAt,
        boolean endedOwing) {
        boolean termRanOut = status.equals("canceled") && canceledBy == null && endsAt != null
            && currentPeriodEnd != null && !currentPeriodEnd.isBefore(endsAt);
        return termRanOut && !endedOwing ? "completed" : status;
    }

    /**
     * Not ended: active, paused (it resumes) or unpaid (out of retries, still owing). A customer record lists these
     * unless staff ask for all; only a canceled subscription is over.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isCurrent() {
        return !status.equals("canceled");
    }

    /**
     * When it bills next: the end of its period, while it renews then (not when paused, canceling or ended, nor in the
     * last period of a fixed term); null otherwise.
     */
    public Instant nextBill() {
        boolean renews = (status.equals("trialing") || status.equals("active") || status.equals("past_due"))
            && (endsAt == null || currentPeriodEnd.isBefore(endsAt));
        return renews ? currentPeriodEnd : null;
    }

    /** What staff can do to a subscription, and the statuses each change starts from. */
    public enum Change {
        CANCEL_AT_PERIOD_END("cancel at period end", "trialing", "active", "past_due"),
        CANCEL_NOW("cancel", "trialing", "active", "past_due", "unpaid", "canceling", "paused"),
        PAUSE("pause", "active", "past_due", "trialing"),
        RESUME("resume", "paused"),
        KEEP("keep", "canceling"),
        CHANGE_CARD("change the card of", "trialing", "active", "past_due", "unpaid", "canceling", "paused");

        private final String verb;
        private final List<String> from;

        Change(String verb, String... from) {
            this.verb = verb;
            this.from = List.of(from);
        }
    }

    /** Whether {@code change} can start from this subscription's status. */
    public boolean allows(Change change) {
        return change.from.contains(status);
    }

    /** This subscription, if {@code change} can start from its status; otherwise a refusal that names the status. */
    Subscription require(Change change) {
        if (!allows(change)) {
            throw new TillException(ErrorCode.INVALID_STATE, "Cannot " + change.verb + " a subscription that is "
                + status + ".");
        }
        return this;
    }
}
