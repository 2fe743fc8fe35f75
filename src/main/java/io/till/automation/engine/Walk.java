package io.till.automation.engine;

import io.till.action.ActionSchema;
import io.till.automation.Definition;
import io.till.automation.Definition.Step;
import io.till.shared.FieldError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One decision of the {@link Engine} in the making: a mutable copy of an execution's state, walked forward through
 * branches, loops and delays to an action, a wait or the end.
 */
final class Walk {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final Function<String, ActionSchema> schemas;
    final Program program;
    final String executionId;
    final List<Frame> frames;
    final ObjectNode outputs;
    final ObjectNode context;
    final Instant now;
    final List<StepLog> logs = new ArrayList<>();
    int attempt;
    /** See {@link ExecutionState#attemptsBefore}: 0 once the step is left. */
    int attemptsBefore;
    Instant resumeAt;
    EventMark taken;
    /** See {@link ExecutionState#waitBegan}: null once the wait is entered again. */
    Instant waitBegan;
    /** See {@link ExecutionState#deferred}: false once the action's attempt ends or the step is left. */
    boolean deferred;
    /** The event a wait_for_event step waited for, when it arrived. */
    JsonNode arrived;

    Walk(Function<String, ActionSchema> schemas, Program program, String executionId, ExecutionState state,
        ObjectNode context, Instant now) {
        this.schemas = schemas;
        this.program = program;
        this.executionId = executionId;
        this.frames = new ArrayList<>(state.frames());
        this.outputs = state.outputs().deepCopy();
        this.attempt = state.attempt();
        this.attemptsBefore = state.attemptsBefore();
        this.resumeAt = state.resumeAt();
        this.taken = state.taken();
        this.waitBegan = state.waitBegan();
        this.deferred = state.deferred();
        this.context = context;
        this.now = now;
    }

    Plan.Progress progress(Plan plan) {
        return new Plan.Progress(new ExecutionState(frames, outputs, attempt, resumeAt, taken, attemptsBefore,
            waitBegan, deferred), plan, List.copyOf(logs));
    }

    Plan run() {
        for (int budget = Engine.WALK_BUDGET; budget > 0; budget--) {
            if (frames.isEmpty()) {
                return Plan.Finish.success();
            }
            Frame top = frames.getLast();
            List<Step> block = program.block(top.block());
            if (top.index() >= block.size()) {
                frames.removeLast();
                if (top.hasNextIteration()) {
                    frames.add(top.nextIteration());
                } else if (!frames.isEmpty()) {
                    advance();
                }
                continue;
            }
            Step step = block.get(top.index());
            String path = top.stepPath();
            Plan plan = switch (step) {
                case Step.Action action -> act(action, path);
                case Step.Branch branch -> branch(branch, path);
                case Step.Delay delay -> delay(delay, path);
                case Step.Loop loop -> loop(loop, path);
                case Step.WaitForEvent wait -> waitForEvent(wait, path);
                case Step.Stop stop -> {
                    log(stop.id(), path, "stop", "succeeded", null, NODES.objectNode().put("stopped", true), null);
                    frames.clear();
                    yield Plan.Finish.success();
                }
            };
            if (plan != null) {
                return plan;
            }
        }
        // Nothing waits and nothing was called, but the walk is long: save where it is and go on next time.
        return new Plan.NeedsContext();
    }

    private Plan act(Step.Action action, String path) {
        if (resumeAt != null) {
            if (now.isBefore(resumeAt)) {
                return new Plan.Wait(resumeAt);
            }
            resumeAt = null;
        }
        if (context == null) {
            return new Plan.NeedsContext();
        }
        ActionSchema schema = schemas.apply(action.action());
        if (schema == null) {
            logFailure(action, path, "action_unavailable", "this Till has no action " + action.action());
            return exhausted(action, path, "action_unavailable", "this Till has no action " + action.action());
        }
        ObjectNode params;
        try {
            params = Templates.render(action.params(), scope(), schema.markup());
        } catch (Templates.RenderException e) {
            logFailure(action, path, "template_error", e.getMessage());
            return exhausted(action, path, "template_error", e.getMessage());
        }
        var checked = schema.checkRendered(params);
        if (!checked.errors().isEmpty()) {
            String message = describe(checked.errors());
            var error = error("invalid_params", message);
            log(action.id(), path, "action", "failed", params, null, error);
            return exhausted(action, path, "invalid_params", message);
        }
        String iteration = iteration();
        String key = executionId + ":" + action.id() + (iteration.isEmpty() ? "" : ":" + iteration);
        return new Plan.Act(action, path, iteration, checked.params(), key, attempt);
    }

