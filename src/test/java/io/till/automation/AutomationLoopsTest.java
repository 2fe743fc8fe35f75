package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An automation whose steps raise the event it listens for, directly or through other automations, runs once for
 * what started it: an automation never starts again from what its own run set off (a probe's "self loop" made 800 runs
 * in 12 s).
 */
@TillIntegrationTest
class AutomationLoopsTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    Triggers triggers;
    @Autowired
    Executor executor;
    @Autowired
    JdbcClient db;

    private String activate(TestAccounts.TestAccount store, String definition) {
        var created = api.post("/api/v1/automations", store.apiKey(), definition);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null).status()).isEqualTo(200);
        return id;
    }

    private String customer(TestAccounts.TestAccount store) {
        return api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada Lovelace", "email": "ada@example.com"}""").json().get("id").asString();
    }

    /**
     * Matches events and runs steps as the agenda does, a bounded number of rounds: a loop never settles, and the
     * agenda would go round it for ever.
     */
    private void settle() {
        for (int round = 0; round < 30; round++) {
            int done = StepsAtStart.orWithout(atStart -> triggers.matchEvents(100, null, atStart)).events()
                + executor.runRound();
            if (done == 0) {
                return;
            }
        }
    }

    private long runs(String automation) {
        return db.sql("SELECT count(*) FROM executions WHERE automation_id = :id")
            .param("id", automation)
            .query(Long.class)
            .single();
    }

    @Test
    void anAutomationThatUpdatesTheCustomerOnCustomerUpdatedRunsOncePerOutsideChange() {
        var store = accounts.create();
        String ada = customer(store);
        String stamp = activate(store, """
            {"name": "Stamp updates", "trigger": {"type": "event", "event": "customer.updated"},
             "steps": [{"id": "stamp", "type": "action", "action": "update_customer",
                        "params": {"metadata": {"last_event": "{{event.id}}"}}}]}""");

        var patched = api.send("PATCH", "/api/v1/customers/" + ada, store.apiKey(), "{\"name\": \"Ada King\"}",
            List.of("Content-Type", "application/json"));
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        settle();

        assertThat(runs(stamp)).isEqualTo(1);
        var events = api.get("/api/v1/events?type=customer.updated&customer_id=" + ada, store.apiKey()).json()
            .get("data");
        assertThat(events.size()).as("the staff change and the automation's own").isEqualTo(2);
        String run = db.sql("SELECT id FROM executions WHERE automation_id = :id")
            .param("id", stamp)
            .query(String.class)
            .single();
        assertThat(events.get(0).get("data").get("caused_by").get("execution_id").asString())
            .as("the newest was raised by the run").isEqualTo(run);
        assertThat(events.get(1).get("data").has("caused_by")).as("staff's change").isFalse();

        // Tested on its own run's event, the automation says it would not start, as matching decided.
        var tested = api.post("/api/v1/automations/" + stamp + "/test", store.apiKey(), """
            {"event_id": "%s"}""".formatted(events.get(0).get("id").asString())).json();
        assertThat(tested.get("status").asString()).as(tested.toString()).isEqualTo("not_started");
        assertThat(tested.get("error").get("message").asString()).isEqualTo("would not start: one of its own steps "
            + "raised this event: an automation never starts again from its own event");
        assertThat(tested.get("steps")).isEmpty();
    }

    @Test
    void twoAutomationsThatSetEachOtherOffStopWhenTheChainComesBackToOneOfThem() {
        var store = accounts.create();
        String ada = customer(store);
        String toggle = activate(store, """
            {"name": "Toggle consent", "trigger": {"type": "event", "event": "customer.updated"},
             "steps": [{"id": "on", "type": "action", "action": "update_customer",
                        "params": {"marketing_consent": true}},
                       {"id": "off", "type": "action", "action": "update_customer",
                        "params": {"marketing_consent": false}}]}""");
        String note = activate(store, """
            {"name": "Note consent changes",
             "trigger": {"type": "event", "event": "customer.marketing_consent_changed"},
             "steps": [{"id": "note", "type": "action", "action": "update_customer",
                        "params": {"metadata": {"seen": "{{event.id}}"}}}]}""");

        var patched = api.send("PATCH", "/api/v1/customers/" + ada, store.apiKey(), "{\"name\": \"Ada King\"}",
            List.of("Content-Type", "application/json"));
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        settle();

        assertThat(runs(toggle)).as("started by staff's change only").isEqualTo(1);
        assertThat(runs(note)).as("once for each consent change the toggle made").isEqualTo(2);
        var reasons = db.sql("""
            SELECT skip ->> 'reason'
              FROM event_traces, jsonb_array_elements(skipped) AS skip
             WHERE account_id = :accountId AND skip ->> 'automation_id' = :id
            """)
            .param("accountId", store.account().id())
            .param("id", toggle)
            .query(String.class)
            .list();
        assertThat(reasons).as("why the toggle did not start again from the notes' updates")
            .anyMatch(reason -> reason.contains("Note consent changes"));
    }
}
