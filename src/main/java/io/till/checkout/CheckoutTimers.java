package io.till.checkout;

import io.till.billing.CheckoutFlows;
import org.springframework.stereotype.Component;

/** What the billing clock asks of checkouts when their timers go off. */
@Component
class CheckoutTimers implements CheckoutFlows {

    private final Upsells upsells;
    private final Purchases purchases;

    CheckoutTimers(Upsells upsells, Purchases purchases) {
        this.upsells = upsells;
        this.purchases = purchases;
    }

    @Override
    public void graceOver(String accountId, String orderId) {
        upsells.graceOver(accountId, orderId);
    }

    @Override
    public void settlePending(String accountId, String orderId) {
        purchases.settle(accountId, orderId);
    }
}
