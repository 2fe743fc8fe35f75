package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * limit and concurrency (PRODUCT.md §4): at most so many runs per customer in a period, and one run per customer (or
 * record) at a time; the matcher starts no more.
 */
@TillIntegrationTest
class RunLimitTest {

    private static final String WIN_BACK = """
        {"name": "Win back", "trigger": {"type": "event", "event": "acme.cart_abandoned"},
         "limit": {"runs": 1, "per": "P30D"},
         "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "offered"}}]}""";

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;

    private void abandon(TestAccounts.TestAccount store, String customer) {
        var posted = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.cart_abandoned", "customer_id": "%s", "data": {}}""".formatted(customer));
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
    }

    private List<String> runs(TestAccounts.TestAccount store, String automation, String customer) {
        var runs = new ArrayList<String>();
        api.get("/api/v1/executions?automation_id=" + automation + "&customer_id=" + customer, store.apiKey())
            .json().get("data").forEach(run -> runs.add(run.get("status").asString()));
        return runs;
    }

    @Test
    void aCustomerGetsAtMostTheLimitInAPeriodEvenFromOneBatchAndAgainOnceItHasPassed() {
        var store = accounts.create();
        String ada = new StoreApi(api, store).customer("Ada");
        String bob = new StoreApi(api, store).customer("Bob");
        String automation = new StoreApi(api, store).activate(WIN_BACK);
        // Two in one batch, one in the next: Ada's first starts a run, the others none.
        abandon(store, ada);
        abandon(store, ada);
        abandon(store, bob);
        agenda.runDue();
        abandon(store, ada);
        agenda.runDue();
        assertThat(runs(store, automation, ada)).containsExactly("succeeded");
        assertThat(runs(store, automation, bob)).containsExactly("succeeded");

        var advanced = api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"P31D\"}");
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        abandon(store, ada);
        agenda.runDue();
        assertThat(runs(store, automation, ada)).containsExactly("succeeded", "succeeded");
    }

    @Test
    void aLimitNeedsRunsAndAPeriod() {
        var store = accounts.create();
        var refused = api.post("/api/v1/automations", store.apiKey(), WIN_BACK.replace(
            "{\"runs\": 1, \"per\": \"P30D\"}", "{\"runs\": 0, \"per\": \"PT1S\"}"));

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        var fields = new ArrayList<String>();
        refused.json().get("errors").forEach(f -> fields.add(f.get("field").asString() + ":" + f.get("code")
            .asString()));
        assertThat(fields).containsExactly("limit.runs:out_of_range", "limit.per:out_of_range");
    }

    private static final String ONE_AT_A_TIME = """
        {"name": "Dunning", "trigger": {"type": "event", "event": "acme.payment_failed"}, "concurrency": "%s",
         "steps": [{"id": "wait", "type": "delay", "duration": "P1D"},
                   {"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "reminded"}}]}""";

    private void failed(TestAccounts.TestAccount store, String customer, String invoice) {
        var posted = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.payment_failed", "customer_id": "%s", "data": {"invoice": {"id": "%s"}}}"""
            .formatted(customer, invoice));
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
    }

    @Test
    void oneRunPerCustomerAtATimeAndANewOneOnceItHasEnded() {
        var store = accounts.create();
        String ada = new StoreApi(api, store).customer("Ada");
        String bob = new StoreApi(api, store).customer("Bob");
        String automation = new StoreApi(api, store).activate(ONE_AT_A_TIME.formatted("customer"));
        failed(store, ada, "in_1");
        failed(store, ada, "in_2");
        failed(store, bob, "in_3");
        agenda.runDue();
        failed(store, ada, "in_4");
        agenda.runDue();
        assertThat(runs(store, automation, ada)).containsExactly("waiting");
        assertThat(runs(store, automation, bob)).containsExactly("waiting");

        var advanced = api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"P1DT1H\"}");
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        failed(store, ada, "in_5");
        agenda.runDue();
        assertThat(runs(store, automation, ada)).containsExactly("waiting", "succeeded");
    }

    @Test
    void oneRunPerRecordAtATime() {
        var store = accounts.create();
        String ada = new StoreApi(api, store).customer("Ada");
        String automation = new StoreApi(api, store).activate(ONE_AT_A_TIME.formatted("invoice"));
        failed(store, ada, "in_1");
        failed(store, ada, "in_1");
        failed(store, ada, "in_2");
        agenda.runDue();

        var invoices = new ArrayList<String>();
        api.get("/api/v1/executions?automation_id=" + automation, store.apiKey()).json().get("data")
            .forEach(run -> invoices.add(run.get("trigger").get("data").get("invoice").get("id").asString()));
        assertThat(invoices).containsExactlyInAnyOrder("in_1", "in_2");
    }

    private static final String DUNNING = """
        {"name": "Dunning", "trigger": {"type": "event", "event": "acme.payment_failed"}, "concurrency": "%s",
         "cancel_on": [{"event": "acme.paid", "match": "%s"}],
         "steps": [{"id": "wait", "type": "delay", "duration": "P1D"},
                   {"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "reminded"}}]}""";

    private void paid(TestAccounts.TestAccount store, String customer, String invoice) {
        var posted = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.paid", "customer_id": "%s", "data": {"invoice": {"id": "%s"}}}"""
            .formatted(customer, invoice));
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
    }

    private List<String> invoicesByStatus(TestAccounts.TestAccount store, String automation) {
        var runs = new ArrayList<String>();
        api.get("/api/v1/executions?automation_id=" + automation, store.apiKey()).json().get("data")
            .forEach(run -> runs.add(run.get("trigger").get("data").get("invoice").get("id").asString() + ":"
                + run.get("status").asString()));
        return runs;
    }

    @Test
    void aRunThatAnEarlierEventOfTheBatchEndsNoLongerHoldsItsCustomer() {
        var store = accounts.create();
        String ada = new StoreApi(api, store).customer("Ada");
        String automation = new StoreApi(api, store).activate(DUNNING.formatted("customer", "customer"));
        failed(store, ada, "in_1");
        agenda.runDue();

        // One batch, in this order: a failure while in_1's run is open (one at a time: refused), the payment that ends
        // that run, then a failure after it (a run of its own), then the payment that ends that one too, and a third.
        failed(store, ada, "in_2");
        paid(store, ada, "in_1");
        failed(store, ada, "in_3");
        paid(store, ada, "in_3");
        failed(store, ada, "in_4");
        agenda.runDue();

        assertThat(invoicesByStatus(store, automation)).containsExactlyInAnyOrder("in_1:canceled", "in_3:canceled",
            "in_4:waiting");
    }

    @Test
    void aRecordsPaymentEndsOnlyThatRecordsRunBeforeANewFailureOfTheSameRecord() {
        var store = accounts.create();
        String ada = new StoreApi(api, store).customer("Ada");
        String automation = new StoreApi(api, store).activate(DUNNING.formatted("invoice", "invoice"));
        failed(store, ada, "in_1");
        failed(store, ada, "in_2");
        agenda.runDue();

        // in_2's payment ends in_2's run only: in_1 fails again while its run is open (refused), in_2 starts again.
        paid(store, ada, "in_2");
        failed(store, ada, "in_1");
        failed(store, ada, "in_2");
        agenda.runDue();

        assertThat(invoicesByStatus(store, automation)).containsExactlyInAnyOrder("in_1:waiting", "in_2:canceled",
            "in_2:waiting");
    }
    @Test
    void aRunByHandCountsTowardTheLimitAndIsRefusedPastIt() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String bob = shop.customer("Bob");
        String automation = shop.activate("""
            {"name": "Win back", "trigger": {"type": "manual"}, "limit": {"runs": 1, "per": "P30D"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "offered"}}]}""");
        String forAda = "{\"customer_id\": \"" + ada + "\"}";

        var first = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), forAda);
        agenda.runDue();
        var second = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), forAda);
        var forBob = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(),
            "{\"customer_id\": \"" + bob + "\"}");

        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(second.status()).as(second.text()).isEqualTo(409);
        assertThat(second.json().get("detail").asString())
            .isEqualTo("Its limit was reached: at most 1 run per customer every 30 days.");
        assertThat(forBob.status()).as(forBob.text()).isEqualTo(201);
        assertThat(runs(store, automation, ada)).containsExactly("succeeded");
    }

    @Test
    void aRunByHandWaitsItsTurnWhileAnotherForTheCustomerHasNotEnded() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate("""
            {"name": "Onboarding", "trigger": {"type": "manual"}, "concurrency": "customer",
             "steps": [{"id": "wait", "type": "delay", "duration": "P1D"},
                       {"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "onboarded"}}]}""");
        String forAda = "{\"customer_id\": \"" + ada + "\"}";

        var first = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), forAda);
        agenda.runDue();
        var second = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), forAda);

        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(second.status()).as(second.text()).isEqualTo(409);
        assertThat(second.json().get("detail").asString()).contains("had not ended: it runs one at a time");
        assertThat(runs(store, automation, ada)).containsExactly("waiting");
    }
}
