package io.till.automation;

import io.till.shared.FieldError;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The builder as drawn: the definition being edited (null when the JSON panel's text cannot be read), its text for
 * the JSON panel, the problems a save would meet, and a refused edit. Fragments ask it for the value and the problems
 * at a path, and for a field's id (stable across redraws, so the field being typed in keeps its focus).
 */
public record BuilderView(JsonNode definition, String text, List<FieldError> problems, String refused) {

    /** What the builder says of a duration it could not read: staff type "3 days" there, never P3D. */
    static final String NOT_A_DURATION = "must be a duration such as 3 days, 2 hours or 30 minutes";

    public BuilderView {
        problems = problems.stream()
            .map(p -> p.message().equals(ParseContext.NOT_A_DURATION)
                ? new FieldError(p.field(), p.code(), NOT_A_DURATION)
                : p)
            .toList();
    }

    static BuilderView unreadable(String text, List<FieldError> problems) {
        return new BuilderView(null, text, problems, null);
    }

    public boolean readable() {
        return definition != null;
    }

    /** The messages of the problems at exactly this path. */
    public List<String> at(String path) {
        return problems.stream().filter(p -> p.field().equals(path)).map(FieldError::message).toList();
    }

    /** Whether any problem lies at or under this path (a step whose params are wrong). */
    public boolean troubled(String path) {
        return problems.stream().anyMatch(p -> p.field().equals(path) || p.field().startsWith(path + ".") || p
            .field().startsWith(path + "["));
    }

    /** The node at a path of the definition, or null. */
    public JsonNode node(String path) {
        if (definition == null) {
            return null;
        }
        try {
            return DefinitionPaths.get(definition, DefinitionPaths.parse(path)).orElse(null);
        } catch (BuilderEdits.Refused e) {
            return null;
        }
    }

    /** The text of the value at a path, for an input; empty when absent; a list as comma-separated values. */
    public String value(String path) {
        JsonNode node = node(path);
        if (node == null || node.isNull()) {
            return "";
        }
        if (node.isArray()) {
            var items = new java.util.ArrayList<String>();
            node.forEach(item -> items.add(item.isValueNode() ? item.asString() : item.toString()));
            return String.join(", ", items);
        }
        return node.isValueNode() ? node.asString() : node.toString();
    }

    /** A duration at a path in words, as the builder shows it ("5 days" for P5D). */
    public String duration(String path) {
        String value = value(path);
        return value.isEmpty() ? value : DurationWords.words(value);
    }

    /** The value at a path as JSON text for a textarea: pretty when it is an object or a list, as typed when text. */
    public String json(String path) {
        JsonNode node = node(path);
        if (node == null || node.isNull()) {
            return "";
        }
        return node.isString() ? node.asString() : node.toPrettyString();
    }

    /** An id for the field holding this path: {@code steps[1].duration} → {@code f-steps-1-duration}. */
    public String id(String path) {
        return "f-" + path.replaceAll("[^a-z0-9_]+", "-").replaceAll("-+$", "");
    }

    /** The form name of the field holding this path, typed as {@link BuilderEdits} reads it. */
    public String name(String path, String type) {
        return "d:" + path + (type == null || type.isEmpty() || type.equals("text") ? "" : "#" + type);
    }
}
