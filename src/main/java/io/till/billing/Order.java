package io.till.billing;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What one purchase bought, for how much; {@code status} says whether its payment went through. {@code billingAddress}
 * is the buyer's, when they gave one.
 */
public record Order(
    String id,
    String customerId,
    String checkoutId,
    Status status,
    String currency,
    long subtotal,
    long discount,
    long total,
    String promoCodeId,
    String cardId,
    List<Item> items,
    String paymentId,
    String subscriptionId,
    String paymentPlanId,
    BillingAddress billingAddress,
    Instant createdAt) {

    public enum Status {
        PENDING,
        PAID,
        FAILED;

        @JsonValue
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One line of the order: the chosen option, an addon, or an upsell taken later. */
    public record Item(String id, String kind, String productId, String optionId, String addonId, String upsellId,
        String name, long amount) {}
}
