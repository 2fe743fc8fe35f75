package io.till.shared.web;

import io.till.shared.FieldErrors;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The query parameters of a dashboard list or of its CSV export, checked against the filters it takes: one it does not
 * take, or one given twice, is refused naming it (as {@link KnownParameters} does for the API), for a mistyped filter
 * would otherwise list, or export to the seller's accounting or mailing tool, every record.
 */
public final class ListParameters {

    private final Map<String, String[]> given;

    private ListParameters(Map<String, String[]> given) {
        this.given = given;
    }

    /**
     * Checks {@code given} (a request's parameter map), adding a refusal to {@code errors} for each parameter that is
     * neither one of {@code filters} (named in the refusal, in this order) nor one of {@code alsoTaken} (a list page's
     * cursor, say), and for each given more than once.
     */
    public static ListParameters check(Map<String, String[]> given, List<String> filters, Set<String> alsoTaken,
        FieldErrors errors) {
        given.forEach((name, values) -> {
            if (!filters.contains(name) && !alsoTaken.contains(name)) {
                errors.add(name, "unknown_parameter", "is not a filter of this list: it takes " + inWords(filters));
            } else if (values.length > 1) {
                errors.add(name, "given_twice", "takes one value: give it once");
            }
        });
        return new ListParameters(Map.copyOf(given));
    }

    /** The value of {@code name} as given (its first, if it was refused for being given twice); else {@code absent}. */
    public String value(String name, String absent) {
        String[] values = given.get(name);
        return values == null || values.length == 0 ? absent : values[0];
    }

    /** "status, created_from and created_to". */
    private static String inWords(List<String> names) {
        return names.size() == 1
            ? names.getFirst()
            : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.getLast();
    }
}
