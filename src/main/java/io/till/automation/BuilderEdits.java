package io.till.automation;

import io.till.automation.DefinitionPaths.Segment;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the visual builder does to a definition, as pure edits of its JSON: the builder's form fields are named by the
 * JSON path they hold ({@code steps[1].duration}), and its buttons name an operation ({@code step-move:steps[2]:up}).
 * Whatever the edits produce is then checked by the same parser a save uses, so the builder can never save something
 * the JSON tab could not; it only spares the seller from writing JSON.
 *
 * <p>A field's value is text; a suffix on its name says how to read it: {@code #int}, {@code #bool}, {@code #auto} (a
 * number, true or false when it reads as one, else text), {@code #list} (comma-separated, each read as {@code #auto}),
 * {@code #strings} (comma-separated, each kept as text), {@code #json} (parsed when it is valid JSON, else kept as the
 * text typed, so that the parser names the problem beside the field instead of the edit being lost).
 * An empty value removes the field, so an optional setting cleared in the form is absent, not blank.
 */
final class BuilderEdits {

    /** The kinds of step the builder can add, in the order its menu shows them. */
    static final List<String> STEP_KINDS = StepForms.KINDS.stream().map(StepForms.Kind::type).toList();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private BuilderEdits() {}

    /** A refused edit: names the path or operation and says why, for the page to show. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    /** Sets every field (name → value, in form order), then performs {@code op} when there is one. */
    static void apply(ObjectNode definition, Map<String, String> fields, String op) {
        cancelOnAsObjects(definition);
        var picks = new java.util.LinkedHashMap<String, String>();
        fields.forEach((name, value) -> {
            if (name.endsWith(WhenEdits.PICK)) {
                picks.put(name, value);
            } else {
                set(definition, name, value);
            }
        });
        WhenEdits.pick(definition, picks, fields.keySet());
        WhenEdits.tidyComparisons(definition, fields.keySet());
        if (op != null && !op.isBlank()) {
            perform(definition, op);
        }
    }

    /**
     * A bare event type in cancel_on ({@code "acme.refund"}) becomes the object it stands for ({@code {"event":
     * "acme.refund", "match": "customer"}}), whose two parts the builder edits as fields.
     */
    private static void cancelOnAsObjects(ObjectNode definition) {
        if (definition.get("cancel_on") instanceof ArrayNode list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).isString()) {
                    list.set(i, NODES.objectNode().put("event", list.get(i).asString()).put("match",
                        Definition.CancelOn.CUSTOMER));
                }
            }
        }
    }

    /** One field: its path (with an optional {@code #type}) and its value as typed. */
    static void set(ObjectNode definition, String name, String value) {
        int hash = name.indexOf('#');
        String path = hash < 0 ? name : name.substring(0, hash);
        String type = hash < 0 ? "text" : name.substring(hash + 1);
        var segments = DefinitionPaths.parse(path);
        if (value == null || value.isEmpty()) {
            DefinitionPaths.remove(definition, segments);
            return;
        }
        DefinitionPaths.put(definition, segments, typed(type, value));
    }

    static JsonNode typed(String type, String value) {
        return switch (type) {
            case "int" -> value.strip().matches("-?[0-9]{1,9}")
                ? NODES.numberNode(Integer.parseInt(value.strip()))
                : NODES.stringNode(value);
            case "bool" -> NODES.booleanNode(Boolean.parseBoolean(value.strip()));
            case "auto" -> auto(value);
            case "list" -> {
                ArrayNode list = NODES.arrayNode();
                for (String item : value.split(",")) {
                    if (!item.isBlank()) {
                        list.add(auto(item.strip()));
                    }
                }
                yield list;
            }
            case "strings" -> {
                ArrayNode list = NODES.arrayNode();
                for (String item : value.split(",")) {
                    if (!item.isBlank()) {
                        list.add(item.strip());
                    }
                }
                yield list;
            }
            case "json" -> json(value);
            case "text" -> NODES.stringNode(value);
            // "5 days" is kept as P5D; anything else as typed, for the parser to say what is wrong with it.
            case "duration" -> NODES.stringNode(DurationWords.iso(value).orElse(value.strip()));
            default -> throw new Refused("a field cannot be read as " + type);
        };
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode json(String value) {
        try {
            return JSON.readTree(value);
        } catch (JacksonException e) {
            return NODES.stringNode(value);
        }
    }

    /** A condition's value as a seller types it: {@code 1} is the number one, {@code true} is true, the rest text. */
    private static JsonNode auto(String value) {
        String v = value.strip();
        if (v.matches("-?(0|[1-9][0-9]{0,14})(\\.[0-9]{1,6})?")) {
            return v.contains(".")
                ? NODES.numberNode(new java.math.BigDecimal(v))
                : NODES.numberNode(Long
                    .parseLong(v));
        }
        if (v.equals("true") || v.equals("false")) {
            return NODES.booleanNode(Boolean.parseBoolean(v));
        }
        // Without the spaces around it, as a list's items: "gold " would never equal "gold".
        return NODES.stringNode(v);
    }

    /**
     * Performs one operation, {@code verb:path[:arg…]}:
     * <ul>
     * <li>{@code step-add:<list>:<index>:<kind>[:<action>]} — a new step at index of the list (created when absent);
     * <li>{@code step-move:<step>:up|down} — within its list;
     * <li>{@code remove:<path>} — a step, a condition, a scope, a param; an emptied optional list goes too;
     * <li>{@code condition-add:<group>} and {@code condition-group-add:<group>:all|any|not} — a comparison or a
     * nested group at the end of a group ({@code conditions} or a branch's {@code if}), made when absent;
     * <li>{@code condition-kind:<group>:all|any} — switches a group between all and any;
     * <li>{@code trigger:event|schedule|manual} — starts the trigger over as that kind;
     * <li>{@code schedule:every|cron|calendar} — a schedule of that form, in the zone it had ({@link WhenEdits});
     * <li>{@code cancel-add} — an event that ends runs early (cancel_on), matched on the customer.
     * </ul>
     */
    static void perform(ObjectNode definition, String op) {
        String[] parts = op.split(":");
        String verb = parts[0];
        switch (verb) {
            case "step-add" -> {
                need(parts, 4, op);
                ArrayNode list = list(definition, DefinitionPaths.parse(parts[1]));
                int at = Math.clamp(index(parts[2], op), 0, list.size());
                list.insert(at, newStep(definition, parts[3], parts.length > 4 ? parts[4] : null));
            }
            case "step-move" -> {
                need(parts, 3, op);
                var segments = DefinitionPaths.parse(parts[1]);
                ArrayNode list = parentList(definition, segments, op);
                int from = segments.getLast().index();
                int to = parts[2].equals("up") ? from - 1 : from + 1;
                if (to >= 0 && to < list.size()) {
                    JsonNode moved = list.remove(from);
                    list.insert(to, moved);
                }
            }
            case "remove" -> {
                need(parts, 2, op);
                DefinitionPaths.remove(definition, DefinitionPaths.parse(parts[1]));
            }
            case "condition-add", "condition-group-add" -> {
                need(parts, verb.equals("condition-add") ? 2 : 3, op);
                JsonNode added = verb.equals("condition-add") ? comparison() : group(parts[2], op);
                groupList(definition, DefinitionPaths.parse(parts[1])).add(added);
            }
            case "condition-kind" -> {
                need(parts, 3, op);
                var segments = DefinitionPaths.parse(parts[1]);
                JsonNode group = DefinitionPaths.get(definition, segments)
                    .orElseThrow(() -> new Refused("no condition at "
                        + parts[1]));
                String from = group.has("all") ? "all" : "any";
                String to = parts[2];
                if (!to.equals("all") && !to.equals("any")) {
                    throw new Refused("a group is all or any, not " + to);
                }
                if (group instanceof ObjectNode object && !from.equals(to) && object.has(from)) {
                    object.set(to, object.remove(from));
                }
            }
            case "trigger" -> {
                need(parts, 2, op);
                definition.set("trigger", switch (parts[1]) {
                    case "event" -> NODES.objectNode().put("type", "event").put("event", "payment.failed");
                    case "schedule" -> NODES.objectNode().put("type", "schedule").put("cron", "0 9 * * MON")
                        .put("time_zone", "UTC");
                    case "manual" -> NODES.objectNode().put("type", "manual");
                    default -> throw new Refused("a trigger is event, schedule or manual, not " + parts[1]);
                });
            }
            case "schedule" -> {
                need(parts, 2, op);
                WhenEdits.schedule(definition, parts[1]);
            }
            case "cancel-add" -> list(definition, DefinitionPaths.parse("cancel_on")).add(NODES.objectNode()
                .put("event", "invoice.paid").put("match", Definition.CancelOn.CUSTOMER));
            default -> throw new Refused("the builder has no operation " + verb);
        }
    }

    /** A new step of a kind, with the least it needs to be valid and an id no other step has. */
    static ObjectNode newStep(JsonNode definition, String kind, String action) {
        if (!STEP_KINDS.contains(kind)) {
            throw new Refused("a step is one of " + STEP_KINDS + ", not " + kind);
        }
        String base = kind.equals("action") && action != null && action.matches("[a-z][a-z0-9_.]*")
            ? action.replace('.', '_')
            : kind;
        var step = NODES.objectNode().put("id", freshId(definition, base)).put("type", kind);
        switch (kind) {
            case "action" -> {
                step.put("action", action == null ? "send_email" : action);
                step.set("params", NODES.objectNode());
            }
            case "delay" -> step.put("duration", "P1D");
            case "wait_for_event" -> step.put("event", "invoice.paid").put("match", Definition.CancelOn.CUSTOMER)
                .put("timeout", "P3D");
            case "branch" -> {
                step.set("if", NODES.objectNode().set("all", NODES.arrayNode().add(comparison())));
                step.set("then", NODES.arrayNode().add(newStep(definition, "stop", null)));
            }
            case "loop" -> {
                step.put("over", "order.items").put("max", 10);
                step.set("steps", NODES.arrayNode());
            }
            default -> {
            }
        }
        return step;
    }

    /** {@code base}, or {@code base_2}, {@code base_3}… whichever no step of the definition is called yet. */
    static String freshId(JsonNode definition, String base) {
        Set<String> taken = new HashSet<>();
        collectIds(definition, taken);
        String id = base;
        for (int n = 2; taken.contains(id); n++) {
            id = base + "_" + n;
        }
        return id;
    }

    private static void collectIds(JsonNode node, Set<String> taken) {
        if (node.isObject()) {
            if (node.has("type") && node.has("id") && node.get("id").isString()) {
                taken.add(node.get("id").asString());
            }
            node.forEach(child -> collectIds(child, taken));
        } else if (node.isArray()) {
            node.forEach(child -> collectIds(child, taken));
        }
    }

    private static ObjectNode comparison() {
        return NODES.objectNode().put("field", "").put("op", "eq").put("value", "");
    }

    private static ObjectNode group(String kind, String op) {
        return switch (kind) {
            case "all", "any" -> NODES.objectNode().set(kind, NODES.arrayNode().add(comparison()));
            case "not" -> NODES.objectNode().set("not", comparison());
            default -> throw new Refused("a group is all, any or not, not " + kind + " (" + op + ")");
        };
    }

    /** The list a condition added to a group goes into; a missing group becomes all, a lone comparison is wrapped. */
    private static ArrayNode groupList(ObjectNode definition, List<Segment> at) {
        JsonNode group = DefinitionPaths.get(definition, at).orElse(null);
        if (group == null || group.isNull() || !group.isObject()) {
            ObjectNode made = NODES.objectNode();
            made.set("all", NODES.arrayNode());
            DefinitionPaths.put(definition, at, made);
            return (ArrayNode) made.get("all");
        }
        ObjectNode object = (ObjectNode) group;
        for (String kind : List.of("all", "any")) {
            if (object.get(kind) instanceof ArrayNode list) {
                return list;
            }
        }
        // A comparison or a not: it becomes the first member of an all-group in its place.
        ObjectNode wrapper = NODES.objectNode();
        ArrayNode list = NODES.arrayNode().add(object.deepCopy());
        wrapper.set("all", list);
        DefinitionPaths.put(definition, at, wrapper);
        return list;
    }

    private static ArrayNode list(ObjectNode definition, List<Segment> at) {
        JsonNode node = DefinitionPaths.get(definition, at).orElse(null);
        if (node instanceof ArrayNode list) {
            return list;
        }
        ArrayNode made = NODES.arrayNode();
        DefinitionPaths.put(definition, at, made);
        return made;
    }

    private static ArrayNode parentList(ObjectNode definition, List<Segment> at, String op) {
        if (at.isEmpty() || at.getLast().index() < 0) {
            throw new Refused(op + " names no step");
        }
        return DefinitionPaths.get(definition, at.subList(0, at.size() - 1))
            .filter(ArrayNode.class::isInstance).map(ArrayNode.class::cast)
            .orElseThrow(() -> new Refused(op + " names no step"));
    }

    private static void need(String[] parts, int count, String op) {
        if (parts.length < count) {
            throw new Refused("the operation " + op + " is incomplete");
        }
    }

    private static int index(String text, String op) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new Refused("the operation " + op + " names no position");
        }
    }
}
