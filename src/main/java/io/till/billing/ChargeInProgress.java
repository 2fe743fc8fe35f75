package io.till.billing;

import io.till.shared.ErrorCode;
import io.till.shared.TillException;

/**
 * A charge of the invoice is at the gateway, so what was asked was not done: another charge (staff's pay now answers
 * 409; a scheduled attempt is taken again shortly by the {@link BillingClock}, without counting as a failure), or a
 * change to what the invoice owes (credit applied, the invoice voided, its subscription canceled).
 */
final class ChargeInProgress extends TillException {

    ChargeInProgress() {
        this("Another charge of this invoice is in progress; try again once it has ended.");
    }

    ChargeInProgress(String detail) {
        super(ErrorCode.CHARGE_IN_PROGRESS, detail);
    }
}
