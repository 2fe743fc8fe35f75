package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TestActions;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An action that does not end within its cap (till.automation.action-timeouts.&lt;kind&gt;, below the lease) is
 * stopped: its step ends as a retryable timeout, and the run goes on per the step's retry policy, so no step outlives
 * its lease on a healthy node. The tests' settings cap {@code test.stuck} at a few milliseconds.
 */
@TillIntegrationTest
class ActionTimeoutTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    Executions executions;
    @Autowired
    JdbcClient db;
    @Autowired
    MutableClock clock;

    @Test
    void anActionPastItsCapEndsItsStepAsATimeoutAndTheRunRetriesIt() {
        agenda.runDue();
        var store = accounts.create();
        String automation = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Stuck", "trigger": {"type": "manual"},
             "steps": [{"id": "call", "type": "action", "action": "test.stuck",
                        "retry": {"attempts": 2, "backoff": "PT1M", "cap": "PT1M"}}]}""").json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + automation + "/activate", store.apiKey(), null).status())
            .isEqualTo(200);
        TestActions.hold(store.id());
        String id;
        try {
            var run = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), null);
            assertThat(run.status()).as(run.text()).isEqualTo(201);
            id = run.json().get("id").asString();

            // The round ends while the action is still held: its cap stopped it.
            agenda.runDue();

            var stopped = executions.read(store.id(), id);
            assertThat(stopped.status()).isEqualTo("waiting");
            assertThat(stopped.steps()).singleElement().satisfies(step -> {
                assertThat(step.status()).isEqualTo("failed");
                assertThat(step.attempt()).isEqualTo(1);
                assertThat(step.error().get("code").asString()).isEqualTo("action_timeout");
                assertThat(step.error().get("message").asString()).contains("test.stuck", "50 ms",
                    "tried again per the step's retry policy");
            });
        } finally {
            TestActions.release(store.id());
        }

        clock.advance(Duration.ofMinutes(2));
        agenda.runDue();

        var done = executions.read(store.id(), id);
        assertThat(done.status()).isEqualTo("succeeded");
        assertThat(done.steps()).extracting(s -> s.status() + "#" + s.attempt()).containsExactly("failed#1",
            "succeeded#2");
        assertThat(TestActions.calls(db, store.id())).extracting(TestActions.Call::idempotencyKey)
            .containsExactly(id + ":call", id + ":call");
    }
}
