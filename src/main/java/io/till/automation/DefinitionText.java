package io.till.automation;

import io.till.shared.FieldError;
import io.till.shared.TillException;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A definition as the dashboard's editors show and read it: pretty-printed in reading order, read back with malformed
 * JSON placed by line and column, and checked by the rules a save applies ({@link Automations#check}).
 */
@Component
class DefinitionText {

    private final Automations automations;
    private final JsonMapper json;

    DefinitionText(Automations automations, JsonMapper json) {
        this.automations = automations;
        this.json = json;
    }

    /** The problems a save of this text would be refused for, each with its JSON path; none when it can be saved. */
    List<FieldError> problems(String accountId, String text) {
        try {
            return problems(accountId, read(text));
        } catch (TillException e) {
            return errors(e);
        }
    }

    List<FieldError> problems(String accountId, JsonNode definition) {
        try {
            automations.check(accountId, definition);
            return List.of();
        } catch (TillException e) {
            return errors(e);
        }
    }

    private static List<FieldError> errors(TillException e) {
        return e.errors().isEmpty() ? List.of(new FieldError("body", "invalid", e.getMessage())) : e.errors();
    }

    /** The typed text as JSON; malformed JSON is a problem of the whole body, placed by line and column. */
    JsonNode read(String text) {
        return read(text, "body");
    }

    /** Typed text as JSON; malformed JSON is a problem of {@code field}, placed by line and column. */
    JsonNode read(String text, String field) {
        try {
            return json.readTree(text);
        } catch (JacksonException e) {
            var at = e.getLocation();
            String where = at == null || at.getLineNr() < 1
                ? ""
                : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw TillException.invalid(field, "malformed_json", "is not valid JSON" + where + ": "
                + complaint(e.getOriginalMessage()));
        } catch (NumberFormatException e) {
            // A decimal no exponent holds (2e4999999999999999999), which the parser throws as it is.
            throw TillException.invalid(field, "malformed_json", "holds a number too large to read");
        }
    }

    /** Where the parser's words for its authors begin: "(for Array starting at [Source: REDACTED …])" and the like. */
    private static final List<String> INTERNALS = List.of(" (for ", " (start marker", " at [Source", "[Source:");

    /**
     * The parser's complaint without what only its authors need: "Unexpected close marker '}': expected ']'" stays,
     * the "(for Array starting at [Source: REDACTED …])" or "(start marker at [Source: …; byte offset: #UNKNOWN])"
     * after it goes (a probe found the latter on the JSON tab).
     */
    static String complaint(String message) {
        if (message == null) {
            return "it could not be read";
        }
        String text = message.split("\n", 2)[0];
        int cut = INTERNALS.stream().mapToInt(text::indexOf).filter(at -> at > 0).min().orElse(text.length());
        String said = text.substring(0, cut).strip();
        return said.isEmpty() ? "it could not be read" : said;
    }

    /**
     * Fields in the order a person reads a definition (name, trigger, conditions, steps; a step's id and type first),
     * not in the order PostgreSQL keeps jsonb keys; the rest follow as kept. Only how it is shown changes.
     */
    private static final List<String> READING_ORDER = List.of("name", "description", "id", "type", "trigger",
        "event", "scope", "conditions", "action", "params", "if", "then", "else", "duration", "until", "over", "max",
        "steps", "retry", "fallback");

    String pretty(JsonNode definition) {
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(readable(definition));
    }

    private JsonNode readable(JsonNode node) {
        if (node.isArray()) {
            var array = json.createArrayNode();
            node.forEach(item -> array.add(readable(item)));
            return array;
        }
        if (!node.isObject()) {
            return node;
        }
        var object = json.createObjectNode();
        READING_ORDER.stream().filter(node::has).forEach(name -> object.set(name, readable(node.get(name))));
        node.properties().forEach(entry -> {
            if (!object.has(entry.getKey())) {
                object.set(entry.getKey(), readable(entry.getValue()));
            }
        });
        return object;
    }
}
