package io.till.billing;

import io.till.shared.ErrorCode;
import io.till.shared.TillException;

/**
 * Another charge of the invoice is at the gateway, so this one made none: staff's pay now answers 409, and a scheduled
 * attempt is taken again shortly ({@link BillingClock}), without counting as a failure.
 */
final class ChargeInProgress extends TillException {

    ChargeInProgress() {
        super(ErrorCode.INVALID_STATE, "Another charge of this invoice is in progress; try again once it has ended.");
    }
}
