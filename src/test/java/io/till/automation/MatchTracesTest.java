package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The match trace (PRODUCT.md §4): an event keeps, per listening automation, why it started no run, as the matcher
 * decided at the time (paused, conditions with their actual values, limit, one at a time), so the explanation stays
 * true after the automations change.
 */
@TillIntegrationTest
class MatchTracesTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    EventRuns eventRuns;

    private String activate(TestAccounts.TestAccount store, String name, String rules) {
        var created = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "%s", "trigger": {"type": "event", "event": "acme.signup"}, %s
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""".formatted(name, rules));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        var activated = api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null);
        assertThat(activated.status()).as(activated.text()).isEqualTo(200);
        return id;
    }

    private String signup(TestAccounts.TestAccount store, String customer) {
        var posted = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.signup", "customer_id": "%s", "data": {"plan": "basic"}}""".formatted(customer));
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
        agenda.runDue();
        return posted.json().get("id").asString();
    }

    private Map<String, String> whyNot(TestAccounts.TestAccount store, String event) {
        return eventRuns.explain(store.id(), event).others().stream()
            .collect(Collectors.toMap(EventRuns.NotStarted::automation, EventRuns.NotStarted::reason));
    }

    /**
     * Values no record of Till's holds but a custom event may (a number past a long beside a currency, a moment past
     * any calendar) are read like any other: the matcher once failed on them, undoing its whole batch, which came
     * back with the same event, so that no account's events started anything again.
     */
    @Test
    void anEventWithValuesPastWhatTillsRecordsHoldStartsItsRunAndHoldsBackNoOther() {
        var store = accounts.create();
        var other = accounts.create();
        String refunds = activate(store, "Refunds", """
            "conditions": {"all": [{"field": "event.data.currency", "op": "eq", "value": "usd"}]},""");
        String welcome = activate(other, "Welcome", "");
        var posted = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.signup", "data": {"amount": 99999999999999999999999, "currency": "usd",
             "due_at": "+1000000000-01-01T00:00:00Z"}}""");
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
        var welcomed = api.post("/api/v1/events", other.apiKey(), "{\"type\": \"acme.signup\"}");

        agenda.runDue();

        assertThat(startedBy(store, refunds)).containsExactly(posted.json().get("id").asString());
        assertThat(startedBy(other, welcome)).containsExactly(welcomed.json().get("id").asString());
    }

    private List<String> startedBy(TestAccounts.TestAccount store, String automation) {
        var runs = new java.util.ArrayList<String>();
        api.get("/api/v1/executions?automation_id=" + automation, store.apiKey()).json().get("data")
            .forEach(run -> runs.add(run.get("trigger").get("id").asString()));
        return runs;
    }

    @Test
    void anEventKeepsWhyEachListenerStartedNothingAsDecidedThen() {
        var store = accounts.create();
        String ada = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada", "email": "ada@example.com"}""").json().get("id").asString();
        String paused = activate(store, "Paused", "");
        assertThat(api.post("/api/v1/automations/" + paused + "/pause", store.apiKey(), null).status())
            .isEqualTo(200);
        String vip = activate(store, "VIP", """
            "conditions": {"all": [{"field": "event.data.plan", "op": "eq", "value": "vip"}]},""");
        activate(store, "Quarterly", "\"limit\": {\"runs\": 1, \"per\": \"P90D\"},");
        signup(store, ada);
        String second = signup(store, ada);

        assertThat(whyNot(store, second)).containsOnly(
            Map.entry("Paused", "It was paused: a paused automation starts nothing."),
            Map.entry("VIP", "Its conditions did not hold: wanted event.data.plan is “vip”, but "
                + "event.data.plan is “basic”."),
            Map.entry("Quarterly", "Its limit was reached: at most 1 run per customer every 90 days."));

        // Resumed and changed since, the automations do not rewrite what happened then.
        assertThat(api.post("/api/v1/automations/" + paused + "/resume", store.apiKey(), null).status())
            .isEqualTo(200);
        var edited = api.send("PUT", "/api/v1/automations/" + vip, store.apiKey(), """
            {"name": "VIP", "trigger": {"type": "event", "event": "acme.signup"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""",
            java.util.List.of("Content-Type", "application/json"));
        assertThat(edited.status()).as(edited.text()).isIn(200, 201);
        assertThat(api.post("/api/v1/automations/" + vip + "/activate", store.apiKey(), null).status())
            .isEqualTo(200);
        assertThat(whyNot(store, second)).containsEntry("Paused", "It was paused: a paused automation starts nothing.")
            .containsKey("VIP");
        assertThat(whyNot(store, second).get("VIP")).startsWith("Its conditions did not hold");
    }
}
