package io.till.checkout;

import io.swagger.v3.oas.annotations.media.Schema;
import io.till.billing.BillingAddress;
import java.util.List;

/**
 * A buyer's purchase at a checkout: who (an existing customer, or a name and email), how they pay (a saved card, a new
 * card token, or else the customer's default card), which option, which addons and which promo code;
 * and, optionally, the buyer's billing address, kept on the order. customer_id or customer, one of the two. A buyer
 * named by name and email pays with a token (an email proves nothing of who is buying, so it never charges the saved
 * card of the customer who has it); one named by customer_id with a token, a saved card, or else their default card.
 */
record PurchaseRequest(
    String customerId,
    NewCustomer customer,
    String paymentMethodId,
    String token,
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String optionId,
    List<String> addonIds,
    String promoCode,
    BillingAddress billingAddress) {

    record NewCustomer(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String name,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String email) {}
}
