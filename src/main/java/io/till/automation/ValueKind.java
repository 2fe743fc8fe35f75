package io.till.automation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a path into the context holds, where the context's types say it for certain: the customer's, the portal's and
 * the account's fields, and those of the records read fresh ({@link RecordFields}). What an event or a step's output
 * carries is open: its kind is unknown until the run.
 */
enum ValueKind {
    /** A moment: what a delay can wait until. */
    TIME,
    /** A list: what a loop can go over. */
    LIST,
    /** Text, true or false, or an object: never a time, never a list. */
    OTHER;

    private static final Set<String> CUSTOMER_TIMES = Set.of("created_at", "updated_at");

    /** The kind of {@code path}, or empty when the types do not say (an event's data, a step's output, a typo). */
    static Optional<ValueKind> of(String path) {
        String[] parts = path.split("\\.");
        String root = parts[0];
        boolean record = RecordFields.of(root) != null;
        boolean known = record || List.of("customer", "portal", "account").contains(root);
        if (!known) {
            return Optional.empty();
        }
        if (parts.length == 1) {
            return Optional.of(OTHER);
        }
        if (parts.length > 2) {
            // Inside an object (customer.metadata.renew_on) or a list item: open.
            return Optional.empty();
        }
        return record ? ofRecordField(root, parts[1]) : ofCustomerField(root, parts[1]);
    }

    private static Optional<ValueKind> ofCustomerField(String root, String field) {
        if (!TemplateVariables.isKnownField(root, field)) {
            return Optional.empty();
        }
        if (!root.equals("customer")) {
            return Optional.of(OTHER);
        }
        if (CUSTOMER_TIMES.contains(field)) {
            return Optional.of(TIME);
        }
        return Optional.of(field.equals("tags") ? LIST : OTHER);
    }

    private static Optional<ValueKind> ofRecordField(String root, String field) {
        if (field.endsWith("_formatted")) {
            // The twin the context adds beside an amount or a moment is text for a reader ("Mar 3, 2026").
            return RecordFields.type(root, field.substring(0, field.length() - "_formatted".length())) == null
                ? Optional.empty()
                : Optional.of(OTHER);
        }
        Class<?> type = RecordFields.type(root, field);
        if (type == null) {
            return Optional.empty();
        }
        if (type == Instant.class) {
            return Optional.of(TIME);
        }
        if (List.class.isAssignableFrom(type)) {
            return Optional.of(LIST);
        }
        // A record's whole numbers are amounts and counts, never a time (its moments are Instants): a delay until
        // one, read as seconds since 1970, would end at once.
        return Optional.of(OTHER);
    }
}
