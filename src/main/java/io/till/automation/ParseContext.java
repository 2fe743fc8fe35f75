package io.till.automation;

import io.till.shared.FieldError;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** What one parse of a definition has found so far: every mistake with its path, and the step ids already used. */
final class ParseContext {

    /** Whether a definition is being saved (every check) or a saved version loaded to run (see parseSaved). */
    final boolean saving;
    final List<FieldError> errors = new ArrayList<>();
    final Set<String> stepIds = new HashSet<>();
    final Set<String> actionIdsSoFar = new HashSet<>();
    int steps;
    /** How many loops the step being read is inside: only a loop's steps have an item ({@code item}, {@code loop}). */
    int loops;
    /** What runs of the trigger read so far carry, null when that is open (see {@link CarriedObjects#of}). */
    CarriedObjects carried;

    ParseContext(boolean saving) {
        this.saving = saving;
    }

    void add(String field, String code, String message) {
        errors.add(new FieldError(field, code, message));
    }

    /**
     * After a branch, read with {@link #actionIdsSoFar} as it ends its {@code otherwise} way: the actions whose output
     * a step after it may read are those that ran on every way that goes on past it ({@code afterThen} at the end of
     * its {@code then} way). One read in the other way, or after the branch, would fail every run that went the way
     * without it ({@code template_error}), so it is refused at save. A way that stops ends there.
     */
    void afterBranch(List<Definition.Step> then, Set<String> afterThen, List<Definition.Step> otherwise) {
        var afterElse = Set.copyOf(actionIdsSoFar);
        actionIdsSoFar.clear();
        if (stops(then) && !stops(otherwise)) {
            actionIdsSoFar.addAll(afterElse);
            return;
        }
        actionIdsSoFar.addAll(afterThen);
        if (!stops(then) && !stops(otherwise)) {
            actionIdsSoFar.retainAll(afterElse);
        }
    }

    /** Whether every way through {@code steps} stops before their end. */
    private static boolean stops(List<Definition.Step> steps) {
        return steps.stream().anyMatch(step -> step instanceof Definition.Step.Stop
            || step instanceof Definition.Step.Branch branch && stops(branch.then()) && stops(branch.otherwise()));
    }

    /**
     * Refuses, when saving, each field of {@code json} that nothing reads, at its path: a typo ({@code retries} for
     * {@code retry}, {@code otherwise} for {@code else}) would otherwise be dropped without a word, and the automation
     * would not do what its definition says. A version stored before this was checked loads as it always did.
     * {@code known} is in the order the fields are told.
     */
    void onlyFields(JsonNode json, String path, String what, List<String> known) {
        onlyFields(json, path, known, "is not a field of " + what + (known.isEmpty()
            ? ""
            : ": its fields are " + listed(known)));
    }

    /** As {@link #onlyFields(JsonNode, String, String, List)}, each field told {@code message}. */
    void onlyFields(JsonNode json, String path, List<String> known, String message) {
        if (!saving || json == null || !json.isObject()) {
            return;
        }
        for (String field : json.propertyNames()) {
            if (!known.contains(field)) {
                add(path.isEmpty() ? field : path + "." + field, "unknown_field", message);
            }
        }
    }

    /** {@code a, b and c}. */
    private static String listed(List<String> words) {
        return words.size() == 1
            ? words.getFirst()
            : String.join(", ", words.subList(0, words.size() - 1)) + " and " + words.getLast();
    }

    /** What a duration that is not ISO-8601 is told: the API's and the JSON tab's words (the builder says its own). */
    static final String NOT_A_DURATION = "must be an ISO-8601 duration such as P3D or PT2H";

    /** What months, years and weeks are told: they are ISO-8601, but not a fixed length of time. */
    static final String NOT_CALENDAR = "must be days, hours, minutes or seconds (P30D, PT2H): months and years differ "
        + "in length, so P1M or P1Y is not a duration here; P1W is P7D";

