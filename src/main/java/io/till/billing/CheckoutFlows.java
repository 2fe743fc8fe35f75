package io.till.billing;

/**
 * The checkout feature's side of the flow timer: the billing clock only knows that two hours after a purchase with
 * upsells, whatever is still unanswered, the flow is complete.
 */
public interface CheckoutFlows {

    void graceOver(String accountId, String orderId);

    /**
     * Ten minutes after a purchase: if the order is still pending, its purchase was cut off between charging and
     * recording; settle it from what the gateway says happened under the order's charge key.
     */
    void settlePending(String accountId, String orderId);
}
