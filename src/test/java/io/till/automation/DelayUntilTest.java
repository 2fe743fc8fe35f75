package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.automation.engine.ExecutionState;
import io.till.automation.engine.StepLog;
import io.till.shared.Timestamps;
import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A delay until a time the run's data carries: read as a shop's script writes it (ISO-8601, epoch seconds, or
 * JavaScript's epoch milliseconds), and a time no run can wait for fails that run alone, never the engine.
 */
@TillIntegrationTest
class DelayUntilTest {

    private static final String TRIAL_END = """
        {"name": "Trial end", "trigger": {"type": "manual"},
         "steps": [{"id": "until_trial_ends", "type": "delay", "until": "event.data.trial_ends"},
                   {"id": "after", "type": "action", "action": "test.record"}]}""";
    private static final String NOTE = """
        {"name": "Note", "trigger": {"type": "manual"},
         "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""";
    /** Milliseconds since the epoch that are the year 59389 as milliseconds, and the year 57 million as seconds. */
    private static final long FAR_BEYOND = 1_812_000_000_000_000L;

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    ExecutionQueue queue;
    @Autowired
    ExecutionResults results;
    @Autowired
    JdbcClient db;
    @Autowired
    MutableClock clock;

    private String activate(TestAccounts.TestAccount store, String definition) {
        var created = api.post("/api/v1/automations", store.apiKey(), definition);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null).status()).isEqualTo(200);
        return id;
    }

    private String run(TestAccounts.TestAccount store, String automation, String body) {
        var run = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), body);
        assertThat(run.status()).as(run.text()).isEqualTo(201);
        return run.json().get("id").asString();
    }

    private JsonNode execution(TestAccounts.TestAccount store, String id) {
        return api.get("/api/v1/executions/" + id, store.apiKey()).json();
    }

    private void advance(TestAccounts.TestAccount store, String by) {
        var advanced = api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"" + by + "\"}");
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
    }

    private static List<String> log(JsonNode execution) {
        var log = new ArrayList<String>();
        execution.get("steps").forEach(s -> log.add(s.get("step_id").asString() + ":" + s.get("status").asString()));
        return log;
    }

    @Test
    void aDelayUntilATimeMoreThanTenYearsAheadFailsItsOwnRunWhileItsNeighboursFinishAndTheClockMovesOn() {
        agenda.runDue();
        var store = accounts.create();
        String trialEnd = activate(store, TRIAL_END);
        String note = activate(store, NOTE);
        String far = run(store, trialEnd, """
            {"data": {"trial_ends": %d}}""".formatted(FAR_BEYOND));
        var neighbours = new ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            neighbours.add(run(store, note, null));
        }

        advance(store, "PT1M");

        JsonNode failed = execution(store, far);
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        assertThat(failed.get("error").get("code").asString()).isEqualTo("invalid_time");
        assertThat(failed.get("error").get("message").asString()).contains("event.data.trial_ends is "
            + FAR_BEYOND, "more than ten years ahead");
        assertThat(log(failed)).containsExactly("until_trial_ends:failed");
        for (String neighbour : neighbours) {
            JsonNode done = execution(store, neighbour);
            assertThat(done.get("status").asString()).isEqualTo("succeeded");
            assertThat(log(done)).containsExactly("note:succeeded");
        }
        // The engine is not wedged: the clock moves on for every account.
        advance(accounts.create(), "PT1M");
    }

    @Test
    void aDelayUntilEpochMillisecondsAsJavaScriptWritesThemWaitsUntilThatMoment() {
        var store = accounts.create();
        String trialEnd = activate(store, TRIAL_END);
        Instant ends = Timestamps.now(clock).plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.MILLIS);
        String id = run(store, trialEnd, """
            {"data": {"trial_ends": %d}}""".formatted(ends.toEpochMilli()));

        agenda.runDue();
        JsonNode waiting = execution(store, id);
        assertThat(waiting.get("status").asString()).isEqualTo("waiting");
        assertThat(Instant.parse(waiting.get("wake_at").asString())).isEqualTo(ends);

        advance(store, "P31D");
        JsonNode done = execution(store, id);
        assertThat(done.get("status").asString()).isEqualTo("succeeded");
        assertThat(log(done)).containsExactly("until_trial_ends:waiting", "until_trial_ends:succeeded",
            "after:succeeded");
    }

    @Test
    void aDryRunOfADelayMoreThanTenYearsAheadFailsAsTheRunWould() {
        var store = accounts.create();
        String trialEnd = activate(store, TRIAL_END);

        var tested = api.post("/api/v1/automations/" + trialEnd + "/test", store.apiKey(), """
            {"event": {"type": "manual", "data": {"trial_ends": %d}}}""".formatted(FAR_BEYOND));

        assertThat(tested.status()).as(tested.text()).isEqualTo(200);
        assertThat(tested.json().get("status").asString()).isEqualTo("failed");
        assertThat(tested.json().get("error").get("code").asString()).isEqualTo("invalid_time");
        assertThat(log(tested.json())).containsExactly("until_trial_ends:failed");
    }

    @Test
    void aResultPostgresqlRefusesFailsOnlyItsOwnRunAndTheOthersWrittenWithItKeepTheirLogs() {
        agenda.runDue();
        var store = accounts.create();
        String note = activate(store, NOTE);
        String refused = run(store, note, null);
        String neighbour = run(store, note, null);
        UUID token = UUID.randomUUID();
        Instant now = Timestamps.now(clock);
        var claimed = queue.claim(token, 100, now, Duration.ofSeconds(30));
        var first = claimed.stream().filter(c -> c.id().equals(refused)).findFirst().orElseThrow();
        var second = claimed.stream().filter(c -> c.id().equals(neighbour)).findFirst().orElseThrow();
        // A wake time past the year 9999, which PostgreSQL refuses to read: whatever made it, it is one row's fault.
        Instant never = Instant.parse("+59389-12-29T05:20:00Z");
        var written = results.save(token, List.of(
            new ExecutionResults.Written(first, "waiting", new ExecutionState(List.of(), first.state().outputs(), 0,
                never, null), null, never, List.of(line(refused, "waiting", now))),
            new ExecutionResults.Written(second, "succeeded", second.state(), null, null,
                List.of(line(neighbour, "succeeded", now)))),
            now);

        assertThat(written).containsExactlyInAnyOrder(refused, neighbour);
        JsonNode done = execution(store, neighbour);
        assertThat(done.get("status").asString()).isEqualTo("succeeded");
        assertThat(log(done)).containsExactly("note:succeeded");
        JsonNode failed = execution(store, refused);
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        assertThat(failed.get("error").get("code").asString()).isEqualTo("internal_error");
        assertThat(failed.get("error").get("message").asString()).contains(refused);
        assertThat(db.sql("SELECT count(*) FROM execution_queue WHERE execution_id IN (:ids)")
            .param("ids", List.of(refused, neighbour)).query(Long.class).single()).isZero();
        advance(store, "PT1M");
    }

    /**
     * A reviewer's: a run that failed inside Till (internal_error) between two attempts of a step, retried by staff,
     * numbered its next attempt 1 again, as if the first had never been made: the error names no step, and the count
     * of attempts was looked up by the step the error named. It is read from the step the run stands at.
     */
    @Test
    void aRunRetriedAfterAnInternalErrorBetweenAttemptsGoesOnFromTheAttemptsItMade() {
        agenda.runDue();
        var store = accounts.create();
        String note = activate(store, NOTE);
        String id = run(store, note, null);
        UUID token = UUID.randomUUID();
        Instant now = Timestamps.now(clock);
        var first = queue.claim(token, 100, now, Duration.ofSeconds(30)).stream().filter(c -> c.id().equals(id))
            .findFirst().orElseThrow();
        var again = new ExecutionState(first.state().frames(), first.state().outputs(), 2, now);
        assertThat(results.save(token, List.of(new ExecutionResults.Written(first, "running", again, null, now,
            List.of(line(id, "failed", now)))), now)).containsExactly(id);
        var second = queue.claim(token, 100, now, Duration.ofSeconds(30)).stream().filter(c -> c.id().equals(id))
            .findFirst().orElseThrow();
        var internal = JsonNodeFactory.instance.objectNode().put("code", "internal_error").put("message",
            "Till could not go on with this execution");
        results.save(token, List.of(new ExecutionResults.Written(second, "failed", second.state(), internal, null,
            List.of())), now);

        var retried = api.post("/api/v1/executions/" + id + "/retry", store.apiKey(), null);
        agenda.runDue();

        assertThat(retried.status()).as(retried.text()).isEqualTo(200);
        JsonNode done = execution(store, id);
        assertThat(done.get("status").asString()).isEqualTo("succeeded");
        var attempts = new ArrayList<Integer>();
        done.get("steps").forEach(step -> attempts.add(step.get("attempt").asInt()));
        assertThat(log(done)).containsExactly("note:failed", "note:succeeded");
        assertThat(attempts).containsExactly(1, 2);
    }

    private static StepLog line(String executionId, String status, Instant at) {
        return new StepLog("note", "steps[0]", "", "action", status, 1, null, null, null, at, at, executionId
            + ":note");
    }
}