    /** Whether {@code text} is an ISO-8601 period of weeks, months or years ({@code P1M}, {@code P1Y2M}, {@code P2W}). */
    private static boolean calendar(String text) {
        return text != null && text.matches("(?i)P(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T.*)?") && text.matches(
            "(?i)P[^T]*[YMW].*");
    }

    /** An ISO-8601 duration that must be positive; null (and the mistake added) otherwise. */
    Duration duration(String text, String path) {
        try {
            Duration duration = Duration.parse(text);
            if (duration.isNegative() || duration.isZero()) {
                add(path, "out_of_range", "must be positive");
                return null;
            }
            return duration;
        } catch (DateTimeParseException | NullPointerException e) {
            add(path, "invalid_format", calendar(text) ? NOT_CALENDAR : NOT_A_DURATION);
            return null;
        }
    }

    /** The time_zone of {@code json}, UTC when absent; null (and the mistake added) when unknown. */
    ZoneId zone(JsonNode json, String path) {
        String zone = text(json, "time_zone");
        if (zone == null) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            add(path, "invalid_value", "must be a time zone such as Europe/Paris");
            return null;
        }
    }

    /**
     * A whole number as JSON writes one ({@code 3}, not {@code 2.7} or {@code "3"}), or 0 (out of every range) when it
     * is not one. A version saved before this was checked loads as it always did.
     */
    int wholeNumber(JsonNode node) {
        if (!saving) {
            return node.asInt(0);
        }
        return node.isInt() ? node.intValue() : 0;
    }

    /** The string at {@code field}, or null when it is absent or not a string. */
    static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || !value.isString() ? null : value.asString();
    }

    /** An action's retry policy: the default when it has none; every bad field reported at its path. */
    Definition.Retry retry(JsonNode json, String path) {
        Definition.Retry retry = Definition.Retry.DEFAULT;
        if (json.has("retry") && !json.get("retry").isNull() && !json.get("retry").isObject() && saving) {
            add(path + ".retry", "invalid_type", "must be {\"attempts\": 3, \"backoff\": \"PT1M\", "
                + "\"cap\": \"PT1H\"} (each optional)");
        } else if (json.has("retry")) {
            JsonNode r = json.get("retry");
            onlyFields(r, path + ".retry", "retry", List.of("attempts", "backoff", "cap"));
            // 0 for what is not a whole number in int range: out of range, never an exception.
            int attempts = r.has("attempts") ? wholeNumber(r.get("attempts")) : retry.attempts();
            if (attempts < 1 || attempts > 20) {
                add(path + ".retry.attempts", "out_of_range", "must be between 1 and 20");
            }
            Duration backoff = r.has("backoff")
                ? duration(ParseContext.text(r, "backoff"), path + ".retry.backoff")
                : retry.backoff();
            // Left out, the longest pause is the default's or the first pause, whichever is longer: a first pause of a
            // day with no longest pause waited at most the default's hour, and every try was made within hours.
            Duration cap = r.has("cap")
                ? duration(ParseContext.text(r, "cap"), path + ".retry.cap")
                : backoff != null && backoff.compareTo(retry.cap()) > 0 ? backoff : retry.cap();
            if (r.has("cap") && cap != null && backoff != null && cap.compareTo(backoff) < 0 && saving) {
                add(path + ".retry.cap", "out_of_range", "must be at least the first pause (backoff)");
            }
            if (r.has("backoff") && backoff != null && backoff.compareTo(Definition.TEN_YEARS) > 0) {
                add(path + ".retry.backoff", "out_of_range", "must be at most ten years");
            }
            if (r.has("cap") && cap != null && cap.compareTo(Definition.TEN_YEARS) > 0) {
                add(path + ".retry.cap", "out_of_range", "must be at most ten years");
            }
            retry = new Definition.Retry(attempts, backoff, cap);
        }
        return retry;
    }
}
