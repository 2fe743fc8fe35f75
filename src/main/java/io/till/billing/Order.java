package io.till.billing;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What one purchase bought, for how much; {@code status} says whether its payment went through, and whether all of it
 * went back since; {@code amountRefunded} is how much of it went back (a partly refunded order is still paid).
 * {@code billingAddress} is the buyer's, when they gave one. {@code number} is the short one buyers and staff read
 * (1, 2, 3 … per account, see {@link Orders#insertPending}); {@code id} is the key. {@code customerOrderNumber} is
 * which of the customer's paid orders it is (1 for their first), fixed when it is paid: null until then.
 * {@code subscriptionId} and {@code paymentPlanId} are the first the order started (its purchase's, before any an
 * upsell taken later started); {@code paymentId} is its newest payment.
 */
public record Order(
    String id,
    long number,
    Integer customerOrderNumber,
    String customerId,
    String checkoutId,
    Status status,
    String currency,
    long subtotal,
    long discount,
    long total,
    long amountRefunded,
    String promoCodeId,
    String cardId,
    List<Item> items,
    String paymentId,
    String subscriptionId,
    String paymentPlanId,
    BillingAddress billingAddress,
    Instant createdAt) {

    /**
     * Where the order's money stands: {@code pending} until its charge is settled, then {@code paid} or
     * {@code failed}; a paid order is {@code refunded} once every payment of it that took money went back in full
     * (as each of those payments is then {@code refunded}), and paid again if a refund that did it fails.
     */
    public enum Status {
        PENDING,
        PAID,
        FAILED,
        REFUNDED;

        @JsonValue
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether the order was paid, whatever went back since: it has a receipt, and its purchase took place. */
        public boolean tookMoney() {
            return this == PAID || this == REFUNDED;
        }
    }

    /** The order as written, with the number it was given. */
    Order numbered(long given) {
        return new Order(id, given, customerOrderNumber, customerId, checkoutId, status, currency, subtotal, discount,
            total, amountRefunded, promoCodeId, cardId, items, paymentId, subscriptionId, paymentPlanId, billingAddress,
            createdAt);
    }

    /** One line of the order: the chosen option, an addon, or an upsell taken later. */
    public record Item(String id, String kind, String productId, String optionId, String addonId, String upsellId,
        String name, long amount) {}
}
