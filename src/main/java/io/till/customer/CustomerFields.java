package io.till.customer;

import io.till.shared.EmailAddresses;
import io.till.shared.FieldErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The editable fields of a customer, read from a JSON body. A field missing from the body is left as it is ({@code
 * Optional.empty()}); for the optional ones (phone, tags, metadata), {@code null} clears it, and for the others it is
 * refused ({@link FieldErrors#NULL_REFUSED}). Every bad field is reported, not just the first.
 */
record CustomerFields(
    Optional<String> name,
    Optional<String> email,
    Optional<Optional<String>> phone,
    Optional<List<String>> tags,
    Optional<Map<String, String>> metadata,
    Optional<Boolean> marketingConsent) {

    static final int MAX_TAGS = 50;
    static final int MAX_TAG_LENGTH = 50;
    static final int MAX_METADATA_KEYS = 50;
    private static final Pattern PHONE = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final int NAME_LENGTH = 200;
    private static final List<String> FIELDS = List.of("name", "email", "phone", "tags", "metadata",
        "marketing_consent");

    /** Reads the fields for a new customer: name and email are required. */
    static CustomerFields forCreate(JsonNode body, FieldErrors errors) {
        var fields = read(body, errors, false);
        if (fields.name().isEmpty() && !present(body, "name")) {
            errors.add("name", "required", "is required");
        }
        if (fields.email().isEmpty() && !present(body, "email")) {
            errors.add("email", "required", "is required");
        }
        return fields;
    }

    /** Adds to {@code errors}, under {@code field}, why {@code name} cannot be a new customer's name, if it cannot. */
    static void checkName(String name, String field, FieldErrors errors) {
        text(tools.jackson.databind.node.JsonNodeFactory.instance.objectNode().put(field, name), field, NAME_LENGTH,
            errors, false);
    }

    static CustomerFields forUpdate(JsonNode body, FieldErrors errors) {
        return read(body, errors, true);
    }

    private static boolean present(JsonNode body, String field) {
        return body != null && body.has(field);
    }

    /** @param change whether the fields change a customer (a null then means "clear"), or make a new one */
    private static CustomerFields read(JsonNode body, FieldErrors errors, boolean change) {
        if (body == null || body.isNull()) {
            return new CustomerFields(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
        }
        if (!body.isObject()) {
            errors.add("body", "invalid_type", "must be a JSON object");
            return read(null, errors, change);
        }
        body.propertyNames().stream().filter(field -> !FIELDS.contains(field))
            .forEach(field -> errors.add(field, "unknown_field", "is not a field of a customer"));
        return new CustomerFields(
            text(body, "name", NAME_LENGTH, errors, change),
            email(body, errors, change),
            phone(body, errors),
            tags(body, errors),
            metadata(body, errors),
            bool(body, "marketing_consent", errors, change));
    }

    private static Optional<String> text(JsonNode body, String field, int maxLength, FieldErrors errors,
        boolean change) {
        if (!body.has(field)) {
            return Optional.empty();
        }
        JsonNode value = body.get(field);
        if (value.isNull() && change) {
            errors.refuseNull(field);
            return Optional.empty();
        }
        if (value.isNull() || value.isString() && value.asString().isBlank()) {
            errors.add(field, "required", value.isNull() ? "is required" : "must not be blank");
            return Optional.empty();
        }
        if (!value.isString()) {
            errors.add(field, "invalid_type", "must be a string");
            return Optional.empty();
        }
        String text = value.asString().strip();
        if (text.length() > maxLength) {
            errors.add(field, "too_long", "must be at most " + maxLength + " characters");
            return Optional.empty();
        }
        if (!errors.checkOneLine(field, text)) {
            return Optional.empty();
        }
        return Optional.of(text);
    }

    private static Optional<String> email(JsonNode body, FieldErrors errors, boolean change) {
        var email = text(body, "email", 254, errors, change);
        if (email.isPresent() && !EmailAddresses.isPlain(email.get().strip())) {
            errors.add("email", "invalid_email", "must be an email address like ada@example.com");
            return Optional.empty();
        }
        return email.map(CustomerFields::canonicalEmail);
    }

    /**
     * An email as Till keeps and compares it: in Unicode's composed form (NFC), so that "zoë" typed as one character
     * and as "e" plus a combining diaeresis is one address, as it reads the same.
     */
    static String canonicalEmail(String email) {
        return java.text.Normalizer.normalize(email, java.text.Normalizer.Form.NFC);
    }

    private static Optional<Optional<String>> phone(JsonNode body, FieldErrors errors) {
        if (!body.has("phone")) {
            return Optional.empty();
        }
        JsonNode value = body.get("phone");
        if (value.isNull() || (value.isString() && value.asString().isBlank())) {
            return Optional.of(Optional.empty());
        }
        String phone = value.isString() ? value.asString().replaceAll("[\\s().-]", "") : "";
        if (!PHONE.matcher(phone).matches()) {
            errors.add("phone", "invalid_phone", "must be an international number like +14155550123 (E.164)");
            return Optional.empty();
        }
        return Optional.of(Optional.of(phone));
    }

    private static Optional<List<String>> tags(JsonNode body, FieldErrors errors) {
        if (!body.has("tags")) {
            return Optional.empty();
        }
        JsonNode value = body.get("tags");
        if (value.isNull()) {
            return Optional.of(List.of());
        }
        if (!value.isArray()) {
            errors.add("tags", "invalid_type", "must be a list of strings");
            return Optional.empty();
        }
        var tags = new ArrayList<String>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode tag = value.get(i);
            if (!tag.isString() || tag.asString().isBlank() || tag.asString().strip().length() > MAX_TAG_LENGTH) {
                errors.add("tags[" + i + "]", "invalid", "must be a non-empty string of at most " + MAX_TAG_LENGTH
                    + " characters");
            } else if (errors.checkOneLine("tags[" + i + "]", tag.asString())) {
                tags.add(tag.asString().strip());
            }
        }
        var distinct = Tags.change(tags, List.of(), List.of());
        if (distinct.size() > MAX_TAGS) {
            errors.add("tags", "too_many", "must hold at most " + MAX_TAGS + " tags");
        }
        return Optional.of(distinct);
    }

    private static Optional<Map<String, String>> metadata(JsonNode body, FieldErrors errors) {
        if (!body.has("metadata")) {
            return Optional.empty();
        }
        JsonNode value = body.get("metadata");
        if (value.isNull()) {
            return Optional.of(Map.of());
        }
        if (!value.isObject()) {
            errors.add("metadata", "invalid_type", "must be an object of string values");
            return Optional.empty();
        }
        var metadata = new LinkedHashMap<String, String>();
        for (var entry : value.properties()) {
            String key = entry.getKey();
            JsonNode item = entry.getValue();
            if (key.isBlank() || key.length() > 40 || !FieldErrors.isOneLine(key)) {
                errors.add("metadata." + key, "invalid_key", "keys must be 1 to 40 characters of one line");
            } else if (item.isNumber() && !item.isIntegralNumber()) {
                // Parsed as a double, 19.90 would be stored as "19.9" and 1e20 as "1.0E20": not what was sent.
                errors.add("metadata." + key, "invalid_type",
                    "a number with a fraction or an exponent must be sent as a string (\"19.90\") to be kept exactly");
            } else if (!(item.isString() || item.isIntegralNumber() || item.isBoolean())
                || item.asString().length() > 500) {
                errors.add("metadata." + key, "invalid", "must be a string of at most 500 characters");
            } else if (errors.checkPlainText("metadata." + key, item.asString())) {
                metadata.put(key, item.asString());
            }
        }
        if (metadata.size() > MAX_METADATA_KEYS) {
            errors.add("metadata", "too_many", "must hold at most " + MAX_METADATA_KEYS + " keys");
        }
        return Optional.of(metadata);
    }

    private static Optional<Boolean> bool(JsonNode body, String field, FieldErrors errors, boolean change) {
        if (!body.has(field)) {
            return Optional.empty();
        }
        if (body.get(field).isNull() && change) {
            errors.refuseNull(field);
            return Optional.empty();
        }
        if (!body.get(field).isBoolean()) {
            errors.add(field, "invalid_type", "must be true or false");
            return Optional.empty();
        }
        return Optional.of(body.get(field).asBoolean());
    }
}
