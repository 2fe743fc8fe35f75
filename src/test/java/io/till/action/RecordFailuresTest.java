package io.till.action;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import org.junit.jupiter.api.Test;

class RecordFailuresTest {

    @Test
    void aChangeRefusedWhileAChargeIsAtTheGatewayWaitsItsTurnAndAStateThatForbidsItFailsForGood() {
        var waiting = RecordFailures.guard(() -> {
            throw new TillException(ErrorCode.CHARGE_IN_PROGRESS, "A charge of this invoice is at the gateway.");
        });
        assertThat(waiting).isInstanceOfSatisfying(ActionResult.Deferred.class, deferred -> {
            assertThat(deferred.code()).isEqualTo("charge_in_progress");
            assertThat(deferred.after()).isPositive();
        });

        var refused = RecordFailures.guard(() -> {
            throw new TillException(ErrorCode.INVALID_STATE, "The invoice is paid.");
        });
        assertThat(refused).isEqualTo(ActionResult.Failed.permanent("invalid_state", "The invoice is paid."));
    }

    /**
     * A gateway that timed out (the charge may have gone through) or answered with its own error is tried again under
     * the same key, which finds a charge that was made: a review found it failing for good, the step going to its
     * fallback while the charge may have been paid.
     */
    @Test
    void aGatewayThatDidNotAnswerIsTriedAgain() {
        var unanswered = RecordFailures.guard(() -> {
            throw new TillException(ErrorCode.GATEWAY_UNAVAILABLE, "Stripe could not be reached.");
        });

        assertThat(unanswered).isEqualTo(ActionResult.Failed.retryable("gateway_unavailable",
            "Stripe could not be reached."));
    }
}