    private void logFailure(Step.Action action, String path, String code, String message) {
        log(action.id(), path, "action", "failed", action.params(), null, error(code, message));
    }

    /** The action failed for good: its fallback runs if it has one, else the execution fails at this step. */
    Plan exhausted(Step.Action action, String path, String code, String message) {
        firstAttempt();
        resumeAt = null;
        // What went wrong is the step's output, so a fallback can say it ({{steps.charge.output.error}}).
        outputs.set(action.id(), NODES.objectNode().put("error", message).put("code", code));
        if (!action.fallback().isEmpty()) {
            frames.add(Frame.enter(path + ".fallback"));
            return context == null ? run() : null;
        }
        return new Plan.Finish(false, action.id(), code, message);
    }

    private Plan branch(Step.Branch branch, String path) {
        if (context == null) {
            return new Plan.NeedsContext();
        }
        boolean result = Conditions.test(branch.condition(), scope());
        String taken = result ? "then" : "else";
        List<Step> chosen = result ? branch.then() : branch.otherwise();
        log(branch.id(), path, "branch", "succeeded", null, NODES.objectNode().put("result", result)
            .put("taken", chosen.isEmpty() ? "none" : taken), null);
        if (chosen.isEmpty()) {
            advance();
        } else {
            frames.add(Frame.enter(path + "." + taken));
        }
        return null;
    }

    private Plan delay(Step.Delay delay, String path) {
        if (resumeAt != null) {
            if (now.isBefore(resumeAt)) {
                return new Plan.Wait(resumeAt);
            }
            log(delay.id(), path, "delay", "succeeded", null, NODES.objectNode().put("waited_until",
                resumeAt.toString()), null);
            resumeAt = null;
            advance();
            return null;
        }
        Instant until;
        if (delay.duration() != null) {
            until = now.plus(delay.duration());
        } else {
            if (context == null) {
                return new Plan.NeedsContext();
            }
            JsonNode value = Paths.get(scope(), delay.until());
            until = time(value);
            String refused = null;
            if (until == null) {
                refused = value == null || value.isNull()
                    ? "missing"
                    : "not a time: " + value + " (a delay waits until an ISO-8601 time such as 2026-11-24T09:00:00Z, "
                        + "a day such as 2026-11-24, or seconds or milliseconds since the epoch)";
            } else if (until.isAfter(now.plus(Definition.TEN_YEARS))) {
                // As a delay's duration is held to ten years at save; further on lie dates Till cannot store (a wake
                // past the year 9999 made PostgreSQL refuse the round's whole write, again and again).
                refused = asRead(value, until) + ", more than ten years ahead; a delay waits ten years at most";
            }
            if (refused != null) {
                String message = delay.until() + " is " + refused;
                log(delay.id(), path, "delay", "failed", null, null, error("invalid_time", message));
                return new Plan.Finish(false, delay.id(), "invalid_time", message);
            }
        }
        if (!until.isAfter(now)) {
            log(delay.id(), path, "delay", "succeeded", null, NODES.objectNode().put("until", until.toString())
                .put("waited", false), null);
            advance();
            return null;
        }
        log(delay.id(), path, "delay", "waiting", null, NODES.objectNode().put("until", until.toString()), null);
        resumeAt = until;
        return new Plan.Wait(until);
    }

