package io.till.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@TillIntegrationTest
class TasksApiTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;

    @Test
    void createsListsAndCompletesTasks() {
        var store = accounts.create();

        var created = api.post("/api/v1/tasks", store.apiKey(), """
            {"title": "Call Ada about the failed payment", "assignee": "ops@example.com"}""");
        String id = created.json().get("id").asString();
        var open = api.get("/api/v1/tasks?status=open", store.apiKey()).json().get("data");
        var done = api.post("/api/v1/tasks/" + id + "/complete", store.apiKey(), null);
        var again = api.post("/api/v1/tasks/" + id + "/complete", store.apiKey(), null);

        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(id).startsWith("task_");
        assertThat(open).hasSize(1);
        assertThat(done.json().get("status").asString()).isEqualTo("done");
        assertThat(again.status()).isEqualTo(409);
        assertThat(api.get("/api/v1/tasks?status=open", store.apiKey()).json().get("data")).isEmpty();
    }

    @Test
    void refusesATaskWithoutATitleAndHidesOtherAccountsTasks() {
        var store = accounts.create();
        var other = accounts.create();
        String id = api.post("/api/v1/tasks", store.apiKey(), "{\"title\": \"Mine\"}").json().get("id").asString();

        var untitled = api.post("/api/v1/tasks", store.apiKey(), "{\"title\": \" \"}");
        var strangers = api.post("/api/v1/tasks", other.apiKey(), "{\"title\": \"Hm\", \"customer_id\": \"cus_nope\"}");

        assertThat(untitled.status()).isEqualTo(400);
        assertThat(untitled.json().get("errors").get(0).get("field").asString()).isEqualTo("title");
        assertThat(strangers.status()).isEqualTo(400);
        assertThat(api.get("/api/v1/tasks/" + id, other.apiKey()).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/tasks", other.apiKey()).json().get("data")).isEmpty();
        assertThat(api.get("/api/v1/tasks?status=later", store.apiKey()).status()).isEqualTo(400);
    }
}
