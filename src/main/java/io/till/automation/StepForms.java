package io.till.automation;

import io.till.action.ActionSchema;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * What the builder's step forms are drawn from: the one registry of step kinds ({@link #KINDS}: which fragment of
 * {@code automation/builder_steps.html} draws each kind, and how the add menu names it), each step's meaning in words,
 * the control each action param gets from its {@link ActionSchema}, and the step outputs a field may refer to. A new
 * step kind (wait_for_event) is one entry here and one fragment there.
 */
public final class StepForms {

    /** A kind of step: its {@code type}, the fragment drawing its form, and what the add menu calls it. */
    public record Kind(String type, String fragment, String adds) {}

    static final List<Kind> KINDS = List.of(new Kind("action", "action-form", "Do something"),
        new Kind("delay", "delay-form", "Wait"), new Kind("wait_for_event", "wait-event-form", "Wait for an event"),
        new Kind("branch", "branch-form", "If … then … otherwise …"),
        new Kind("loop", "loop-form", "Repeat for each item"), new Kind("stop", "stop-form", "Stop the run"));

    /** A step of a kind the builder has no form for: shown as JSON, edited in the JSON panel. */
    private static final Kind OTHER = new Kind("other", "other-form", null);

    /** Params whose values are long text: drawn as a textarea. */
    private static final Set<String> LONG_TEXT = Set.of("body", "text", "html", "message", "notes");

    private final Map<String, ActionSchema> actions;
    private final JsonNode definition;

    StepForms(Map<String, ActionSchema> actions, JsonNode definition) {
        this.actions = actions;
        this.definition = definition;
    }

    public List<Kind> kinds() {
        return KINDS;
    }

    public Map<String, ActionSchema> actions() {
        return actions;
    }

    public Kind kind(String type) {
        return KINDS.stream().filter(k -> k.type().equals(type)).findFirst().orElse(OTHER);
    }

    public ActionSchema schema(String action) {
        return action == null ? null : actions.get(action);
    }

    /** The action's name in words, for the add menu and a step's title: "Send email", "Post to Slack". */
    public String words(String action) {
        return StepFlow.words(action);
    }

    /** A step in words, as its card's title: "Send email", "Wait 3 days", "If … then … otherwise …". */
    public String title(JsonNode step) {
        String type = Objects.requireNonNullElse(text(step, "type"), "");
        return switch (type) {
            case "action" -> StepFlow.words(text(step, "action"));
            case "delay" -> step.has("until")
                ? "Wait until " + text(step, "until")
                : "Wait " + duration(text(step,
                    "duration"));
            case "branch" -> "If … then … otherwise …";
            case "loop" -> "For each of " + (text(step, "over") == null ? "…" : text(step, "over"));
            case "stop" -> "Stop the run";
            case "wait_for_event" -> StepFlow.waitWords(text(step, "event"), text(step, "match"), parsed(text(step,
                "timeout")));
            default -> "A " + (type.isEmpty() ? "step of no kind" : type + " step");
        };
    }

