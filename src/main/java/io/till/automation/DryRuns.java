package io.till.automation;

import io.till.action.Action;
import io.till.action.ActionCall;
import io.till.action.ActionResult;
import io.till.action.Actions;
import io.till.automation.engine.Conditions;
import io.till.automation.engine.Engine;
import io.till.automation.engine.ExecutionState;
import io.till.automation.engine.Plan;
import io.till.automation.engine.Program;
import io.till.automation.engine.StepLog;
import io.till.customer.Customers;
import io.till.event.Event;
import io.till.event.Events;
import io.till.shared.FieldErrors;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tests a version without doing anything: the conditions are evaluated and the templates rendered against real
 * records, each action shows what it would do instead of doing it, and delays are skipped by moving a pretend clock.
 * The answer is the log the run would write.
 */
@Component
class DryRuns {

    /** Enough for any bounded definition; a dry run never waits. */
    private static final int MAX_DECISIONS = 5_000;

    private final Engine engine;
    private final Actions actions;
    private final ExecutionContexts contexts;
    private final Customers customers;
    private final Events events;
    private final EventScopes scopes;
    private final io.till.billing.UpcomingNotices notices;
    private final JsonMapper json;
    private final Clock clock;
    private final Automations automations;
    private final Programs programs;
    private final StepSecrets secrets;
    private final CauseChains causes;

    DryRuns(Engine engine, Actions actions, ExecutionContexts contexts, Customers customers, Events events,
        EventScopes scopes, JsonMapper json, Clock clock, Automations automations, Programs programs,
        StepSecrets secrets, io.till.billing.UpcomingNotices notices, CauseChains causes) {
        this.notices = notices;
        this.causes = causes;
        this.automations = automations;
        this.programs = programs;
        this.secrets = secrets;
        this.engine = engine;
        this.actions = actions;
        this.contexts = contexts;
        this.customers = customers;
        this.events = events;
        this.scopes = scopes;
        this.json = json;
        this.clock = clock;
    }

    /**
     * What a dry run found; {@code status} is succeeded, failed, skipped when the conditions do not hold, or
     * not_started when a real event is not one the trigger listens to.
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "DryRun")
    record Result(int version, boolean conditionsMet, String status, JsonNode error, JsonNode event,
        List<StepLog> steps) {}

    /**
     * Tests a version of an automation (the active one, else the latest, unless {@code version} is given) on the event
     * {@code body} describes ({@link #event}), as the API's test and the dashboard's Test tab do: the log comes back
     * with its secret params masked.
     */
    Result test(String accountId, String automationId, Integer version, JsonNode body) {
        var chosen = automations.versionToTest(accountId, automationId, version);
        var program = programs.of(automationId, chosen.version(), chosen.definition());
        var result = run(accountId, program, event(accountId, body));
        return new Result(result.version(), result.conditionsMet(), result.status(), result.error(), result.event(),
            secrets.masked(accountId, result.steps()));
    }

    /** Reads the sample event: a real one by {@code event_id}, or {@code {type, customer_id, data}}. */
    ObjectNode event(String accountId, JsonNode body) {
        var errors = new FieldErrors();
        JsonNode input = body == null ? null : body.get("event");
        if (body != null && body.hasNonNull("event_id")) {
            Event event = events.get(accountId, body.get("event_id").asString());
            return json.valueToTree(event);
        }
        if (input == null || !input.isObject()) {
            errors.add("event", "required", "give a sample event {type, customer_id?, data?} or an event_id");
            errors.throwIfAny();
        }
        String customerId = input.path("customer_id").asString(null);
        if (customerId != null && customers.find(accountId, customerId).isEmpty()) {
            errors.add("event.customer_id", "not_found", "no customer " + customerId + " in this account");
        }
        JsonNode data = input.get("data");
        if (data != null && !data.isNull() && !data.isObject()) {
            errors.add("event.data", "invalid_type", "must be an object");
        }
        errors.throwIfAny();
        ObjectNode snapshot = json.createObjectNode().putNull("id").put("type", input.path("type").asString("test"))
            .put("customer_id", customerId).put("occurred_at", Timestamps.now(clock).toString());
        snapshot.set("data", data == null || data.isNull() ? json.createObjectNode() : data);
        return snapshot;
    }

