package io.till.billing;

import io.till.shared.FieldErrors;
import io.till.shared.web.ListParameters;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a Billing list page or its CSV export was asked for in its address: the filters the API's lists take (
 * {@code status}, {@code created_from}, {@code created_to}, checked by {@link RecordFilter}) and, for a page, its
 * {@code cursor}. A parameter they do not take, or one given twice, is refused naming it ({@link ListParameters}). The
 * list's links keep the window; they are public methods, as the templates' expressions call no other.
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
    private static final List<String> FILTERS = List.of(STATUS, FROM, TO);

    /** A list page's address: the filters and a cursor. */
    static ListQuery ofPage(Map<String, String[]> parameters, FieldErrors errors) {
        return read(parameters, true, errors);
    }

    /** An export's address: the filters only, for an export is every record they let through. */
    static ListQuery ofExport(Map<String, String[]> parameters, FieldErrors errors) {
        return read(parameters, false, errors);
    }

    private static ListQuery read(Map<String, String[]> parameters, boolean paged, FieldErrors errors) {
        var given = ListParameters.check(parameters, FILTERS, paged ? Set.of(CURSOR) : Set.of(), errors);
        return new ListQuery(given.value(STATUS, ""), given.value(FROM, null), given.value(TO, null), paged
            ? given.value(CURSOR, null)
            : null);
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
