package io.till.automation;

import io.till.account.Brandings;
import io.till.billing.UpcomingNotices;
import io.till.event.EventType;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The builder's trigger and conditions: the variables the trigger's context holds ({@code variables}, for the field
 * and {@code {{…}}} pickers of every section), Till's events by group, a scope picker per scope the chosen event can
 * carry filled with the account's real objects, the schedule's next five times, and the operators in words.
 */
@Component
class WhenSection implements BuilderSection {

    /** The operators as a seller says them, in the order the select offers them. */
    static final List<WhenChoices.Choice> OPERATORS = List.of(new WhenChoices.Choice("eq", "is"),
        new WhenChoices.Choice("ne", "is not"), new WhenChoices.Choice("gt", "is more than"),
        new WhenChoices.Choice("gte", "is at least"), new WhenChoices.Choice("lt", "is less than"),
        new WhenChoices.Choice("lte", "is at most"), new WhenChoices.Choice("contains", "contains"),
        new WhenChoices.Choice("not_contains", "does not contain"),
        new WhenChoices.Choice("starts_with", "starts with"), new WhenChoices.Choice("in", "is one of"),
        new WhenChoices.Choice("not_in", "is none of"), new WhenChoices.Choice("exists", "has a value"),
        new WhenChoices.Choice("not_exists", "has no value"));

    private static final Map<ScopeKey, String> SCOPE_LABELS = Map.of(ScopeKey.CHECKOUT, "Checkout",
        ScopeKey.PRODUCT, "Product", ScopeKey.UPSELL, "Upsell", ScopeKey.ADDON, "Addon", ScopeKey.OPTION, "Option",
        ScopeKey.PROMO_CODE, "Promo code", ScopeKey.SUBSCRIPTION_GROUP, "Subscription group");

    private final ScopeNames scopeNames;
    private final Clock clock;
    private final UpcomingNotices notices;
    private final Brandings brandings;

    WhenSection(ScopeNames scopeNames, Clock clock, UpcomingNotices notices, Brandings brandings) {
        this.scopeNames = scopeNames;
        this.clock = clock;
        this.notices = notices;
        this.brandings = brandings;
    }

    /**
     * A trigger just switched to a schedule starts in the store's time zone (Settings › Branding) rather than UTC, so
     * that "every Monday at 9:00" means the seller's Monday morning.
     */
    @Override
    public void tidy(String accountId, JsonNode before, ObjectNode edited) {
        boolean wasSchedule = before.path("trigger").path("type").asString("").equals("schedule");
        if (!wasSchedule && edited.path("trigger") instanceof ObjectNode trigger
            && trigger.path("type").asString("").equals("schedule")
            && trigger.path("time_zone").asString("").equals("UTC")) {
            var branding = brandings.get(accountId);
            if (branding.timeZone() != null) {
                trigger.put("time_zone", branding.timeZone());
            }
        }
    }

    /**
     * A condition's field in words under its row, as the automation's page draws it: the picker's label, an event
     * data path that names a record's field ("event.data.invoice.attempt_count" → "Invoice · Attempt count") or a
     * step's output; any other path as written.
     */
    record FieldWords(java.util.function.UnaryOperator<String> words) {

        public String of(String path) {
            return words.apply(path);
        }
    }

    @Override
    public void offer(String accountId, JsonNode definition, Model model) {
        JsonNode trigger = definition.path("trigger");
        var variables = ContextVariables.of(trigger);
        model.addAttribute("variables", variables);
        model.addAttribute("fieldWords", new FieldWords(ContextVariables.fieldWords(trigger)));
        model.addAttribute("operators", OPERATORS);
        model.addAttribute("operatorWords", OPERATORS.stream().collect(java.util.stream.Collectors.toMap(
            WhenChoices.Choice::value, WhenChoices.Choice::label)));
        // The cancel_on part: any trigger may have runs that an event ends early.
        model.addAttribute("eventGroups", WhenChoices.eventGroups());
        model.addAttribute("eventTypes", io.till.event.EventType.NAMES);
        model.addAttribute("cancelMatches", CANCEL_MATCHES);
        switch (trigger.path("type").asString("")) {
            case "event" -> event(accountId, trigger, model);
            case "schedule" -> schedule(trigger, model);
            default -> {
            }
        }
    }

