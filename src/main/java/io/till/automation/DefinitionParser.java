package io.till.automation;

import io.till.action.ActionSchema;
import io.till.shared.DottedNames;
import io.till.shared.TillException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Reads an automation's JSON into a {@link Definition}, reporting every mistake with its path
 * ({@code steps[2].then[0].params.to: {{customer.emial}} is not a variable of this trigger}) instead of stopping at the first. Pure: no
 * I/O, so that saving, importing and testing a definition all check it the same way.
 */
public final class DefinitionParser {

    static final int MAX_STEPS = 500;
    static final int MAX_DEPTH = 20;
    static final int MAX_LOOP = 1000;
    /** A definition is a program, not a data store: 256 KiB of JSON holds the largest sensible one many times over. */
    static final int MAX_CHARS = 256 * 1024;
    private static final Pattern STEP_ID = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    /** The fields each type of step has, in the order they are told; a step's other fields are refused at save. */
    private static final Map<String, List<String>> STEP_FIELDS = Map.of(
        "action", List.of("id", "type", "action", "params", "retry", "fallback"),
        "branch", List.of("id", "type", "if", "then", "else"),
        "delay", List.of("id", "type", "duration", "until"),
        "loop", List.of("id", "type", "over", "max", "steps"),
        "stop", List.of("id", "type"),
        "wait_for_event", List.of("id", "type", "event", "match", "timeout"));
    private static final String ONE_KIND_OF_CONDITION = "a condition is one of all, any, not or field with op and "
        + "value";
    private final Map<String, ActionSchema> actions;

    /** @param actions the actions a step may call, by name */
    public DefinitionParser(Map<String, ActionSchema> actions) {
        this.actions = Map.copyOf(actions);
    }

    /** Parses and checks a definition being saved; throws a validation failure listing every problem. */
    public Definition parse(JsonNode json) {
        return parse(json, true);
    }

    /**
     * Reads a version saved earlier, to run it. Checks that only keep new mistakes out are left to the time the step
     * runs (a template is read again when it renders): a version saved before such a check grew stricter must still
     * load, or the one bad version would stop every listener of its event type, in every account.
     */
    public Definition parseSaved(JsonNode json) {
        return parse(json, false);
    }

    private Definition parse(JsonNode json, boolean saving) {
        var context = new ParseContext(saving);
        if (json != null && json.toString().length() > MAX_CHARS) {
            context.add("body", "too_large", "a definition is at most " + MAX_CHARS / 1024 + " KiB of JSON");
            throw TillException.invalid(context.errors);
        }
        Definition definition = read(json, context);
        if (saving && definition != null && context.errors.isEmpty()) {
            checkMostSteps(definition.steps(), context);
        }
        if (!context.errors.isEmpty()) {
            throw TillException.invalid(context.errors);
        }
        return definition;
    }

    /** Refuses steps that could take more than a run may, naming the top-level step that takes the most. */
    private static void checkMostSteps(List<Definition.Step> steps, ParseContext context) {
        long most = Definition.mostSteps(steps);
        if (most <= Definition.MAX_STEPS_PER_RUN) {
            return;
        }
        int largest = 0;
        for (int i = 1; i < steps.size(); i++) {
            if (Definition.mostSteps(steps.get(i)) > Definition.mostSteps(steps.get(largest))) {
                largest = i;
            }
        }
        context.add("steps[" + largest + "]", "too_many", "a run could take up to " + (most == Long.MAX_VALUE
            ? "countless"
            : String.format(Locale.ROOT, "%,d", most)) + " steps here (a loop's steps run once per item, loops "
            + "within loops multiply, and each attempt of an action and each wait counts); a run takes at most "
            + String.format(Locale.ROOT, "%,d", Definition.MAX_STEPS_PER_RUN) + ": lower a loop's max");
    }