    private static Duration parsed(String text) {
        try {
            return text == null ? null : Duration.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String duration(String text) {
        try {
            return TriggerSentence.duration(Duration.parse(text));
        } catch (DateTimeParseException | NullPointerException e) {
            return "…";
        }
    }

    /**
     * The control a param gets: {@code select} (allowed values), {@code secret}, {@code textarea} (long text),
     * {@code number}, {@code checkbox}, {@code list} (comma-separated strings), {@code json} (an object or a list), or
     * {@code text}.
     */
    public String control(ActionSchema.Param param) {
        if (param.secret()) {
            return "secret";
        }
        if (!param.allowed().isEmpty() && param.type() == ActionSchema.Type.STRING) {
            return "select";
        }
        return switch (param.type()) {
            case STRING -> LONG_TEXT.contains(param.name()) ? "textarea" : "text";
            case INTEGER -> "number";
            case BOOLEAN -> "checkbox";
            case STRING_LIST -> "list";
            case OBJECT, ARRAY -> "json";
        };
    }

    /**
     * {@link #control(ActionSchema.Param)}, for a param that holds {@code current}: a number, a yes-or-no or a choice
     * holding a template (saved through the API) is text, which shows it as written and keeps it through any edit; a
     * number field would blank it, a checkbox read it as false, a choice as its first option.
     */
    public String control(ActionSchema.Param param, String current) {
        String control = control(param);
        return holdsTemplate(current) && List.of("number", "checkbox", "select").contains(control) ? "text" : control;
    }

    /** {@link #fieldType(ActionSchema.Param)} for a param that holds {@code current}: a templated yes-or-no as written. */
    public String fieldType(ActionSchema.Param param, String current) {
        return holdsTemplate(current) && param.type() == ActionSchema.Type.BOOLEAN ? "auto" : fieldType(param);
    }

    /** {@link #templated(ActionSchema.Param)} for a param that holds {@code current}. */
    public boolean templated(ActionSchema.Param param, String current) {
        return List.of("text", "textarea").contains(control(param, current));
    }

    private static boolean holdsTemplate(String current) {
        return current != null && current.contains("{{");
    }

    /** How {@link BuilderEdits} reads a param's field back. */
    public String fieldType(ActionSchema.Param param) {
        return switch (param.type()) {
            case INTEGER -> "int";
            case BOOLEAN -> "bool";
            case STRING_LIST -> "strings";
            case OBJECT, ARRAY -> "json";
            case STRING -> "text";
        };
    }

    /** Whether the variable picker goes beside a param's field: free text, where a {@code {{…}}} can go. */
    public boolean templated(ActionSchema.Param param) {
        return List.of("text", "textarea").contains(control(param));
    }

    /**
     * The outputs a field of the step at {@code path} may refer to, as the parser allows them (DefinitionParser,
     * ParseContext#afterBranch): those of the action and wait steps that ran before it on every way to it. Not one in
     * the other lane of a branch, nor one inside a loop or a fallback from after it, nor one in a lane that may not
     * have run; a step's own output only in its fallback.
     */
    public List<String> outputsBefore(String path) {
        var ids = new java.util.LinkedHashSet<String>();
        return walk(definition == null ? null : definition.get("steps"), "steps", path, ids)
            ? ids.stream().map(id -> "steps." + id + ".output").toList()
            : List.of();
    }

    /** Whether the field at {@code path} is inside a loop's steps, where {@code item} and {@code loop.*} are set. */
    public boolean inLoop(String path) {
        return insideLoop(definition == null ? null : definition.get("steps"), "steps", path);
    }

    private static boolean insideLoop(JsonNode steps, String at, String target) {
        if (steps == null || !steps.isArray()) {
            return false;
        }
        for (int i = 0; i < steps.size(); i++) {
            String path = at + "[" + i + "]";
            JsonNode step = steps.get(i);
            if ("loop".equals(text(step, "type")) && target.startsWith(path + ".steps[")) {
                return true;
            }
            for (String lane : List.of("then", "else", "steps", "fallback")) {
                if (target.startsWith(path + "." + lane + "[") && insideLoop(step.get(lane), path + "." + lane,
                    target)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Collects, in document order until {@code target}, the ids of the steps whose output may be read there; true when
     * it was reached. What goes on past a branch, a loop or a fallback is what the parser lets go on.
     */
    private static boolean walk(JsonNode steps, String at, String target, java.util.Set<String> ids) {
        if (steps == null || !steps.isArray()) {
            return false;
        }
        for (int i = 0; i < steps.size(); i++) {
            String path = at + "[" + i + "]";
            JsonNode step = steps.get(i);
            if (path.equals(target)) {
                return true;
            }
            String type = text(step, "type");
            String id = text(step, "id");
            if ("branch".equals(type)) {
                var before = new java.util.LinkedHashSet<>(ids);
                if (walk(step.get("then"), path + ".then", target, ids)) {
                    return true;
                }
                var afterThen = new java.util.LinkedHashSet<>(ids);
                ids.retainAll(before);
                if (walk(step.get("else"), path + ".else", target, ids)) {
                    return true;
                }
                var afterElse = new java.util.LinkedHashSet<>(ids);
                ids.clear();
                boolean thenStops = stops(step.get("then"));
                boolean elseStops = stops(step.get("else"));
                ids.addAll(thenStops && !elseStops ? afterElse : afterThen);
                if (!thenStops && !elseStops) {
                    ids.retainAll(afterElse);
                }
            } else if ("loop".equals(type)) {
                var before = new java.util.LinkedHashSet<>(ids);
                if (walk(step.get("steps"), path + ".steps", target, ids)) {
                    return true;
                }
                // Over an empty list its steps never run.
                ids.retainAll(before);
            } else if (("action".equals(type) || "wait_for_event".equals(type)) && id != null) {
                ids.add(id);
                var beforeFallback = new java.util.LinkedHashSet<>(ids);
                if (walk(step.get("fallback"), path + ".fallback", target, ids)) {
                    return true;
                }
                // The fallback runs only when the step failed.
                ids.retainAll(beforeFallback);
            }
        }
        return false;
    }

    /** Whether every way through {@code steps} stops before their end, as ParseContext reads it. */
    private static boolean stops(JsonNode steps) {
        if (steps == null || !steps.isArray()) {
            return false;
        }
        for (JsonNode step : steps) {
            String type = text(step, "type");
            if ("stop".equals(type) || "branch".equals(type) && stops(step.get("then")) && stops(step.get("else"))) {
                return true;
            }
        }
        return false;
    }

    /** A lane in words, for labels: "the steps", "still_unpaid: Otherwise", "gentle: If it still fails". */
    public String lane(String path) {
        int dot = path.lastIndexOf('.');
        if (dot < 0) {
            return "the steps";
        }
        String owner = path.substring(0, dot);
        JsonNode step = DefinitionPaths.get(definition, DefinitionPaths.parse(owner)).orElse(null);
        String words = switch (path.substring(dot + 1)) {
            case "then" -> "Then";
            case "else" -> "Otherwise";
            case "fallback" -> "If it still fails";
            default -> "Each time";
        };
        return (text(step, "id") == null ? owner : text(step, "id")) + ": " + words;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isString() ? value.asString() : null;
    }
}
