package io.till.action;

import io.till.billing.BillingActions;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** How the record actions turn Till's own errors into step failures. */
final class RecordFailures {

    private RecordFailures() {}

    static ActionResult.Failed noCustomer() {
        return ActionResult.Failed.permanent("no_customer", "this execution is not about a customer");
    }

    /**
     * Runs a change; a validation error, a missing record or a state that forbids it cannot get better by trying
     * again, so they fail for good. A charge of its invoice at the gateway makes the step wait its turn
     * ({@link ActionResult.Deferred}). A gateway that did not answer, or answered with an error of its own, is tried
     * again per the step's retry policy: it may answer later, and a charge it was sent may have gone through, which
     * the next attempt, under the same key, finds and records rather than charging again (failed for good, the step
     * went to its fallback, a card declined or the invoice written off, while the charge may have been paid).
     * Anything else (the database away, a deadlock) propagates and is retried.
     */
    static ActionResult guard(Supplier<ActionResult> change) {
        try {
            return change.get();
        } catch (TillException e) {
            if (e.code() == ErrorCode.SERVICE_UNAVAILABLE) {
                throw e;
            }
            if (e.code() == ErrorCode.GATEWAY_UNAVAILABLE) {
                return ActionResult.Failed.retryable(e.code().code(), e.getMessage());
            }
            if (e.code() == ErrorCode.CHARGE_IN_PROGRESS) {
                return new ActionResult.Deferred(e.code().code(), e.getMessage(),
                    BillingActions.IN_PROGRESS_ASK_AGAIN);
            }
            String detail = e.errors().isEmpty()
                ? e.getMessage()
                : e.errors().stream().map(f -> f.field() + ": " + f.message()).collect(Collectors.joining("; "));
            return ActionResult.Failed.permanent(e.code().code(), detail);
        }
    }
}