    private Definition read(JsonNode json, ParseContext context) {
        if (json == null || !json.isObject()) {
            context.add("body", "invalid_type", "must be a JSON object");
            return null;
        }
        context.onlyFields(json, "", "an automation", List.of("name", "description", "trigger", "conditions", "steps",
            "cancel_on", "limit", "concurrency"));
        String name = ParseContext.text(json, "name");
        if (name == null || name.isBlank() || name.length() > 200) {
            context.add("name", "required", "is required, at most 200 characters");
        }
        JsonNode description = json.get("description");
        if (description != null && !description.isNull() && (!description.isString() || description.asString()
            .length() > Definition.MAX_DESCRIPTION)) {
            context.add("description", "invalid_value", "must be text, at most 2,000 characters");
        }
        Definition.Trigger trigger = TriggerParser.trigger(json.get("trigger"), context);
        context.carried = CarriedObjects.of(trigger);
        Definition.Condition conditions = json.has("conditions") && !json.get("conditions").isNull()
            ? condition(json.get("conditions"), "conditions", context, 0)
            : null;
        List<Definition.Step> steps = steps(json.get("steps"), "steps", context, 0, false);
        return new Definition(name, trigger, conditions, steps, TriggerParser.cancelOn(json.get("cancel_on"),
            context), TriggerParser.limit(json.get("limit"), context),
            TriggerParser.concurrency(json.get("concurrency"),
                context));
    }

    private List<Definition.Step> steps(JsonNode json, String path, ParseContext context, int depth, boolean optional) {
        if (json == null || json.isNull()) {
            if (!optional) {
                context.add(path, "required", "at least one step is required");
            }
            return List.of();
        }
        if (!json.isArray() || (!optional && json.isEmpty())) {
            context.add(path, "invalid_type", "must be a non-empty list of steps");
            return List.of();
        }
        if (depth > MAX_DEPTH) {
            context.add(path, "too_deep", "steps may nest at most " + MAX_DEPTH + " levels");
            return List.of();
        }
        var steps = new ArrayList<Definition.Step>();
        for (int i = 0; i < json.size(); i++) {
            if (++context.steps > MAX_STEPS) {
                context.add(path + "[" + i + "]", "too_many", "an automation has at most " + MAX_STEPS + " steps");
                return steps;
            }
            var step = step(json.get(i), path + "[" + i + "]", context, depth);
            if (step != null) {
                steps.add(step);
            }
        }
        return steps;
    }

    private Definition.Step step(JsonNode json, String path, ParseContext context, int depth) {
        if (json == null || !json.isObject()) {
            context.add(path, "invalid_type", "must be a step object");
            return null;
        }
        String id = ParseContext.text(json, "id");
        if (id == null || !STEP_ID.matcher(id).matches()) {
            context.add(path + ".id", "invalid_format", "must be a lower-case name such as send_reminder");
        } else if (!context.stepIds.add(id)) {
            context.add(path + ".id", "duplicate", "another step is already called " + id);
        }
        String type = ParseContext.text(json, "type");
        var fields = type == null ? null : STEP_FIELDS.get(type);
        if (fields != null) {
            context.onlyFields(json, path, "a" + (type.equals("action") ? "n " : " ") + type + " step", fields);
        }
        return switch (type == null ? "" : type) {
            case "action" -> action(json, id, path, context, depth);
            case "branch" -> branch(json, id, path, context, depth);
            case "delay" -> delay(json, id, path, context);
            case "loop" -> loop(json, id, path, context, depth);
            case "stop" -> new Definition.Step.Stop(id);
            case "wait_for_event" -> waitForEvent(json, id, path, context);
            default -> {
                context.add(path + ".type", "invalid_value", "must be action, branch, delay, loop, stop or "
                    + "wait_for_event");
                yield null;
            }
        };
    }

    private Definition.Step action(JsonNode json, String id, String path, ParseContext context, int depth) {
        String action = ParseContext.text(json, "action");
        ActionSchema schema = action == null ? null : actions.get(action);
        if (schema == null) {
            context.add(path + ".action", "unknown_action", "must be one of " + actions.keySet().stream().sorted()
                .toList());
        }
        JsonNode params = json.get("params");
        if (params != null && !params.isObject()) {
            context.add(path + ".params", "invalid_type", "must be an object");
        } else {
            if (params != null && context.saving) {
                TemplateVariables.check(params, path + ".params", context.actionIdsSoFar, context.carried,
                    context.loops > 0,
                    context.errors);
            }
            if (schema != null) {
                context.errors.addAll(context.saving
                    ? schema.checkSaved(params, path + ".params")
                    : schema.checkStored(params, path + ".params"));
            }
        }
        if (context.saving) {
            SaveChecks.queuedDelivery(action, json, path, context.errors);
        }
        Definition.Retry retry = context.retry(json, path);
        // From here on (its fallback included, which runs when it failed) the step's output can be referred to; the
        // fallback's own steps' only within it, as they run only when the step failed.
        if (id != null) {
            context.actionIdsSoFar.add(id);
        }
        var beforeFallback = Set.copyOf(context.actionIdsSoFar);
        var fallback = steps(json.get("fallback"), path + ".fallback", context, depth + 1, true);
        context.actionIdsSoFar.retainAll(beforeFallback);
        return new Definition.Step.Action(id, action, params, retry, fallback);
    }