    private Plan waitForEvent(Step.WaitForEvent wait, String path) {
        if (resumeAt != null) {
            if (arrived != null) {
                var output = NODES.objectNode().put("received", true);
                output.set("event", arrived);
                log(wait.id(), path, "wait_for_event", "succeeded", null, output, null);
                outputs.set(wait.id(), output);
                // The run's next wait (a loop's next turn) looks after this event: none is taken twice.
                taken = EventMark.of(arrived, now);
            } else if (now.isBefore(resumeAt)) {
                // Woken before its time with nothing arrived: it goes on waiting, as it was registered.
                return new Plan.Wait(resumeAt);
            } else {
                var output = NODES.objectNode().put("received", false).put("timed_out_at", resumeAt.toString());
                log(wait.id(), path, "wait_for_event", "succeeded", null, output, null);
                outputs.set(wait.id(), output);
            }
            arrived = null;
            resumeAt = null;
            advance();
            return null;
        }
        // The record to wait on is the trigger's: read from the context, so a run about no such record is told.
        if (context == null) {
            return new Plan.NeedsContext();
        }
        String recordId = recordId(wait);
        JsonNode customer = context.path("event").path("customer_id");
        if (!customer.isString() || customer.asString().isBlank()) {
            String message = "the run is about no customer, so no event can be matched to it";
            log(wait.id(), path, "wait_for_event", "failed", null, null, error("nothing_to_match", message));
            return new Plan.Finish(false, wait.id(), "nothing_to_match", message);
        }
        if (wait.record() != null && recordId == null) {
            String message = "the run's trigger is about no " + wait.record() + " to wait on (event.data."
                + wait.record() + ".id is missing)";
            log(wait.id(), path, "wait_for_event", "failed", null, null, error("nothing_to_match", message));
            return new Plan.Finish(false, wait.id(), "nothing_to_match", message);
        }
        // A wait entered again (its run retried) keeps the moment it first began: its deadline, and the mark of a
        // trigger that tells no time, do not move with the time the run stood failed. Past that deadline it is
        // registered all the same: the executor then takes an event that came within it, and none after.
        Instant began = waitBegan != null ? waitBegan : now;
        waitBegan = null;
        Instant until = began.plus(wait.timeout());
        var output = NODES.objectNode().put("event", wait.event()).put("match", wait.match())
            .put("until", until.toString());
        if (recordId != null) {
            output.put(wait.record() + "_id", recordId);
        }
        log(wait.id(), path, "wait_for_event", "waiting", null, output, null);
        resumeAt = until;
        // What happened after the trigger counts, even before the run got here (an event raised with it, or
        // posted in its batch); after the last event a wait of this run took, if one did.
        EventMark after = taken != null ? taken : EventMark.of(context.path("event"), began);
        return new Plan.AwaitEvent(until, wait.event(), wait.record(), recordId, after);
    }

    private String recordId(Step.WaitForEvent wait) {
        if (wait.record() == null) {
            return null;
        }
        JsonNode id = context.path("event").path("data").path(wait.record()).path("id");
        return id.isString() && !id.asString().isBlank() ? id.asString() : null;
    }

    private Plan loop(Step.Loop loop, String path) {
        if (context == null) {
            return new Plan.NeedsContext();
        }
        JsonNode over = Paths.get(scope(), loop.over());
        ArrayNode items = NODES.arrayNode();
        if (over != null && over.isArray()) {
            for (int i = 0; i < over.size() && i < loop.max(); i++) {
                items.add(over.get(i));
            }
        }
        var output = NODES.objectNode().put("items", items.size());
        if (over != null && over.isArray() && over.size() > loop.max()) {
            output.put("truncated_from", over.size());
        }
        if (over != null && !over.isNull() && !over.isArray()) {
            output.put("note", loop.over() + " is not a list");
        }
        log(loop.id(), path, "loop", "succeeded", null, output, null);
        if (items.isEmpty()) {
            advance();
        } else {
            frames.add(Frame.loop(path + ".steps", items));
        }
        return null;
    }

