package io.till.automation;

import io.till.action.ActionSchema;
import io.till.event.EventType;
import io.till.shared.FieldError;
import io.till.shared.TillException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.scheduling.support.CronExpression;
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
    static final int MAX_CANCEL_ON = 20;
    static final int MAX_LIMIT_RUNS = 1000;
    /** A definition is a program, not a data store: 256 KiB of JSON holds the largest sensible one many times over. */
    static final int MAX_CHARS = 256 * 1024;
    private static final Pattern STEP_ID = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final Pattern EVENT_TYPE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");
    static final Set<String> CALENDAR_DAYS = Set.of("first_day_of_month", "last_day_of_month", "monday",
        "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday");
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
        var context = new Context(saving);
        if (json != null && json.toString().length() > MAX_CHARS) {
            context.add("body", "too_large", "a definition is at most " + MAX_CHARS / 1024 + " KiB of JSON");
            throw TillException.invalid(context.errors);
        }
        Definition definition = read(json, context);
        if (!context.errors.isEmpty()) {
            throw TillException.invalid(context.errors);
        }
        return definition;
    }

    private static final class Context {
        final boolean saving;
        final List<FieldError> errors = new ArrayList<>();
        final Set<String> stepIds = new HashSet<>();
        final Set<String> actionIdsSoFar = new HashSet<>();
        int steps;

        Context(boolean saving) {
            this.saving = saving;
        }

        void add(String field, String code, String message) {
            errors.add(new FieldError(field, code, message));
        }
    }

    private Definition read(JsonNode json, Context context) {
        if (json == null || !json.isObject()) {
            context.add("body", "invalid_type", "must be a JSON object");
            return null;
        }
        String name = text(json, "name");
        if (name == null || name.isBlank() || name.length() > 200) {
            context.add("name", "required", "is required, at most 200 characters");
        }
        Definition.Trigger trigger = trigger(json.get("trigger"), context);
        Definition.Condition conditions = json.has("conditions") && !json.get("conditions").isNull()
            ? condition(json.get("conditions"), "conditions", context, 0)
            : null;
        List<Definition.Step> steps = steps(json.get("steps"), "steps", context, 0, false);
        return new Definition(name, trigger, conditions, steps, cancelOn(json.get("cancel_on"), context),
            limit(json.get("limit"), context), concurrency(json.get("concurrency"), context));
    }

    /** {@code "concurrency": "customer"} (or a record, {@code "invoice"}): one run per key at a time. */
    private static String concurrency(JsonNode json, Context context) {
        if (json == null || json.isNull()) {
            return null;
        }
        String key = json.isString() ? json.asString() : null;
        if (!Definition.CancelOn.isMatch(key)) {
            context.add("concurrency", "invalid_value", "one run at a time per customer, or per record: customer or "
                + "one of " + Definition.CancelOn.RECORDS.stream().sorted().toList());
            return null;
        }
        return key;
    }

    /** {@code "limit": {"runs": 1, "per": "P30D"}}: at most one run per customer in any 30 days. */
    private Definition.Limit limit(JsonNode json, Context context) {
        if (json == null || json.isNull()) {
            return null;
        }
        if (!json.isObject()) {
            context.add("limit", "invalid_type", "must be {\"runs\": 1, \"per\": \"P30D\"}");
            return null;
        }
        int runs = json.has("runs") ? json.get("runs").asInt(0) : 0;
        if (runs < 1 || runs > MAX_LIMIT_RUNS) {
            context.add("limit.runs", "out_of_range", "how many runs per customer at most: between 1 and "
                + MAX_LIMIT_RUNS);
        }
        Duration per = null;
        if (!json.has("per")) {
            context.add("limit.per", "required", "the period the runs are counted in, such as P30D");
        } else {
            per = duration(text(json, "per"), "limit.per", context);
            if (per != null && (per.compareTo(Duration.ofMinutes(1)) < 0 || per.compareTo(Duration.ofDays(3650)) > 0)) {
                context.add("limit.per", "out_of_range", "must be between one minute and ten years");
            }
        }
        return new Definition.Limit(runs, per);
    }

    /**
     * {@code "cancel_on": [{"event": "invoice.paid", "match": "invoice"}, "subscription.canceled"]}: a bare event type
     * matches on the customer.
     */
    private List<Definition.CancelOn> cancelOn(JsonNode json, Context context) {
        if (json == null || json.isNull()) {
            return List.of();
        }
        if (!json.isArray() || json.size() > MAX_CANCEL_ON) {
            context.add("cancel_on", "invalid_type", "must be a list of at most " + MAX_CANCEL_ON + " events, such as "
                + "[{\"event\": \"invoice.paid\", \"match\": \"invoice\"}]");
            return List.of();
        }
        var cancels = new ArrayList<Definition.CancelOn>();
        var seen = new HashSet<String>();
        for (int i = 0; i < json.size(); i++) {
            String path = "cancel_on[" + i + "]";
            JsonNode entry = json.get(i);
            String event = entry.isString() ? entry.asString() : entry.isObject() ? text(entry, "event") : null;
            String match = entry.isObject() && entry.has("match")
                ? text(entry, "match")
                : Definition.CancelOn.CUSTOMER;
            String eventPath = entry.isString() ? path : path + ".event";
            if (event == null || !EVENT_TYPE.matcher(event).matches()) {
                context.add(eventPath, "invalid_format", "must be an event type such as invoice.paid");
                continue;
            }
            if (context.saving) {
                SaveChecks.eventType(event, eventPath, context.errors);
            }
            if (!Definition.CancelOn.isMatch(match)) {
                context.add(path + ".match", "invalid_value", "must be customer or a record both events are about: "
                    + Definition.CancelOn.RECORDS.stream().sorted().toList());
                continue;
            }
            if (!seen.add(event)) {
                context.add(eventPath, "duplicate", event + " is listed twice");
                continue;
            }
            cancels.add(new Definition.CancelOn(event, match));
        }
        return List.copyOf(cancels);
    }

    private Definition.Trigger trigger(JsonNode json, Context context) {
        if (json == null || !json.isObject()) {
            context.add("trigger", "required", "is required: {\"type\": \"event\" | \"schedule\" | \"manual\", …}");
            return null;
        }
        String type = text(json, "type");
        switch (type == null ? "" : type) {
            case "event" -> {
                String event = text(json, "event");
                if (event == null || !EVENT_TYPE.matcher(event).matches()) {
                    context.add("trigger.event", "invalid_format", "must be an event type such as payment.failed");
                } else if (context.saving) {
                    SaveChecks.eventType(event, context.errors);
                }
                var scope = new LinkedHashMap<String, String>();
                if (json.has("scope") && json.get("scope").isObject()) {
                    for (var entry : json.get("scope").properties()) {
                        if (ScopeKey.of(entry.getKey()).isEmpty() || !entry.getValue().isString()) {
                            context.add("trigger.scope." + entry.getKey(), "invalid", "scope by one of "
                                + ScopeKey.keys());
                        } else {
                            scope.put(entry.getKey(), entry.getValue().asString());
                            if (context.saving) {
                                SaveChecks.scope(event, entry.getKey(), context.errors);
                            }
                        }
                    }
                }
                return new Definition.Trigger.OnEvent(event, scope, daysBefore(json, event, context));
            }
            case "schedule" -> {
                return new Definition.Trigger.OnSchedule(schedule(json, context));
            }
            case "manual" -> {
                return new Definition.Trigger.Manual();
            }
            default -> {
                context.add("trigger.type", "invalid_value", "must be event, schedule or manual");
                return null;
            }
        }
    }

    /** The most days ahead an upcoming trigger may ask for: a year. */
    static final int MAX_DAYS_BEFORE = 366;

    /** {@code days_before} of an upcoming trigger: how many days ahead of the renewal, trial end, … it runs. */
    private static Integer daysBefore(JsonNode json, String event, Context context) {
        JsonNode days = json.get("days_before");
        if (days == null || days.isNull()) {
            return null;
        }
        if (!days.isIntegralNumber() || days.asLong() < 1 || days.asLong() > MAX_DAYS_BEFORE) {
            // A version stored before days_before existed may carry anything there: it loads as the standard notice,
            // so that it never stops the matching of its event type.
            if (context.saving) {
                context.add("trigger.days_before", "out_of_range", "must be a whole number of days from 1 to "
                    + MAX_DAYS_BEFORE);
            }
            return null;
        }
        if (context.saving && event != null && !EventType.of(event).map(EventType::isUpcoming).orElse(false)) {
            context.add("trigger.days_before", "not_upcoming", event + " is not announced ahead of time; days_before "
                + "applies to " + Arrays.stream(EventType.values()).filter(EventType::isUpcoming).map(EventType::type)
                    .collect(java.util.stream.Collectors.joining(", ")));
        }
        return days.asInt();
    }

    private Definition.Schedule schedule(JsonNode json, Context context) {
        ZoneId zone = zone(json, "trigger.time_zone", context);
        if (json.has("every")) {
            Duration every = duration(text(json, "every"), "trigger.every", context);
            if (every != null && every.compareTo(Duration.ofMinutes(1)) < 0) {
                context.add("trigger.every", "out_of_range", "must be at least one minute (PT1M)");
            }
            return new Definition.Schedule.Every(every);
        }
        if (json.has("cron")) {
            String cron = text(json, "cron");
            if (cron == null || cron.trim().split("\\s+").length != 5
                || !CronExpression.isValidExpression("0 " + cron)) {
                context.add("trigger.cron", "invalid_format", "must be a five-field cron expression such as "
                    + "\"0 9 * * MON-FRI\" (minute hour day month weekday)");
            }
            return new Definition.Schedule.Cron(cron, zone);
        }
        if (json.has("calendar")) {
            String day = text(json, "calendar");
            if (day == null || !CALENDAR_DAYS.contains(day)) {
                context.add("trigger.calendar", "invalid_value", "must be one of " + CALENDAR_DAYS);
            }
            LocalTime at = LocalTime.MIDNIGHT;
            if (json.has("at")) {
                try {
                    at = LocalTime.parse(text(json, "at"));
                } catch (DateTimeParseException | NullPointerException e) {
                    context.add("trigger.at", "invalid_format", "must be a time of day such as 09:00");
                }
            }
            return new Definition.Schedule.Calendar(day, at, zone);
        }
        context.add("trigger", "required", "a schedule needs every, cron or calendar");
        return null;
    }

    private List<Definition.Step> steps(JsonNode json, String path, Context context, int depth, boolean optional) {
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

    private Definition.Step step(JsonNode json, String path, Context context, int depth) {
        if (json == null || !json.isObject()) {
            context.add(path, "invalid_type", "must be a step object");
            return null;
        }
        String id = text(json, "id");
        if (id == null || !STEP_ID.matcher(id).matches()) {
            context.add(path + ".id", "invalid_format", "must be a lower-case name such as send_reminder");
        } else if (!context.stepIds.add(id)) {
            context.add(path + ".id", "duplicate", "another step is already called " + id);
        }
        String type = text(json, "type");
        return switch (type == null ? "" : type) {
            case "action" -> action(json, id, path, context, depth);
            case "branch" -> new Definition.Step.Branch(id, json.has("if")
                ? condition(json.get("if"), path + ".if", context, 0)
                : missing(context, path + ".if"), steps(json.get("then"), path + ".then", context, depth + 1, false),
                steps(json.get("else"), path + ".else", context, depth + 1, true));
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

    private Definition.Step action(JsonNode json, String id, String path, Context context, int depth) {
        String action = text(json, "action");
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
                TemplateVariables.check(params, path + ".params", context.actionIdsSoFar, context.errors);
            }
            if (schema != null) {
                context.errors.addAll(schema.checkSaved(params, path + ".params"));
            }
        }
        Definition.Retry retry = Definition.Retry.DEFAULT;
        if (json.has("retry")) {
            JsonNode r = json.get("retry");
            // asInt(0): a number out of int range (or not a number) is out of range, never an exception.
            int attempts = r.has("attempts") ? r.get("attempts").asInt(0) : retry.attempts();
            if (attempts < 1 || attempts > 20) {
                context.add(path + ".retry.attempts", "out_of_range", "must be between 1 and 20");
            }
            Duration backoff = r.has("backoff")
                ? duration(text(r, "backoff"), path + ".retry.backoff", context)
                : retry.backoff();
            Duration cap = r.has("cap") ? duration(text(r, "cap"), path + ".retry.cap", context) : retry.cap();
            retry = new Definition.Retry(attempts, backoff, cap);
        }
        // From here on (its fallback included, which runs when it failed) the step's output can be referred to.
        if (id != null) {
            context.actionIdsSoFar.add(id);
        }
        var fallback = steps(json.get("fallback"), path + ".fallback", context, depth + 1, true);
        return new Definition.Step.Action(id, action, params, retry, fallback);
    }

    private Definition.Step delay(JsonNode json, String id, String path, Context context) {
        boolean hasDuration = json.has("duration");
        boolean hasUntil = json.has("until");
        if (hasDuration == hasUntil) {
            context.add(path + ".duration", "required", "give duration (P3D) or until (a context path)");
            return new Definition.Step.Delay(id, null, null);
        }
        if (hasDuration) {
            Duration duration = duration(text(json, "duration"), path + ".duration", context);
            if (duration != null && duration.compareTo(Duration.ofDays(3650)) > 0) {
                context.add(path + ".duration", "out_of_range", "must be at most ten years");
            }
            return new Definition.Step.Delay(id, duration, null);
        }
        String until = text(json, "until");
        field(until, path + ".until", context);
        return new Definition.Step.Delay(id, null, until);
    }

    private Definition.Step waitForEvent(JsonNode json, String id, String path, Context context) {
        String event = text(json, "event");
        if (event == null || !EVENT_TYPE.matcher(event).matches()) {
            context.add(path + ".event", "invalid_format", "must be an event type such as invoice.paid");
        } else if (context.saving) {
            SaveChecks.eventType(event, path + ".event", context.errors);
        }
        String match = json.has("match") ? text(json, "match") : Definition.CancelOn.CUSTOMER;
        if (!Definition.CancelOn.isMatch(match)) {
            context.add(path + ".match", "invalid_value", "must be customer or a record the run's trigger is about: "
                + Definition.CancelOn.RECORDS.stream().sorted().toList());
        }
        Duration timeout = null;
        if (!json.has("timeout")) {
            context.add(path + ".timeout", "required", "how long to wait at most, such as P3D");
        } else {
            timeout = duration(text(json, "timeout"), path + ".timeout", context);
            if (timeout != null && timeout.compareTo(Duration.ofDays(3650)) > 0) {
                context.add(path + ".timeout", "out_of_range", "must be at most ten years");
            }
        }
        // From here on the step's output (received, event) can be referred to, as an action's can.
        if (id != null) {
            context.actionIdsSoFar.add(id);
        }
        return new Definition.Step.WaitForEvent(id, event, match, timeout);
    }

    private Definition.Step loop(JsonNode json, String id, String path, Context context, int depth) {
        String over = text(json, "over");
        field(over, path + ".over", context);
        int max = json.has("max") ? json.get("max").asInt(0) : 0;
        if (max < 1 || max > MAX_LOOP) {
            context.add(path + ".max", "out_of_range", "a loop needs a bound: max between 1 and " + MAX_LOOP);
        }
        return new Definition.Step.Loop(id, over, max, steps(json.get("steps"), path + ".steps", context, depth + 1,
            false));
    }

    private Definition.Condition condition(JsonNode json, String path, Context context, int depth) {
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
            return new Definition.Condition.Not(condition(json.get("not"), path + ".not", context, depth + 1));
        }
        String field = text(json, "field");
        if (field(field, path + ".field", context) && context.saving) {
            SaveChecks.conditionField(field, path + ".field", context.actionIdsSoFar, context.errors);
        }
        String opName = text(json, "op");
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
        return new Definition.Condition.Compare(field, op, json.get("value"));
    }

    /** Whether {@code field} is a path into the context; adds the error when it is not. */
    private static boolean field(String field, String path, Context context) {
        boolean ok = field != null && field.matches("[a-z_][a-z0-9_]*(\\.[a-z0-9_]+)*");
        if (!ok) {
            context.add(path, "invalid_format", "must be a path into the context such as invoice.amount");
        }
        return ok;
    }

    private static Duration duration(String text, String path, Context context) {
        try {
            Duration duration = Duration.parse(text);
            if (duration.isNegative() || duration.isZero()) {
                context.add(path, "out_of_range", "must be positive");
                return null;
            }
            return duration;
        } catch (DateTimeParseException | NullPointerException e) {
            context.add(path, "invalid_format", "must be an ISO-8601 duration such as P3D or PT2H");
            return null;
        }
    }

    private static ZoneId zone(JsonNode json, String path, Context context) {
        String zone = text(json, "time_zone");
        if (zone == null) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            context.add(path, "invalid_value", "must be a time zone such as Europe/Paris");
            return null;
        }
    }

    private static Definition.Condition missing(Context context, String path) {
        context.add(path, "required", "a branch needs an if condition");
        return null;
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || !value.isString() ? null : value.asString();
    }

}
