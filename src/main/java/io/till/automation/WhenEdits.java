package io.till.automation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The builder's edits of the trigger and the conditions ({@link BuilderEdits} calls them): switching a schedule's
 * form, a choice that yields to a text field of the same path, and a comparison keeping the value its operator takes.
 */
final class WhenEdits {

    /**
     * A field named {@code <path>#pick} is a choice (a select) whose empty option hands the path to a text field of
     * the same path ("A custom event…" and the event's name): a value picked wins; the empty option clears the path
     * unless a text field of the form wrote it.
     */
    static final String PICK = "#pick";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private WhenEdits() {}

    /** {@code schedule:every|cron|calendar}: a schedule of that form, keeping the time zone it had. */
    static void schedule(ObjectNode definition, String kind) {
        JsonNode zone = definition.path("trigger").path("time_zone");
        ObjectNode trigger = NODES.objectNode().put("type", "schedule");
        switch (kind) {
            case "every" -> trigger.put("every", "P1D");
            case "cron" -> trigger.put("cron", "0 9 * * MON");
            case "calendar" -> trigger.put("calendar", "first_day_of_month").put("at", "09:00");
            default -> throw new BuilderEdits.Refused("a schedule is every, cron or calendar, not " + kind);
        }
        trigger.put("time_zone", zone.isString() && !zone.asString().isBlank() ? zone.asString() : "UTC");
        definition.set("trigger", trigger);
    }

    /** Applies the {@link #PICK} fields, after every other field of the form ({@code names}) was set. */
    static void pick(ObjectNode definition, Map<String, String> picks, Set<String> names) {
        Set<String> written = names.stream().filter(name -> !name.endsWith(PICK)).map(WhenEdits::path)
            .collect(Collectors.toSet());
        picks.forEach((name, value) -> {
            String path = path(name);
            if (value != null && !value.isEmpty()) {
                BuilderEdits.set(definition, path, value);
            } else if (!written.contains(path)) {
                DefinitionPaths.remove(definition, DefinitionPaths.parse(path));
            }
        });
    }

    /**
     * A comparison whose operator the form sent keeps the value that operator takes: none for exists and not_exists,
     * a list for in and not_in, a single value for the others. The value box is drawn for the operator shown before
     * the change, so the value it sent is read again here.
     */
    static void tidyComparisons(ObjectNode definition, Set<String> names) {
        for (String name : names) {
            String path = path(name);
            if (!path.endsWith(".op")) {
                continue;
            }
            var at = DefinitionPaths.parse(path.substring(0, path.length() - ".op".length()));
            if (!(DefinitionPaths.get(definition, at).orElse(null) instanceof ObjectNode comparison)
                || !comparison.path("op").isString()) {
                continue;
            }
            JsonNode value = comparison.get("value");
            switch (comparison.get("op").asString()) {
                case "exists", "not_exists" -> comparison.remove("value");
                case "in", "not_in" -> {
                    if (value != null && value.isString()) {
                        comparison.set("value", BuilderEdits.typed("list", value.asString()));
                    } else if (value != null && value.isValueNode()) {
                        comparison.set("value", NODES.arrayNode().add(value));
                    }
                }
                default -> {
                    if (value instanceof ArrayNode list) {
                        List<String> items = new ArrayList<>();
                        list.forEach(item -> items.add(item.isValueNode() ? item.asString() : item.toString()));
                        if (items.isEmpty()) {
                            comparison.remove("value");
                        } else {
                            comparison.set("value", BuilderEdits.typed("auto", String.join(", ", items)));
                        }
                    }
                }
            }
        }
    }

    private static String path(String name) {
        int hash = name.indexOf('#');
        return hash < 0 ? name : name.substring(0, hash);
    }
}
