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
    @Schema(description = "Whether a customer gets its free trial once: one who had a subscription to it before, "
        + "ended or not, buys it again without the trial, charged at once") boolean oneTrialPerCustomer,
    Instant createdAt) {

    /** Whether it sells, or sold, a subscription: only such a product belongs in a subscription group. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean sellsSubscriptions() {
        return java.util.stream.Stream.concat(options.stream(), retiredOptions.stream())
            .anyMatch(option -> option.kind() == ProductOption.Kind.SUBSCRIPTION);
    }
}
