package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TestActions;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A run whose first steps are record actions takes them in the transaction that matches its event: written once, with
 * their log lines, never queued; it goes on in the workers' rounds from the first step that calls out; a batch whose
 * steps throw is undone and matched again the ordinary way; and an event matched twice takes no step twice.
 */
@TillIntegrationTest
class StepsAtStartTest {

    private static final String RECORDS = """
        {"name": "Welcome", "trigger": {"type": "event", "event": "acme.signed_up"},
         "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "welcomed"}},
                   {"id": "task", "type": "action", "action": "create_task", "params": {"title": "Call them"}}%s]}""";

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    Triggers triggers;
    @Autowired
    Executor executor;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    JdbcClient db;

    private final ExecutionQueue.Lease lease = new ExecutionQueue.Lease(UUID.randomUUID(), Duration.ofMinutes(1));

    private record Run(String status, int lockVersion, int logCount) {}

    private Run run(String accountId, String automation) {
        return db
            .sql("SELECT status, lock_version, log_count FROM executions WHERE account_id = :a AND automation_id = "
                + ":id")
            .param("a", accountId)
            .param("id", automation)
            .query((rs, row) -> new Run(rs.getString("status"), rs.getInt("lock_version"), rs.getInt("log_count")))
            .single();
    }

    private long count(String sql, String accountId) {
        return db.sql(sql).param("a", accountId).query(Long.class).single();
    }

    @Test
    void aRunOfRecordActionsIsWrittenOnceWithItsLogAndNeverQueued() {
        agenda.runDue();
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(RECORDS.formatted(""));
        shop.post("acme.signed_up", ada, "{}");

        var matched = triggers.matchEvents(500, lease, true);

        // Nothing left for a first step beside the matcher: the run ended in the matcher's transaction.
        assertThat(matched.events()).isEqualTo(1);
        assertThat(matched.claimed()).isEmpty();
        // Inserted as it ended, never written again (a save bumps lock_version), and no queue row left behind.
        assertThat(run(store.id(), automation)).isEqualTo(new Run("succeeded", 0, 2));
        assertThat(count("SELECT count(*) FROM execution_queue WHERE account_id = :a", store.id())).isZero();
        var only = shop.onlyRun(automation, ada);
        assertThat(StoreApi.log(only)).containsExactly("tag:succeeded", "task:succeeded");
        // Keyed as a worker's step is: the task is found again, not made twice, should the step ever run again.
        assertThat(only.get("steps").get(1).get("idempotency_key").asString())
            .isEqualTo(only.get("id").asString() + ":task");
        assertThat(only.get("started_at").isNull()).isFalse();
        assertThat(only.get("finished_at").isNull()).isFalse();
        assertThat(shop.tags(ada)).containsExactly("welcomed");
        assertThat(count("SELECT count(*) FROM tasks WHERE account_id = :a", store.id())).isEqualTo(1);
    }

    @Test
    void eachRunKeepsItsEventAsRecordedWithoutTheContextsFormattedTwins() {
        agenda.runDue();
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String first = shop.activate(RECORDS.formatted(""));
        String second = shop.activate(RECORDS.formatted("").replace("Welcome", "Welcome again"));
        shop.post("acme.signed_up", ada, """
            {"note": {"created_at": "2027-02-01T03:00:00Z", "amount": 1900, "currency": "usd"}}""");

        triggers.matchEvents(500, lease, true);

        // The step read the note's formatted twins; the runs' triggers, one event shared by both, never carry them.
        for (String automation : List.of(first, second)) {
            var note = shop.onlyRun(automation, ada).get("trigger").get("data").get("note");
            assertThat(note.propertyNames()).containsExactlyInAnyOrder("created_at", "amount", "currency");
        }
    }

    @Test
    void theRunGoesOnInTheWorkersRoundFromTheFirstStepThatCallsOut() {
        agenda.runDue();
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(RECORDS.formatted("""
            , {"id": "call", "type": "action", "action": "test.record"}"""));
        shop.post("acme.signed_up", ada, "{}");

        var matched = triggers.matchEvents(500, lease, true);

        assertThat(matched.claimed()).singleElement().satisfies(claimed -> assertThat(claimed.steps()).isEqualTo(2));
        assertThat(run(store.id(), automation)).isEqualTo(new Run("running", 0, 2));
        assertThat(TestActions.calls(db, store.id())).isEmpty();

        executor.run(lease, matched.claimed(), written -> {
        });

        assertThat(run(store.id(), automation).status()).isEqualTo("succeeded");
        assertThat(StoreApi.log(shop.onlyRun(automation, ada))).containsExactly("tag:succeeded", "task:succeeded",
            "call:succeeded");
        assertThat(TestActions.calls(db, store.id())).extracting(TestActions.Call::action)
            .containsExactly("test.record");
        assertThat(count("SELECT count(*) FROM execution_queue WHERE account_id = :a", store.id())).isZero();
    }

