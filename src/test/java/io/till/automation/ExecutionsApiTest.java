package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TestActions;
import io.till.testing.TillIntegrationTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The engine end to end through the API, driven by JSON fixtures and the sandbox test clock. */
@TillIntegrationTest
class ExecutionsApiTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    JdbcClient db;
    @Autowired
    MutableClock clock;
    @Autowired
    HikariDataSource dataSource;

    static String fixture(String name) {
        try (var in = ExecutionsApiTest.class.getResourceAsStream("/automations/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String activate(TestAccounts.TestAccount store, String definition) {
        var created = api.post("/api/v1/automations", store.apiKey(), definition);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        var activated = api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null);
        assertThat(activated.status()).as(activated.text()).isEqualTo(200);
        return id;
    }

    String customer(TestAccounts.TestAccount store, String name, String email) {
        var created = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "%s", "email": "%s"}""".formatted(name, email));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    List<String> tags(TestAccounts.TestAccount store, String customerId) {
        var tags = new ArrayList<String>();
        api.get("/api/v1/customers/" + customerId, store.apiKey()).json().get("tags").forEach(t -> tags.add(t
            .asString()));
        return tags;
    }

    JsonNode onlyExecution(TestAccounts.TestAccount store, String automationId) {
        var list = api.get("/api/v1/executions?automation_id=" + automationId, store.apiKey()).json().get("data");
        assertThat(list).hasSize(1);
        return list.get(0);
    }

    @Test
    void anActionThatThrowsIsTriedAgainAndItsLogNamesNoJavaClass() {
        var store = accounts.create();
        String automation = activate(store, """
            {"name": "Boom", "trigger": {"type": "manual"},
             "steps": [{"id": "boom", "type": "action", "action": "test.boom"}]}""");

        String execution = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), null).json()
            .get("id").asString();
        agenda.runDue();

        var run = api.get("/api/v1/executions/" + execution, store.apiKey()).json();
        assertThat(run.get("status").asString()).isEqualTo("waiting");
        var error = run.get("steps").get(0).get("error");
        assertThat(error.get("code").asString()).isEqualTo("action_error");
        assertThat(error.get("retryable").asBoolean()).isTrue();
        assertThat(error.get("message").asString()).contains(execution)
            .doesNotContain("IllegalStateException", "10.0.0.7", "jdbc");
    }

    /**
     * An action that dies of an Error fails its step once: it was left without a result, so the run stayed running
     * with nothing logged and the action was performed again at every lease, forever.
     */
    @Test
    void anActionThatDiesOfAnErrorFailsItsStepOnceAndIsNotPerformedAgain() {
        var store = accounts.create();
        String automation = activate(store, """
            {"name": "Crash", "trigger": {"type": "manual"},
             "steps": [{"id": "crash", "type": "action", "action": "test.crash"}]}""");

        String execution = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), null).json()
            .get("id").asString();
        agenda.runDue();
        clock.advance(java.time.Duration.ofMinutes(5));
        agenda.runDue();

        var run = api.get("/api/v1/executions/" + execution, store.apiKey()).json();
        assertThat(run.get("status").asString()).isEqualTo("failed");
        var error = run.get("steps").get(0).get("error");
        assertThat(error.get("code").asString()).isEqualTo("action_crashed");
        assertThat(error.path("retryable").asBoolean(false)).isFalse();
        assertThat(error.get("message").asString()).contains(execution).doesNotContain("StackOverflowError");
        assertThat(io.till.testing.TestActions.calls(db, store.id()))
            .extracting(io.till.testing.TestActions.Call::action).containsExactly("test.crash");
    }

    @Test
    void runsTheContractExampleAcrossAThreeDayDelay() {
        var store = accounts.create();
        String ada = customer(store, "Ada Lovelace", "ada@example.com");
        String automation = activate(store, fixture("tag_new_signups"));

        var posted = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.signup", "customer_id": "%s", "data": {}}""".formatted(ada));
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
        agenda.runDue();

        assertThat(tags(store, ada)).containsExactly("new");
        JsonNode waiting = onlyExecution(store, automation);
        assertThat(waiting.get("status").asString()).isEqualTo("waiting");
        assertThat(waiting.get("wake_at").isNull()).isFalse();

        var advanced = api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"P3D\"}");
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);

        assertThat(tags(store, ada)).containsExactly("new", "day3");
        String executionId = onlyExecution(store, automation).get("id").asString();
        JsonNode execution = api.get("/api/v1/executions/" + executionId, store.apiKey()).json();
        assertThat(execution.get("status").asString()).isEqualTo("succeeded");
        var log = new ArrayList<String>();
        execution.get("steps").forEach(s -> log.add(s.get("step_id").asString() + ":" + s.get("status").asString()));
        assertThat(log).containsExactly("tag_new:succeeded", "wait:waiting", "wait:succeeded", "check:succeeded",
            "tag_day3:succeeded");
        JsonNode first = execution.get("steps").get(0);
        assertThat(first.get("input").get("tag").asString()).isEqualTo("new");
        assertThat(first.get("idempotency_key").asString()).isEqualTo(executionId + ":tag_new");
        assertThat(first.get("attempt").asInt()).isEqualTo(1);
    }

    JsonNode run(TestAccounts.TestAccount store, String automation, String body) {
        var started = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), body);
        assertThat(started.status()).as(started.text()).isEqualTo(201);
        agenda.runDue();
        return execution(store, started.json().get("id").asString());
    }

    JsonNode execution(TestAccounts.TestAccount store, String id) {
        return api.get("/api/v1/executions/" + id, store.apiKey()).json();
    }

    JsonNode advance(TestAccounts.TestAccount store, String by) {
        var advanced = api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"" + by + "\"}");
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        return advanced.json();
    }

    static List<String> log(JsonNode execution) {
        var log = new ArrayList<String>();
        execution.get("steps").forEach(s -> log.add(s.get("step_id").asString() + ":" + s.get("status").asString()
            + (s.get("kind").asString().equals("action") ? "#" + s.get("attempt").asInt() : "")));
        return log;
    }

    @Test
    void aConditionAfterADelaySeesTheRecordAsItIsThen() {
        var store = accounts.create();
        String ada = customer(store, "Ada Lovelace", "ada@example.com");
        String automation = activate(store, fixture("tag_new_signups"));
        api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.signup", "customer_id": "%s", "data": {}}""".formatted(ada));
        agenda.runDue();
        assertThat(tags(store, ada)).containsExactly("new");

        var untagged = api.send("PATCH", "/api/v1/customers/" + ada, store.apiKey(), "{\"tags\": []}",
            List.of("Content-Type", "application/json"));
        assertThat(untagged.status()).as(untagged.text()).isEqualTo(200);
        advance(store, "P3D");

        assertThat(tags(store, ada)).isEmpty();
        JsonNode execution = execution(store, onlyExecution(store, automation).get("id").asString());
        assertThat(execution.get("status").asString()).isEqualTo("succeeded");
        assertThat(log(execution)).containsExactly("tag_new:succeeded#1", "wait:waiting", "wait:succeeded",
            "check:succeeded", "halt:succeeded");
        assertThat(execution.get("steps").get(3).get("output").get("taken").asString()).isEqualTo("else");
    }

    @Test
    void startsNothingWhenConditionsFailOrTheAutomationIsPaused() {
        var store = accounts.create();
        String ada = customer(store, "Ada Lovelace", "ada@example.com");
        String automation = activate(store, """
            {"name": "VIPs only", "trigger": {"type": "event", "event": "acme.signup"},
             "conditions": {"all": [{"field": "event.data.plan", "op": "eq", "value": "vip"}]},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "vip"}}]}""");

        api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.signup", "customer_id": "%s", "data": {"plan": "basic"}}""".formatted(ada));
        agenda.runDue();
        assertThat(api.get("/api/v1/executions?automation_id=" + automation, store.apiKey()).json().get("data"))
            .isEmpty();

        api.post("/api/v1/automations/" + automation + "/pause", store.apiKey(), null);
        api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.signup", "customer_id": "%s", "data": {"plan": "vip"}}""".formatted(ada));
        agenda.runDue();
        assertThat(api.get("/api/v1/executions?automation_id=" + automation, store.apiKey()).json().get("data"))
            .isEmpty();

        api.post("/api/v1/automations/" + automation + "/resume", store.apiKey(), null);
        api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.signup", "customer_id": "%s", "data": {"plan": "vip"}}""".formatted(ada));
        agenda.runDue();
        assertThat(onlyExecution(store, automation).get("status").asString()).isEqualTo("succeeded");
        assertThat(tags(store, ada)).containsExactly("vip");
    }

    @Test
    void matchesAnEventDeliveredTwiceOnce() {
        var store = accounts.create();
        String ada = customer(store, "Ada Lovelace", "ada@example.com");
        String automation = activate(store, """
            {"name": "Once", "trigger": {"type": "event", "event": "acme.signup"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");
        String event = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.signup", "customer_id": "%s", "data": {}}""".formatted(ada)).json().get("id").asString();
        agenda.runDue();

        db.sql("INSERT INTO event_inbox (event_id, account_id, type) VALUES (:id, :accountId, 'acme.signup')")
            .param("id", event)
            .param("accountId", store.id())
            .update();
        agenda.runDue();

        assertThat(onlyExecution(store, automation).get("status").asString()).isEqualTo("succeeded");
        assertThat(TestActions.calls(db, store.id())).hasSize(1);
    }

    @Test
    void retriesAFailedStepWithBackoffKeepingItsIdempotencyKey() {
        var store = accounts.create();
        String automation = activate(store, """
            {"name": "Flaky", "trigger": {"type": "manual"},
             "steps": [{"id": "call", "type": "action", "action": "test.flaky", "params": {"fail_times": 2},
                        "retry": {"attempts": 3, "backoff": "PT1M", "cap": "PT10M"}}]}""");

        JsonNode first = run(store, automation, null);
        assertThat(first.get("status").asString()).isEqualTo("waiting");
        assertThat(log(first)).containsExactly("call:failed#1");
        Instant wake = Instant.parse(first.get("wake_at").asString());
        Instant now = Instant.parse(advance(store, "PT1S").get("now").asString());
        // At least the first pause, and up to half of it again (a second of it passed).
        assertThat(Duration.between(now, wake)).isBetween(Duration.ofSeconds(58), Duration.ofSeconds(90));

        advance(store, "PT15M");

        JsonNode done = execution(store, first.get("id").asString());
        assertThat(done.get("status").asString()).isEqualTo("succeeded");
        assertThat(log(done)).containsExactly("call:failed#1", "call:failed#2", "call:succeeded#3");
        assertThat(TestActions.calls(db, store.id())).extracting(TestActions.Call::idempotencyKey)
            .containsOnly(first.get("id").asString() + ":call").hasSize(3);
    }

    @Test
    void runsTheFallbackWhenRetriesAreExhaustedAndGoesOn() {
        var store = accounts.create();
        String ada = customer(store, "Ada Lovelace", "ada@example.com");
        String automation = activate(store, """
            {"name": "Fallback", "trigger": {"type": "manual"},
             "steps": [{"id": "call", "type": "action", "action": "test.flaky",
                        "params": {"fail_times": 5, "permanent": true},
                        "fallback": [{"id": "tell_staff", "type": "action", "action": "create_task",
                                      "params": {"title": "Call {{customer.name}}: {{steps.call.output.error}}"}}]},
                       {"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "handled"}}]}""");

        JsonNode execution = run(store, automation, "{\"customer_id\": \"" + ada + "\"}");

        assertThat(execution.get("status").asString()).isEqualTo("succeeded");
        assertThat(log(execution)).containsExactly("call:failed#1", "tell_staff:succeeded#1", "tag:succeeded#1");
        var tasks = api.get("/api/v1/tasks?customer_id=" + ada, store.apiKey()).json().get("data");
        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0).get("title").asString()).isEqualTo("Call Ada Lovelace: failure 1 of 5");
        assertThat(tasks.get(0).get("execution_id").asString()).isEqualTo(execution.get("id").asString());
        assertThat(tags(store, ada)).containsExactly("handled");
    }

    @Test
    void failsAtTheStepThatFailedAndRetriesFromThere() {
        var store = accounts.create();
        String automation = activate(store, """
            {"name": "Fail then retry", "trigger": {"type": "manual"},
             "steps": [{"id": "before", "type": "action", "action": "test.record"},
                       {"id": "call", "type": "action", "action": "test.flaky",
                        "params": {"fail_times": 1, "permanent": true}},
                       {"id": "after", "type": "action", "action": "test.record"}]}""");

        JsonNode failed = run(store, automation, null);
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        assertThat(failed.get("error").get("step_id").asString()).isEqualTo("call");
        assertThat(failed.get("error").get("code").asString()).isEqualTo("flaky");

        var retried = api.post("/api/v1/executions/" + failed.get("id").asString() + "/retry", store.apiKey(), null);
        assertThat(retried.status()).as(retried.text()).isEqualTo(200);
        agenda.runDue();

        JsonNode done = execution(store, failed.get("id").asString());
        assertThat(done.get("status").asString()).isEqualTo("succeeded");
        // The log numbers the step's attempts across the retry: the second is attempt 2, not a second attempt 1.
        assertThat(log(done)).containsExactly("before:succeeded#1", "call:failed#1", "call:succeeded#2",
            "after:succeeded#1");
        assertThat(TestActions.calls(db, store.id())).extracting(TestActions.Call::stepId)
            .containsExactly("before", "call", "call", "after");
        var again = api.post("/api/v1/executions/" + failed.get("id").asString() + "/retry", store.apiKey(), null);
        assertThat(again.status()).isEqualTo(409);
    }

    /**
     * A failed run is not retried past an event its automation's cancel_on names that came since (the invoice paid
     * while the email step failed): it would have been canceled had it still been running, and going on would mail a
     * customer who paid.
     */
    @Test
    void aRunIsNotRetriedOnceAnEventItsCancelOnNamesCameSince() {
        var store = accounts.create();
        String ada = customer(store, "Ada Lovelace", "ada@example.com");
        String automation = activate(store, """
            {"name": "Dunning", "trigger": {"type": "manual"}, "cancel_on": ["acme.paid"],
             "steps": [{"id": "call", "type": "action", "action": "test.flaky",
                        "params": {"fail_times": 1, "permanent": true}}]}""");
        JsonNode failed = run(store, automation, "{\"customer_id\": \"" + ada + "\"}");
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        advance(store, "PT1M");
        var paid = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.paid", "customer_id": "%s"}""".formatted(ada));
        agenda.runDue();

        var retried = api.post("/api/v1/executions/" + failed.get("id").asString() + "/retry", store.apiKey(), null);

        assertThat(retried.status()).as(retried.text()).isEqualTo(409);
        assertThat(retried.json().get("detail").asString()).contains(paid.json().get("id").asString(), "cancel_on");
        assertThat(execution(store, failed.get("id").asString()).get("status").asString()).isEqualTo("failed");
    }

    /** A retry holds to the automation's one run at a time per customer, as every start does. */
    @Test
    void aRunIsNotRetriedWhileAnotherOfItsRunsForTheCustomerGoesOn() {
        var store = accounts.create();
        String ada = customer(store, "Ada Lovelace", "ada@example.com");
        String automation = activate(store, """
            {"name": "Dunning", "trigger": {"type": "manual"}, "concurrency": "customer",
             "steps": [{"id": "call", "type": "action", "action": "test.flaky",
                        "params": {"fail_times": 1, "permanent": true}},
                       {"id": "later", "type": "delay", "duration": "P3D"}]}""");
        JsonNode failed = run(store, automation, "{\"customer_id\": \"" + ada + "\"}");
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        // Another run, failed too, then retried: it goes on, to its wait.
        String second = run(store, automation, "{\"customer_id\": \"" + ada + "\"}").get("id").asString();
        assertThat(api.post("/api/v1/executions/" + second + "/retry", store.apiKey(), null).status()).isEqualTo(200);
        agenda.runDue();
        assertThat(execution(store, second).get("status").asString()).isEqualTo("waiting");

        var retried = api.post("/api/v1/executions/" + failed.get("id").asString() + "/retry", store.apiKey(), null);

        assertThat(retried.status()).as(retried.text()).isEqualTo(409);
        assertThat(retried.json().get("detail").asString()).contains(second, "one at a time");
        assertThat(execution(store, failed.get("id").asString()).get("status").asString()).isEqualTo("failed");
    }

    @Test
    void retriesAskedAtOnceRetryOnceAndTheOthersAreToldItIsRetriedAlready() throws Exception {
        var store = accounts.create();
        String automation = activate(store, """
            {"name": "Fail then retry", "trigger": {"type": "manual"},
             "steps": [{"id": "call", "type": "action", "action": "test.flaky",
                        "params": {"fail_times": 1, "permanent": true}}]}""");
        String id = run(store, automation, null).get("id").asString();
        var answers = new ArrayList<Future<Api.Response>>();
        // A double click, three times over: every retry has read the run as failed, and waits for its lock.
        try (var other = dataSource.getConnection(); var clicks = Executors.newVirtualThreadPerTaskExecutor()) {
            other.setAutoCommit(false);
            try (var lock = other.prepareStatement("SELECT 1 FROM executions WHERE id = ? FOR UPDATE")) {
                lock.setString(1, id);
                lock.executeQuery();
            }
            for (int i = 0; i < 3; i++) {
                answers.add(clicks.submit(() -> api.post("/api/v1/executions/" + id + "/retry", store.apiKey(),
                    null)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (db.sql("""
                SELECT count(*) FROM pg_stat_activity
                 WHERE wait_event_type = 'Lock' AND query LIKE '%FROM executions%FOR UPDATE%'
                   AND datname = current_database() AND pid <> pg_backend_pid()
                """).query(Long.class).single() < 3) {
                assertThat(System.nanoTime()).as("the retries wait for the run's lock").isLessThan(deadline);
            }
            other.commit();
        }

        var statuses = new ArrayList<Integer>();
        for (var answer : answers) {
            var response = answer.get(30, TimeUnit.SECONDS);
            statuses.add(response.status());
            if (response.status() == 409) {
                assertThat(response.json().get("code").asString()).isEqualTo("invalid_state");
                assertThat(response.json().get("detail").asString()).contains("this one is pending");
            }
        }
        assertThat(statuses).containsExactlyInAnyOrder(200, 409, 409);
        assertThat(db.sql("SELECT count(*) FROM execution_queue WHERE execution_id = :id").param("id", id)
            .query(Long.class).single()).isOne();
        agenda.runDue();
        assertThat(log(execution(store, id))).containsExactly("call:failed#1", "call:succeeded#2");
    }

    @Test
    void cancelsAWaitingExecutionForGood() {
        var store = accounts.create();
        String automation = activate(store, """
            {"name": "Wait", "trigger": {"type": "manual"},
             "steps": [{"id": "wait", "type": "delay", "duration": "P1D"},
                       {"id": "after", "type": "action", "action": "test.record"}]}""");
        JsonNode waiting = run(store, automation, null);
        assertThat(waiting.get("status").asString()).isEqualTo("waiting");

        var canceled = api.post("/api/v1/executions/" + waiting.get("id").asString() + "/cancel", store.apiKey(),
            null);
        advance(store, "P2D");

        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);
        JsonNode after = execution(store, waiting.get("id").asString());
        assertThat(after.get("status").asString()).isEqualTo("canceled");
        assertThat(log(after)).containsExactly("wait:waiting");
        assertThat(TestActions.calls(db, store.id())).isEmpty();
        assertThat(api.post("/api/v1/executions/" + waiting.get("id").asString() + "/cancel", store.apiKey(), null)
            .status()).isEqualTo(409);
    }

    @Test
    void aCanceledRunLeftInTheQueueIsDroppedNotRun() {
        var store = accounts.create();
        String automation = activate(store, """
            {"name": "Wait", "trigger": {"type": "manual"},
             "steps": [{"id": "wait", "type": "delay", "duration": "P1D"},
                       {"id": "after", "type": "action", "action": "test.record"}]}""");
        String id = run(store, automation, null).get("id").asString();
        var canceled = api.post("/api/v1/executions/" + id + "/cancel", store.apiKey(), null);
        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);
        // What a node moving the run's fired timer into the queue while the cancel ran could leave behind.
        db.sql("""
            INSERT INTO execution_queue (execution_id, account_id, due_at)
            SELECT id, account_id, updated_at FROM executions WHERE id = :id
            """).param("id", id).update();

        advance(store, "P2D");

        JsonNode after = execution(store, id);
        assertThat(after.get("status").asString()).isEqualTo("canceled");
        assertThat(log(after)).containsExactly("wait:waiting");
        assertThat(TestActions.calls(db, store.id())).isEmpty();
        assertThat(db.sql("SELECT count(*) FROM execution_queue WHERE execution_id = :id").param("id", id)
            .query(Long.class).single()).isZero();
    }

    @Test
    void keepsRunningExecutionsOnTheVersionTheyStartedWith() {
        var store = accounts.create();
        String ada = customer(store, "Ada Lovelace", "ada@example.com");
        String automation = activate(store, """
            {"name": "v1", "trigger": {"type": "manual"},
             "steps": [{"id": "wait", "type": "delay", "duration": "P1D"},
                       {"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "v1"}}]}""");
        JsonNode first = run(store, automation, "{\"customer_id\": \"" + ada + "\"}");
        api.send("PUT", "/api/v1/automations/" + automation, store.apiKey(), """
            {"name": "v2", "trigger": {"type": "manual"},
             "steps": [{"id": "wait", "type": "delay", "duration": "P1D"},
                       {"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "v2"}}]}""",
            List.of("Content-Type", "application/json"));
        api.post("/api/v1/automations/" + automation + "/activate", store.apiKey(), null);
        JsonNode second = run(store, automation, "{\"customer_id\": \"" + ada + "\"}");

        advance(store, "P2D");

        assertThat(first.get("version").asInt()).isEqualTo(1);
        assertThat(second.get("version").asInt()).isEqualTo(2);
        assertThat(tags(store, ada)).containsExactlyInAnyOrder("v1", "v2");
    }

    @Test
    void runsByHandOnlyWhatIsActiveAndForThisAccountsCustomers() {
        var store = accounts.create();
        var other = accounts.create();
        String stranger = customer(other, "Grace Hopper", "grace@example.com");
        var created = api.post("/api/v1/automations", store.apiKey(),
            """
                {"name": "Hand", "trigger": {"type": "manual"},
                 "steps": [{"id": "note", "type": "action", "action": "test.record", "params": {"note": "{{event.data.x}}"}}]}""");
        String automation = created.json().get("id").asString();

        var inactive = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), null);
        api.post("/api/v1/automations/" + automation + "/activate", store.apiKey(), null);
        var strangers = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(),
            "{\"customer_id\": \"" + stranger + "\"}");
        var elsewhere = api.post("/api/v1/automations/" + automation + "/run", other.apiKey(), null);
        JsonNode ran = run(store, automation, "{\"data\": {\"x\": \"hello\"}}");

        assertThat(inactive.status()).isEqualTo(409);
        assertThat(strangers.status()).isEqualTo(400);
        assertThat(elsewhere.status()).isEqualTo(404);
        assertThat(ran.get("status").asString()).isEqualTo("succeeded");
        assertThat(ran.get("steps").get(0).get("output").get("note").asString()).isEqualTo("hello");
        assertThat(api.get("/api/v1/executions/" + ran.get("id").asString(), other.apiKey()).status())
            .isEqualTo(404);
    }

    @Test
    void dryRunsAVersionWithoutDoingAnything() {
        var store = accounts.create();
        String ada = customer(store, "Ada Lovelace", "ada@example.com");
        String automation = api.post("/api/v1/automations", store.apiKey(), fixture("tag_new_signups")).json()
            .get("id").asString();

        var tested = api.post("/api/v1/automations/" + automation + "/test", store.apiKey(), """
            {"event": {"type": "acme.signup", "customer_id": "%s", "data": {}}}""".formatted(ada));

        assertThat(tested.status()).as(tested.text()).isEqualTo(200);
        JsonNode result = tested.json();
        assertThat(result.get("conditions_met").asBoolean()).isTrue();
        assertThat(result.get("status").asString()).isEqualTo("succeeded");
        var steps = new ArrayList<String>();
        result.get("steps").forEach(s -> steps.add(s.get("step_id").asString() + ":" + s.get("status").asString()));
        assertThat(steps).containsExactly("tag_new:succeeded", "wait:waiting", "wait:succeeded", "check:succeeded",
            "halt:succeeded");
        assertThat(result.get("steps").get(0).get("output").get("dry_run").asBoolean()).isTrue();
        assertThat(tags(store, ada)).isEmpty();
        assertThat(api.get("/api/v1/executions?automation_id=" + automation, store.apiKey()).json().get("data"))
            .isEmpty();

        var missing = api.post("/api/v1/automations/" + automation + "/test", store.apiKey(), "{}");
        assertThat(missing.status()).isEqualTo(400);
    }

    @Test
    void firesASchedulePerDueTimeAndOnceAfterDowntime() {
        var store = accounts.create();
        String automation = activate(store, """
            {"name": "Hourly", "trigger": {"type": "schedule", "every": "PT1H"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");

        advance(store, "PT3H30M");
        assertThat(api.get("/api/v1/executions?automation_id=" + automation, store.apiKey()).json().get("data"))
            .hasSize(3);

        clock.advance(Duration.ofHours(5));
        agenda.runDue();
        agenda.runDue();

        var runs = api.get("/api/v1/executions?automation_id=" + automation, store.apiKey()).json().get("data");
        assertThat(runs).hasSize(4);
        runs.forEach(run -> assertThat(run.get("status").asString()).isEqualTo("succeeded"));
        assertThat(TestActions.calls(db, store.id())).hasSize(4);
        api.post("/api/v1/automations/" + automation + "/pause", store.apiKey(), null);
    }

    @Test
    void filtersExecutionsAndRefusesUnknownStatuses() {
        var store = accounts.create();
        String automation = activate(store, """
            {"name": "Wait", "trigger": {"type": "manual"},
             "steps": [{"id": "wait", "type": "delay", "duration": "P1D"}]}""");
        run(store, automation, null);

        var waiting = api.get("/api/v1/executions?status=waiting&automation_id=" + automation, store.apiKey());
        var succeeded = api.get("/api/v1/executions?status=succeeded&automation_id=" + automation, store.apiKey());
        var bad = api.get("/api/v1/executions?status=sleeping", store.apiKey());

        assertThat(waiting.json().get("data")).hasSize(1);
        assertThat(succeeded.json().get("data")).isEmpty();
        assertThat(bad.status()).isEqualTo(400);
    }

    @Test
    void exposesEngineMetrics() {
        var metrics = api.get("/actuator/prometheus", null);

        assertThat(metrics.text()).contains("till_automation_executions_started_total")
            .contains("till_automation_executions_finished_total").contains("till_automation_events_matched_total")
            .contains("till_automation_queue_depth").contains("till_automation_timers_backlog");
    }

    @Test
    void aLongRunReadsItsFirstThousandLinesAndPagesThroughTheWholeLog() {
        var store = accounts.create();
        String automation = activate(store, """
            {"name": "Every row", "trigger": {"type": "manual"},
             "steps": [{"id": "each", "type": "loop", "over": "event.data.rows", "max": 700, "steps": [
               {"id": "check", "type": "branch", "if": {"field": "loop.index", "op": "gt", "value": 0},
                "then": [{"id": "note", "type": "action", "action": "test.record"}],
                "else": [{"id": "first", "type": "action", "action": "test.record"}]}]}]}""");
        String rows = java.util.stream.IntStream.range(0, 700).mapToObj(Integer::toString)
            .collect(java.util.stream.Collectors.joining(",", "[", "]"));
        var started = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(),
            "{\"data\": {\"rows\": " + rows + "}}");
        assertThat(started.status()).as(started.text()).isEqualTo(201);
        String id = started.json().get("id").asString();
        agenda.runDue();

        var run = api.get("/api/v1/executions/" + id, store.apiKey()).json();
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(run.get("steps")).hasSize(1_000);
        assertThat(run.get("steps_has_more").asBoolean()).isTrue();

        var seqs = new ArrayList<Integer>();
        String cursor = null;
        do {
            var page = api.get("/api/v1/executions/" + id + "/steps?limit=100"
                + (cursor == null ? "" : "&cursor=" + cursor), store.apiKey());
            assertThat(page.status()).as(page.text()).isEqualTo(200);
            page.json().get("data").forEach(line -> seqs.add(line.get("seq").asInt()));
            cursor = page.json().get("has_more").asBoolean() ? page.json().get("next_cursor").asString() : null;
        } while (cursor != null);
        int lines = db.sql("SELECT count(*) FROM execution_steps WHERE execution_id = :id").param("id", id)
            .query(Integer.class).single();
        assertThat(lines).isGreaterThan(1_400);
        assertThat(seqs).hasSize(lines).isSorted().doesNotHaveDuplicates();
        assertThat(seqs.subList(0, 1_000)).isEqualTo(java.util.stream.StreamSupport.stream(run.get("steps")
            .spliterator(), false).map(line -> line.get("seq").asInt()).toList());

        var other = accounts.create();
        assertThat(api.get("/api/v1/executions/" + id + "/steps", other.apiKey()).status()).isEqualTo(404);
        var badCursor = api.get("/api/v1/executions/" + id + "/steps?cursor=bm9wZQ", store.apiKey());
        assertThat(badCursor.status()).isEqualTo(400);
        assertThat(badCursor.text()).contains("cursor");
    }

    @Test
    void aShortRunSaysNoMoreLinesFollow() {
        var store = accounts.create();
        String automation = activate(store, """
            {"name": "Tag", "trigger": {"type": "manual"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "x"}}]}""");
        String customer = customer(store, "Ada", "ada@example.com");
        var run = run(store, automation, "{\"customer_id\": \"" + customer + "\"}");
        assertThat(run.get("steps")).hasSize(1);
        assertThat(run.get("steps_has_more").asBoolean()).isFalse();
        var list = api.get("/api/v1/executions?automation_id=" + automation, store.apiKey()).json().get("data");
        assertThat(list.get(0).has("steps_has_more")).isFalse();
    }
}
