package io.till.automation.engine;

import static io.till.automation.engine.Fixtures.NOW;
import static io.till.automation.engine.Fixtures.json;
import static io.till.automation.engine.Fixtures.object;
import static io.till.automation.engine.Fixtures.program;
import static org.assertj.core.api.Assertions.assertThat;

import io.till.automation.engine.Fixtures.Run;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * The wait_for_event step in the pure engine: what it registers, what an early wake, an arrival, the timeout and a
 * staff retry make of it, and the runs it cannot wait for. (WaitForEventTest runs it end to end on the database.)
 */
class EngineWaitForEventTest {

    private static final Instant UNTIL = NOW.plus(Duration.ofDays(3));

    /** Waits 3 days for the invoice to be paid, then tags by whether it was. */
    private static final String WAIT_THEN_TAG = """
        [{"id": "paid", "type": "wait_for_event", "event": "invoice.paid", "match": "invoice", "timeout": "P3D"},
         {"id": "came", "type": "branch",
          "if": {"all": [{"field": "steps.paid.output.received", "op": "eq", "value": true}]},
          "then": [{"id": "thanks", "type": "action", "action": "add_tag", "params": {"tag": "paid"}}],
          "else": [{"id": "nudge", "type": "action", "action": "add_tag", "params": {"tag": "never_paid"}}]}]
        """;

    private static final ObjectNode DUNNING = object("""
        {"event": {"type": "invoice.overdue", "customer_id": "cus_1", "data": {"invoice": {"id": "inv_1"}}},
         "customer": {"id": "cus_1"}}""");

    private static final ObjectNode PAID = object("""
        {"id": "evt_9", "type": "invoice.paid", "customer_id": "cus_1", "data": {"invoice": {"id": "inv_1"}}}""");

    @Test
    void registersTheEventItWaitsForWithTheTriggersRecordAndItsTimeout() {
        var run = new Run(program(WAIT_THEN_TAG), DUNNING);

        run.next();

        assertThat(run.plan)
            .isEqualTo(new Plan.AwaitEvent(UNTIL, "invoice.paid", "invoice", "inv_1", new EventMark(NOW, null)));
        assertThat(run.state.resumeAt()).isEqualTo(UNTIL);
        assertThat(run.statuses("paid")).containsExactly("waiting");
        assertThat(run.lastLogs.getFirst().output()).isEqualTo(json("""
            {"event": "invoice.paid", "match": "invoice", "until": "2026-11-24T10:00:00Z", "invoice_id": "inv_1"}"""));
        assertThat(Engine.awaiting(run.program, run.state)).isTrue();
    }

    @Test
    void waitsForAnEventAfterItsTriggerEvenOneThatHappenedBeforeTheStepRan() {
        var run = new Run(program(WAIT_THEN_TAG), object("""
            {"event": {"id": "evt_1", "type": "invoice.overdue", "customer_id": "cus_1",
                       "occurred_at": "2026-11-20T09:00:00.000004Z", "data": {"invoice": {"id": "inv_1"}}},
             "customer": {"id": "cus_1"}}"""));

        run.next();

        assertThat(((Plan.AwaitEvent) run.plan).after()).isEqualTo(new EventMark(Instant.parse(
            "2026-11-20T09:00:00.000004Z"), "evt_1"));
    }

    @Test
    void aLaterWaitOfTheRunWaitsForAnEventAfterTheOneTheLastWaitTook() {
        var run = new Run(program("""
            [{"id": "each", "type": "loop", "over": "event.data.items", "max": 3,
              "steps": [{"id": "paid", "type": "wait_for_event", "event": "invoice.paid", "timeout": "P3D"}]}]"""),
            object("""
                {"event": {"id": "evt_1", "type": "invoice.overdue", "customer_id": "cus_1",
                           "occurred_at": "2026-11-20T09:00:00Z", "data": {"items": [1, 2, 3]}},
                 "customer": {"id": "cus_1"}}"""));
        run.next();
        var paid = object("""
            {"id": "evt_9", "type": "invoice.paid", "customer_id": "cus_1", "occurred_at": "2026-11-21T09:00:00Z",
             "data": {}}""");

        run.nextWith(paid);
        var taken = new EventMark(Instant.parse("2026-11-21T09:00:00Z"), "evt_9");
        assertThat(((Plan.AwaitEvent) run.plan).after()).isEqualTo(taken);
        // A turn that timed out between keeps the mark: the third turn does not take the first turn's event again.
        run.now = run.state.resumeAt();
        run.nextWith(null);

        assertThat(((Plan.AwaitEvent) run.plan).after()).isEqualTo(taken);
        assertThat(StateJson.read(StateJson.write(run.state)).taken()).isEqualTo(taken);
    }

    @Test
    void asksForTheContextFirst() {
        var run = new Run(program(WAIT_THEN_TAG), null);

        assertThat(run.next()).isEqualTo(new Plan.NeedsContext());
    }

    @Test
    void wokenEarlyWithNothingArrivedItGoesOnWaitingForTheSameTime() {
        var run = new Run(program(WAIT_THEN_TAG), DUNNING);
        run.next();

        run.now = NOW.plus(Duration.ofDays(1));
        run.nextWith(null);

        assertThat(run.plan).isEqualTo(new Plan.Wait(UNTIL));
        assertThat(run.lastLogs).isEmpty();
        assertThat(Engine.awaiting(run.program, run.state)).isTrue();
    }

