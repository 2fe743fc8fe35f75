package io.till.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The event and execution lists of the API narrow by time, as the dashboard's do. */
@TillIntegrationTest
class ListTimeFiltersApiTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;

    private static List<String> ids(JsonNode page) {
        var ids = new ArrayList<String>();
        page.get("data").forEach(item -> ids.add(item.get("id").asString()));
        return ids;
    }

    @Test
    void eventsAndExecutionsAreListedFromAndBeforeAMoment() {
        var store = accounts.create();
        String automation = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Note", "trigger": {"type": "manual"},
             "steps": [{"id": "note", "type": "action", "action": "create_task", "params": {"title": "Call"}}]}""")
            .json().get("id").asString();
        api.post("/api/v1/automations/" + automation + "/activate", store.apiKey(), null);
        String oldRun = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), null).json().get("id")
            .asString();
        String newRun = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), null).json().get("id")
            .asString();
        String oldEvent = api.post("/api/v1/events", store.apiKey(), "{\"type\": \"acme.old\"}").json().get("id")
            .asString();
        String newEvent = api.post("/api/v1/events", store.apiKey(), "{\"type\": \"acme.new\"}").json().get("id")
            .asString();
        db.sql("UPDATE executions SET created_at = '2026-01-10T12:00:00Z' WHERE account_id = ? AND id = ?")
            .params(store.id(), oldRun).update();
        db.sql("UPDATE events SET occurred_at = '2026-01-10T12:00:00Z' WHERE account_id = ? AND id = ?")
            .params(store.id(), oldEvent).update();

        String key = store.apiKey();
        assertThat(ids(api.get("/api/v1/executions?created_from=2026-02-01T00:00:00Z", key).json()))
            .contains(newRun).doesNotContain(oldRun);
        assertThat(ids(api.get("/api/v1/executions?created_to=2026-02-01T00:00:00Z", key).json()))
            .containsExactly(oldRun);
        assertThat(ids(api.get("/api/v1/events?created_from=2026-02-01", key).json()))
            .contains(newEvent).doesNotContain(oldEvent);
        assertThat(ids(api.get("/api/v1/events?created_from=2026-01-10T11:00:00%2B00:00&created_to=2026-01-11",
            key).json())).containsExactly(oldEvent);

        var bad = api.get("/api/v1/events?created_from=yesterday", key);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("errors").get(0).get("field").asString()).isEqualTo("created_from");
        var backwards = api.get("/api/v1/executions?created_from=2026-02-01&created_to=2026-01-01", key);
        assertThat(backwards.status()).isEqualTo(400);
        assertThat(backwards.json().get("errors").get(0).get("field").asString()).isEqualTo("created_to");
    }
}
