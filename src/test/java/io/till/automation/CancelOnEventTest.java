package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.automation.engine.ExecutionState;
import io.till.shared.Timestamps;
import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * cancel_on (PRODUCT.md §4): an event the automation lists ends its runs about the same customer (and, with match, the
 * same record) that have not ended, whatever step they are at, and only runs started before the event.
 */
@TillIntegrationTest
class CancelOnEventTest {

    /** Tags the customer, waits a day, tags again; canceled by %s. */
    private static final String REMINDER = """
        {"name": "Cart reminder", "trigger": {"type": "event", "event": "acme.cart_abandoned"},
         "cancel_on": %s,
         "steps": [{"id": "first", "type": "action", "action": "add_tag", "params": {"tag": "reminded"}},
                   {"id": "wait", "type": "delay", "duration": "P1D"},
                   {"id": "second", "type": "action", "action": "add_tag", "params": {"tag": "reminded_again"}}]}""";

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    Triggers triggers;
    @Autowired
    ExecutionQueue queue;

    @Autowired
    ExecutionResults results;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient db;

    @Test
    void anEventItCancelsOnEndsTheWaitingRunOfThatCustomerOnly() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String bob = shop.customer("Bob");
        String automation = shop.activate(REMINDER.formatted("[\"acme.cart_recovered\"]"));
        shop.post("acme.cart_abandoned", ada, "{}");
        shop.post("acme.cart_abandoned", bob, "{}");
        agenda.runDue();
        assertThat(shop.onlyRun(automation, ada).get("status").asString()).isEqualTo("waiting");

        String recovered = shop.post("acme.cart_recovered", ada, "{}");
        agenda.runDue();