    @Test
    void aBatchWhoseStepAtStartThrowsIsUndoneAndMatchedAgainTheOrdinaryWay() {
        agenda.runDue();
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String grace = shop.customer("Grace");
        String failing = shop.activate("""
            {"name": "Breaks", "trigger": {"type": "event", "event": "acme.signed_up"},
             "steps": [{"id": "write", "type": "action", "action": "test.in_transaction", "params": {"fail": true},
                        "retry": {"attempts": 1}}]}""");
        String welcome = shop.activate(RECORDS.formatted(""));
        shop.post("acme.signed_up", ada, "{}");
        shop.post("acme.signed_up", grace, "{}");

        agenda.runDue();

        // The attempt inside the batch's transaction left nothing (its call, Ada's and Grace's tags, their tasks);
        // matched again the ordinary way, each run took each step once.
        assertThat(TestActions.calls(db, store.id())).hasSize(2);
        assertThat(shop.onlyRun(failing, ada).get("status").asString()).isEqualTo("failed");
        assertThat(StoreApi.log(shop.onlyRun(welcome, ada))).containsExactly("tag:succeeded", "task:succeeded");
        assertThat(StoreApi.log(shop.onlyRun(welcome, grace))).containsExactly("tag:succeeded", "task:succeeded");
        assertThat(count("SELECT count(*) FROM tasks WHERE account_id = :a", store.id())).isEqualTo(2);
    }

    @Test
    void aRecordActionRefusedAtStartFailsItsRunOnceAndHoldsBackNoOtherRun() {
        agenda.runDue();
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        // Customers.update refuses the email inside a transactional service: the batch's transaction can then only
        // roll back, and is matched again the ordinary way.
        String refused = shop.activate(
            """
                {"name": "Bad email", "trigger": {"type": "event", "event": "acme.signed_up"},
                 "steps": [{"id": "set", "type": "action", "action": "update_customer", "params": {"email": "not-an-email"}}]}""");
        String welcome = shop.activate(RECORDS.formatted(""));
        shop.post("acme.signed_up", ada, "{}");

        agenda.runDue();

        var failed = shop.onlyRun(refused, ada);
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        assertThat(StoreApi.log(failed)).containsExactly("set:failed");
        assertThat(StoreApi.log(shop.onlyRun(welcome, ada))).containsExactly("tag:succeeded", "task:succeeded");
        assertThat(count("SELECT count(*) FROM tasks WHERE account_id = :a", store.id())).isEqualTo(1);
    }

    @Test
    void theRunsOfABatchTakeTheirStepsInTheOrderOfTheirCustomersSoThatTwoBatchesNeverWaitForEachOtherInACircle() {
        agenda.runDue();
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        var customers = Stream.of(shop.customer("Ada"), shop.customer("Grace"), shop.customer("Hedy")).sorted()
            .toList();
        shop.activate("""
            {"name": "Write", "trigger": {"type": "event", "event": "acme.signed_up"},
             "steps": [{"id": "write", "type": "action", "action": "test.in_transaction"}]}""");
        // The events arrive in the opposite order of their customers' ids, as another node's batch may hold them.
        customers.reversed().forEach(customer -> shop.post("acme.signed_up", customer, "{}"));

        triggers.matchEvents(500, lease, true);

        // Every batch locks the customers it writes in one order: two never each hold a row the other waits for.
        var writtenFor = TestActions.calls(db, store.id()).stream()
            .map(call -> db.sql("SELECT customer_id FROM executions WHERE id = :id")
                .param("id", call.idempotencyKey().substring(0, call.idempotencyKey().indexOf(':')))
                .query(String.class)
                .single())
            .toList();
        assertThat(writtenFor).containsExactlyElementsOf(customers);
    }

    @Test
    void anEventMatchedASecondTimeTakesNoStepTwice() {
        agenda.runDue();
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(RECORDS.formatted(""));
        String event = shop.post("acme.signed_up", ada, "{}");
        agenda.runDue();
        assertThat(count("SELECT count(*) FROM tasks WHERE account_id = :a", store.id())).isEqualTo(1);

        // The same event in the inbox again (delivered twice): its run exists, so nothing is started, nor done.
        db.sql("""
            INSERT INTO event_inbox (event_id, account_id, type, customer_id)
            SELECT id, account_id, type, customer_id FROM events WHERE id = :id
            """).param("id", event).update();
        agenda.runDue();

        assertThat(count("SELECT count(*) FROM event_inbox WHERE account_id = :a", store.id())).isZero();
        assertThat(shop.runs(automation, ada)).hasSize(1);
        assertThat(count("SELECT count(*) FROM tasks WHERE account_id = :a", store.id())).isEqualTo(1);
    }
}