    /**
     * A branch. A step after it may read the output of an action only if the action ran on every path that goes on
     * past the branch ({@link ParseContext#afterBranch}).
     */
    private Definition.Step branch(JsonNode json, String id, String path, ParseContext context, int depth) {
        var condition = json.has("if")
            ? condition(json.get("if"), path + ".if", context, 0)
            : missing(context, path + ".if");
        var before = Set.copyOf(context.actionIdsSoFar);
        var then = steps(json.get("then"), path + ".then", context, depth + 1, false);
        var afterThen = Set.copyOf(context.actionIdsSoFar);
        context.actionIdsSoFar.retainAll(before);
        var otherwise = steps(json.get("else"), path + ".else", context, depth + 1, true);
        context.afterBranch(then, afterThen, otherwise);
        return new Definition.Step.Branch(id, condition, then, otherwise);
    }

    private Definition.Step delay(JsonNode json, String id, String path, ParseContext context) {
        boolean hasDuration = json.has("duration");
        boolean hasUntil = json.has("until");
        if (hasDuration == hasUntil) {
            context.add(path + ".duration", "required", "give duration (P3D) or until (a context path)");
            return new Definition.Step.Delay(id, null, null);
        }
        if (hasDuration) {
            Duration duration = context.duration(ParseContext.text(json, "duration"), path + ".duration");
            if (duration != null && duration.compareTo(Definition.TEN_YEARS) > 0) {
                context.add(path + ".duration", "out_of_range", "must be at most ten years");
            }
            return new Definition.Step.Delay(id, duration, null);
        }
        String until = ParseContext.text(json, "until");
        if (field(until, path + ".until", context) && context.saving) {
            SaveChecks.delayUntil(until, path + ".until", context.carried, context.errors);
        }
        return new Definition.Step.Delay(id, null, until);
    }

    private Definition.Step waitForEvent(JsonNode json, String id, String path, ParseContext context) {
        String event = ParseContext.text(json, "event");
        if (event == null || !DottedNames.isEventType(event)) {
            context.add(path + ".event", "invalid_format", "must be an event type such as invoice.paid, of at most "
                + DottedNames.MAX_EVENT_TYPE + " characters");
        } else if (context.saving) {
            SaveChecks.eventType(event, path + ".event", context.errors);
        }
        String match = json.has("match") ? ParseContext.text(json, "match") : Definition.CancelOn.CUSTOMER;
        if (!Definition.CancelOn.isMatch(match)) {
            context.add(path + ".match", "invalid_value", "must be customer or a record the run's trigger is about: "
                + Definition.CancelOn.RECORDS.stream().sorted().toList());
        } else if (context.saving) {
            String matchPath = json.has("match") ? path + ".match" : path;
            String never = "the wait could never receive an event";
            if (SaveChecks.matched(match, matchPath, context.carried, never, context.errors)) {
                SaveChecks.matchedBy(event, match, matchPath, never, context.errors);
            }
        }
        Duration timeout = null;
        if (!json.has("timeout")) {
            context.add(path + ".timeout", "required", "how long to wait at most, such as P3D");
        } else {
            timeout = context.duration(ParseContext.text(json, "timeout"), path + ".timeout");
            if (timeout != null && timeout.compareTo(Definition.TEN_YEARS) > 0) {
                context.add(path + ".timeout", "out_of_range", "must be at most ten years");
            }
        }
        // From here on the step's output (received, event) can be referred to, as an action's can.
        if (id != null) {
            context.actionIdsSoFar.add(id);
        }
        return new Definition.Step.WaitForEvent(id, event, match, timeout);
    }