        JsonNode adas = shop.onlyRun(automation, ada);
        assertThat(adas.get("status").asString()).isEqualTo("canceled");
        assertThat(adas.get("canceled_by_event").asString()).isEqualTo(recovered);
        assertThat(adas.get("finished_at").isNull()).isFalse();
        assertThat(adas.get("wake_at").isNull()).isTrue();
        assertThat(StoreApi.log(adas)).containsExactly("first:succeeded", "wait:waiting");
        shop.advance("P1DT1H");
        assertThat(shop.tags(ada)).containsExactly("reminded");
        assertThat(shop.tags(bob)).containsExactly("reminded", "reminded_again");
        JsonNode bobs = shop.onlyRun(automation, bob);
        assertThat(bobs.get("status").asString()).isEqualTo("succeeded");
        assertThat(bobs.get("canceled_by_event").isNull()).isTrue();
        assertThat(db.sql("SELECT count(*) FROM execution_timers WHERE execution_id = :id")
            .param("id", adas.get("id").asString()).query(Long.class).single()).isZero();
    }

    @Test
    void withAMatchOnARecordOnlyTheRunAboutThatRecordEnds() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(REMINDER.formatted("""
            [{"event": "acme.order_paid", "match": "order"}]"""));
        shop.post("acme.cart_abandoned", ada, "{\"order\": {\"id\": \"ord_one\"}}");
        shop.post("acme.cart_abandoned", ada, "{\"order\": {\"id\": \"ord_two\"}}");
        agenda.runDue();

        String paid = shop.post("acme.order_paid", ada, "{\"order\": {\"id\": \"ord_two\"}}");
        // An event without the record ends nothing: the customer alone is not enough here.
        shop.post("acme.order_paid", ada, "{}");
        agenda.runDue();

        var runs = shop.runs(automation, ada);
        assertThat(runs).extracting(run -> run.get("trigger").get("data").get("order").get("id").asString() + ":"
            + run.get("status").asString()).containsExactly("ord_one:waiting", "ord_two:canceled");
        assertThat(runs.get(1).get("canceled_by_event").asString()).isEqualTo(paid);
    }

    @Test
    void anEventEndsOnlyRunsStartedBeforeIt_evenInTheSameBatch() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String grace = shop.customer("Grace");
        String automation = shop.activate(REMINDER.formatted("[\"acme.cart_recovered\"]"));
        // Grace's run starts after her event: it goes on.
        shop.post("acme.cart_recovered", grace, "{}");
        // Ada's cart is abandoned and recovered before the engine sees either: the run it starts ends at once,
        // before its first step.
        shop.post("acme.cart_abandoned", ada, "{}");
        shop.post("acme.cart_abandoned", grace, "{}");
        String recovered = shop.post("acme.cart_recovered", ada, "{}");
        agenda.runDue();

        JsonNode adas = shop.onlyRun(automation, ada);
        assertThat(adas.get("status").asString()).isEqualTo("canceled");
        assertThat(adas.get("canceled_by_event").asString()).isEqualTo(recovered);
        assertThat(adas.get("steps")).isEmpty();
        assertThat(shop.tags(ada)).isEmpty();
        assertThat(shop.onlyRun(automation, grace).get("status").asString()).isEqualTo("waiting");
        assertThat(shop.tags(grace)).containsExactly("reminded");
    }

    @Test
    void aRunStartedBesideTheMatcherAndCanceledInItsBatchIsNotHandedToItsFirstStep() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(REMINDER.formatted("[\"acme.cart_recovered\"]"));
        agenda.runDue();
        shop.post("acme.cart_abandoned", ada, "{}");
        shop.post("acme.cart_recovered", ada, "{}");

        var lease = new ExecutionQueue.Lease(UUID.randomUUID(), Duration.ofMinutes(1));
        var matched = triggers.matchEvents(AutomationAgenda.EVENT_BATCH, lease, true);

        assertThat(matched.events()).isEqualTo(2);
        assertThat(matched.claimed()).isEmpty();
        assertThat(shop.onlyRun(automation, ada).get("status").asString()).isEqualTo("canceled");
        assertThat(db.sql("SELECT count(*) FROM execution_queue WHERE lease_token = :token")
            .param("token", lease.token()).query(Long.class).single()).isZero();
    }

    @Test
    void aRunWhoseStepIsRunningEndsWhenThatStepIsWrittenKeepingItsLog() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(REMINDER.formatted("[\"acme.cart_recovered\"]"));
        agenda.runDue();
        shop.post("acme.cart_abandoned", ada, "{}");
        triggers.matchEvents(AutomationAgenda.EVENT_BATCH);
        String id = shop.onlyRun(automation, ada).get("id").asString();
        // A node claims the run and is in the middle of its step when the event arrives.
        UUID node = UUID.randomUUID();
        var claimed = queue.claim(node, 100, Timestamps.now(clock), Duration.ofMinutes(1)).stream()
            .filter(c -> c.id().equals(id)).findFirst().orElseThrow();

        String recovered = shop.post("acme.cart_recovered", ada, "{}");
        agenda.runDue();
        JsonNode meanwhile = shop.onlyRun(automation, ada);
        assertThat(meanwhile.get("status").asString()).isEqualTo("pending");
        assertThat(meanwhile.get("canceled_by_event").asString()).isEqualTo(recovered);

        var step = new io.till.automation.engine.StepLog("first", "steps[0]", "", "action", "succeeded", 1, null,
            null, null, Timestamps.now(clock), Timestamps.now(clock), id + ":first");
        var written = results.save(node, List.of(new ExecutionResults.Written(claimed, "running",
            ExecutionState.start(), null, null, List.of(step))), java.util.Set.of(id), Timestamps.now(clock));

        assertThat(written).containsEntry(id, "canceled");
        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("canceled");
        assertThat(StoreApi.log(run)).containsExactly("first:succeeded");
        assertThat(db.sql("SELECT count(*) FROM execution_queue WHERE execution_id = :id").param("id", id)
            .query(Long.class).single()).isZero();
        clock.advance(Duration.ofMinutes(2));
        agenda.runDue();
        assertThat(shop.onlyRun(automation, ada).get("status").asString()).isEqualTo("canceled");
    }

    /**
     * A reviewer's: a run whose node is still performing its step past the lease (its renewals failing a moment) was
     * ended at once by the event, and that step's write-back refused: performed, but never in the log. As a cancel
     * by hand, the event asks the run to end once the step is written.
     */
    @Test
    void aRunWhoseStepRunsPastItsLeaseEndsWhenThatStepIsWrittenKeepingItsLog() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(REMINDER.formatted("[\"acme.cart_recovered\"]"));
        agenda.runDue();
        shop.post("acme.cart_abandoned", ada, "{}");
        triggers.matchEvents(AutomationAgenda.EVENT_BATCH);
        String id = shop.onlyRun(automation, ada).get("id").asString();
        UUID node = UUID.randomUUID();
        var claimed = queue.claim(node, 100, Timestamps.now(clock), Duration.ofMinutes(1)).stream()
            .filter(c -> c.id().equals(id)).findFirst().orElseThrow();
        clock.advance(Duration.ofMinutes(2));

        String recovered = shop.post("acme.cart_recovered", ada, "{}");
        triggers.matchEvents(AutomationAgenda.EVENT_BATCH);
        JsonNode meanwhile = shop.onlyRun(automation, ada);
        assertThat(meanwhile.get("status").asString()).isEqualTo("pending");
        assertThat(meanwhile.get("canceled_by_event").asString()).isEqualTo(recovered);

        var step = new io.till.automation.engine.StepLog("first", "steps[0]", "", "action", "succeeded", 1, null,
            null, null, Timestamps.now(clock), Timestamps.now(clock), id + ":first");
        var written = results.save(node, List.of(new ExecutionResults.Written(claimed, "running",
            ExecutionState.start(), null, null, List.of(step))), java.util.Set.of(id), Timestamps.now(clock));

        assertThat(written).containsEntry(id, "canceled");
        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("canceled");
        assertThat(StoreApi.log(run)).containsExactly("first:succeeded");
    }

    /** A reviewer's: a cancel event after staff's own cancel was recorded as the run's cause, staff's request lost. */
    @Test
    void aRunStaffCanceledWhileItsStepRanEndsAsTheirCancelThoughItsCancelEventCameAfter() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(REMINDER.formatted("[\"acme.cart_recovered\"]"));
        agenda.runDue();
        shop.post("acme.cart_abandoned", ada, "{}");
        triggers.matchEvents(AutomationAgenda.EVENT_BATCH);
        String id = shop.onlyRun(automation, ada).get("id").asString();
        UUID node = UUID.randomUUID();
        var claimed = queue.claim(node, 100, Timestamps.now(clock), Duration.ofMinutes(1)).stream()
            .filter(c -> c.id().equals(id)).findFirst().orElseThrow();
        assertThat(api.post("/api/v1/executions/" + id + "/cancel", store.apiKey(), null).status()).isEqualTo(200);

        shop.post("acme.cart_recovered", ada, "{}");
        triggers.matchEvents(AutomationAgenda.EVENT_BATCH);
        var step = new io.till.automation.engine.StepLog("first", "steps[0]", "", "action", "succeeded", 1, null,
            null, null, Timestamps.now(clock), Timestamps.now(clock), id + ":first");
        results.save(node, List.of(new ExecutionResults.Written(claimed, "running", ExecutionState.start(), null,
            null, List.of(step))), java.util.Set.of(id), Timestamps.now(clock));

        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("canceled");
        assertThat(run.get("canceled_by_event").isNull()).as("staff asked first").isTrue();
    }

    @Test
    void aRunCanceledByHandWhileItsStepRunsEndsWhenThatStepIsWrittenKeepingItsLog() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(REMINDER.formatted("[]"));
        agenda.runDue();
        shop.post("acme.cart_abandoned", ada, "{}");
        triggers.matchEvents(AutomationAgenda.EVENT_BATCH);
        String id = shop.onlyRun(automation, ada).get("id").asString();
        // A node claims the run and is in the middle of its step (its action performed) when the seller cancels it.
        UUID node = UUID.randomUUID();
        var claimed = queue.claim(node, 100, Timestamps.now(clock), Duration.ofMinutes(1)).stream()
            .filter(c -> c.id().equals(id)).findFirst().orElseThrow();

        var canceled = api.post("/api/v1/executions/" + id + "/cancel", store.apiKey(), null);
        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);

        var step = new io.till.automation.engine.StepLog("first", "steps[0]", "", "action", "succeeded", 1, null,
            null, null, Timestamps.now(clock), Timestamps.now(clock), id + ":first");
        var written = results.save(node, List.of(new ExecutionResults.Written(claimed, "running",
            ExecutionState.start(), null, null, List.of(step))), java.util.Set.of(id), Timestamps.now(clock));

        // Written, not refused as a late write of a node that lost its lease.
        assertThat(written).containsEntry(id, "canceled");
        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("canceled");
        assertThat(run.get("canceled_by_event").isNull()).isTrue();
        assertThat(run.get("started_at").isNull()).isFalse();
        assertThat(run.get("finished_at").isNull()).isFalse();
        assertThat(StoreApi.log(run)).containsExactly("first:succeeded");
        assertThat(db.sql("SELECT count(*) FROM execution_queue WHERE execution_id = :id").param("id", id)
            .query(Long.class).single()).isZero();
        clock.advance(Duration.ofMinutes(2));
        agenda.runDue();
        assertThat(shop.onlyRun(automation, ada).get("status").asString()).isEqualTo("canceled");
        var again = api.post("/api/v1/executions/" + id + "/cancel", store.apiKey(), null);
        assertThat(again.status()).isEqualTo(409);
    }

    @Test
    void aCancelEventAnotherNodeMatchedBeforeTheRunExistedStillEndsIt() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(REMINDER.formatted("[\"acme.cart_recovered\"]"));
        agenda.runDue();
        shop.post("acme.cart_abandoned", ada, "{}");
        String recovered = shop.post("acme.cart_recovered", ada, "{}");
        // Another matcher took the recovery while this one was starting the run for the abandoned cart: it found no
        // run to end, and took it from the inbox.
        db.sql("DELETE FROM event_inbox WHERE event_id = :id").param("id", recovered).update();
        agenda.runDue();

        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("canceled");
        assertThat(run.get("canceled_by_event").asString()).isEqualTo(recovered);
        assertThat(shop.tags(ada)).isEmpty();
    }

    @Test
    void anAutomationThatCancelsOnItsOwnTriggerKeepsOnlyTheNewestRun() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(REMINDER.replace("acme.cart_abandoned", "acme.cart_changed")
            .formatted("[\"acme.cart_changed\"]"));
        shop.post("acme.cart_changed", ada, "{}");
        agenda.runDue();
        String second = shop.post("acme.cart_changed", ada, "{}");
        agenda.runDue();

        assertThat(shop.runs(automation, ada)).extracting(run -> run.get("status").asString())
            .containsExactly("canceled", "waiting");
        assertThat(shop.runs(automation, ada).getFirst().get("canceled_by_event").asString()).isEqualTo(second);
    }

    @Test
    void aRunWhoseStepEndsItKeepsNoCancelRequest() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(REMINDER.formatted("[\"acme.cart_recovered\"]"));
        agenda.runDue();
        shop.post("acme.cart_abandoned", ada, "{}");
        triggers.matchEvents(AutomationAgenda.EVENT_BATCH);
        String id = shop.onlyRun(automation, ada).get("id").asString();
        UUID node = UUID.randomUUID();
        var claimed = queue.claim(node, 100, Timestamps.now(clock), Duration.ofMinutes(1)).stream()
            .filter(c -> c.id().equals(id)).findFirst().orElseThrow();
        shop.post("acme.cart_recovered", ada, "{}");
        agenda.runDue();

        var written = results.save(node, List.of(new ExecutionResults.Written(claimed, "succeeded",
            ExecutionState.start(), null, null, List.of())), java.util.Set.of(), Timestamps.now(clock));

        assertThat(written).containsEntry(id, "succeeded");
        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(run.get("canceled_by_event").isNull()).isTrue();
    }

    @Test
    void saysWhatIsWrongWithACancelOnList() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        var refused = api.post("/api/v1/automations", store.apiKey(), REMINDER.formatted("""
            [{"event": "invoice.payd"}, {"event": "acme.x", "match": "planet"}, "Not an event",
             "acme.y", {"event": "acme.y"}]"""));

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        var fields = new ArrayList<String>();
        refused.json().get("errors").forEach(f -> fields.add(f.get("field").asString() + ":" + f.get(
            "code").asString()));
        assertThat(fields).containsExactly("cancel_on[0].event:unknown_event", "cancel_on[1].match:invalid_value",
            "cancel_on[2]:invalid_format", "cancel_on[4].event:duplicate");
    }
}
