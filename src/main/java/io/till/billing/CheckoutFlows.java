package io.till.billing;

/**
 * The checkout feature's side of the flow timer: the billing clock only knows that two hours after a purchase with
 * upsells, whatever is still unanswered, the flow is complete.
 */
public interface CheckoutFlows {

    void graceOver(String accountId, String orderId);
}
