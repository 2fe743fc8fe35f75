package io.till.billing;

import io.till.shared.FieldErrors;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a Billing list page or its CSV export was asked for in its address: the filters the API's lists take (
 * {@code status}, {@code created_from}, {@code created_to}, checked by {@link RecordFilter}) and, for a page, its
 * {@code cursor}. A parameter they do not take, or one given twice, is refused naming it: a mistyped filter would
 * otherwise list, or export to the seller's accounting, every record. The list's links keep the window; they are
 * public methods, as the templates' expressions call no other.
 *
 * @param status as given, blank when absent
 * @param createdFrom as given, null when absent
 * @param createdTo as given, null when absent
 * @param cursor as given, null when absent
 */
record ListQuery(String status, String createdFrom, String createdTo, String cursor) {

    private static final String STATUS = "status";
    private static final String FROM = "created_from";
    private static final String TO = "created_to";
    private static final String CURSOR = "cursor";
    private static final Set<String> FILTERS = Set.of(STATUS, FROM, TO);

    /** A list page's address: the filters and a cursor. */
    static ListQuery ofPage(Map<String, String[]> parameters, FieldErrors errors) {
        return read(parameters, true, errors);
    }

    /** An export's address: the filters only, for an export is every record they let through. */
    static ListQuery ofExport(Map<String, String[]> parameters, FieldErrors errors) {
        return read(parameters, false, errors);
    }

    private static ListQuery read(Map<String, String[]> parameters, boolean paged, FieldErrors errors) {
        parameters.forEach((name, values) -> {
            if (!FILTERS.contains(name) && !(paged && CURSOR.equals(name))) {
                errors.add(name, "unknown_parameter", "is not a filter of this list: it takes status, created_from "
                    + "and created_to");
            } else if (values.length > 1) {
                errors.add(name, "given_twice", "takes one value: give it once");
            }
        });
        return new ListQuery(first(parameters, STATUS, ""), first(parameters, FROM, null),
            first(parameters, TO, null), paged ? first(parameters, CURSOR, null) : null);
    }

    private static String first(Map<String, String[]> parameters, String name, String absent) {
        String[] values = parameters.get(name);
        return values == null || values.length == 0 ? absent : values[0];
    }

    /** The start of the creation window as given, for the page to show; null when it has none. */
    public String from() {
        return present(createdFrom) ? createdFrom.strip() : null;
    }

    /** The end of the creation window as given (exclusive); null when it has none. */
    public String to() {
        return present(createdTo) ? createdTo.strip() : null;
    }

    /** {@code path} in {@code status} (all when blank), within this query's window. */
    public String href(String path, String status) {
        return address(path, status, true, null);
    }

    /** {@code path} in {@code status}, over all dates. */
    public String allDates(String path, String status) {
        return address(path, status, false, null);
    }

    /** The next page of {@code path} in {@code status} and this window, from {@code cursor}. */
    public String more(String path, String status, String cursor) {
        return address(path, status, true, cursor);
    }

    private String address(String path, String status, boolean window, String cursor) {
        var query = new ArrayList<String>();
        add(query, STATUS, status);
        if (window) {
            add(query, FROM, createdFrom);
            add(query, TO, createdTo);
        }
        add(query, CURSOR, cursor);
        return query.isEmpty() ? path : path + "?" + String.join("&", query);
    }

    private static void add(List<String> query, String name, String value) {
        if (present(value)) {
            query.add(name + "=" + URLEncoder.encode(value.strip(), StandardCharsets.UTF_8));
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
