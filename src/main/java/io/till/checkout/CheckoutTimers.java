package io.till.checkout;

import io.till.billing.CheckoutFlows;
import org.springframework.stereotype.Component;

/** What the billing clock asks of checkouts when their timers go off. */
@Component
class CheckoutTimers implements CheckoutFlows {

    private final Upsells upsells;
    private final Settlements settlements;

    CheckoutTimers(Upsells upsells, Settlements settlements) {
        this.upsells = upsells;
        this.settlements = settlements;
    }

    @Override
    public void graceOver(String accountId, String orderId) {
        upsells.graceOver(accountId, orderId);
    }

    @Override
    public void settlePending(String accountId, String orderId) {
        settlements.settle(accountId, orderId);
    }

    @Override
    public void settleUpsellCharge(String accountId, String chargeKey) {
        upsells.settle(accountId, chargeKey);
    }
}
