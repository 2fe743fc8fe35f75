package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A paused scheduled automation has no times: the test clock does not stop at each of them (a probe's paused
 * every-minute schedule made an advance of a month take six minutes), and once resumed it fires from then on, never for
 * a time that passed while it was paused.
 */
@TillIntegrationTest
class PausedScheduleTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;

    @Test
    void aPausedScheduleHoldsUpNoAdvanceAndResumedFiresOnlyForTimesAfterItsResume() {
        var store = accounts.create();
        String key = store.apiKey();
        var created = api.post("/api/v1/automations", key, """
            {"name": "Every minute", "trigger": {"type": "schedule", "every": "PT1M"},
             "steps": [{"id": "done", "type": "stop"}]}""");
        String id = created.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", key, null).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/automations/" + id + "/pause", key, null).status()).isEqualTo(200);

        var paused = api.post("/api/v1/test_clock/advance", key, "{\"by\": \"P1D\"}");

        assertThat(paused.status()).as(paused.text()).isEqualTo(200);
        assertThat(paused.json().get("jobs_run").asInt()).as("no stop at each of its 1,440 times").isLessThan(1440);
        assertThat(runs(id)).isZero();

        assertThat(api.post("/api/v1/automations/" + id + "/resume", key, null).status()).isEqualTo(200);
        Instant resumed = Instant.parse(api.get("/api/v1/test_clock", key).json().get("now").asString());
        api.post("/api/v1/test_clock/advance", key, "{\"by\": \"PT3M\"}");

        var fired = db.sql("SELECT trigger ->> 'data' FROM executions WHERE automation_id = :id")
            .param("id", id)
            .query(String.class)
            .list();
        assertThat(fired).hasSize(3);
        assertThat(db.sql("""
            SELECT min(CAST(trigger -> 'data' ->> 'scheduled_at' AS timestamptz)) FROM executions
             WHERE automation_id = :id
            """)
            .param("id", id)
            .query(java.sql.Timestamp.class)
            .single()
            .toInstant()).as("never a time it was paused at").isAfter(resumed);
    }

    /**
     * A version saved before a check grew stricter is still the version that runs: resuming reads it as the runs do,
     * not as a new save would (which refused the resume and left the automation paused for good).
     */
    @Test
    void aScheduleWhoseActiveVersionAnOlderTillSavedResumes() {
        var store = accounts.create();
        String key = store.apiKey();
        String id = api.post("/api/v1/automations", key, """
            {"name": "Every hour", "trigger": {"type": "schedule", "every": "PT1H"},
             "steps": [{"id": "tag", "type": "action", "action": "update_customer", "params": {"name": "Ada"}}]}""")
            .json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", key, null).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/automations/" + id + "/pause", key, null).status()).isEqualTo(200);
        // As an older Till saved it: a step that sets nothing, refused at save since.
        db.sql("""
            UPDATE automation_versions
               SET definition = jsonb_set(definition, '{steps,0,params}', '{}'::jsonb)
             WHERE automation_id = :id
            """).param("id", id).update();

        var resumed = api.post("/api/v1/automations/" + id + "/resume", key, null);

        assertThat(resumed.status()).as(resumed.text()).isEqualTo(200);
        assertThat(resumed.json().get("paused").asBoolean()).isFalse();
        // Nor is rolling back to it refused: activated again after a newer version, it is read as it ran.
        var newer = api.send("PUT", "/api/v1/automations/" + id, key, """
            {"name": "Every hour", "trigger": {"type": "schedule", "every": "PT1H"},
             "steps": [{"id": "tag", "type": "action", "action": "update_customer", "params": {"name": "Bo"}}]}""",
            java.util.List.of("Content-Type", "application/json"));
        assertThat(newer.status()).as(newer.text()).isEqualTo(200);
        assertThat(api.post("/api/v1/automations/" + id + "/activate", key, "{\"version\": 2}").status())
            .isEqualTo(200);
        var rolledBack = api.post("/api/v1/automations/" + id + "/activate", key, "{\"version\": 1}");
        assertThat(rolledBack.status()).as(rolledBack.text()).isEqualTo(200);
        assertThat(rolledBack.json().get("active_version").asInt()).isEqualTo(1);
    }

    /**
     * Activating the version that is active already (a retried request, a PUT that changed nothing, then activate)
     * changes nothing: a review found it starting the schedule again from that moment, so an hourly run re-activated
     * at 10:59 skipped 11:00.
     */
    @Test
    void activatingTheActiveVersionAgainKeepsItsScheduleAndMissesNoTime() {
        var store = accounts.create();
        String key = store.apiKey();
        String id = api.post("/api/v1/automations", key, """
            {"name": "Every hour", "trigger": {"type": "schedule", "every": "PT1H"},
             "steps": [{"id": "done", "type": "stop"}]}""").json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", key, null).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/test_clock/advance", key, "{\"by\": \"PT59M\"}").status()).isEqualTo(200);

        var again = api.post("/api/v1/automations/" + id + "/activate", key, null);
        api.post("/api/v1/test_clock/advance", key, "{\"by\": \"PT1M\"}");

        assertThat(again.status()).as(again.text()).isEqualTo(200);
        assertThat(again.json().get("active_version").asInt()).isEqualTo(1);
        assertThat(runs(id)).as("the run of the hour").isEqualTo(1);
    }

    private long runs(String automation) {
        return db.sql("SELECT count(*) FROM executions WHERE automation_id = :id")
            .param("id", automation)
            .query(Long.class)
            .single();
    }
}
