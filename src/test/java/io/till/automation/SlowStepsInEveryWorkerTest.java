package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.till.event.EventSignal;
import io.till.shared.TestClockSync;
import io.till.testing.Api;
import io.till.testing.Await;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TestActions;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The background workers hand each claim off and claim again while there is room: a step that takes long (a CRM at its
 * timeout) holds its own room only. Each worker used to run one claim at a time to its end, so a slow step in every
 * worker held back every other run due, of every account, until the slowest ended.
 */
@TillIntegrationTest
class SlowStepsInEveryWorkerTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    TestClockSync testClock;
    @Autowired
    Triggers triggers;
    @Autowired
    DirectStarts starts;
    @Autowired
    ExecutionQueue queue;
    @Autowired
    Executor executor;
    @Autowired
    EventSignal events;
    @Autowired
    MutableClock clock;
    @Autowired
    MeterRegistry meters;
    @Autowired
    JdbcClient db;

    AutomationWorkers workers;

    @AfterEach
    void stopWorkers() throws Exception {
        if (workers != null) {
            workers.stop();
        }
        io.till.testing.TestClockChecks.advanceGoesThrough(testClock);
    }

    private String activate(TestAccounts.TestAccount store, String action) {
        String id = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "One step", "trigger": {"type": "manual"},
             "steps": [{"id": "only", "type": "action", "action": "%s"}]}""".formatted(action))
            .json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null).status()).isEqualTo(200);
        return id;
    }

    private String run(TestAccounts.TestAccount store, String automation) {
        var run = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), null);
        assertThat(run.status()).as(run.text()).isEqualTo(201);
        return run.json().get("id").asString();
    }

    private String status(String id) {
        return db.sql("SELECT status FROM executions WHERE id = :id").param("id", id).query(String.class).single();
    }

    private long blocked(TestAccounts.TestAccount store) {
        return TestActions.calls(db, store.id()).stream().filter(c -> c.action().equals("test.block")).count();
    }

    @Test
    void aSlowStepInEveryWorkerLeavesOtherRunsRoomToRun() {
        agenda.runDue();
        var slowStore = accounts.create();
        var other = accounts.create();
        String slowAutomation = activate(slowStore, "test.block");
        String fastAutomation = activate(other, "test.record");
        TestActions.hold(slowStore.id());
        try {
            workers = new AutomationWorkers(testClock, triggers, starts, queue, executor, events,
                new AutomationSettings(true, 2, 500, Duration.ofMillis(100), Duration.ofSeconds(60), null, null),
                clock, meters);
            workers.start();
            // One slow step for each worker, taken one after the other.
            String slow1 = run(slowStore, slowAutomation);
            Await.until("the first slow step running", () -> blocked(slowStore) == 1);
            String slow2 = run(slowStore, slowAutomation);
            Await.until("the second slow step running", () -> blocked(slowStore) == 2);

            String fast = run(other, fastAutomation);

            Await.until("the other account's run finished", () -> status(fast).equals("succeeded"));
            assertThat(status(slow1)).isNotIn("succeeded", "failed");
            assertThat(status(slow2)).isNotIn("succeeded", "failed");
            TestActions.release(slowStore.id());
            Await.until("the slow runs finished once released",
                () -> status(slow1).equals("succeeded") && status(slow2).equals("succeeded"));
            assertThat(blocked(slowStore)).as("each slow step performed once").isEqualTo(2);
        } finally {
            TestActions.release(slowStore.id());
        }
    }
}
