package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A run stops at {@link Definition#MAX_STEPS_PER_RUN} steps, failed as too long: a version saved before loops were
 * bounded at save could otherwise take millions of steps for one event.
 */
@TillIntegrationTest
class RunStepCapTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient db;

    @Test
    void aRunAtTheMostStepsFailsAsTooLongInsteadOfTakingAnother() {
        var store = accounts.create();
        String automation = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Long", "trigger": {"type": "manual"},
             "steps": [{"id": "pause", "type": "delay", "duration": "PT1H"},
                       {"id": "task", "type": "action", "action": "create_task", "params": {"title": "Call"}}]}""")
            .json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + automation + "/activate", store.apiKey(), null).status())
            .isEqualTo(200);
        String run = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), null).json().get("id")
            .asString();
        agenda.runDue();
        assertThat(status(run)).isEqualTo("waiting");
        // As if the run had taken the most steps a run may before its delay.
        db.sql("UPDATE executions SET log_count = :most WHERE id = :id")
            .param("most", Definition.MAX_STEPS_PER_RUN)
            .param("id", run)
            .update();

        clock.advance(Duration.ofHours(2));
        agenda.runDue();

        assertThat(status(run)).isEqualTo("failed");
        assertThat(db.sql("SELECT error ->> 'code' FROM executions WHERE id = :id").param("id", run)
            .query(String.class).single()).isEqualTo("too_long");
        assertThat(api.get("/api/v1/tasks", store.apiKey()).json().get("data")).isEmpty();
    }

    private String status(String id) {
        return db.sql("SELECT status FROM executions WHERE id = :id").param("id", id).query(String.class).single();
    }
}
