package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A store driven through the API as an integrating developer would, for the engine's end-to-end tests: automations
 * activated, customers made, events posted, and a customer's runs (with their logs) and tags read back.
 */
record StoreApi(Api api, TestAccounts.TestAccount store) {

    String activate(String definition) {
        var created = api.post("/api/v1/automations", store.apiKey(), definition);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        var activated = api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null);
        assertThat(activated.status()).as(activated.text()).isEqualTo(200);
        return id;
    }

    /** A customer called {@code name}, with the email {@code <name>@example.com}. */
    String customer(String name) {
        var created = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "%s", "email": "%s@example.com"}""".formatted(name, name.toLowerCase()));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    /** Posts a custom event about the customer; returns its id. */
    String post(String type, String customer, String data) {
        var posted = api.post("/api/v1/events", store.apiKey(), """
            {"type": "%s", "customer_id": "%s", "data": %s}""".formatted(type, customer, data));
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
        return posted.json().get("id").asString();
    }

    /** The customer's runs of the automation, oldest first, each read alone (with its log). */
    List<JsonNode> runs(String automation, String customer) {
        var runs = new ArrayList<JsonNode>();
        api.get("/api/v1/executions?automation_id=" + automation + "&customer_id=" + customer, store.apiKey())
            .json().get("data").forEach(run -> runs.add(api.get("/api/v1/executions/" + run.get("id").asString(),
                store.apiKey()).json()));
        return runs.reversed();
    }

    JsonNode onlyRun(String automation, String customer) {
        var runs = runs(automation, customer);
        assertThat(runs).hasSize(1);
        return runs.getFirst();
    }

    List<String> tags(String customer) {
        var tags = new ArrayList<String>();
        api.get("/api/v1/customers/" + customer, store.apiKey()).json().get("tags").forEach(t -> tags.add(t
            .asString()));
        return tags;
    }

    void advance(String by) {
        var advanced = api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"" + by + "\"}");
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
    }

    /** A run's log as {@code step:status} lines. */
    static List<String> log(JsonNode run) {
        var log = new ArrayList<String>();
        run.get("steps").forEach(s -> log.add(s.get("step_id").asString() + ":" + s.get("status").asString()));
        return log;
    }
}