    Result run(String accountId, Program program, ObjectNode event) {
        String customerId = event.path("customer_id").asString(null);
        Instant now = Timestamps.now(clock);
        // Sample data is held to the trigger's type only: its scope's records are made up.
        String notStarted = event.hasNonNull("id")
            ? whyNotStarted(accountId, program, event)
            : otherType(program, event);
        if (notStarted != null) {
            return new Result(program.version(), false, "not_started", json.createObjectNode()
                .put("code", "not_started").put("message", "would not start: " + notStarted), event, List.of());
        }
        ObjectNode context = contexts.preview(program, accountId, customerId, event);
        JsonNode sampleCustomer = event.path("data").path("customer").path("id");
        if (customerId == null && !event.hasNonNull("id") && sampleCustomer.isString()
            && context.path("event") instanceof ObjectNode trigger) {
            // Sample data about a made-up customer (the Test tab's Ada): the run is about them, as a real event's run
            // is about its customer, so that a wait for their next event waits instead of finding no one to wait on.
            trigger.put("customer_id", sampleCustomer.asString());
        }
        var conditions = program.definition().conditions();
        if (conditions != null && !Conditions.test(conditions, context)) {
            return new Result(program.version(), false, "skipped", json.createObjectNode()
                .put("code", "conditions_not_met").put("message", "the conditions do not hold: "
                    + String.join("; ", ConditionReasons.unmet(conditions, context))),
                event, List.of());
        }
        var logs = new ArrayList<StepLog>();
        ExecutionState state = ExecutionState.start();
        for (int i = 0; i < MAX_DECISIONS; i++) {
            var progress = engine.next(program, "dry_run", state, context, now);
            logs.addAll(progress.logs());
            state = progress.state();
            switch (progress.plan()) {
                case Plan.Finish finish -> {
                    return finished(program, finish, event, logs);
                }
                case Plan.Wait wait -> now = wait.until();
                // Nothing arrives in a dry run: the wait is shown ending at its timeout.
                case Plan.AwaitEvent await -> now = await.until();
                case Plan.NeedsContext more -> {
                }
                case Plan.Act act -> {
                    ActionResult preview = preview(accountId, customerId, act, now);
                    var after = engine.afterAction(program, "dry_run", state, act, preview, now, now, 0.5);
                    logs.addAll(after.logs());
                    state = after.state();
                    // A step that failed for good with no fallback ends the run here, as it ends a real one.
                    if (after.plan() instanceof Plan.Finish finish) {
                        return finished(program, finish, event, logs);
                    }
                }
            }
        }
        return new Result(program.version(), true, "failed", json.createObjectNode().put("code", "too_long")
            .put("message", "the dry run stopped after " + MAX_DECISIONS + " decisions"), event, logs);
    }

    private Result finished(Program program, Plan.Finish finish, ObjectNode event, List<StepLog> logs) {
        JsonNode error = finish.succeeded()
            ? null
            : json.createObjectNode()
                .put("step_id", finish.failedStep()).put("code", finish.errorCode())
                .put("message", finish.errorMessage());
        return new Result(program.version(), true, finish.succeeded() ? "succeeded" : "failed", error, event, logs);
    }

    /**
     * Why a real event would start no run of this program, as matching decides it (type, then scope), or null. A sample
     * event is the tester's own, so it is not held to the trigger.
     */
    private static String otherType(Program program, ObjectNode event) {
        String eventType = event.path("type").asString("");
        return program.definition().trigger() instanceof Definition.Trigger.OnEvent trigger && !eventType.isEmpty()
            && !trigger.event().equals(eventType)
                ? "this automation starts on " + trigger.event() + ", not on " + eventType
                : null;
    }

    /** Why the program would start nothing for this real event, as matching decides it, or null when it would start. */
    String whyNotStarted(String accountId, Program program, ObjectNode event) {
        if (!(program.definition().trigger() instanceof Definition.Trigger.OnEvent trigger)) {
            return null;
        }
        String otherType = otherType(program, event);
        if (otherType != null) {
            return otherType;
        }
        if (event.path("data").path("skip_automations").asBoolean(false)) {
            // As matching skips it (the inbox reads the same flag), before any scope.
            return sentence(Triggers.PASSED_QUIETLY);
        }
        var ownChain = CauseChains.refusal(program.automationId(), causes.behind(accountId, event.path("data")
            .path("caused_by").path("execution_id").asString(null)));
        if (ownChain.isPresent()) {
            return sentence(ownChain.get());
        }
        var scope = scopes.reader(accountId).mismatch(trigger.scope(), trigger.event(), event.path("data"));
        if (scope.isPresent()) {
            return scope.get();
        }
        String notice = NoticeDemand.mismatch(trigger, event.path("data"), notices);
        return notice == null ? null : sentence(notice);
    }

    /** A reason as matching words it ("Staff asked … ."), to follow "would not start: " or a dash. */
    static String sentence(String reason) {
        return Character.toLowerCase(reason.charAt(0)) + reason.substring(1, reason.length() - 1);
    }

    private ActionResult preview(String accountId, String customerId, Plan.Act act, Instant now) {
        Action action = actions.find(act.step().action()).orElse(null);
        if (action == null) {
            return ActionResult.Failed.permanent("action_unavailable", "this Till has no action "
                + act.step().action());
        }
        var call = new ActionCall(accountId, "dry_run", act.step().id(), act.idempotencyKey(), act.attempt(),
            customerId, act.params(), now);
        // What the run would refuse (a phone number that is none, a disabled endpoint) fails the step here too.
        ActionResult result = action.refusal(call).<ActionResult>map(refused -> refused)
            .orElseGet(() -> action.preview(call));
        // A preview that would be retried is shown once: a dry run does not wait for backoffs.
        return result instanceof ActionResult.Failed failed && failed.retryable()
            ? ActionResult.Failed.permanent(failed.code(), failed.message())
            : result;
    }
}
