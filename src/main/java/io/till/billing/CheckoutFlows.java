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

    /**
     * Ten minutes after an upsell's accept claimed its charge under {@code chargeKey}: if the offer is still held by
     * it, the accept was cut off between the gateway and its booking, and nobody retried; book what the gateway says
     * happened under the key, or let the offer go.
     */
    void settleUpsellCharge(String accountId, String chargeKey);
}
