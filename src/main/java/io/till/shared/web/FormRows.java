package io.till.shared.web;

import io.till.shared.FieldErrors;
import io.till.shared.TillException;
import java.util.List;
import org.springframework.util.MultiValueMap;

/**
 * A dashboard form's repeated fields, one value per row ({@code option_name}, {@code option_price}, …), read from all
 * of the request's parameters. Binding them to a {@code List<String>} parameter instead would split a lone value at
 * its commas, and "Gold, yearly" would become two rows.
 */
public final class FormRows {

    private FormRows() {}

    /**
     * How many rows the form sent, counted by the field every row has. More than {@code max}, which the page never
     * offers, is refused (400, naming the field) rather than cut short: the rows past it would be lost without a word.
     */
    public static int count(MultiValueMap<String, String> params, String field, int max) {
        var values = params.get(field);
        if (values != null && values.size() > max) {
            throw TillException.invalid(field, "too_many_rows", "a form takes at most " + max + " rows, not "
                + values.size());
        }
        return values == null ? 0 : values.size();
    }

    /** Row {@code index}'s value of {@code field}, empty when the row did not send it. */
    public static String at(MultiValueMap<String, String> params, String field, int index) {
        List<String> values = params.get(field);
        return values != null && index < values.size() && values.get(index) != null ? values.get(index) : "";
    }

    /** A field the form has once, empty when absent. */
    public static String one(MultiValueMap<String, String> params, String field) {
        String value = params.getFirst(field);
        return value == null ? "" : value;
    }

    /** A whole number as typed, null when blank; {@code invalid_format} on {@code field} when it is not one. */
    public static Integer wholeNumber(FieldErrors errors, String field, String typed) {
        if (typed == null || typed.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(typed.strip());
        } catch (NumberFormatException e) {
            errors.add(field, "invalid_format", "must be a whole number");
            return null;
        }
    }
}
