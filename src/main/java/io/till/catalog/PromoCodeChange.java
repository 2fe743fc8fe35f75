package io.till.catalog;

import io.till.shared.FieldErrors;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What a promo code update changes: when it ends and how many times it may be used, each only when sent (a null there
 * takes the end or the limit away). Its code and discount never change: orders keep what it took off them, and a code
 * that meant something else yesterday would make their receipts disagree with it.
 */
record PromoCodeChange(boolean endSent, Instant expiresAt, boolean limitSent, Integer maxRedemptions) {

    private static final List<String> FIELDS = List.of("expires_at", "max_redemptions");
    private static final List<String> FIXED = List.of("code", "percent_off", "amount_off", "currency");

    static PromoCodeChange of(JsonNode body, FieldErrors errors) {
        if (body == null || !body.isObject()) {
            errors.add("body", "invalid_type", "must be a JSON object");
            return new PromoCodeChange(false, null, false, null);
        }
        for (String field : body.propertyNames()) {
            if (FIXED.contains(field)) {
                errors.add(field, "not_changeable", "never changes, as orders keep what the code took off them: "
                    + "end this code (POST /api/v1/promo_codes/{id}/expire) and create another");
            } else if (!FIELDS.contains(field)) {
                errors.add(field, "unknown_field", "is not a field a promo code update takes (expires_at, "
                    + "max_redemptions)");
            }
        }
        Instant expiresAt = null;
        JsonNode end = body.get("expires_at");
        if (end != null && !end.isNull()) {
            try {
                expiresAt = end.isString() ? Instant.parse(end.asString()) : null;
            } catch (DateTimeException e) {
                expiresAt = null;
            }
            if (expiresAt == null) {
                errors.add("expires_at", "invalid_format", "must be a moment such as 2027-01-01T00:00:00Z, or null "
                    + "for no end");
            }
        }
        Integer max = null;
        JsonNode limit = body.get("max_redemptions");
        if (limit != null && !limit.isNull()) {
            if (limit.isIntegralNumber() && limit.canConvertToInt()) {
                max = limit.asInt();
            } else {
                errors.add("max_redemptions", "invalid_type", "must be a whole number, or null for no limit");
            }
        }
        return new PromoCodeChange(end != null, expiresAt, limit != null, max);
    }
}