    @Test
    void anArrivalEndsTheWaitWithTheEventAsItsOutputAndTheRunGoesOnByIt() {
        var run = new Run(program(WAIT_THEN_TAG), DUNNING);
        run.next();

        run.now = NOW.plus(Duration.ofHours(5));
        run.nextWith(PAID);

        assertThat(run.plan).isInstanceOf(Plan.Act.class);
        assertThat(((Plan.Act) run.plan).step().id()).isEqualTo("thanks");
        assertThat(run.statuses("paid")).containsExactly("waiting", "succeeded");
        assertThat(run.state.outputs().get("paid")).isEqualTo(json("""
            {"received": true, "event": %s}""".formatted(PAID)));
        assertThat(run.state.resumeAt()).isNull();
        assertThat(Engine.awaiting(run.program, run.state)).isFalse();
    }

    @Test
    void atItsTimeoutItEndsUnreceivedAndTheRunTakesTheOtherWay() {
        var run = new Run(program(WAIT_THEN_TAG), DUNNING);
        run.next();

        run.now = UNTIL;
        run.nextWith(null);

        assertThat(((Plan.Act) run.plan).step().id()).isEqualTo("nudge");
        assertThat(run.state.outputs().get("paid")).isEqualTo(json("""
            {"received": false, "timed_out_at": "2026-11-24T10:00:00Z"}"""));
    }

    // A run that failed standing at its wait (a step's result PostgreSQL refused, an internal error as it woke),
    // retried by staff: its wait's row went with the failure, so the wait is entered again, with its first deadline.

    @Test
    void aRunRetriedAtItsWaitWaitsAgainUntilTheDeadlineTheWaitFirstHadNotAFreshTimeout() {
        var run = new Run(program(WAIT_THEN_TAG), DUNNING);
        var first = (Plan.AwaitEvent) run.next();
        run.now = NOW.plus(Duration.ofDays(2));

        run.state = run.state.retried(run.program, 0);
        run.next();

        assertThat(run.plan).as("the same wait, the same mark, the same deadline").isEqualTo(first);
        assertThat(run.lastLogs.getFirst().output().get("until").asString()).isEqualTo(UNTIL.toString());
        assertThat(run.state.resumeAt()).isEqualTo(UNTIL);
        run.now = UNTIL;
        run.nextWith(null);
        assertThat(run.state.outputs().get("paid")).isEqualTo(json("""
            {"received": false, "timed_out_at": "2026-11-24T10:00:00Z"}"""));
    }

    @Test
    void aRunRetriedAfterItsWaitsDeadlineLooksOnceForAnEventOfTheWindowThenEndsAtThatDeadline() {
        var run = new Run(program(WAIT_THEN_TAG), DUNNING);
        run.next();
        run.now = UNTIL.plus(Duration.ofDays(4));

        run.state = run.state.retried(run.program, 0);

        // Registered although its time has passed, so that an event that came within it is still found.
        assertThat(run.next()).isEqualTo(new Plan.AwaitEvent(UNTIL, "invoice.paid", "invoice", "inv_1",
            new EventMark(NOW, null)));
        run.nextWith(null);
        assertThat(((Plan.Act) run.plan).step().id()).isEqualTo("nudge");
        assertThat(run.state.outputs().get("paid").get("timed_out_at").asString()).isEqualTo(UNTIL.toString());
    }

    @Test
    void aRunRetriedAtItsWaitTakesTheEventThatCameWhileItStoodFailed() {
        var run = new Run(program(WAIT_THEN_TAG), DUNNING);
        run.next();
        run.now = NOW.plus(Duration.ofDays(2));
        run.state = run.state.retried(run.program, 0);
        run.next();

        run.nextWith(PAID);

        assertThat(((Plan.Act) run.plan).step().id()).isEqualTo("thanks");
        assertThat(run.statuses("paid")).containsExactly("waiting", "waiting", "succeeded");
    }

    @Test
    void aRetriedWaitKeepsItsDeadlineThroughTheSavedState() {
        var run = new Run(program(WAIT_THEN_TAG), DUNNING);
        run.next();
        run.now = NOW.plus(Duration.ofDays(2));
        run.state = StateJson.read(StateJson.write(run.state.retried(run.program, 0)));
        run.context = null;

        assertThat(run.next()).as("the record to wait on is read first").isEqualTo(new Plan.NeedsContext());
        run.state = StateJson.read(StateJson.write(run.state));
        run.context = DUNNING;

        assertThat(((Plan.AwaitEvent) run.next()).until()).isEqualTo(UNTIL);
    }

    @Test
    void aWaitThatNeverBeganStartsItsTimeoutWhenTheRetriedRunReachesIt() {
        var run = new Run(program(WAIT_THEN_TAG), DUNNING);
        run.state = run.state.retried(run.program, 0);
        run.now = NOW.plus(Duration.ofDays(2));

        assertThat(((Plan.AwaitEvent) run.next()).until()).isEqualTo(UNTIL.plus(Duration.ofDays(2)));
    }

    @Test
    void aRunAboutNoCustomerOrWithoutTheRecordCannotWaitAndFailsSayingWhy() {
        var noCustomer = new Run(program(WAIT_THEN_TAG), object("""
            {"event": {"type": "invoice.overdue", "data": {"invoice": {"id": "inv_1"}}}}"""));
        var noInvoice = new Run(program(WAIT_THEN_TAG), object("""
            {"event": {"type": "acme.nudge", "customer_id": "cus_1", "data": {}}}"""));

        noCustomer.next();
        noInvoice.next();

        assertThat(noCustomer.plan).isEqualTo(new Plan.Finish(false, "paid", "nothing_to_match",
            "the run is about no customer, so no event can be matched to it"));
        assertThat(noInvoice.plan).isEqualTo(new Plan.Finish(false, "paid", "nothing_to_match",
            "the run's trigger is about no invoice to wait on (event.data.invoice.id is missing)"));
        assertThat(noInvoice.statuses("paid")).containsExactly("failed");
    }
}
