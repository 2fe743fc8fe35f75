package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@code POST /api/v1/automations/{id}/run} with an {@code event_id}: a run for an event that came before the
 * automation listened, as the matcher would have started it, at most once per event.
 */
@TillIntegrationTest
class EventStartsTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;

    private String activate(TestAccounts.TestAccount store, String definition) {
        var created = api.post("/api/v1/automations", store.apiKey(), definition);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null).status()).isEqualTo(200);
        return id;
    }

    private String signUp(TestAccounts.TestAccount store, String plan) {
        String customer = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada Lovelace", "email": "ada-%s@example.com"}""".formatted(plan)).json().get("id").asString();
        String event = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.signup", "customer_id": "%s", "data": {"plan": "%s"}}""".formatted(customer, plan))
            .json().get("id").asString();
        agenda.runDue();
        return event;
    }

    /**
     * A reviewer's: checking an automation's conditions added the records' formatted twins (total_formatted) to the
     * event in memory, and the runs started from it saved that changed copy as their trigger.
     */
    @Test
    void aRunsTriggerIsTheEventAsRecordedEvenAfterConditionsWereChecked() {
        var store = accounts.create();
        String conditioned = activate(store, """
            {"name": "Big orders", "trigger": {"type": "event", "event": "acme.ordered"},
             "conditions": {"field": "order.total", "op": "gte", "value": 100},
             "steps": [{"id": "note", "type": "action", "action": "test.record", "params": {"note": "big"}}]}""");
        String plain = activate(store, """
            {"name": "Every order", "trigger": {"type": "event", "event": "acme.ordered"},
             "steps": [{"id": "note", "type": "action", "action": "test.record", "params": {"note": "any"}}]}""");
        String customer = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada Lovelace", "email": "ada-orders@example.com"}""").json().get("id").asString();

        api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.ordered", "customer_id": "%s",
             "data": {"order": {"id": "ord_x", "total": 1900, "currency": "usd"}}}""".formatted(customer));
        agenda.runDue();

        for (String automation : List.of(conditioned, plain)) {
            var runs = api.get("/api/v1/executions?automation_id=" + automation, store.apiKey()).json().get("data");
            assertThat(runs).as(automation).hasSize(1);
            var run = api.get("/api/v1/executions/" + runs.get(0).get("id").asString(), store.apiKey()).json();
            assertThat(run.get("trigger").get("data").get("order").has("total_formatted")).as(automation).isFalse();
        }
    }

    /**
     * A custom event's data may hold an object named {@code event} (a webinar, a concert): the seller reads it as
     * {@code event.data.event}, and {@code event} stays the event that started the run. Copied to the context's top
     * as every data object is, it took the event's place, and the run's conditions and steps read the webinar.
     */
    @Test
    void dataNamedEventIsReadUnderTheEventsDataAndTheEventStaysTheEvent() {
        var store = accounts.create();
        String remind = activate(store, """
            {"name": "Webinar reminder", "trigger": {"type": "event", "event": "acme.webinar_registered"},
             "conditions": {"field": "event.type", "op": "eq", "value": "acme.webinar_registered"},
             "steps": [{"id": "note", "type": "action", "action": "test.record",
                        "params": {"note": "{{event.type}}: {{event.data.event.name}}"}}]}""");
        String customer = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada Lovelace", "email": "ada-webinar@example.com"}""").json().get("id").asString();

        var posted = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.webinar_registered", "customer_id": "%s",
             "data": {"event": {"name": "Pricing 101", "type": "webinar"}}}""".formatted(customer));
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
        agenda.runDue();

        var runs = api.get("/api/v1/executions?automation_id=" + remind, store.apiKey()).json().get("data");
        assertThat(runs).as("the condition on event.type held").hasSize(1);
        var run = api.get("/api/v1/executions/" + runs.get(0).get("id").asString(), store.apiKey()).json();
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(run.get("steps").get(0).get("input").get("note").asString())
            .isEqualTo("acme.webinar_registered: Pricing 101");
    }

    @Test
    void startsARunForAnEventThatCameBeforeTheAutomationOnceAndAnswersItAgain() {
        var store = accounts.create();
        String event = signUp(store, "basic");
        String greet = activate(store, """
            {"name": "Greet", "trigger": {"type": "event", "event": "acme.signup"},
             "steps": [{"id": "note", "type": "action", "action": "test.record",
                        "params": {"note": "{{event.data.plan}}"}}]}""");

        var first = api.post("/api/v1/automations/" + greet + "/run", store.apiKey(), """
            {"event_id": "%s"}""".formatted(event));
        var again = api.post("/api/v1/automations/" + greet + "/run", store.apiKey(), """
            {"event_id": "%s"}""".formatted(event));

        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(first.json().get("trigger").get("id").asString()).isEqualTo(event);
        assertThat(again.status()).as(again.text()).isEqualTo(200);
        assertThat(again.json().get("id")).isEqualTo(first.json().get("id"));
        agenda.runDue();
        var run = api.get("/api/v1/executions/" + first.json().get("id").asString(), store.apiKey()).json();
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(run.get("steps").get(0).get("input").get("note").asString()).isEqualTo("basic");
    }

    @Test
    void refusesWhatTheMatcherWouldRefuseAndAnotherAccountsEvent() {
        var store = accounts.create();
        var other = accounts.create();
        String event = signUp(store, "basic");
        String vip = activate(store, """
            {"name": "VIP", "trigger": {"type": "event", "event": "acme.signup"},
             "conditions": {"field": "event.data.plan", "op": "eq", "value": "vip"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");
        String farewell = activate(store, """
            {"name": "Farewell", "trigger": {"type": "event", "event": "acme.left"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");
        String daily = activate(store, """
            {"name": "Daily", "trigger": {"type": "schedule", "every": "P1D"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");
        String theirs = activate(other, """
            {"name": "Theirs", "trigger": {"type": "event", "event": "acme.signup"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");

        var conditions = api.post("/api/v1/automations/" + vip + "/run", store.apiKey(), """
            {"event_id": "%s"}""".formatted(event));
        var trigger = api.post("/api/v1/automations/" + farewell + "/run", store.apiKey(), """
            {"event_id": "%s"}""".formatted(event));
        var schedule = api.post("/api/v1/automations/" + daily + "/run", store.apiKey(), """
            {"event_id": "%s"}""".formatted(event));
        var mixed = api.post("/api/v1/automations/" + vip + "/run", store.apiKey(), """
            {"event_id": "%s", "data": {"plan": "vip"}}""".formatted(event));
        var crossAccount = api.post("/api/v1/automations/" + theirs + "/run", other.apiKey(), """
            {"event_id": "%s"}""".formatted(event));

        assertThat(conditions.status()).as(conditions.text()).isEqualTo(409);
        assertThat(conditions.text()).contains("Its conditions do not hold for this event");
        assertThat(trigger.status()).as(trigger.text()).isEqualTo(409);
        assertThat(trigger.text()).contains("acme.left");
        assertThat(schedule.status()).as(schedule.text()).isEqualTo(409);
        assertThat(mixed.status()).as(mixed.text()).isEqualTo(400);
        assertThat(mixed.text()).contains("event_id");
        assertThat(crossAccount.status()).as(crossAccount.text()).isEqualTo(404);
        assertThat(api.get("/api/v1/executions", store.apiKey()).json().get("data")).isEmpty();
        assertThat(api.get("/api/v1/executions", other.apiKey()).json().get("data")).isEmpty();
    }
}
