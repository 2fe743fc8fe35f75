package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
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
}