    void advance() {
        frames.set(frames.size() - 1, frames.getLast().next());
    }

    /** The next step starts at its first attempt, numbered from 1 in the log. */
    void firstAttempt() {
        attempt = 1;
        attemptsBefore = 0;
        deferred = false;
    }

    String iteration() {
        return frames.stream().filter(f -> f.items() != null).map(f -> String.valueOf(f.iteration()))
            .collect(Collectors.joining("."));
    }

    /** The context as steps see it: the records, plus earlier outputs and the current loop item. */
    ObjectNode scope() {
        ObjectNode scope = NODES.objectNode();
        scope.setAll(context);
        ObjectNode steps = NODES.objectNode();
        for (var entry : outputs.properties()) {
            steps.set(entry.getKey(), NODES.objectNode().set("output", entry.getValue()));
        }
        scope.set("steps", steps);
        for (Frame frame : frames.reversed()) {
            if (frame.items() != null) {
                scope.set("item", frame.items().get(frame.iteration()));
                scope.set("loop", NODES.objectNode().put("index", frame.iteration())
                    .put("count", frame.items().size()));
                break;
            }
        }
        return scope;
    }

    void log(Plan.Act act, String status, JsonNode input, JsonNode output, JsonNode error, Instant startedAt) {
        logs.add(new StepLog(act.step().id(), act.path(), act.iteration(), "action", status,
            attemptsBefore + act.attempt(), input, output, error, startedAt, now, act.idempotencyKey()));
    }

    void log(String stepId, String path, String kind, String status, JsonNode input, JsonNode output,
        JsonNode error) {
        logs.add(new StepLog(stepId, path, iteration(), kind, status, attemptsBefore + attempt, input, output, error,
            now, now,
            null));
    }

    static ObjectNode error(String code, String message) {
        return NODES.objectNode().put("code", code).put("message", message);
    }

    /** Nine digits: seconds since the epoch from 3 March 1973 on. */
    private static final long FEWEST_SECONDS = 100_000_000L;

    /**
     * A time from the context: an ISO-8601 instant or day (the start of that day in UTC, as conditions read it), or a
     * whole number since the epoch, in seconds or in milliseconds ({@link #isMillis}), also as text ("1767225600", as
     * a form field forwards it); null for anything else.
     */
    private static Instant time(JsonNode value) {
        if (value == null) {
            return null;
        }
        if (value.isString() && value.asString().matches("[0-9]{1,15}")) {
            return time(NODES.numberNode(Long.parseLong(value.asString())));
        }
        if (value.isIntegralNumber()) {
            if (!value.canConvertToLong()) {
                return null;
            }
            long number = value.longValue();
            if (number < FEWEST_SECONDS) {
                // Shorter than any time since 1973 counts: a day written as digits (20260701) or a count of
                // something, which as seconds would be 1970 and let the run go on at once.
                return null;
            }
            return isMillis(number) ? Instant.ofEpochMilli(number) : Instant.ofEpochSecond(number);
        }
        return value.isString() ? Conditions.instantOf(value.asString()) : null;
    }

    /** A time as the context holds it, and for a number, the time it was read as. */
    private static String asRead(JsonNode value, Instant time) {
        if (!value.isNumber()) {
            return value.toString();
        }
        return value + " (" + time + ", read as " + (isMillis(value.longValue()) ? "milliseconds" : "seconds")
            + " since the epoch)";
    }

    /**
     * Whether a number since the epoch counts milliseconds (JavaScript's {@code Date.now()}, Java's
     * {@code currentTimeMillis()}) rather than seconds (Unix time, Stripe's): from 12 digits on, which as seconds would
     * be past the year 5000 and as milliseconds is any time since 1973.
     */
    private static boolean isMillis(long sinceEpoch) {
        return sinceEpoch >= 100_000_000_000L || sinceEpoch <= -100_000_000_000L;
    }

    /** Describes schema problems the way a step error shows them. */
    static String describe(List<FieldError> errors) {
        return errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; "));
    }
}
