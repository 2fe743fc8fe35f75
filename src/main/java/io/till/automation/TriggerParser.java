package io.till.automation;

import io.till.automation.engine.Schedules;
import io.till.event.EventType;
import io.till.shared.DottedNames;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.scheduling.support.CronExpression;
import tools.jackson.databind.JsonNode;

/**
 * Reads what decides when an automation runs: its trigger (event, schedule or manual), cancel_on, limit and
 * concurrency. Part of {@link DefinitionParser}; every mistake goes to the shared {@link ParseContext}.
 */
final class TriggerParser {

    static final int MAX_CANCEL_ON = 20;
    static final int MAX_LIMIT_RUNS = 1000;
    /** The most days ahead an upcoming trigger may ask for: a year. */
    static final int MAX_DAYS_BEFORE = 366;
    /** Where a cron expression is asked for its next time when read: one that has none after it never comes. */
    private static final java.time.Instant NEVER_BEFORE = java.time.Instant.parse("2000-01-01T00:00:00Z");
    static final Set<String> CALENDAR_DAYS = Set.of("first_day_of_month", "last_day_of_month", "monday",
        "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday");

    /** What a schedule's field that is not its own is told. */
    private static final String ONE_SCHEDULE = "is not a field of this schedule: a schedule is every (with "
        + "time_zone), cron (with time_zone) or calendar (with at and time_zone), one of them";

    private TriggerParser() {}

    /** {@code "concurrency": "customer"} (or a record, {@code "invoice"}): one run per key at a time. */
    static String concurrency(JsonNode json, ParseContext context) {
        if (json == null || json.isNull()) {
            return null;
        }
        String key = json.isString() ? json.asString() : null;
        if (!Definition.CancelOn.isMatch(key)) {
            context.add("concurrency", "invalid_value", "one run at a time per customer, or per record: customer or "
                + "one of " + Definition.CancelOn.RECORDS.stream().sorted().toList());
            return null;
        }
        if (context.saving) {
            SaveChecks.matched(key, "concurrency", context.carried, "runs could never be one at a time per "
                + key.replace('_', ' '), context.errors);
        }
        return key;
    }

    /** {@code "limit": {"runs": 1, "per": "P30D"}}: at most one run per customer in any 30 days. */
    static Definition.Limit limit(JsonNode json, ParseContext context) {
        if (json == null || json.isNull()) {
            return null;
        }
        if (!json.isObject()) {
            context.add("limit", "invalid_type", "must be {\"runs\": 1, \"per\": \"P30D\"}");
            return null;
        }
        context.onlyFields(json, "limit", "a limit", List.of("runs", "per"));
        int runs = json.has("runs") ? context.wholeNumber(json.get("runs")) : 0;
        if (runs < 1 || runs > MAX_LIMIT_RUNS) {
            context.add("limit.runs", "out_of_range", "how many runs per customer at most: between 1 and "
                + MAX_LIMIT_RUNS);
        }
        Duration per = null;
        if (!json.has("per")) {
            context.add("limit.per", "required", "the period the runs are counted in, such as P30D");
        } else {
            per = context.duration(ParseContext.text(json, "per"), "limit.per");
            if (per != null && (per.compareTo(Duration.ofMinutes(1)) < 0 || per.compareTo(Definition.TEN_YEARS) > 0)) {
                context.add("limit.per", "out_of_range", "must be between one minute and ten years");
            }
        }
        if (context.saving) {
            SaveChecks.perCustomer(context.carried, context.errors);
        }
        return new Definition.Limit(runs, per);
    }

    /**
     * {@code "cancel_on": [{"event": "invoice.paid", "match": "invoice"}, "subscription.canceled"]}: a bare event type
     * matches on the customer.
     */
    static List<Definition.CancelOn> cancelOn(JsonNode json, ParseContext context) {
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
            String event = entry.isString()
                ? entry.asString()
                : entry.isObject() ? ParseContext.text(entry, "event") : null;
            String match = entry.isObject() && entry.has("match")
                ? ParseContext.text(entry, "match")
                : Definition.CancelOn.CUSTOMER;
            String eventPath = entry.isString() ? path : path + ".event";
            context.onlyFields(entry, path, "a cancel_on entry", List.of("event", "match"));
            if (event == null || !DottedNames.isEventType(event)) {
                context.add(eventPath, "invalid_format", "must be an event type such as invoice.paid, of at most "
                    + DottedNames.MAX_EVENT_TYPE + " characters");
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
            if (context.saving) {
                String matchPath = entry.isObject() && entry.has("match") ? path + ".match" : path;
                String never = "this cancel_on could never end a run";
                if (SaveChecks.matched(match, matchPath, context.carried, never, context.errors)) {
                    SaveChecks.matchedBy(event, match, matchPath, never, context.errors);
                }
            }
            cancels.add(new Definition.CancelOn(event, match));
        }
        return List.copyOf(cancels);
    }

