package io.till.automation;

import io.till.automation.engine.Conditions;
import io.till.automation.engine.Program;
import io.till.event.Events;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A backtest (PRODUCT §4): a version of an automation, a draft too, decided over the account's past events of its
 * trigger's type, as matching would decide them now — type, scope, days_before, then the conditions on the records as
 * they are today (the context is read fresh, as a run reads it), then the limit per customer over the runs it would have
 * started in the window. It says which events would have started a run and why each other one would not; nothing is
 * run or sent. Concurrency (one run at a time) depends on how long runs last and is not replayed. Like matching, it starts nothing from an event staff marked skip_automations or one that
 * the automation's own step raised.
 */
@Component
class Backtests {

    /** The most events one backtest decides. */
    static final int MAX_EVENTS = 500;
    static final int DEFAULT_EVENTS = 100;

    private final Automations automations;
    private final Programs programs;
    private final Events events;
    private final DryRuns dryRuns;
    private final ExecutionContexts contexts;
    private final JsonMapper json;

    Backtests(Automations automations, Programs programs, Events events, DryRuns dryRuns, ExecutionContexts contexts,
        JsonMapper json) {
        this.automations = automations;
        this.programs = programs;
        this.events = events;
        this.dryRuns = dryRuns;
        this.contexts = contexts;
        this.json = json;
    }

    /** One past event and what the version would have done with it. */
    record Decision(String eventId, Instant occurredAt, String customerId, boolean wouldStart, String reason) {}

    /**
     * @param to the end of the window (exclusive), or null when it runs to now
     * @param considered how many events were decided ({@code events} lists them, newest first)
     * @param hasMore whether older events of the window were left out by the limit
     * @param skippedBy how many events each reason kept from starting a run, most frequent first
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "Backtest")
    record Result(int version, String eventType, Instant from, Instant to, int considered, int wouldStart,
        boolean hasMore, Map<String, Integer> skippedBy, List<Decision> events) {}

    Result run(String accountId, String automationId, Integer version, Instant from, Instant to, int limit) {
        var chosen = automations.versionToTest(accountId, automationId, version);
        Program program = programs.of(automationId, chosen.version(), chosen.definition());
        if (!(program.definition().trigger() instanceof Definition.Trigger.OnEvent trigger)) {
            throw new TillException(ErrorCode.INVALID_STATE, "Version " + chosen.version() + " starts "
                + (program.definition().trigger() instanceof Definition.Trigger.OnSchedule
                    ? "on a schedule"
                    : "by hand")
                + ": only an automation started by events can be backtested over past events.");
        }
        var page = events.ofType(accountId, trigger.event(), from, to, limit);
        var decisions = new ArrayList<Decision>();
        var skipped = new LinkedHashMap<String, Integer>();
        // Oldest first, as matching met them, so that the limit counts the runs the window would have started before.
        var startedFor = new HashMap<String, List<Instant>>();
        for (var event : page.data().reversed()) {
            ObjectNode snapshot = json.valueToTree(event);
            String reason = whyNot(accountId, program, snapshot);
            if (reason == null && event.customerId() != null) {
                reason = overLimit(program.definition().limit(), startedFor.computeIfAbsent(event.customerId(),
                    customer -> new ArrayList<>()), event.occurredAt());
            }
            decisions.add(new Decision(event.id(), event.occurredAt(), event.customerId(), reason == null, reason));
            if (reason != null) {
                skipped.merge(kind(reason), 1, Integer::sum);
            }
        }
        java.util.Collections.reverse(decisions);
        var byCount = new LinkedHashMap<String, Integer>();
        skipped.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
            .forEach(entry -> byCount.put(entry.getKey(), entry.getValue()));
        int started = (int) decisions.stream().filter(Decision::wouldStart).count();
        return new Result(chosen.version(), trigger.event(), from, to, decisions.size(), started, page.hasMore(),
            byCount, decisions);
    }

    /** Why the program would start nothing for this event, as matching decides it, or null when it would start. */
    private String whyNot(String accountId, Program program, ObjectNode event) {
        String notStarted = dryRuns.whyNotStarted(accountId, program, event);
        if (notStarted != null) {
            return notStarted;
        }
        var conditions = program.definition().conditions();
        if (conditions == null) {
            return null;
        }
        var context = contexts.preview(program, accountId, event.path("customer_id").asString(null), event);
        return Conditions.test(conditions, context)
            ? null
            : "the conditions do not hold: " + String.join("; ", ConditionReasons.unmet(conditions, context));
    }

    /**
     * Why the automation's {@code limit} would refuse a run for this customer at {@code at}, given the runs the backtest
     * started for them before ({@code started}, which a start joins), or null.
     */
    private static String overLimit(Definition.Limit limit, List<Instant> started, Instant at) {
        if (limit != null) {
            long inPeriod = started.stream().filter(earlier -> limit.per() == null || earlier.isAfter(at.minus(
                limit.per()))).count();
            if (inPeriod >= limit.runs()) {
                return "its limit was reached: at most " + limit.runs() + " run" + (limit.runs() == 1 ? "" : "s")
                    + " per customer every " + TriggerSentence.duration(limit.per());
            }
        }
        started.add(at);
        return null;
    }

    /** The rule a reason names, to count alike the events one rule kept out whatever their values. */
    private static String kind(String reason) {
        if (reason.startsWith("scope ")) {
            return "its scope";
        }
        if (reason.startsWith("it runs ")) {
            return "another announcement (days_before)";
        }
        if (reason.startsWith("the conditions ")) {
            return "its conditions";
        }
        if (reason.startsWith("its limit")) {
            return "its limit";
        }
        if (reason.startsWith("staff asked")) {
            return "skip_automations";
        }
        if (reason.startsWith("one of its own steps") || reason.startsWith("its own run set off")) {
            return "its own event";
        }
        return reason;
    }
}
