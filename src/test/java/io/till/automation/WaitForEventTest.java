package io.till.automation;

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

/**
 * wait_for_event (PRODUCT.md §4): a run waits at the step until an event of the type about its customer (and, with
 * match, the same record as its trigger) arrives, or its timeout passes; later steps read which.
 */
@TillIntegrationTest
class WaitForEventTest {

    /** Waits up to 3 days for %s (matched on %s), then tags by whether it came. */
    private static final String FOLLOW_UP = """
        {"name": "Cart follow-up", "trigger": {"type": "event", "event": "acme.cart_abandoned"},
         "steps": [{"id": "paid", "type": "wait_for_event", "event": "acme.order_paid", "match": "%s",
                    "timeout": "P3D"},
                   {"id": "came", "type": "branch",
                    "if": {"all": [{"field": "steps.paid.output.received", "op": "eq", "value": true}]},
                    "then": [{"id": "thanks", "type": "action", "action": "add_tag", "params": {"tag": "paid"}}],
                    "else": [{"id": "nudge", "type": "action", "action": "add_tag", "params": {"tag": "never_paid"}}]}]}""";

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    Triggers triggers;
    @Autowired
    JdbcClient db;

    private String activate(TestAccounts.TestAccount store, String definition) {
        var created = api.post("/api/v1/automations", store.apiKey(), definition);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        var activated = api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null);
        assertThat(activated.status()).as(activated.text()).isEqualTo(200);
        return id;
    }

    private String customer(TestAccounts.TestAccount store, String name) {
        var created = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "%s", "email": "%s@example.com"}""".formatted(name, name.toLowerCase()));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private String post(TestAccounts.TestAccount store, String type, String customer, String data) {
        var posted = api.post("/api/v1/events", store.apiKey(), """
            {"type": "%s", "customer_id": "%s", "data": %s}""".formatted(type, customer, data));
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
        return posted.json().get("id").asString();
    }

    private List<JsonNode> runs(TestAccounts.TestAccount store, String automation, String customer) {
        var runs = new ArrayList<JsonNode>();
        api.get("/api/v1/executions?automation_id=" + automation + "&customer_id=" + customer, store.apiKey())
            .json().get("data").forEach(run -> runs.add(api.get("/api/v1/executions/" + run.get("id").asString(),
                store.apiKey()).json()));
        return runs.reversed();
    }

    private JsonNode onlyRun(TestAccounts.TestAccount store, String automation, String customer) {
        var runs = runs(store, automation, customer);
        assertThat(runs).hasSize(1);
        return runs.getFirst();
    }

    private List<String> tags(TestAccounts.TestAccount store, String customer) {
        var tags = new ArrayList<String>();
        api.get("/api/v1/customers/" + customer, store.apiKey()).json().get("tags").forEach(t -> tags.add(t
            .asString()));
        return tags;
    }

    private static List<String> log(JsonNode run) {
        var log = new ArrayList<String>();
        run.get("steps").forEach(s -> log.add(s.get("step_id").asString() + ":" + s.get("status").asString()));
        return log;
    }

    private long waits(String execution) {
        return db.sql("SELECT count(*) FROM execution_waits WHERE execution_id = :id").param("id", execution)
            .query(Long.class).single();
    }

    @Test
    void theEventAboutTheCustomerEndsTheWaitAtOnceAndLaterStepsReadIt() {
        var store = accounts.create();
        String ada = customer(store, "Ada");
        String bob = customer(store, "Bob");
        String automation = activate(store, FOLLOW_UP.formatted("customer"));
        post(store, "acme.cart_abandoned", ada, "{}");
        agenda.runDue();
        JsonNode waiting = onlyRun(store, automation, ada);
        assertThat(waiting.get("status").asString()).isEqualTo("waiting");
        assertThat(log(waiting)).containsExactly("paid:waiting");
        assertThat(waiting.get("steps").get(0).get("output").get("event").asString()).isEqualTo("acme.order_paid");

        // Another customer's payment is not Ada's.
        post(store, "acme.order_paid", bob, "{}");
        agenda.runDue();
        assertThat(onlyRun(store, automation, ada).get("status").asString()).isEqualTo("waiting");

        String paid = post(store, "acme.order_paid", ada, "{\"order\": {\"id\": \"ord_1\"}}");
        agenda.runDue();

        JsonNode run = onlyRun(store, automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(log(run)).containsExactly("paid:waiting", "paid:succeeded", "came:succeeded", "thanks:succeeded");
        JsonNode output = run.get("steps").get(1).get("output");
        assertThat(output.get("received").asBoolean()).isTrue();
        assertThat(output.get("event").get("id").asString()).isEqualTo(paid);
        assertThat(output.get("event").get("data").get("order").get("id").asString()).isEqualTo("ord_1");
        assertThat(tags(store, ada)).containsExactly("paid");
        assertThat(waits(run.get("id").asString())).isZero();
    }

    @Test
    void withoutTheEventTheWaitEndsAtItsTimeout() {
        var store = accounts.create();
        String ada = customer(store, "Ada");
        String automation = activate(store, FOLLOW_UP.formatted("customer"));
        post(store, "acme.cart_abandoned", ada, "{}");
        agenda.runDue();

        var advanced = api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"P3DT1H\"}");
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);

        JsonNode run = onlyRun(store, automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(log(run)).containsExactly("paid:waiting", "paid:succeeded", "came:succeeded", "nudge:succeeded");
        assertThat(run.get("steps").get(1).get("output").get("received").asBoolean()).isFalse();
        assertThat(tags(store, ada)).containsExactly("never_paid");
        assertThat(waits(run.get("id").asString())).isZero();
        // An event after the wait ended changes nothing.
        post(store, "acme.order_paid", ada, "{}");
        agenda.runDue();
        assertThat(tags(store, ada)).containsExactly("never_paid");
    }

    @Test
    void anEventTheMatcherSawBeforeTheWaitWasWrittenIsNoticedAtTheTimeoutNeverLost() {
        var store = accounts.create();
        String ada = customer(store, "Ada");
        String automation = activate(store, FOLLOW_UP.formatted("customer"));
        post(store, "acme.cart_abandoned", ada, "{}");
        agenda.runDue();
        // The event commits while the wait is being written, and the matcher takes it before it can see the wait:
        // here, it is taken from the inbox without matching.
        String paid = post(store, "acme.order_paid", ada, "{}");
        db.sql("DELETE FROM event_inbox WHERE event_id = :id").param("id", paid).update();
        agenda.runDue();
        assertThat(onlyRun(store, automation, ada).get("status").asString()).isEqualTo("waiting");

        var advanced = api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"P3DT1H\"}");
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);

        JsonNode run = onlyRun(store, automation, ada);
        assertThat(log(run)).containsExactly("paid:waiting", "paid:succeeded", "came:succeeded", "thanks:succeeded");
        assertThat(run.get("steps").get(1).get("output").get("event").get("id").asString()).isEqualTo(paid);
    }

    @Test
    void anEventRecordedWhileTheWaitWasWrittenEndsItAtOnceNotAtTheTimeout() {
        var store = accounts.create();
        String ada = customer(store, "Ada");
        String automation = activate(store, FOLLOW_UP.formatted("customer"));
        post(store, "acme.cart_abandoned", ada, "{}");
        triggers.matchEvents(AutomationAgenda.EVENT_BATCH);
        // The payment is recorded, and matched by another node, while the run decides to wait and writes its wait
        // (the test clock stands still: it happens at the moment the wait begins).
        String paid = post(store, "acme.order_paid", ada, "{}");
        db.sql("DELETE FROM event_inbox WHERE event_id = :id").param("id", paid).update();
        agenda.runDue();

        JsonNode run = onlyRun(store, automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(run.get("steps").get(1).get("output").get("event").get("id").asString()).isEqualTo(paid);
        assertThat(tags(store, ada)).containsExactly("paid");
    }

    @Test
    void withAMatchOnARecordOnlyThatRecordsEventEndsItsWait() {
        var store = accounts.create();
        String ada = customer(store, "Ada");
        String automation = activate(store, FOLLOW_UP.formatted("order"));
        post(store, "acme.cart_abandoned", ada, "{\"order\": {\"id\": \"ord_one\"}}");
        post(store, "acme.cart_abandoned", ada, "{\"order\": {\"id\": \"ord_two\"}}");
        agenda.runDue();

        post(store, "acme.order_paid", ada, "{\"order\": {\"id\": \"ord_two\"}}");
        post(store, "acme.order_paid", ada, "{}");
        agenda.runDue();

        assertThat(runs(store, automation, ada)).extracting(run -> run.get("trigger").get("data").get("order")
            .get("id").asString() + ":" + run.get("status").asString()).containsExactly("ord_one:waiting",
                "ord_two:succeeded");
    }

    @Test
    void aRunAboutNoRecordToWaitOnFailsAtTheStepSayingWhy() {
        var store = accounts.create();
        String ada = customer(store, "Ada");
        String automation = activate(store, FOLLOW_UP.formatted("order"));
        post(store, "acme.cart_abandoned", ada, "{}");
        agenda.runDue();

        JsonNode run = onlyRun(store, automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("failed");
        assertThat(run.get("error").get("code").asString()).isEqualTo("nothing_to_match");
        assertThat(run.get("error").get("message").asString()).contains("no order to wait on");
    }

    @Test
    void aCanceledRunLeavesNoWaitBehind() {
        var store = accounts.create();
        String ada = customer(store, "Ada");
        String automation = activate(store, FOLLOW_UP.formatted("customer"));
        post(store, "acme.cart_abandoned", ada, "{}");
        agenda.runDue();
        String id = onlyRun(store, automation, ada).get("id").asString();
        assertThat(waits(id)).isOne();

        var canceled = api.post("/api/v1/executions/" + id + "/cancel", store.apiKey(), null);
        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);

        assertThat(waits(id)).isZero();
        post(store, "acme.order_paid", ada, "{}");
        agenda.runDue();
        assertThat(onlyRun(store, automation, ada).get("status").asString()).isEqualTo("canceled");
        assertThat(tags(store, ada)).isEmpty();
    }

    @Test
    void aDryRunShowsTheWaitEndingAtItsTimeout() {
        var store = accounts.create();
        String ada = customer(store, "Ada");
        String automation = activate(store, FOLLOW_UP.formatted("customer"));
        var tested = api.post("/api/v1/automations/" + automation + "/test", store.apiKey(), """
            {"event": {"type": "acme.cart_abandoned", "customer_id": "%s", "data": {}}}""".formatted(ada));
        assertThat(tested.status()).as(tested.text()).isEqualTo(200);
        var steps = new ArrayList<String>();
        tested.json().get("steps").forEach(s -> steps.add(s.get("step_id").asString() + ":" + s.get("status")
            .asString()));
        assertThat(steps).containsExactly("paid:waiting", "paid:succeeded", "came:succeeded", "nudge:succeeded");
    }

    @Test
    void saysWhatIsWrongWithAWaitStep() {
        var store = accounts.create();
        var refused = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Broken", "trigger": {"type": "event", "event": "acme.cart_abandoned"},
             "steps": [{"id": "w", "type": "wait_for_event", "event": "invoice.payd", "match": "planet"}]}""");

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        var fields = new ArrayList<String>();
        refused.json().get("errors").forEach(f -> fields.add(f.get("field").asString() + ":" + f.get("code")
            .asString()));
        assertThat(fields).containsExactly("steps[0].event:unknown_event", "steps[0].match:invalid_value",
            "steps[0].timeout:required");
    }
}
