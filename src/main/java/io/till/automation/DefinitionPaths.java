package io.till.automation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Paths into a definition as the parser names them ({@code steps[2].then[0].params.to}, {@code trigger.scope.product}),
 * and reading, putting and removing what is at one: how the builder's form fields land in the JSON.
 */
final class DefinitionPaths {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DefinitionPaths() {}

    /** One step of a path: a key of an object, or an index into a list (key null). */
    record Segment(String key, int index) {}

    /** Reads {@code steps[2].then[0].params.to} into its segments; refuses anything else. */
    static List<Segment> parse(String path) {
        var segments = new ArrayList<Segment>();
        if (path == null || path.isBlank()) {
            throw new BuilderEdits.Refused("a field names no path");
        }
        for (String part : path.split("\\.", -1)) {
            int bracket = part.indexOf('[');
            String key = bracket < 0 ? part : part.substring(0, bracket);
            if (!key.matches("[a-z_][a-z0-9_]*")) {
                throw new BuilderEdits.Refused(path + " is not a path of a definition");
            }
            segments.add(new Segment(key, -1));
            String rest = bracket < 0 ? "" : part.substring(bracket);
            while (!rest.isEmpty()) {
                int close = rest.indexOf(']');
                if (!rest.startsWith("[") || close < 2 || !rest.substring(1, close).matches("[0-9]{1,4}")) {
                    throw new BuilderEdits.Refused(path + " is not a path of a definition");
                }
                segments.add(new Segment(null, Integer.parseInt(rest.substring(1, close))));
                rest = rest.substring(close + 1);
            }
        }
        return segments;
    }

    /** The segments as the parser names them. */
    static String of(List<Segment> segments) {
        var text = new StringBuilder();
        for (Segment segment : segments) {
            if (segment.index() >= 0) {
                text.append('[').append(segment.index()).append(']');
            } else {
                text.append(text.isEmpty() ? "" : ".").append(segment.key());
            }
        }
        return text.toString();
    }

    static Optional<JsonNode> get(JsonNode root, List<Segment> path) {
        JsonNode node = root;
        for (Segment segment : path) {
            node = segment.index() >= 0 ? node.get(segment.index()) : node.get(segment.key());
            if (node == null) {
                return Optional.empty();
            }
        }
        return Optional.of(node);
    }

    /** Puts a value at a path, making the objects and lists on the way; an index past the end appends. */
    static void put(ObjectNode root, List<Segment> path, JsonNode value) {
        JsonNode node = root;
        for (int i = 0; i < path.size(); i++) {
            Segment segment = path.get(i);
            boolean last = i == path.size() - 1;
            JsonNode next = last ? value : path.get(i + 1).index() >= 0 ? NODES.arrayNode() : NODES.objectNode();
            if (segment.index() >= 0) {
                if (!(node instanceof ArrayNode array)) {
                    throw new BuilderEdits.Refused(of(path.subList(0, i + 1)) + " is not in a list");
                }
                int at = Math.min(segment.index(), array.size());
                if (at == array.size()) {
                    array.add(next);
                } else if (last) {
                    array.set(at, next);
                } else if (!array.get(at).isContainer()) {
                    throw new BuilderEdits.Refused(
                        of(path.subList(0, i + 1)) + " holds a value, not an object or a list");
                }
                node = array.get(at);
            } else {
                if (!(node instanceof ObjectNode object)) {
                    throw new BuilderEdits.Refused(of(path.subList(0, i + 1)) + " is not in an object");
                }
                JsonNode present = object.get(segment.key());
                if (last || present == null || present.isNull()) {
                    object.set(segment.key(), next);
                } else if (!present.isContainer()) {
                    throw new BuilderEdits.Refused(
                        of(path.subList(0, i + 1)) + " holds a value, not an object or a list");
                }
                node = object.get(segment.key());
            }
        }
    }

    /**
     * Removes what is at the path; then an optional list left empty ({@code else}, {@code fallback}) and a condition
     * group left empty go as well, so that removing the last condition leaves no empty group for the parser to refuse.
     * A branch's condition is required: removing its last comparison (or the whole of it) leaves an empty group that
     * the builder shows with its "+ condition", never a branch the builder has no way to give a condition again.
     */
    static void remove(ObjectNode root, List<Segment> path) {
        if (path.isEmpty()) {
            return;
        }
        JsonNode parent = get(root, path.subList(0, path.size() - 1)).orElse(null);
        Segment last = path.getLast();
        if (parent instanceof ArrayNode array && last.index() >= 0 && last.index() < array.size()) {
            array.remove(last.index());
            if (array.isEmpty() && path.size() >= 2) {
                String holder = path.get(path.size() - 2).key();
                // A branch's condition is not optional: its group stays, empty, for the builder to add to.
                boolean branchIf = path.size() >= 3 && "if".equals(path.get(path.size() - 3).key());
                if (List.of("else", "fallback", "all", "any", "cancel_on").contains(holder) && !branchIf) {
                    remove(root, path.subList(0, path.size() - 1));
                }
            }
        } else if (parent instanceof ObjectNode object && "if".equals(last.key())
            && "branch".equals(object.path("type").asString(""))) {
            object.set("if", object.objectNode().set("all", object.arrayNode()));
        } else if (parent instanceof ObjectNode object && last.key() != null) {
            object.remove(last.key());
            // {"all": []} gone to {}: the group itself goes (the root's conditions, a not's member, a list member);
            // so does a not without its member, and a scope without its last key.
            boolean emptied = object.isEmpty() && path.size() >= 2;
            if (emptied && (List.of("all", "any", "not").contains(last.key())
                || path.size() == 3 && "trigger".equals(path.get(0).key()) && "scope".equals(path.get(1).key()))) {
                remove(root, path.subList(0, path.size() - 1));
            }
            // A retry whose every setting was cleared is the default retry, a limit whose every setting was cleared
            // is none: no {} is left behind.
            String holder = path.size() >= 2 ? path.get(path.size() - 2).key() : null;
            if (object.isEmpty() && ("retry".equals(holder) || "limit".equals(holder))) {
                remove(root, path.subList(0, path.size() - 1));
            }
        }
    }
}