    /** What an event that ends runs early must share with a run, as the builder offers it: customer first. */
    static final List<WhenChoices.Choice> CANCEL_MATCHES = java.util.stream.Stream.concat(
        java.util.stream.Stream.of(new WhenChoices.Choice(Definition.CancelOn.CUSTOMER, "Same customer")),
        Definition.CancelOn.RECORDS.stream().sorted().map(record -> new WhenChoices.Choice(record, "Same "
            + record.replace('_', ' '))))
        .toList();

    private void event(String accountId, JsonNode trigger, Model model) {
        model.addAttribute("eventKnown", WhenChoices.known(trigger));
        String event = trigger.path("event").asString("");
        JsonNode scope = trigger.path("scope");
        var pickers = new ArrayList<WhenChoices.ScopePicker>();
        var stray = new ArrayList<String>();
        if (!event.isEmpty()) {
            for (ScopeKey key : ScopeKey.values()) {
                if (key.places(event).isEmpty()) {
                    continue;
                }
                var choices = new ArrayList<>(scopeNames.choices(accountId, key));
                String chosen = scope.path(key.key).asString("");
                if (!chosen.isEmpty() && choices.stream().noneMatch(choice -> choice.value().equals(chosen))) {
                    // Deleted, or of another account: shown as it is, with the save's problem beside it.
                    choices.add(new WhenChoices.Choice(chosen, chosen));
                }
                pickers.add(new WhenChoices.ScopePicker(key.key, SCOPE_LABELS.get(key), "trigger.scope." + key.key,
                    choices));
            }
        }
        if (scope.isObject()) {
            scope.propertyNames().forEach(key -> {
                if (pickers.stream().noneMatch(picker -> picker.key().equals(key))) {
                    stray.add(key);
                }
            });
        }
        model.addAttribute("scopePickers", pickers);
        model.addAttribute("strayScopes", stray);
        // An upcoming event is announced at the account's standard notice, or days_before ahead as the builder sets.
        JsonNode days = trigger.path("days_before");
        var upcoming = EventType.of(event).filter(EventType::isUpcoming);
        model.addAttribute("upcomingStandardDays", upcoming.map(notices::standardDays).orElse(null));
        model.addAttribute("daysBeforeStray", upcoming.isEmpty() && !days.isMissingNode());
        if (!event.isEmpty()) {
            var scoped = new LinkedHashMap<String, String>();
            if (scope.isObject()) {
                scope.properties().forEach(entry -> scoped.put(entry.getKey(), entry.getValue().asString("")));
            }
            var onEvent = new Definition.Trigger.OnEvent(event, scoped, days.isIntegralNumber() && upcoming.isPresent()
                ? days.asInt()
                : null);
            model.addAttribute("triggerSentence", TriggerSentence.of(onEvent, scopeNames.of(accountId, List.of(
                onEvent))));
        }
    }

    private void schedule(JsonNode trigger, Model model) {
        model.addAttribute("scheduleKind", trigger.has("every")
            ? "every"
            : trigger.has("calendar") ? "calendar" : trigger.has("cron") ? "cron" : "");
        model.addAttribute("calendarDays", WhenChoices.CALENDAR_DAYS);
        model.addAttribute("zones", WhenChoices.ZONES);
        WhenChoices.schedule(trigger).ifPresent(schedule -> {
            ZoneId zone = switch (schedule) {
                case Definition.Schedule.Cron cron -> cron.zone();
                case Definition.Schedule.Calendar calendar -> calendar.zone();
                case Definition.Schedule.Every every -> every.zone();
            };
            model.addAttribute("triggerSentence", TriggerSentence.of(new Definition.Trigger.OnSchedule(schedule),
                Map.of()));
            model.addAttribute("scheduleZone", zone.getId());
            model.addAttribute("nextTimes", WhenChoices.nextTimes(schedule, zone, clock.instant(), 5));
        });
    }
}
