package io.till.shared;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Collects every bad field of a request, so that one answer can list them all. */
public final class FieldErrors {

    private final List<FieldError> errors = new ArrayList<>();

    /**
     * What a change (a PATCH) answers for a field sent as {@code null} that cannot be cleared: refused, naming it. A
     * null is never read as "unchanged", which would tell a client that meant to clear the field that it had.
     */
    public static final String NULL_REFUSED = "cannot be null; leave it out to keep it";

    public void add(String field, String code, String message) {
        errors.add(new FieldError(field, code, message));
    }

    /** Refuses a null sent for {@code field}, which a change cannot clear ({@link #NULL_REFUSED}). */
    public void refuseNull(String field) {
        add(field, "required", NULL_REFUSED);
    }

    /** Parses an optional query parameter naming an enum constant in lower case ({@code status=active}). */
    /**
     * A query parameter that says yes or no: {@code true} or {@code false} and nothing else (not yes, 1 or on, which a
     * list would otherwise read one way here and refuse another there); null when not given.
     */
    public Boolean trueOrFalse(String field, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.equals("true") || value.equals("false")) {
            return Boolean.valueOf(value);
        }
        add(field, "invalid_format", "must be true or false");
        return null;
    }

    public <E extends Enum<E>> E parseEnum(String field, String value, Class<E> type) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        for (E constant : type.getEnumConstants()) {
            // ASCII letters only: Java's case-blind comparison matches "radıo" (a dotless i) to RADIO, and the text
            // as given then reaches where only the code is known.
            if (value.chars().allMatch(c -> c < 128) && constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        add(field, "invalid_value", "must be one of " + Arrays.stream(type.getEnumConstants())
            .map(constant -> constant.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(", ")));
        return null;
    }

    /**
     * An optional query parameter naming a record by id ({@code customer_id=cus_…}): stripped, null when absent or
     * blank (a blank filter filters nothing), and refused when it is no id of that kind, so that a mistyped filter is
     * never read as one that finds nothing.
     *
     * @param what the kind of record in words, with its article: "a customer"
     */
    public String idParam(String field, String value, String prefix, String what) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String id = value.strip();
        if (!Ids.isId(id, prefix)) {
            add(field, "invalid", "must be " + what + " id (" + prefix + "_…)");
        }
        return id;
    }

    /**
     * Adds a {@code too_long} error when {@code value} has more than {@code max} characters. Free text is bounded so
     * that the events carrying it stay within the webhook payload cap.
     */
    public void checkLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            add(field, "too_long", "must be at most " + max + " characters");
        }
    }

    /**
     * Adds an {@code invalid_characters} error when {@code value} holds a control character: a name, a tag, a key is
     * one line of text. Besides, JSON writes a control character as a six-byte escape, twice the widest other
     * character's three bytes: names, tags and metadata made of them at every limit made purchase events of 370 KB,
     * over the webhook payload cap, where the widest allowed text makes 200 KB. Answers whether it passed.
     */
    public boolean checkOneLine(String field, String value) {
        if (value != null && !isOneLine(value)) {
            add(field, "invalid_characters", "must be one line of text, without control characters");
            return false;
        }
        return true;
    }

    /**
     * As {@link #checkOneLine}, for text of several lines (a description): line breaks and tabs are allowed, which JSON
     * writes in two bytes ({@code \n}); no other control character is. Answers whether it passed.
     */
    public boolean checkPlainText(String field, String value) {
        if (value != null && !isPlainText(value)) {
            add(field, "invalid_characters", "must be plain text: line breaks and tabs, but no other control "
                + "characters");
            return false;
        }
        return true;
    }

    /** Whether {@code value} holds no control character ({@link #checkOneLine}). */
    public static boolean isOneLine(String value) {
        return value.chars().noneMatch(Character::isISOControl);
    }

    /** Whether {@code value} holds no control character but line breaks and tabs ({@link #checkPlainText}). */
    public static boolean isPlainText(String value) {
        return value.chars().noneMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t');
    }

    /** Whether any error was collected. */
    public boolean any() {
        return !errors.isEmpty();
    }

    /** Throws a validation failure listing every collected error, if there is any. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw TillException.invalid(errors);
        }
    }
}
