package io.till.shared.web;

import io.till.shared.Page;
import io.till.shared.PageRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A dashboard list as a CSV file (RFC 4180) that a spreadsheet opens as the seller expects: UTF-8 with a byte-order
 * mark, a header row, moments in ISO-8601 UTC, and text that a spreadsheet would run as a formula ({@code =HYPERLINK(…)}
 * typed as a customer's name) made inert with a leading apostrophe, as OWASP advises against CSV injection.
 */
public final class CsvExport implements AutoCloseable {

    /** What a spreadsheet takes for the start of a formula. */
    private static final Pattern FORMULA = Pattern.compile("^[=+\\-@\t\r].*", Pattern.DOTALL);
    /** A plain number stays a number, even a negative one. */
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    private static final int PAGE = 100;

    private final Writer out;

    private CsvExport(Writer out) {
        this.out = out;
    }

    /**
     * Starts the download {@code name.csv} (the name only of letters, digits, dots, dashes and underscores) with its
     * header row.
     */
    public static CsvExport start(HttpServletResponse response, String name, String... header) throws IOException {
        response.setContentType("text/csv;charset=UTF-8");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Content-Disposition", "attachment; filename=\"" + name.replaceAll("[^A-Za-z0-9._-]", "_")
            + ".csv\"");
        response.setHeader("Cache-Control", "no-store");
        var export = new CsvExport(response.getWriter());
        export.out.write('\uFEFF');
        export.row(Arrays.asList(header));
        return export;
    }

    /** One row; a null cell is empty, an {@link Instant} is written in ISO-8601 UTC, anything else as its text. */
    public void row(Object... cells) throws IOException {
        row(Arrays.asList(cells));
    }

    private void row(List<?> cells) throws IOException {
        out.write(cells.stream().map(CsvExport::cell).collect(Collectors.joining(",")));
        out.write("\r\n");
    }

    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        if (!(value instanceof Number) && FORMULA.matcher(text).matches() && !NUMBER.matcher(text).matches()) {
            text = "'" + text;
        }
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")
            || !text.equals(text.strip())) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }

    /** Writes one record's row. */
    public interface RowWriter<T> {
        void write(CsvExport csv, T record) throws IOException;
    }

    /**
     * Writes a row for every record of a list, newest first, reading it {@value #PAGE} at a time: an export of a large
     * account never holds all of it, nor a connection while it writes.
     */
    public <T> void rows(Function<PageRequest, Page<T>> pages, Function<T, String> idOf, RowWriter<T> row)
        throws IOException {
        String after = null;
        Page<T> page;
        do {
            page = pages.apply(new PageRequest(PAGE, after));
            for (T record : page.data()) {
                row.write(this, record);
            }
            after = page.data().isEmpty() ? null : idOf.apply(page.data().getLast());
        } while (page.hasMore() && after != null);
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}
