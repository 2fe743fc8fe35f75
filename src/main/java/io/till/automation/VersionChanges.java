package io.till.automation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What changed from one version of an automation to another, in words, above the side-by-side JSON: "Trigger: When a
 * payment fails → When an order is placed", "Added step “vip” (Add tag)", "Changed step “gentle” (Send email)". Steps
 * are matched by id, wherever they sit; a step counts as changed when one of its own fields changed (its nested steps
 * are steps of their own).
 */
final class VersionChanges {

    /** The fields of a step that hold other steps, compared as steps of their own. */
    private static final Set<String> NESTED = Set.of("then", "else", "steps", "fallback");

    private VersionChanges() {}

    /**
     * The changes from {@code before} to {@code after}, each drawn as {@code beforeFlow} and {@code afterFlow} (the
     * chips of each, for their titles); empty when the two differ in nothing but layout.
     */
    static List<String> of(JsonNode before, JsonNode after, List<StepFlow.Chip> beforeFlow,
        List<StepFlow.Chip> afterFlow) {
        var changes = new ArrayList<String>();
        if (!Objects.equals(before.path("name"), after.path("name"))) {
            changes.add("Renamed: “" + before.path("name").asString("") + "” → “" + after.path("name").asString("")
                + "”");
        }
        part(changes, "Trigger", before.path("trigger"), after.path("trigger"), title(beforeFlow, "trigger"),
            title(afterFlow, "trigger"));
        part(changes, "Conditions", before.path("conditions"), after.path("conditions"), title(beforeFlow,
            "conditions"), title(afterFlow, "conditions"));
        for (String field : List.of("limit", "concurrency")) {
            if (!Objects.equals(before.path(field), after.path(field))) {
                changes.add("How often: " + Objects.requireNonNullElse(title(afterFlow, "limit"), "no limit now"));
                break;
            }
        }
        part(changes, "Stops early", before.path("cancel_on"), after.path("cancel_on"), title(beforeFlow, "cancel"),
            title(afterFlow, "cancel"));
        var old = steps(before.path("steps"), new LinkedHashMap<>());
        var now = steps(after.path("steps"), new LinkedHashMap<>());
        var oldTitles = titles(beforeFlow, new LinkedHashMap<>());
        var newTitles = titles(afterFlow, new LinkedHashMap<>());
        now.forEach((id, step) -> {
            if (!old.containsKey(id)) {
                changes.add("Added step “" + id + "”" + named(newTitles.get(id)));
            } else if (!old.get(id).equals(step)) {
                changes.add("Changed step “" + id + "”" + named(newTitles.get(id)));
            }
        });
        old.keySet().stream().filter(id -> !now.containsKey(id)).forEach(id -> changes.add("Removed step “" + id
            + "”" + named(oldTitles.get(id))));
        // The steps both versions have, each in its lane in order: a branch's lanes swapped reverses what it does,
        // whatever else changed beside it.
        var kept = old.keySet().stream().filter(now::containsKey).collect(java.util.stream.Collectors.toSet());
        // In lanes both versions have: a branch renamed (said above) moves none of its steps.
        java.util.function.Predicate<Place> inKeptLane = place -> kept.contains(place.id())
            && (place.lane().equals("steps")
                || kept.contains(place.lane().substring(0, place.lane().lastIndexOf('.'))));
        var wereAt = places(before.path("steps"), "steps", new ArrayList<>()).stream().filter(inKeptLane).toList();
        var areAt = places(after.path("steps"), "steps", new ArrayList<>()).stream().filter(inKeptLane).toList();
        if (!wereAt.equals(areAt) || changes.isEmpty() && !before.equals(after)) {
            changes.add("Steps moved or reordered");
        }
        return changes;
    }

    private record Place(String lane, String id) {}

    /** Each step's lane (its parent's id and field, or the top) and id, in the order the lanes hold them. */
    private static List<Place> places(JsonNode steps, String lane, List<Place> into) {
        if (!steps.isArray()) {
            return into;
        }
        for (JsonNode step : steps) {
            String id = step.path("id").asString("?");
            into.add(new Place(lane, id));
            NESTED.forEach(field -> places(step.path(field), id + "." + field, into));
        }
        return into;
    }

    private static void part(List<String> changes, String label, JsonNode before, JsonNode after, String was,
        String is) {
        if (Objects.equals(before, after)) {
            return;
        }
        if (before.isMissingNode() || before.isNull()) {
            changes.add(label + " added: " + Objects.requireNonNullElse(is, "(set)"));
        } else if (after.isMissingNode() || after.isNull()) {
            changes.add(label + " removed (was: " + Objects.requireNonNullElse(was, "set") + ")");
        } else {
            changes.add(label + ": " + Objects.requireNonNullElse(was, "?") + " → " + Objects.requireNonNullElse(is,
                "?"));
        }
    }

    /** Each step by id, anywhere in the tree, without the steps nested in it. */
    private static Map<String, JsonNode> steps(JsonNode steps, Map<String, JsonNode> into) {
        if (!steps.isArray()) {
            return into;
        }
        for (JsonNode step : steps) {
            if (!step.isObject()) {
                continue;
            }
            ObjectNode own = ((ObjectNode) step).deepCopy();
            NESTED.forEach(own::remove);
            into.putIfAbsent(step.path("id").asString("?"), own);
            NESTED.forEach(field -> steps(step.path(field), into));
        }
        return into;
    }

    private static Map<String, String> titles(List<StepFlow.Chip> chips, Map<String, String> into) {
        for (StepFlow.Chip chip : chips) {
            if (chip.id() != null) {
                into.putIfAbsent(chip.id(), chip.title());
            }
            chip.lanes().forEach(lane -> titles(lane.steps(), into));
        }
        return into;
    }

    private static String title(List<StepFlow.Chip> chips, String kind) {
        return chips.stream().filter(chip -> chip.kind().equals(kind)).map(StepFlow.Chip::title).findFirst()
            .orElse(null);
    }

    private static String named(String title) {
        return title == null ? "" : " (" + title + ")";
    }
}