    static Definition.Trigger trigger(JsonNode json, ParseContext context) {
        if (json == null || !json.isObject()) {
            context.add("trigger", "required", "is required: {\"type\": \"event\" | \"schedule\" | \"manual\", …}");
            return null;
        }
        String type = ParseContext.text(json, "type");
        switch (type == null ? "" : type) {
            case "event" -> {
                context.onlyFields(json, "trigger", "an event trigger", List.of("type", "event", "scope",
                    "days_before"));
                String event = ParseContext.text(json, "event");
                if (event == null || !DottedNames.isEventType(event)) {
                    context.add("trigger.event", "invalid_format",
                        "must be an event type such as payment.failed, of at most "
                            + DottedNames.MAX_EVENT_TYPE + " characters");
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
                context.onlyFields(json, "trigger", "a manual trigger", List.of("type"));
                return new Definition.Trigger.Manual();
            }
            default -> {
                context.add("trigger.type", "invalid_value", "must be event, schedule or manual");
                return null;
            }
        }
    }

    /** {@code days_before} of an upcoming trigger: how many days ahead of the renewal, trial end, … it runs. */
    static Integer daysBefore(JsonNode json, String event, ParseContext context) {
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
                    .collect(Collectors.joining(", ")));
        }
        return days.asInt();
    }

    static Definition.Schedule schedule(JsonNode json, ParseContext context) {
        ZoneId zone = context.zone(json, "trigger.time_zone");
        if (json.has("every")) {
            context.onlyFields(json, "trigger", List.of("type", "every", "time_zone"), ONE_SCHEDULE);
            Duration every = context.duration(ParseContext.text(json, "every"), "trigger.every");
            if (every != null
                && (every.compareTo(Duration.ofMinutes(1)) < 0 || every.compareTo(Definition.TEN_YEARS) > 0)) {
                context.add("trigger.every", "out_of_range", "must be between one minute and ten years");
            }
            return new Definition.Schedule.Every(every, zone);
        }
        if (json.has("cron")) {
            context.onlyFields(json, "trigger", List.of("type", "cron", "time_zone"), ONE_SCHEDULE);
            String cron = ParseContext.text(json, "cron");
            if (cron == null || cron.trim().split("\\s+").length != 5
                || !CronExpression.isValidExpression("0 " + cron)) {
                context.add("trigger.cron", "invalid_format", "must be a five-field cron expression such as "
                    + "\"0 9 * * MON-FRI\" (minute hour day month weekday)");
            } else if (neverFires(cron)) {
                context.add("trigger.cron", "out_of_range", "never comes: no day matches it (such as 30 February)");
            }
            return new Definition.Schedule.Cron(cron, zone);
        }
        if (json.has("calendar")) {
            context.onlyFields(json, "trigger", List.of("type", "calendar", "at", "time_zone"), ONE_SCHEDULE);
            String day = ParseContext.text(json, "calendar");
            if (day == null || !CALENDAR_DAYS.contains(day)) {
                context.add("trigger.calendar", "invalid_value", "must be one of " + CALENDAR_DAYS);
            }
            LocalTime at = LocalTime.MIDNIGHT;
            if (json.has("at")) {
                try {
                    at = LocalTime.parse(ParseContext.text(json, "at"));
                } catch (DateTimeParseException | NullPointerException e) {
                    context.add("trigger.at", "invalid_format", "must be a time of day such as 09:00");
                }
            }
            return new Definition.Schedule.Calendar(day, at, zone);
        }
        context.add("trigger", "required", "a schedule needs every, cron or calendar");
        return null;
    }

    /** Whether a (valid) cron expression names no time that ever comes, read as the engine reads it. */
    private static boolean neverFires(String cron) {
        try {
            Schedules.next(new Definition.Schedule.Cron(cron, java.time.ZoneOffset.UTC), NEVER_BEFORE, NEVER_BEFORE);
            return false;
        } catch (IllegalStateException never) {
            return true;
        }
    }
}
