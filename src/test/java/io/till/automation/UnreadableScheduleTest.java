package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One scheduled automation whose version Till cannot read holds up no other: it was read first in the batch of due
 * schedules every time, failed the batch, and no account's schedule fired again.
 */
@TillIntegrationTest
class UnreadableScheduleTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;

    @Test
    void aScheduleWhoseVersionCannotBeReadWaitsAndEveryOtherAccountsSchedulesStillFire() {
        var broken = accounts.create();
        String brokenId = everyMinute(broken);
        var other = accounts.create();
        String otherId = everyMinute(other);
        // As a version altered in the database, or saved by a Till that read it otherwise, would be.
        db.sql("UPDATE automation_versions SET definition = jsonb_set(definition, '{steps}', '\"none\"') "
            + "WHERE automation_id = :id").param("id", brokenId).update();

        var advanced = api.post("/api/v1/test_clock/advance", other.apiKey(), "{\"by\": \"PT3M\"}");

        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        assertThat(runs(otherId)).isEqualTo(3);
        assertThat(runs(brokenId)).isZero();
        assertThat(db.sql("""
            SELECT next_fire_at - (SELECT max(CAST(trigger -> 'data' ->> 'scheduled_at' AS timestamptz))
                                     FROM executions WHERE automation_id = :other)
              FROM automation_schedules WHERE automation_id = :id
            """)
            .param("other", otherId)
            .param("id", brokenId)
            .query(String.class)
            .single()).as("read again in an hour, not at every poll").startsWith("00:5");
    }

    private String everyMinute(TestAccounts.TestAccount store) {
        String id = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Every minute", "trigger": {"type": "schedule", "every": "PT1M"},
             "steps": [{"id": "done", "type": "stop"}]}""").json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null).status()).isEqualTo(200);
        return id;
    }

    private int runs(String automationId) {
        return db.sql("SELECT count(*) FROM executions WHERE automation_id = :id").param("id", automationId)
            .query(Integer.class).single();
    }
}
