package io.till.checkout;

import java.util.List;

/**
 * A buyer's purchase at a checkout: who (an existing customer, or a name and email), how they pay (a saved card, a new
 * card token, or else the customer's default card), which option, which addons and which promo code.
 */
record PurchaseRequest(
    String customerId,
    NewCustomer customer,
    String paymentMethodId,
    String token,
    String optionId,
    List<String> addonIds,
    String promoCode) {

    record NewCustomer(String name, String email) {}
}
