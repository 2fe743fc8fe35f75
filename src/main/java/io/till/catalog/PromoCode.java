package io.till.catalog;

import java.time.Instant;

/** A code a buyer types at checkout for {@code percent_off} percent or {@code amount_off} off the first payment. */
public record PromoCode(
    String id,
    String code,
    Integer percentOff,
    Long amountOff,
    String currency,
    Instant expiresAt,
    Integer maxRedemptions,
    int timesRedeemed,
    Instant createdAt) {

    /**
     * The discount on {@code amount} in minor units: never more than the amount itself. A percentage is rounded half up
     * to the nearest minor unit, as Stripe rounds percent_off (15% of 999 is 150, not 149); in a currency Stripe takes in
     * coarser steps, to the nearest step (10% of KWD 4.990 is 0.500, not 0.499, which would leave 4.491 to charge). Every sum that shows the
     * discount (the order, its charge, the dashboard's review of an internal order, receipts) reads it from here or from
     * the order that stored it, so they cannot disagree.
     */
    public long discountOn(long amount, String currency) {
        if (percentOff == null) {
            return Math.min(amountOff, amount);
        }
        // In the currency's step at the gateway (tens of fils for KWD), so that what is left can be charged.
        long step = io.till.payment.Gateways.priceStep(currency);
        long off = step * Math.floorDiv(amount * percentOff + 50 * step, 100 * step);
        return Math.min(off, amount);
    }
}
