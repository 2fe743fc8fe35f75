package io.till.catalog;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * Something a seller sells, with the options it is sold under ({@code options}) and those it is sold under no more
 * ({@code retiredOptions}), each in the order they were added.
 */
public record Product(
    String id,
    String name,
    String description,
    String subscriptionGroupId,
    @Schema(description = "The options it is sold under") List<ProductOption> options,
    @Schema(description = "Options it is no longer sold under: what was bought with them keeps them") List<ProductOption> retiredOptions,
    Instant createdAt) {}
