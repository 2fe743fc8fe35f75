package io.till.shared;

import tools.jackson.databind.JsonNode;

/**
 * The text fields of a PATCH body, read by one rule: a field left out is unchanged (null here); a null clears a field
 * that can be empty and is refused where it cannot ({@link FieldErrors#NULL_REFUSED}), never read as "unchanged".
 */
public final class ChangeFields {

    private ChangeFields() {}

    /** A field that cannot be empty: its text, or null when left out; null or not text, refused. */
    public static String text(JsonNode body, String field, FieldErrors errors) {
        JsonNode value = body.get(field);
        if (value == null) {
            return null;
        }
        if (value.isNull()) {
            errors.refuseNull(field);
        } else if (!value.isString()) {
            errors.add(field, "invalid_type", "must be a string");
        } else {
            return value.asString();
        }
        return null;
    }

    /** A field a null clears: its text, {@code ""} for a null, or null when left out; anything else refused. */
    public static String clearable(JsonNode body, String field, FieldErrors errors) {
        JsonNode value = body.get(field);
        if (value == null) {
            return null;
        }
        if (value.isNull()) {
            return "";
        }
        if (!value.isString()) {
            errors.add(field, "invalid_type", "must be a string or null");
            return null;
        }
        return value.asString();
    }
}
