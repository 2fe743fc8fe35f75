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
     * to the nearest minor unit, as Stripe rounds percent_off (15% of 999 is 150, not 149). Every sum that shows the
     * discount (the order, its charge, the dashboard's review of an internal order, receipts) reads it from here or from
     * the order that stored it, so they cannot disagree.
     */
    public long discountOn(long amount) {
        long off = percentOff != null ? Math.floorDiv(amount * percentOff + 50, 100) : amountOff;
        return Math.min(off, amount);
    }
}
