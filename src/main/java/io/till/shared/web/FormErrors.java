package io.till.shared.web;

import io.till.shared.TillException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * A validation failure as a dashboard form shows it: each bad field's message by the field's API name
 * ({@code brand_color}, {@code cancel_reasons[2]}), so a page puts it next to the input, in the words the API uses.
 */
public final class FormErrors {

    private static final Pattern INDEXED = Pattern.compile("([a-z_]+)\\[(\\d+)]");

    private FormErrors() {}

    /** The messages of {@code failure}'s bad fields; a failure without any is kept under {@code ""}. */
    public static Map<String, String> of(TillException failure) {
        var messages = new LinkedHashMap<String, String>();
        failure.errors().forEach(error -> messages.merge(error.field(), error.message(), (a, b) -> a + "; " + b));
        if (messages.isEmpty()) {
            messages.put("", failure.getMessage());
        }
        return messages;
    }

    /**
     * As {@link #of}, for a form that types a list into one input (one entry a line): a bad entry
     * ({@code cancel_reasons[2]}) is kept under the list's name, its message led by {@code entry} of its position
     * counted from 1 ({@code "Line 3: "}).
     */
    public static Map<String, String> ofLists(TillException failure, IntFunction<String> entry) {
        return ofLists(failure, (list, index) -> entry.apply(index + 1));
    }

    /**
     * As {@link #ofLists(TillException, IntFunction)}, where {@code entry} is given the list's name and the entry's
     * index in it (from 0), for a form whose inputs are not the lists entry for entry (blank lines left out).
     */
    public static Map<String, String> ofLists(TillException failure, BiFunction<String, Integer, String> entry) {
        var messages = new LinkedHashMap<String, String>();
        of(failure).forEach((field, message) -> {
            var indexed = INDEXED.matcher(field);
            if (indexed.matches()) {
                messages.merge(indexed.group(1), entry.apply(indexed.group(1), Integer.parseInt(indexed.group(2)))
                    + message, (a, b) -> a + " " + b);
            } else {
                messages.merge(field, message, (a, b) -> a + " " + b);
            }
        });
        return messages;
    }
}
