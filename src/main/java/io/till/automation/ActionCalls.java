package io.till.automation;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.till.action.Action;
import io.till.action.ActionCall;
import io.till.action.ActionResult;
import io.till.action.Actions;
import io.till.automation.engine.Plan;
import io.till.event.EventCause;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** How the {@link Executor} calls a step's action: each on a thread of its own, under a cap below the round's lease. */
@Component
class ActionCalls {

    private static final Logger log = LoggerFactory.getLogger(ActionCalls.class);

    private final Actions actions;
    private final StepSecrets secrets;
    private final AutomationSettings settings;
    private final Clock clock;
    private final MeterRegistry meters;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    /** Each action kind's step latency timer, found once rather than looked up by its tags at every step. */
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();

    ActionCalls(Actions actions, StepSecrets secrets, AutomationSettings settings, Clock clock, MeterRegistry meters) {
        this.actions = actions;
        this.secrets = secrets;
        this.settings = settings;
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * Performs the action {@code act} names for {@code execution}, with its secret params opened, stopped at the cap of
     * its kind within {@code lease}; a step's action that throws, outlives its cap or is interrupted ends as a retryable
     * failure, never as an exception. Times it under {@code till.automation.step.latency}.
     */
    Performed perform(ExecutionQueue.Claimed execution, Plan.Act act, Duration lease) {
        Instant started = Timestamps.now(clock);
        ActionResult result = call(execution, act, started, lease);
        Instant ended = Timestamps.now(clock);
        latency(act.step().action()).record(Duration.between(started, ended));
        return new Performed(result, started, ended);
    }

    /** What an action answered, and when it began and ended. */
    record Performed(ActionResult result, Instant started, Instant ended) {}

    /** Whether the action of this name performs in its caller's transaction ({@link Action#transactional()}). */
    boolean transactional(String name) {
        return actions.find(name).map(Action::transactional).orElse(false);
    }

    /**
     * Performs a {@linkplain #transactional transactional} action on this thread, in the caller's transaction: with no
     * cap (it waits on nothing outside the database), and what it throws is thrown, for the caller to undo the whole
     * transaction. Timed as {@link #perform} times.
     */
    Performed performHere(ExecutionQueue.Claimed execution, Plan.Act act) {
        Action action = actions.find(act.step().action()).filter(Action::transactional).orElseThrow(
            () -> new IllegalArgumentException(act.step().action() + " does not perform in a transaction"));
        Instant started = Timestamps.now(clock);
        var call = call(execution, act, started);
        ActionResult result = EventCause.during(execution.id(), () -> action.perform(call));
        Instant ended = Timestamps.now(clock);
        latency(action.name()).record(Duration.between(started, ended));
        return new Performed(result == null
            ? ActionResult.Failed.permanent("no_result", "the action returned nothing")
            : result, started, ended);
    }

    private ActionCall call(ExecutionQueue.Claimed execution, Plan.Act act, Instant now) {
        return new ActionCall(execution.accountId(), execution.id(), act.step().id(), act.idempotencyKey(),
            act.attempt(), execution.customerId(), secrets.opened(execution.accountId(), act.params()), now);
    }

    private ActionResult call(ExecutionQueue.Claimed execution, Plan.Act act, Instant now, Duration lease) {
        Action action = actions.find(act.step().action()).orElse(null);
        if (action == null) {
            return ActionResult.Failed.permanent("action_unavailable", "this Till has no action "
                + act.step().action());
        }
        var call = call(execution, act, now);
        // The action runs on a thread of its own, so that its step ends at the cap whatever the action does: a step
        // that outlived its lease would be taken over by another node, and its action performed twice.
        Duration cap = cap(action.name(), lease);
        Future<ActionResult> performing = threads.submit(() -> EventCause.during(execution.id(),
            () -> action.perform(call)));
        try {
            ActionResult result = performing.get(cap.toNanos(), TimeUnit.NANOSECONDS);
            return result == null ? ActionResult.Failed.permanent("no_result", "the action returned nothing") : result;
        } catch (TimeoutException e) {
            performing.cancel(true);
            log.warn("Action {} of execution {} (step {}, attempt {}) was stopped at its cap of {} "
                + "(till.automation.action-timeouts[{}], or till.automation.action-timeout); it counts as a "
                + "retryable timeout", action.name(), execution.id(), act.step().id(), act.attempt(), cap,
                action.name());
            return ActionResult.Failed.retryable("action_timeout", "the action " + action.name() + " did not end "
                + "within " + (cap.toMillis() % 1000 == 0 ? cap.toSeconds() + " s" : cap.toMillis() + " ms")
                + " and was stopped; it is tried again per the step's retry "
                + "policy, with the same idempotency key.");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                // Nothing a retry mends (a stack overflow on a deep answer, a class missing from the build): the step
                // fails once, to its fallback if it has one. Thrown on, it left the step without a result, so the run
                // stayed running with nothing logged and the action was performed again at every lease.
                log.error("Action {} of execution {} (step {}) crashed", act.step().action(), execution.id(),
                    act.step().id(), error);
                return ActionResult.Failed.permanent("action_crashed", "the action " + act.step().action()
                    + " crashed inside Till and is not tried again; the server log has the details under "
                    + execution.id() + ".");
            }
            // An action that throws instead of answering is a bug or an outage inside Till: tried again, and what
            // went wrong stays in Till's log (the seller sees where to look, never a Java class or an internal
            // message).
            log.warn("Action {} of execution {} failed", act.step().action(), execution.id(), e.getCause());
            return ActionResult.Failed.retryable("action_error", "the action " + act.step().action() + " failed "
                + "inside Till; the server log has the details under " + execution.id() + ".");
        } catch (InterruptedException e) {
            performing.cancel(true);
            Thread.currentThread().interrupt();
            return ActionResult.Failed.retryable("action_interrupted", "Till stopped while the action "
                + action.name() + " ran; it is tried again per the step's retry policy.");
        }
    }

    private Timer latency(String action) {
        return latencies.computeIfAbsent(action, kind -> Timer.builder("till.automation.step.latency")
            .tag("action", kind).register(meters));
    }

    /**
     * How long an action of this kind may run in a round held for {@code lease}: its configured cap, and never more
     * than three quarters of a lease shorter than the configured one (a round run by hand with a short lease).
     */
    private Duration cap(String kind, Duration lease) {
        Duration cap = settings.actionTimeout(kind);
        Duration most = lease.minus(lease.dividedBy(4));
        return cap.compareTo(most) < 0 ? cap : most;
    }
}
