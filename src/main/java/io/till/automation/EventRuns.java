package io.till.automation;

import io.till.shared.PageRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * For one event: the runs it started, and for each other automation of the account why it did not start. For an
 * automation that listened to the event, the reason is the one the matcher kept when it decided (its match trace:
 * paused, scope, conditions with their values, limit, one at a time, skip_automations). For the others (another
 * trigger, a draft, an automation made after the event, an event matched before traces were kept) it is found again
 * by a dry run of the automation's active version against the event, so it tells how the automation as it is now
 * would treat the event.
 */
@Component
class EventRuns {

    private final Executions executions;
    private final Automations automations;
    private final Programs programs;
    private final DryRuns dryRuns;
    private final JsonMapper json;
    private final MatchTraces traces;

    EventRuns(Executions executions, Automations automations, Programs programs, DryRuns dryRuns, JsonMapper json,
        MatchTraces traces) {
        this.traces = traces;
        this.executions = executions;
        this.automations = automations;
        this.programs = programs;
        this.dryRuns = dryRuns;
        this.json = json;
    }

    /** The event; {@code words} its type as people say it ("Payment failed"), {@code about} its gist ("$19.00 · …"). */
    record Summary(String id, String type, String customerId, Instant occurredAt, String words, String about) {}

    record Started(String executionId, String automationId, String automation, String status) {}

    /** {@code canStart}: it would start on the event now (it came before the automation listened). */
    record NotStarted(String automationId, String automation, String reason, boolean canStart) {}

    record Explained(Summary event, List<Started> started, List<NotStarted> others) {}

    Explained explain(String accountId, String eventId) {
        ObjectNode event = dryRuns.event(accountId, json.createObjectNode().put("event_id", eventId));
        var names = AutomationNames.of(automations, accountId);
        List<Started> started = executions.startedBy(accountId, eventId)
            .stream()
            .map(e -> new Started(e.id(), e.automationId(), names.get(e.automationId()), e.status()))
            .toList();
        Set<String> ran = started.stream().map(Started::automationId).collect(Collectors.toSet());
        // What the matcher decided at the time, where it kept it; else found again from the automation as it is now.
        Map<String, String> traced = traces.skipped(accountId, eventId);
        List<NotStarted> others = automations.list(accountId, PageRequest.of(PageRequest.MAX_LIMIT, null, "aut"))
            .data()
            .stream()
            .filter(a -> !ran.contains(a.id()))
            .map(a -> {
                if (traced.containsKey(a.id())) {
                    return new NotStarted(a.id(), a.name(), traced.get(a.id()), false);
                }
                String why = whyNot(accountId, a, event);
                return new NotStarted(a.id(), a.name(), why, why.startsWith(WOULD_START));
            })
            .toList();
        String type = event.path("type").asString("");
        var summary = new Summary(eventId, type, event.path("customer_id").asString(null),
            Instant.parse(event.path("occurred_at").asString()), io.till.event.EventWords.of(type),
            io.till.event.EventWords.about(type, event.path("data")));
        return new Explained(summary, started, others);
    }

    private static final String WOULD_START = "It would start on this event now";

    private String whyNot(String accountId, Automation automation, ObjectNode event) {
        if (automation.activeVersion() == null) {
            return "It has no active version: it is a draft.";
        }
        if (automation.paused()) {
            return "It is paused: a paused automation starts nothing.";
        }
        var program = programs.get(automation.id(), automation.activeVersion());
        switch (program.definition().trigger()) {
            case Definition.Trigger.OnSchedule schedule -> {
                return "It runs on a schedule, not on events.";
            }
            case Definition.Trigger.Manual manual -> {
                return "It runs only when started by hand.";
            }
            case Definition.Trigger.OnEvent onEvent -> {
                // Matching decides by type and scope, then conditions: the dry run answers in the same order.
            }
        }
        var result = dryRuns.run(accountId, program, event);
        return switch (result.status()) {
            case "not_started" -> sentence(result.error().path("message").asString("")
                .replaceFirst("^would not start: ", ""));
            case "skipped" -> "Its conditions do not hold for this event.";
            default -> program.definition().limit() == null
                ? WOULD_START + ": it was activated, changed or resumed after the event came, "
                    + "or the event was raised by one of its own steps."
                : WOULD_START + ", unless its limit was reached (at most "
                    + program.definition().limit().runs() + " run" + (program.definition().limit().runs() == 1
                        ? ""
                        : "s")
                    + " per customer every " + TriggerSentence.duration(program.definition().limit()
                        .per())
                    + "); or it was activated, changed or resumed after the event came, or the event "
                    + "was raised by one of its own steps.";
        };
    }

    private static String sentence(String text) {
        return text.isEmpty()
            ? "Its trigger does not match this event."
            : Character.toUpperCase(text.charAt(0))
                + text.substring(1) + ".";
    }
}
