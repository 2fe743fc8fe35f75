package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A backtest (PRODUCT §4: "a draft can be backtested over past real events") decides a version over the account's
 * past events of its trigger's type: which would have started a run, and why each other would not; it runs nothing.
 */
@TillIntegrationTest
class BacktestTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient db;

    private String post(String key, String type, String plan) {
        var posted = api.post("/api/v1/events", key, """
            {"type": "%s", "data": {"plan": "%s"}}""".formatted(type, plan));
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
        return posted.json().get("id").asString();
    }

    private String draft(String key, String trigger) {
        var created = api.post("/api/v1/automations", key, """
            {"name": "Pro signups", "trigger": %s,
             "conditions": {"all": [{"field": "event.data.plan", "op": "eq", "value": "pro"}]},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "pro"}}]}"""
            .formatted(trigger));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    @Test
    void aDraftIsDecidedOverPastEventsOfItsTypeNewestFirstWithoutRunningAnything() {
        var store = accounts.create();
        String firstPro = post(store.apiKey(), "acme.signup", "pro");
        String basic = post(store.apiKey(), "acme.signup", "basic");
        String secondPro = post(store.apiKey(), "acme.signup", "pro");
        post(store.apiKey(), "acme.refund", "pro");
        String id = draft(store.apiKey(), "{\"type\": \"event\", \"event\": \"acme.signup\"}");

        var result = api.get("/api/v1/automations/" + id + "/backtest", store.apiKey());

        assertThat(result.status()).as(result.text()).isEqualTo(200);
        JsonNode body = result.json();
        assertThat(body.get("version").asInt()).isEqualTo(1);
        assertThat(body.get("event_type").asString()).isEqualTo("acme.signup");
        assertThat(body.get("considered").asInt()).as(body.toString()).isEqualTo(3);
        assertThat(body.get("would_start").asInt()).isEqualTo(2);
        assertThat(body.get("has_more").asBoolean()).isFalse();
        assertThat(body.get("skipped_by").get("its conditions").asInt()).isEqualTo(1);
        List<String> order = new ArrayList<>();
        body.get("events").forEach(event -> order.add(event.get("event_id").asString()));
        assertThat(order).containsExactly(secondPro, basic, firstPro);
        JsonNode skipped = body.get("events").get(1);
        assertThat(skipped.get("would_start").asBoolean()).isFalse();
        assertThat(skipped.get("reason").asString()).startsWith("the conditions do not hold: ")
            .contains("basic");
        assertThat(body.get("events").get(0).get("would_start").asBoolean()).isTrue();
        assertThat(body.get("events").get(0).get("reason").isNull()).isTrue();
        // Nothing ran: a draft starts no execution, and a backtest makes none.
        assertThat(api.get("/api/v1/executions?automation_id=" + id, store.apiKey()).json().get("data")).isEmpty();
    }

    @Test
    void theLimitKeepsTheNewestAndSaysThereIsMore() {
        var store = accounts.create();
        post(store.apiKey(), "acme.signup", "pro");
        post(store.apiKey(), "acme.signup", "pro");
        String newest = post(store.apiKey(), "acme.signup", "basic");
        String id = draft(store.apiKey(), "{\"type\": \"event\", \"event\": \"acme.signup\"}");

        JsonNode body = api.get("/api/v1/automations/" + id + "/backtest?limit=1", store.apiKey()).json();

        assertThat(body.get("considered").asInt()).isEqualTo(1);
        assertThat(body.get("has_more").asBoolean()).isTrue();
        assertThat(body.get("events").get(0).get("event_id").asString()).isEqualTo(newest);
    }

    @Test
    void whatCannotBeBacktestedIsRefusedWithTheReason() {
        var store = accounts.create();
        String scheduled = draft(store.apiKey(), "{\"type\": \"schedule\", \"every\": \"P1D\"}");
        String onEvents = draft(store.apiKey(), "{\"type\": \"event\", \"event\": \"acme.signup\"}");

        var schedule = api.get("/api/v1/automations/" + scheduled + "/backtest", store.apiKey());
        var badLimit = api.get("/api/v1/automations/" + onEvents + "/backtest?limit=501", store.apiKey());
        var badWindow = api.get("/api/v1/automations/" + onEvents + "/backtest?created_from=2026-12-02&created_to="
            + "2026-12-01", store.apiKey());
        var otherAccount = api.get("/api/v1/automations/" + onEvents + "/backtest", accounts.create().apiKey());

        assertThat(schedule.status()).isEqualTo(409);
        assertThat(schedule.text()).contains("invalid_state", "Version 1 starts on a schedule: only an automation "
            + "started by events can be backtested");
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(badLimit.text()).contains("limit", "must be between 1 and 500");
        assertThat(badWindow.status()).isEqualTo(400);
        assertThat(otherAccount.status()).isEqualTo(404);
    }

    @Test
    void anEventStaffMarkedToPassQuietlyWouldStartNothingAsInMatching() {
        var store = accounts.create();
        var quiet = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.signup", "data": {"plan": "pro"}}""");
        assertThat(quiet.status()).as(quiet.text()).isEqualTo(201);
        // As Till marks its own events of a change staff asked to pass quietly (a posted event cannot say so).
        db.sql("UPDATE events SET data = data || '{\"skip_automations\": true}' WHERE id = :id")
            .param("id", quiet.json().get("id").asString()).update();
        String id = draft(store.apiKey(), "{\"type\": \"event\", \"event\": \"acme.signup\"}");

        JsonNode body = api.get("/api/v1/automations/" + id + "/backtest", store.apiKey()).json();

        assertThat(body.get("would_start").asInt()).isZero();
        assertThat(body.get("events").get(0).get("reason").asString())
            .isEqualTo("staff asked for this change to pass quietly (skip_automations)");
        assertThat(body.get("skipped_by").get("skip_automations").asInt()).isEqualTo(1);
    }

    @Test
    void theLimitPerCustomerCountsTheRunsTheWindowWouldHaveStarted() {
        var store = accounts.create();
        String customer = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada", "email": "ada@example.com"}""").json().get("id").asString();
        for (int i = 0; i < 3; i++) {
            var posted = api.post("/api/v1/events", store.apiKey(), """
                {"type": "acme.signup", "customer_id": "%s", "data": {"plan": "pro"}}""".formatted(customer));
            assertThat(posted.status()).as(posted.text()).isEqualTo(201);
        }
        var created = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Once a quarter", "trigger": {"type": "event", "event": "acme.signup"},
             "limit": {"runs": 1, "per": "P90D"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "pro"}}]}""");
        assertThat(created.status()).as(created.text()).isEqualTo(201);

        JsonNode body = api.get("/api/v1/automations/" + created.json().get("id").asString() + "/backtest",
            store.apiKey()).json();

        assertThat(body.get("would_start").asInt()).isEqualTo(1);
        // Newest first: the oldest event started the run; the two after it met the limit.
        assertThat(body.get("events").get(2).get("would_start").asBoolean()).isTrue();
        assertThat(body.get("events").get(0).get("reason").asString())
            .isEqualTo("its limit was reached: at most 1 run per customer every 90 days");
        assertThat(body.get("skipped_by").get("its limit").asInt()).isEqualTo(2);
    }
}
