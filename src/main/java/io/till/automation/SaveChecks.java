package io.till.automation;

import io.till.event.EventType;
import io.till.shared.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The save-time checks of what can never run: an event Till does not raise under its own prefixes, a scope key the
 * event never carries, a cancel_on, wait or concurrency matched on what the runs or the other event never hold, a
 * condition field its context can never hold, a delay until what is never a time, a loop over what is never a list.
 * Save-only ({@link DefinitionParser#parseSaved}
 * skips them), so that a version saved before a check grew stricter still matches its events.
 */
final class SaveChecks {

    private SaveChecks() {}

    static void eventType(String event, List<FieldError> errors) {
        eventType(event, "trigger.event", errors);
    }

    static void eventType(String event, String field, List<FieldError> errors) {
        if (event != null && EventType.isReserved(event) && EventType.of(event).isEmpty()) {
            String prefix = event.substring(0, event.indexOf('.') + 1);
            var near = EventType.startingWith(prefix);
            errors.add(new FieldError(field, "unknown_event", event + " is not an event Till raises"
                + (near.isEmpty() ? "" : ": " + String.join(", ", near) + " are") + "; a custom event needs a prefix "
                + "of its own, such as acme."));
        }
    }

    /**
     * {@code send_webhook} is done once its delivery is queued, and the delivery then retries on its own for about
     * three days: a step retry or fallback could only ever cover a webhook that cannot be queued at all, never a
     * receiver that fails, which is what anyone who writes one expects (findings B §3).
     */
    static void queuedDelivery(String action, JsonNode step, String path, List<FieldError> errors) {
        if (!"send_webhook".equals(action)) {
            return;
        }
        if (step.hasNonNull("retry")) {
            errors.add(new FieldError(path + ".retry", "never_runs", "send_webhook is done once its delivery is "
                + "queued, and the delivery is retried on its own for about three days (5 s up to 24 h apart) until "
                + "the receiver answers 2xx; each attempt shows at the step's output.delivery_url. Remove retry"));
        }
        if (step.hasNonNull("fallback") && !step.get("fallback").isEmpty()) {
            errors.add(new FieldError(path + ".fallback", "never_runs", "send_webhook is done once its delivery is "
                + "queued, so a fallback would not run when the receiver fails, and Till raises no event when a "
                + "delivery gives up. Remove fallback; to act when the receiver does not take it, have the receiver "
                + "post an event (POST /api/v1/events) and follow this step with a wait_for_event with a timeout and a "
                + "branch on its output.received"));
        }
    }

    static void scope(String event, String key, List<FieldError> errors) {
        ScopeKey kind = ScopeKey.of(key).orElse(null);
        if (event != null && kind != null && kind.places(event).isEmpty()) {
            errors.add(new FieldError("trigger.scope." + key, "not_carried", event + " is never about " + kind.noun
                + ", so this scope could never match"));
        }
    }

    /**
     * A cancel_on, wait_for_event or concurrency that matches on the customer or a record ({@code match}) in runs
     * that never hold it: a match compares the run's trigger's {@code data.<record>.id} (and its customer) with the
     * other event's, so it could never match, and the automation would silently not do what it says. Returns whether
     * the runs may hold it.
     */
    static boolean matched(String match, String path, CarriedObjects carried, String never,
        List<FieldError> errors) {
        if (carried == null) {
            return true;
        }
        String record = Definition.CancelOn.recordOf(match);
        String reason = !carried.customer()
            ? "the runs of this automation are about no customer"
            : record != null && !carried.objects().contains(record)
                ? record + " is never in the runs of this automation"
                : null;
        if (reason != null) {
            errors.add(new FieldError(path, "not_carried", reason + ", so " + never + ": " + carried.carried()));
        }
        return reason == null;
    }

    /**
     * A limit counts each customer's runs, so in runs about no customer (a schedule's, or an event's about none) it
     * would never hold one back.
     */
    static void perCustomer(CarriedObjects carried, List<FieldError> errors) {
        if (carried != null && !carried.customer()) {
            errors.add(new FieldError("limit", "not_carried", "the runs of this automation are about no customer, so "
                + "this limit could never hold back a run, for it counts runs per customer: " + carried.carried()));
        }
    }

    /**
     * The other side of a match: the event that cancels or is waited for, when it is one of Till's own that never
     * carries the record (or is about no customer). A custom event carries whatever data it is given.
     */
    static void matchedBy(String event, String match, String path, String never, List<FieldError> errors) {
        var other = event == null ? null : CarriedObjects.of(new Definition.Trigger.OnEvent(event, Map.of()));
        if (other == null) {
            return;
        }
        String record = Definition.CancelOn.recordOf(match);
        if (!other.customer()) {
            errors.add(new FieldError(path, "not_carried", event + " is about no customer, so " + never));
        } else if (record != null && !other.objects().contains(record)) {
            var names = new ArrayList<>(List.of(Definition.CancelOn.CUSTOMER));
            other.objects().stream().filter(Definition.CancelOn.RECORDS::contains).forEach(names::add);
            errors.add(new FieldError(path, "not_carried", event + " never carries " + record + ", so " + never
                + ": match " + (names.size() == 1
                    ? names.getFirst()
                    : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast())));
        }
    }

    static void conditionField(String field, String path, Set<String> actionIdsSoFar, CarriedObjects carried,
        boolean inLoop, List<FieldError> errors) {
        if (field == null) {
            return;
        }
        String absent = CarriedObjects.absent(carried, field);
        if (absent != null) {
            errors.add(new FieldError(path, "unknown_field", field + " is never in the context of this automation: "
                + absent));
            return;
        }
        String[] parts = field.split("\\.");
        Set<String> known = RecordFields.of(parts[0]);
        boolean unknown = known != null
            ? parts.length > 1 && !known.contains(parts[1]) && !isFormattedTwin(parts[1], known)
            : TemplateVariables.problem(field, actionIdsSoFar, carried, inLoop) != null;
        if (unknown) {
            errors.add(new FieldError(path, "unknown_field", field + " is never in the context of this "
                + "automation"));
        }
    }

    /**
     * A delay's until, when the context's types say it is never a time. A field they do not know is left to the run: a
     * custom event's data may hold an object of a record's name that Till does not read fresh.
     */
    static void delayUntil(String field, String path, CarriedObjects carried, List<FieldError> errors) {
        String absent = CarriedObjects.absent(carried, field);
        if (absent != null) {
            errors.add(new FieldError(path, "unknown_field", field + " is never in the context of this automation, so "
                + "the delay could never end on it: " + absent));
            return;
        }
        var kind = ValueKind.of(field);
        if (kind.isPresent() && kind.get() != ValueKind.TIME) {
            errors.add(new FieldError(path, "not_a_time", field + " is never a time, so the delay could never "
                + "end on it: give a moment such as subscription.current_period_end or invoice.due_at, or a duration"));
        }
    }

    /** A loop's over, when the context's types say it is never a list; as {@link #delayUntil}, else left to the run. */
    static void loopOver(String field, String path, CarriedObjects carried, List<FieldError> errors) {
        String absent = CarriedObjects.absent(carried, field);
        if (absent != null) {
            errors.add(new FieldError(path, "unknown_field", field + " is never in the context of this automation, so "
                + "the loop would run zero times: " + absent));
            return;
        }
        var kind = ValueKind.of(field);
        if (kind.isPresent() && kind.get() != ValueKind.LIST) {
            errors.add(new FieldError(path, "not_a_list", field + " is never a list, so the loop would run zero "
                + "times: give a list such as customer.tags or order.items"));
        }
    }

    /**
     * {@code amount_due_formatted}, {@code current_period_end_formatted}: the context adds one beside each amount and
     * each moment ({@link ExecutionContexts}).
     */
    static boolean isFormattedTwin(String name, Set<String> known) {
        String field = name.endsWith("_formatted") ? name.substring(0, name.length() - "_formatted".length()) : "";
        return known.contains(field) && (ExecutionContexts.MONEY.contains(field) || RecordFields.MOMENTS.contains(
            field));
    }

    /**
     * An order comparison ({@code gt}, {@code lt}, …) compares numbers, or times written in ISO-8601; anything else by
     * its characters, which for what a reader writes is never what was meant: "$100.00" comes before "$50.00", and
     * "June 1, 2026" after every ISO time. Refused, saying what to compare instead.
     */
    static void ordered(String field, Definition.Operator op, JsonNode value, String path, List<FieldError> errors) {
        if (!List.of(Definition.Operator.GT, Definition.Operator.GTE, Definition.Operator.LT, Definition.Operator.LTE)
            .contains(op)) {
            return;
        }
        if (field.endsWith("_formatted")) {
            errors.add(new FieldError(path + ".field", "not_comparable", field + " is text written for a reader, "
                + "which " + op.name().toLowerCase(java.util.Locale.ROOT) + " would compare letter by letter: compare "
                + field.substring(0, field.length() - "_formatted".length()) + " (an amount in minor units, a time in "
                + "ISO-8601) instead"));
            return;
        }
        String last = field.substring(field.lastIndexOf('.') + 1);
        if (RecordFields.MOMENTS.contains(last) && value != null && value.isString()
            && io.till.automation.engine.Conditions.instantOf(value.asString()) == null) {
            errors.add(new FieldError(path + ".value", "invalid_format", "must be a time in ISO-8601, such as "
                + "2026-07-01T00:00:00Z, or a day (2026-07-01, from its start in UTC) to compare with " + field));
        }
    }
}
