package io.till.customer;

import java.time.Instant;

/** A saved card as the API and events show it: never its number, only brand, last 4 digits and expiry. */
public record Card(
    String id,
    String customerId,
    String brand,
    String last4,
    int expMonth,
    int expYear,
    boolean isDefault,
    Instant createdAt) {

    /** The short form a customer record shows for its default card. */
    public record Summary(String id, String brand, String last4, int expMonth, int expYear) {}
}
