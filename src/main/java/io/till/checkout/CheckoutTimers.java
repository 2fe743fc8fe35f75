package io.till.checkout;

import io.till.billing.BillingJobs;
import io.till.billing.CheckoutFlows;
import org.springframework.stereotype.Component;

/** What the billing clock asks of checkouts when their timers go off. */
@Component
class CheckoutTimers implements CheckoutFlows {

    private final Upsells upsells;
    private final Settlements settlements;
    private final BillingJobs jobs;

    CheckoutTimers(Upsells upsells, Settlements settlements, BillingJobs jobs) {
        this.upsells = upsells;
        this.settlements = settlements;
        this.jobs = jobs;
    }

    @Override
    public void graceOver(String accountId, String orderId) {
        upsells.graceOver(accountId, orderId);
    }

    @Override
    public void settlePending(String accountId, String orderId) {
        // Left pending while the gateway may not yet find its charge: asked again once it can.
        settlements.settle(accountId, orderId)
            .ifPresent(again -> jobs.schedule(accountId, BillingJobs.Kind.ORDER_SETTLEMENT, orderId, again));
    }

    @Override
    public void settleUpsellCharge(String accountId, String chargeKey) {
        upsells.settle(accountId, chargeKey);
    }
}
