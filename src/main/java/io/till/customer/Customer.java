package io.till.customer;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A buyer of the seller's, as the API and events show them, with the last 4 digits of their default card;
 * {@code redactedAt} is when the seller erased their personal data, null while it is kept.
 */
public record Customer(
    String id,
    String name,
    String email,
    String phone,
    List<String> tags,
    Map<String, String> metadata,
    boolean marketingConsent,
    Card.Summary defaultCard,
    Instant createdAt,
    Instant updatedAt,
    Instant redactedAt) {}
