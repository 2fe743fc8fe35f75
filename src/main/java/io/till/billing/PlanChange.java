package io.till.billing;

import io.swagger.v3.oas.annotations.media.Schema;
import io.till.shared.ChangeFields;
import io.till.shared.FieldErrors;
import io.till.shared.Timestamps;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A plan's change: each field optional, neither one that can be cleared, so a null is refused, naming it, rather
 * than read as "unchanged".
 */
record PlanChange(@Schema(description = "active or canceled; " + FieldErrors.NULL_REFUSED) String status,
    @Schema(description = "a future time; " + FieldErrors.NULL_REFUSED) Instant nextBillAt) {

    private static final List<String> FIELDS = List.of("status", "next_bill_at");

    /** Reads a PATCH body, every bad field named. */
    static PlanChange of(JsonNode body, FieldErrors errors) {
        if (body == null || !body.isObject()) {
            errors.add("body", "invalid_type", "must be a JSON object");
            return new PlanChange(null, null);
        }
        body.propertyNames().stream().filter(field -> !FIELDS.contains(field))
            .forEach(field -> errors.add(field, "unknown_field", "is not a field of this request"));
        String status = ChangeFields.text(body, "status", errors);
        JsonNode next = body.get("next_bill_at");
        Instant nextBillAt = null;
        if (next != null && next.isNull()) {
            errors.refuseNull("next_bill_at");
        } else if (next != null) {
            nextBillAt = moment(next, errors);
        }
        return new PlanChange(status, nextBillAt);
    }

    /** A moment as every body takes one (see JsonConfiguration): RFC 3339 with its offset, years 1 to 9999. */
    private static Instant moment(JsonNode value, FieldErrors errors) {
        try {
            Instant moment = value.isString() ? OffsetDateTime.parse(value.asString().strip()).toInstant() : null;
            if (moment != null && Timestamps.storable(moment)) {
                return moment;
            }
        } catch (DateTimeException unreadable) {
            // Named below, as a number or a moment out of range is.
        }
        errors.add("next_bill_at", "invalid_format", "must be a moment with its offset, in the years 1 to 9999, "
            + "such as 2030-01-01T00:00:00Z");
        return null;
    }
}