    private Definition.Step loop(JsonNode json, String id, String path, ParseContext context, int depth) {
        String over = ParseContext.text(json, "over");
        if (field(over, path + ".over", context) && context.saving) {
            SaveChecks.loopOver(over, path + ".over", context.carried, context.errors);
        }
        int max = json.has("max") ? context.wholeNumber(json.get("max")) : 0;
        if (max < 1 || max > MAX_LOOP) {
            context.add(path + ".max", "out_of_range", "a loop needs a bound: max between 1 and " + MAX_LOOP);
        }
        context.loops++;
        var before = Set.copyOf(context.actionIdsSoFar);
        try {
            return new Definition.Step.Loop(id, over, max, steps(json.get("steps"), path + ".steps", context,
                depth + 1, false));
        } finally {
            context.loops--;
            // Over an empty list its steps never run: a step after the loop cannot count on their output.
            context.actionIdsSoFar.retainAll(before);
        }
    }

    private Definition.Condition condition(JsonNode json, String path, ParseContext context, int depth) {
        if (json == null || !json.isObject()) {
            context.add(path, "invalid_type", "must be a condition object");
            return null;
        }
        if (depth > MAX_DEPTH) {
            context.add(path, "too_deep", "conditions may nest at most " + MAX_DEPTH + " levels");
            return null;
        }
        for (String group : List.of("all", "any")) {
            if (json.has(group)) {
                context.onlyFields(json, path, List.of(group), ONE_KIND_OF_CONDITION + ": put this one in " + group
                    + ", or beside it in an all group");
                JsonNode list = json.get(group);
                if (!list.isArray() || list.isEmpty()) {
                    context.add(path + "." + group, "invalid_type", "must be a non-empty list of conditions");
                    return null;
                }
                var conditions = new ArrayList<Definition.Condition>();
                for (int i = 0; i < list.size(); i++) {
                    conditions.add(condition(list.get(i), path + "." + group + "[" + i + "]", context, depth + 1));
                }
                return group.equals("all")
                    ? new Definition.Condition.All(conditions)
                    : new Definition.Condition.Any(conditions);
            }
        }
        if (json.has("not")) {
            context.onlyFields(json, path, List.of("not"), ONE_KIND_OF_CONDITION + ": put this one in not, or beside "
                + "it in an all group");
            return new Definition.Condition.Not(condition(json.get("not"), path + ".not", context, depth + 1));
        }
        context.onlyFields(json, path, "a condition", List.of("field", "op", "value"));
        String field = ParseContext.text(json, "field");
        if (field(field, path + ".field", context) && context.saving) {
            SaveChecks.conditionField(field, path + ".field", context.actionIdsSoFar, context.carried,
                context.loops > 0,
                context.errors);
        }
        String opName = ParseContext.text(json, "op");
        Definition.Operator op = null;
        try {
            op = Definition.Operator.valueOf(opName == null ? "" : opName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            context.add(path + ".op", "invalid_value", "must be one of eq, ne, gt, gte, lt, lte, contains, "
                + "not_contains, starts_with, in, not_in, exists, not_exists");
        }
        if (op != null && op.takesValue() && !json.has("value")) {
            context.add(path + ".value", "required", "is required for " + opName);
        }
        if (op != null && (op == Definition.Operator.IN || op == Definition.Operator.NOT_IN) && json.has("value")
            && !json.get("value").isArray()) {
            context.add(path + ".value", "invalid_type", "must be a list for " + opName);
        }
        if (op != null && field != null && context.saving) {
            SaveChecks.ordered(field, op, json.get("value"), path, context.errors);
        }
        return new Definition.Condition.Compare(field, op, json.get("value"));
    }

    /** Whether {@code field} is a path into the context; adds the error when it is not. */
    private static boolean field(String field, String path, ParseContext context) {
        boolean ok = field != null && DottedNames.isPath(field);
        if (!ok) {
            context.add(path, "invalid_format", "must be a path into the context such as invoice.amount, of at most "
                + DottedNames.MAX_PATH + " characters");
        }
        return ok;
    }

    private static Definition.Condition missing(ParseContext context, String path) {
        context.add(path, "required", "a branch needs an if condition");
        return null;
    }

}
