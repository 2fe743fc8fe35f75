package io.till.catalog;

import java.time.Instant;
import java.util.List;

/** Something a seller sells, with the options it is sold under. */
public record Product(
    String id,
    String name,
    String description,
    String subscriptionGroupId,
    List<ProductOption> options,
    Instant createdAt) {}
