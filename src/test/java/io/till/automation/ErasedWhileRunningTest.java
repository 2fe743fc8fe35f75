package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Await;
import io.till.testing.PersonalDataSearch;
import io.till.testing.TestAccounts;
import io.till.testing.TestActions;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * A customer is erased while a step of their run is running on a worker, which holds no lock and no connection while
 * the action runs: the step's result, made from their data before the erasure, must not bring it back when it is
 * written. A probe found their name and email in the run's state, the step's log line and its outbound call after the
 * erasure had answered that they were gone.
 */
@TillIntegrationTest
class ErasedWhileRunningTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    Executor executor;
    @Autowired
    Executions executions;
    @Autowired
    JdbcClient db;
    @Autowired
    JsonMapper json;
    @Autowired
    javax.sql.DataSource dataSource;

    private final String tag = letters(8);
    private final String surname = "Quux" + tag;
    private final String email = "zelda." + tag + "@quux.example";

    @Test
    void aStepRunningAsItsCustomerIsErasedIsWrittenWithoutTheirDataKeptAsDoneAndItsRunEndsCanceled() throws Exception {
        agenda.runDue();
        var store = accounts.create();
        var started = startForZelda(store, """
            [{"id": "hello", "type": "action", "action": "test.record",
              "params": {"note": "Hello {{customer.first_name}}, welcome"}},
             {"id": "slow", "type": "action", "action": "test.block",
              "params": {"note": "{{customer.name}} <{{customer.email}}>"}},
             {"id": "after", "type": "action", "action": "test.record", "params": {"note": "Bye"}}]""");
        String customer = started.customer();
        String run = started.run();

        TestActions.hold(store.id());
        try (var node = Executors.newSingleThreadExecutor()) {
            var round = node.submit(() -> executor.runRound(UUID.randomUUID(), 500, LEASE));
            Await.until("the slow step runs", () -> TestActions.calls(db, store.id()).stream()
                .anyMatch(call -> call.action().equals("test.block")));

            var erased = api.post("/api/v1/customers/" + customer + "/redact", store.apiKey(), null);
            assertThat(erased.status()).as(erased.text()).isEqualTo(200);
            assertThat(tablesHolding(surname)).as("erased, while the step still runs").isEmpty();

            TestActions.release(store.id());
            assertThat(round.get(1, TimeUnit.MINUTES)).isEqualTo(1);
        } finally {
            TestActions.release(store.id());
        }

        for (String value : List.of(surname, email)) {
            assertThat(tablesHolding(value)).as(value).isEmpty();
        }
        var ended = executions.read(store.id(), run);
        assertThat(ended.status()).as("the erasure canceled it, to end with the step it ran").isEqualTo("canceled");
        assertThat(ended.steps()).extracting(Execution.Step::stepId).containsExactly("hello", "slow");
        // Written before the erasure, which redacted its customer's values as it does everywhere.
        assertThat(ended.steps().get(0).output().get("note").asString()).isEqualTo("Hello [redacted], welcome");
        // Written after: it happened, under its key, and nothing it brought of the customer stays.
        var slow = ended.steps().get(1);
        assertThat(slow.status()).isEqualTo("succeeded");
        assertThat(slow.attempt()).isEqualTo(1);
        assertThat(slow.idempotencyKey()).isEqualTo(run + ":slow");
        assertThat(slow.input().get("note").asString()).isEqualTo("[redacted]");
        assertThat(slow.output().get("note").asString()).isEqualTo("[redacted]");
        var state = json.readTree(db.sql("SELECT state FROM executions WHERE id = :id").param("id", run)
            .query(String.class).single());
        assertThat(state.get("outputs").get("hello").get("note").asString()).isEqualTo("Hello [redacted], welcome");
        assertThat(state.get("outputs").get("slow").get("note").asString()).isEqualTo("[redacted]");
        assertThat(db.sql("SELECT status || ' ' || output::text FROM outbound_calls WHERE idempotency_key = :key")
            .param("key", run + ":slow").query(String.class).single()).isEqualTo("done {\"note\": \"[redacted]\"}");

        // Nothing is left to run again: the step is not repeated, and the step after it never runs.
        agenda.runDue();
        assertThat(TestActions.calls(db, store.id())).extracting(TestActions.Call::action)
            .containsExactly("test.record", "test.block");
        assertThat(db.sql("SELECT count(*) FROM execution_queue WHERE execution_id = :id").param("id", run)
            .query(Long.class).single()).isZero();
        assertThat(db.sql("SELECT redact_asked FROM executions WHERE id = :id").param("id", run)
            .query(Boolean.class).single()).isFalse();
    }

    /**
     * An email made from the customer's data as the step began reaches the dev mailbox after the erasure answered: the
     * copy kept there loses every value of theirs with the step's result. A probe found their name and address in the
     * mailbox of a run erased between its context and its send.
     */
    @Test
    void anEmailMadeBeforeTheErasureAndKeptInTheDevMailboxAfterItKeepsNoneOfTheirData() throws Exception {
        agenda.runDue();
        var store = accounts.create();
        var started = startForZelda(store, """
            [{"id": "mail", "type": "action", "action": "send_email",
              "params": {"to": "{{customer.email}}", "subject": "Hello {{customer.name}}",
                         "text": "Dear {{customer.name}}, welcome."}}]""");
        String customer = started.customer();
        String run = started.run();

        // The step, its email made, waits to reserve its key behind a row another transaction is inserting under it.
        var inserted = new java.util.concurrent.CountDownLatch(1);
        var rollBack = new java.util.concurrent.CountDownLatch(1);
        try (var other = Executors.newSingleThreadExecutor(); var node = Executors.newSingleThreadExecutor()) {
            var holding = other.submit(() -> {
                try (var connection = dataSource.getConnection()) {
                    connection.setAutoCommit(false);
                    try (var insert = connection.prepareStatement("""
                        INSERT INTO message_sends (account_id, idempotency_key, kind, status, created_at, updated_at)
                        VALUES (?, ?, 'email', 'sending', now(), now())""")) {
                        insert.setString(1, store.id());
                        insert.setString(2, run + ":mail");
                        insert.executeUpdate();
                    }
                    inserted.countDown();
                    rollBack.await(1, TimeUnit.MINUTES);
                    connection.rollback();
                }
                return null;
            });
            assertThat(inserted.await(1, TimeUnit.MINUTES)).isTrue();
            var round = node.submit(() -> executor.runRound(UUID.randomUUID(), 500, LEASE));
            Await.until("the step waits to reserve its key", () -> db.sql("""
                SELECT count(*) FROM pg_stat_activity
                 WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO message_sends%'""")
                .query(Long.class).single() > 0);

            var erased = api.post("/api/v1/customers/" + customer + "/redact", store.apiKey(), null);
            assertThat(erased.status()).as(erased.text()).isEqualTo(200);

            rollBack.countDown();
            holding.get(1, TimeUnit.MINUTES);
            assertThat(round.get(1, TimeUnit.MINUTES)).isEqualTo(1);
        } finally {
            rollBack.countDown();
        }

        assertThat(db.sql("SELECT count(*) FROM dev_messages WHERE account_id = :accountId")
            .param("accountId", store.id()).query(Long.class).single()).as("the email was sent").isEqualTo(1);
        for (String value : List.of(surname, email)) {
            assertThat(tablesHolding(value)).as(value).isEmpty();
        }
    }

    /** Posts the customer's name and email to a one-off URL. */
    private static final String POST_THEM = """
        [{"id": "post", "type": "action", "action": "send_webhook",
          "params": {"url": "https://hooks.example.com/zelda",
                     "payload": {"name": "{{customer.name}}", "email": "{{customer.email}}"}}}]""";

    /**
     * A send_webhook step whose payload was made from the customer before an erasure that commits before its delivery
     * is queued queues nothing: the delivery would send their data on after the erasure answered.
     */
    @Test
    void aWebhookMadeBeforeAnErasureThatCameFirstIsNotQueued() throws Exception {
        agenda.runDue();
        var store = accounts.create();
        var started = startForZelda(store, POST_THEM);

        queuedBehindALockOnTheCustomer(store, started, true);

        assertThat(db.sql("SELECT count(*) FROM webhook_deliveries WHERE account_id = :accountId")
            .param("accountId", store.id()).query(Long.class).single()).isZero();
        for (String value : List.of(surname, email)) {
            assertThat(tablesHolding(value)).as(value).isEmpty();
        }
    }

    /**
     * A send_webhook step that queued its delivery just before the erasure (which, its step not yet written, could
     * not find it by its key) leaves it without their data once the step is written, as an email's copy is.
     */
    @Test
    void aWebhookQueuedJustBeforeTheErasureKeepsNoneOfTheirDataOnceItsStepIsWritten() throws Exception {
        agenda.runDue();
        var store = accounts.create();
        var started = startForZelda(store, POST_THEM);

        queuedBehindALockOnTheCustomer(store, started, false);

        assertThat(db.sql("SELECT count(*) FROM webhook_deliveries WHERE account_id = :accountId")
            .param("accountId", store.id()).query(Long.class).single()).isEqualTo(1);
        for (String value : List.of(surname, email)) {
            assertThat(tablesHolding(value)).as(value).isEmpty();
        }
    }

    /**
     * Runs {@code started}'s step and erases its customer while another transaction holds the customer's row: the
     * erasure asks first when {@code erasureFirst}, else the step does; each then goes in that order.
     */
    private void queuedBehindALockOnTheCustomer(TestAccounts.TestAccount store, Started started, boolean erasureFirst)
        throws Exception {
        var locked = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        try (var other = Executors.newSingleThreadExecutor();
            var node = Executors.newSingleThreadExecutor();
            var staff = Executors.newSingleThreadExecutor()) {
            var holding = other.submit(() -> {
                try (var connection = dataSource.getConnection()) {
                    connection.setAutoCommit(false);
                    try (var lock = connection.prepareStatement("SELECT id FROM customers WHERE id = ? FOR UPDATE")) {
                        lock.setString(1, started.customer());
                        lock.executeQuery().close();
                    }
                    locked.countDown();
                    release.await(1, TimeUnit.MINUTES);
                    connection.rollback();
                }
                return null;
            });
            assertThat(locked.await(1, TimeUnit.MINUTES)).isTrue();
            java.util.concurrent.Future<Integer> round;
            java.util.concurrent.Future<Api.Response> erased;
            if (erasureFirst) {
                erased = staff.submit(() -> api.post("/api/v1/customers/" + started.customer() + "/redact",
                    store.apiKey(), null));
                awaitWaitingForTheCustomer(1);
                round = node.submit(() -> executor.runRound(UUID.randomUUID(), 500, LEASE));
            } else {
                round = node.submit(() -> executor.runRound(UUID.randomUUID(), 500, LEASE));
                awaitWaitingForTheCustomer(1);
                erased = staff.submit(() -> api.post("/api/v1/customers/" + started.customer() + "/redact",
                    store.apiKey(), null));
            }
            awaitWaitingForTheCustomer(2);
            release.countDown();
            holding.get(1, TimeUnit.MINUTES);
            assertThat(round.get(1, TimeUnit.MINUTES)).isEqualTo(1);
            var answer = erased.get(1, TimeUnit.MINUTES);
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        } finally {
            release.countDown();
        }
    }

    private void awaitWaitingForTheCustomer(int waiting) {
        Await.until(waiting + " waiting for the customer's row", () -> db.sql("""
            SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%customers%'""")
            .query(Long.class).single() >= waiting);
    }

    /** A run by hand of a new automation of {@code steps}, about a new customer Zelda, started and not yet run. */
    private record Started(String customer, String run) {}

    private Started startForZelda(TestAccounts.TestAccount store, String steps) {
        var created = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Zelda %s", "email": "%s"}""".formatted(surname, email));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String customer = created.json().get("id").asString();
        var automation = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Welcome", "trigger": {"type": "manual"}, "steps": %s}""".formatted(steps));
        assertThat(automation.status()).as(automation.text()).isEqualTo(201);
        String automationId = automation.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + automationId + "/activate", store.apiKey(), null).status())
            .isEqualTo(200);
        var started = api.post("/api/v1/automations/" + automationId + "/run", store.apiKey(), """
            {"customer_id": "%s"}""".formatted(customer));
        assertThat(started.status()).as(started.text()).isEqualTo(201);
        return new Started(customer, started.json().get("id").asString());
    }

    private List<String> tablesHolding(String value) {
        return PersonalDataSearch.tablesHolding(db, value);
    }

    private static String letters(int count) {
        return PersonalDataSearch.letters(count);
    }
}
