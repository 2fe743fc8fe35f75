package io.till.shared;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rewrites the rows of one table with a {@link Redaction}: how each feature erases a customer from its tables. Only
 * rows whose text changes are written.
 */
public final class RedactedRows {

    private RedactedRows() {}

    /**
     * A column to rewrite: jsonb, or text holding JSON (both rewritten field by field; text that is not JSON is
     * rewritten as text), or plain text.
     */
    public record Column(String name, Kind kind) {

        public enum Kind {
            JSONB,
            JSON_TEXT,
            TEXT
        }

        public static Column json(String name) {
            return new Column(name, Kind.JSONB);
        }

        public static Column jsonText(String name) {
            return new Column(name, Kind.JSON_TEXT);
        }

        public static Column text(String name) {
            return new Column(name, Kind.TEXT);
        }
    }

    /**
     * Rewrites {@code columns} of the rows of {@code table} that {@code where} selects (with {@code params}), each row
     * found again by its {@code keys}; answers how many rows changed.
     */
    public static int rewrite(JdbcClient db, JsonMapper json, Redaction redaction, String table, List<String> keys,
        List<Column> columns, String where, Map<String, ?> params) {
        var select = new StringBuilder("SELECT ");
        for (int i = 0; i < keys.size(); i++) {
            select.append(keys.get(i)).append("::text AS k").append(i).append(", ");
        }
        for (int i = 0; i < columns.size(); i++) {
            select.append(i == 0 ? "" : ", ").append(columns.get(i).name()).append("::text AS v").append(i);
        }
        select.append(" FROM ").append(table).append(" WHERE ").append(where);
        record Row(List<String> keys, List<String> values) {}
        var rows = db.sql(select.toString()).params(params).query((rs, n) -> {
            var keyValues = new ArrayList<String>();
            for (int i = 0; i < keys.size(); i++) {
                keyValues.add(rs.getString("k" + i));
            }
            var values = new ArrayList<String>();
            for (int i = 0; i < columns.size(); i++) {
                values.add(rs.getString("v" + i));
            }
            return new Row(keyValues, values);
        }).list();
        var update = new StringBuilder("UPDATE ").append(table).append(" SET ");
        for (int i = 0; i < columns.size(); i++) {
            update.append(i == 0 ? "" : ", ").append(columns.get(i).name()).append(" = ")
                .append(columns.get(i).kind() == Column.Kind.JSONB ? "CAST(:v" + i + " AS jsonb)" : ":v" + i);
        }
        update.append(" WHERE ");
        for (int i = 0; i < keys.size(); i++) {
            update.append(i == 0 ? "" : " AND ").append(keys.get(i)).append("::text = :k").append(i);
        }
        int changed = 0;
        for (Row row : rows) {
            var redacted = new ArrayList<String>();
            for (int i = 0; i < columns.size(); i++) {
                redacted.add(redact(json, redaction, columns.get(i), row.values().get(i)));
            }
            if (redacted.equals(row.values())) {
                continue;
            }
            var statement = db.sql(update.toString());
            for (int i = 0; i < keys.size(); i++) {
                statement = statement.param("k" + i, row.keys().get(i));
            }
            for (int i = 0; i < columns.size(); i++) {
                statement = statement.param("v" + i, redacted.get(i));
            }
            changed += statement.update();
        }
        return changed;
    }

    private static String redact(JsonMapper json, Redaction redaction, Column column, String value) {
        if (value == null || column.kind() == Column.Kind.TEXT) {
            return redaction.text(value);
        }
        JsonNode tree;
        try {
            tree = json.readTree(value);
        } catch (JacksonException notJson) {
            return redaction.text(value);
        }
        var redacted = redaction.json(tree);
        return Objects.equals(tree, redacted) ? value : json.writeValueAsString(redacted);
    }
}
