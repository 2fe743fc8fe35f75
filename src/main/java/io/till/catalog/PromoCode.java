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

    /** The discount on {@code amount} in minor units: never more than the amount itself. */
    public long discountOn(long amount) {
        long off = percentOff != null ? Math.floorDiv(amount * percentOff, 100) : amountOff;
        return Math.min(off, amount);
    }
}
