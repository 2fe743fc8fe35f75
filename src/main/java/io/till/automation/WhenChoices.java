package io.till.automation;

import io.till.automation.engine.Schedules;
import io.till.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.scheduling.support.CronExpression;
import tools.jackson.databind.JsonNode;

/**
 * What the builder's trigger offers to choose from, pure: Till's events grouped as PRODUCT.md §3 groups them, the
 * calendar days and common time zones of a schedule, and the next times a schedule as typed so far would fire.
 */
public final class WhenChoices {

    /** One option of a select: the value sent, the words shown. */
    public record Choice(String value, String label) {}

    /** Options under a heading (an optgroup). */
    public record ChoiceGroup(String label, List<Choice> choices) {}

    /** A scope the chosen event can carry ({@code trigger.scope.product_id}), with the account's objects of it. */
    public record ScopePicker(String key, String label, String path, List<Choice> choices) {}

    /** Till's events by group, as PRODUCT.md §3 lists them; a test keeps every EventType in exactly one. */
    static final Map<String, List<String>> EVENT_GROUPS = orderedGroups();

    static final List<Choice> CALENDAR_DAYS = List.of(new Choice("first_day_of_month", "The first day of each month"),
        new Choice("last_day_of_month", "The last day of each month"), new Choice("monday", "Every Monday"),
        new Choice("tuesday", "Every Tuesday"), new Choice("wednesday", "Every Wednesday"),
        new Choice("thursday", "Every Thursday"), new Choice("friday", "Every Friday"),
        new Choice("saturday", "Every Saturday"), new Choice("sunday", "Every Sunday"));

    /** Offered in the time zone field; any other zone can still be typed. */
    static final List<String> ZONES = List.of("UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon",
        "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam", "Europe/Brussels",
        "Europe/Zurich", "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens", "Europe/Helsinki", "Europe/Istanbul",
        "America/New_York", "America/Toronto", "America/Chicago", "America/Denver", "America/Phoenix",
        "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Mexico_City", "America/Bogota",
        "America/Sao_Paulo", "America/Argentina/Buenos_Aires", "Africa/Lagos", "Africa/Johannesburg",
        "Africa/Cairo", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Hong_Kong", "Asia/Shanghai",
        "Asia/Tokyo", "Asia/Seoul", "Australia/Perth", "Australia/Sydney", "Pacific/Auckland");

    private static final DateTimeFormatter MOMENT = DateTimeFormatter.ofPattern("EEE, MMM d, uuuu 'at' HH:mm",
        Locale.US);

    private WhenChoices() {}

    private static Map<String, List<String>> orderedGroups() {
        var groups = new java.util.LinkedHashMap<String, List<String>>();
        groups.put("Purchases", List.of("checkout.purchased", "checkout.upsell_purchased", "checkout.flow_completed",
            "upsell.purchased", "addon.purchased", "option.selected", "promo_code.applied", "product.purchased",
            "order.created"));
        groups.put("Payments", List.of("payment.succeeded", "payment.failed", "payment.refunded", "payment.disputed",
            "subscription.payment_succeeded", "subscription.payment_failed", "subscription.payment_refunded",
            "payment_plan.payment_succeeded", "payment_plan.payment_failed", "payment_plan.payment_refunded"));
        groups.put("Cards", List.of("card.expiring", "card.expired", "card.updated"));
        groups.put("Subscriptions", List.of("subscription.started", "subscription.activated",
            "subscription.renewal_upcoming", "subscription.trial_ending", "subscription.ending_soon",
            "subscription.past_due", "subscription.unpaid", "subscription.canceling", "subscription.canceled",
            "subscription.paused", "subscription.resumed"));
        groups.put("Payment plans", List.of("payment_plan.payment_upcoming", "payment_plan.completed",
            "payment_plan.unpaid"));
        groups.put("Invoices", List.of("invoice.issued", "invoice.paid", "invoice.overdue", "invoice.voided"));
        groups.put("Customers", List.of("customer.created", "customer.updated",
            "customer.marketing_consent_changed", "customer.redacted"));
        groups.put("Credits and usage", List.of("credits.depleted", "usage.threshold_exceeded"));
        groups.put("Webhooks", List.of("webhook_endpoint.delivery_exhausted"));
        return java.util.Collections.unmodifiableMap(groups);
    }

    /** The event select's optgroups: "A payment fails" under Payments. */
    static List<ChoiceGroup> eventGroups() {
        return EVENT_GROUPS.entrySet().stream().map(group -> new ChoiceGroup(group.getKey(), group.getValue()
            .stream().map(type -> new Choice(type, capitalized(TriggerSentence.EVENTS.get(type)))).toList()))
            .toList();
    }

    /** Whether the trigger's event is one of Till's own (else the builder shows the custom event's name field). */
    static boolean known(JsonNode trigger) {
        return EventType.of(trigger.path("event").asString("")).isPresent();
    }

    /**
     * The schedule as typed so far, when it reads as one; the parser says what is wrong with it otherwise, beside
     * its field.
     */
    static Optional<Definition.Schedule> schedule(JsonNode trigger) {
        try {
            ZoneId zone = ZoneId.of(trigger.path("time_zone").asString("UTC"));
            if (trigger.has("every")) {
                Duration every = Duration.parse(trigger.get("every").asString());
                return every.compareTo(Duration.ofMinutes(1)) < 0 || every.compareTo(Definition.TEN_YEARS) > 0
                    ? Optional.empty()
                    : Optional.of(new Definition.Schedule.Every(every, zone));
            }
            if (trigger.has("cron")) {
                String cron = trigger.get("cron").asString();
                CronExpression.parse("0 " + cron);
                return cron.trim().split("\\s+").length == 5
                    ? Optional.of(new Definition.Schedule.Cron(cron, zone))
                    : Optional.empty();
            }
            if (trigger.has("calendar")) {
                String day = trigger.get("calendar").asString();
                LocalTime at = LocalTime.parse(trigger.path("at").asString("00:00"));
                return CALENDAR_DAYS.stream().anyMatch(choice -> choice.value().equals(day))
                    ? Optional.of(new Definition.Schedule.Calendar(day, at, zone))
                    : Optional.empty();
            }
        } catch (RuntimeException unreadable) {
            // The parser's problem is shown beside the field; there is nothing to preview yet.
        }
        return Optional.empty();
    }

    /**
     * The next {@code count} times the schedule fires after {@code now}, written in {@code zone}; an interval counts
     * from {@code now}, as it would from an activation now.
     */
    static List<String> nextTimes(Definition.Schedule schedule, ZoneId zone, Instant now, int count) {
        var times = new ArrayList<String>();
        Instant at = now;
        try {
            for (int i = 0; i < count; i++) {
                at = Schedules.next(schedule, now, at);
                times.add(MOMENT.format(at.atZone(zone)));
            }
        } catch (IllegalStateException neverFires) {
            // A cron such as "0 0 31 2 *" never fires: the list says so by being short.
        }
        return times;
    }

    static String capitalized(String words) {
        return words == null || words.isEmpty()
            ? ""
            : words.substring(0, 1).toUpperCase(Locale.ROOT) + words
                .substring(1);
    }
}
