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
 * A step's literal params are held at save to the rules its action applies when it runs, and the dry run applies them
 * to the rendered params: a definition that could never run is refused, a step that would fail shows failed.
 */
@TillIntegrationTest
class ParamChecksApiTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;

    private static String oneStep(String step) {
        return """
            {"name": "Checked", "trigger": {"type": "event", "event": "acme.signup"}, "steps": [%s]}"""
            .formatted(step);
    }

    private static String action(String action, String params) {
        return oneStep("""
            {"id": "act", "type": "action", "action": "%s", "params": %s}""".formatted(action, params));
    }

    private static List<String> errors(Api.Response response) {
        var errors = new ArrayList<String>();
        response.json().get("errors").forEach(e -> errors.add(e.get("field").asString() + " " + e.get("code")
            .asString()));
        return errors;
    }

    private void refused(TestAccounts.TestAccount store, String definition, String field, String code) {
        var saved = api.post("/api/v1/automations", store.apiKey(), definition);
        assertThat(saved.status()).as(saved.text()).isEqualTo(400);
        assertThat(errors(saved)).as(saved.text()).contains(field + " " + code);
    }

    private String endpoint(TestAccounts.TestAccount store) {
        var created = api.post("/api/v1/webhook_endpoints", store.apiKey(), """
            {"url": "https://hooks.example.com/till", "event_types": ["acme.signup"]}""");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private String customer(TestAccounts.TestAccount store) {
        var created = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada Lovelace", "email": "ada@example.com"}""");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private JsonNode dryRun(TestAccounts.TestAccount store, String definition, String customerId) {
        var saved = api.post("/api/v1/automations", store.apiKey(), definition);
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        var tested = api.post("/api/v1/automations/" + saved.json().get("id").asString() + "/test", store.apiKey(),
            """
                {"event": {"type": "acme.signup", "customer_id": "%s", "data": {}}}""".formatted(customerId));
        assertThat(tested.status()).as(tested.text()).isEqualTo(200);
        return tested.json();
    }

    @Test
    void refusesASlackMessageWithNothingToSayOrAHookTillCannotCallAndAnUpdateThatSetsNothing() {
        var store = accounts.create();

        refused(store, action("send_slack", """
            {"webhook_url": "https://hooks.slack.com/services/T0/B0/x"}"""), "steps[0].params.text", "invalid_params");
        refused(store, action("send_slack", """
            {"webhook_url": "ftp://hooks.slack.com/services/T0/B0/x", "text": "Hi"}"""),
            "steps[0].params.webhook_url", "invalid_params");
        refused(store, action("update_customer", "{}"), "steps[0].params.name", "invalid_params");
        refused(store, oneStep("""
            {"id": "act", "type": "action", "action": "update_customer"}"""), "steps[0].params.name",
            "invalid_params");
        // Either part of a message will do, as will one field to set, templated or not.
        for (String fine : List.of(action("send_slack", """
            {"webhook_url": "https://hooks.slack.com/services/T0/B0/x", "blocks": [{"type": "divider"}]}"""),
            action("update_customer", """
                {"name": "{{event.data.name}}"}"""))) {
            var saved = api.post("/api/v1/automations", store.apiKey(), fine);
            assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        }
    }

    @Test
    void refusesAWebhookWithBothOrNeitherDestination() {
        var store = accounts.create();
        String id = endpoint(store);

        refused(store, action("send_webhook", """
            {"endpoint_id": "%s", "url": "https://example.com/x", "payload": {}}""".formatted(id)),
            "steps[0].params.endpoint_id", "invalid_params");
        refused(store, action("send_webhook", """
            {"payload": {}}"""), "steps[0].params.endpoint_id", "invalid_params");
    }

    @Test
    void refusesAWebhookToAnEndpointTheAccountDoesNotHave() {
        var store = accounts.create();
        var other = accounts.create();
        String theirs = endpoint(other);

        refused(store, action("send_webhook", """
            {"endpoint_id": "we_nope", "payload": {}}"""), "steps[0].params.endpoint_id", "not_found");
        refused(store, action("send_webhook", """
            {"endpoint_id": "%s", "payload": {}}""".formatted(theirs)), "steps[0].params.endpoint_id", "not_found");
        var own = api.post("/api/v1/automations", store.apiKey(), action("send_webhook", """
            {"endpoint_id": "%s", "payload": {}}""".formatted(endpoint(store))));
        assertThat(own.status()).as(own.text()).isEqualTo(201);
    }

    @Test
    void refusesAWebhookWithABadTypeOrUrl() {
        var store = accounts.create();

        refused(store, action("send_webhook", """
            {"url": "https://example.com/x", "event_type": "Bad Type!", "payload": {}}"""),
            "steps[0].params.event_type", "invalid_params");
        refused(store, action("send_webhook", """
            {"url": "ftp://example.com/x", "payload": {}}"""), "steps[0].params.url", "invalid_params");
        // A step's webhook signed with an endpoint's secret must never pass for one of Till's own events (a forged
        // order.paid that a receiver would fulfil): Till's types, and its reserved namespaces, are refused.
        for (String tills : List.of("order.paid", "invoice.paid", "webhook.test", "till.anything")) {
            refused(store, action("send_webhook", """
                {"url": "https://example.com/x", "event_type": "%s", "payload": {}}""".formatted(tills)),
                "steps[0].params.event_type", "invalid_params");
        }
        var own = api.post("/api/v1/automations", store.apiKey(), action("send_webhook", """
            {"url": "https://example.com/x", "event_type": "automation.order_ready", "payload": {}}"""));
        assertThat(own.status()).as(own.text()).isEqualTo(201);
    }

    @Test
    void refusesAnEmailOrSmsToWhatIsNoAddress() {
        var store = accounts.create();

        refused(store, action("send_email", """
            {"to": "not-an-email", "subject": "Hi", "text": "Hello"}"""), "steps[0].params.to", "invalid_address");
        refused(store, action("send_email", """
            {"to": "ada@example.com", "subject": "Hi"}"""), "steps[0].params.text", "invalid_params");
        refused(store, action("send_sms", """
            {"to": "12345", "text": "Hello"}"""), "steps[0].params.to", "invalid_phone");
    }

    /** A task's due time is read when the step is saved: a typo is not found twelve days into a dunning run. */
    @Test
    void refusesATaskDueInWhatIsNoDurationOrATooLongTitle() {
        var store = accounts.create();
        String ada = customer(store);

        refused(store, action("create_task", """
            {"title": "Call them", "due_in": "2 days"}"""), "steps[0].params.due_in", "invalid_params");
        refused(store, action("create_task", """
            {"title": "Call them", "due_in": "P-1D"}"""), "steps[0].params.due_in", "invalid_params");
        refused(store, action("create_task", """
            {"title": "%s"}""".formatted("x".repeat(501))), "steps[0].params.title", "invalid_params");
        var templated = dryRun(store, action("create_task", """
            {"title": "Call {{customer.name}}", "due_in": "{{customer.name}}"}"""), ada);
        var fine = api.post("/api/v1/automations", store.apiKey(), action("create_task", """
            {"title": "Call them", "due_in": "PT4H"}"""));

        assertThat(templated.get("status").asString()).as(templated.toString()).isEqualTo("failed");
        assertThat(templated.get("error").get("message").asString()).isEqualTo("params.due_in: 'Ada Lovelace' is "
            + "not a duration: write P2D for 2 days, PT4H for 4 hours");
        assertThat(fine.status()).as(fine.text()).isEqualTo(201);
    }

    /** Written out, a tag, an amount and a currency are held at save to what the record takes when the step runs. */
    @Test
    void refusesATagAnAmountOrACurrencyTheRecordWouldRefuse() {
        var store = accounts.create();

        refused(store, action("add_tag", """
            {"tag": "%s"}""".formatted("t".repeat(51))), "steps[0].params.tag", "invalid_params");
        refused(store, action("apply_credits", """
            {"invoice_id": "{{event.data.invoice_id}}", "amount": -100}"""), "steps[0].params.amount",
            "invalid_params");
        refused(store, action("create_credit_note", """
            {"invoice_id": "{{event.data.invoice_id}}", "amount": 0}"""), "steps[0].params.amount", "invalid_params");
        refused(store, action("grant_credits", """
            {"amount": -5, "currency": "usd"}"""), "steps[0].params.amount", "invalid_params");
        refused(store, action("grant_credits", """
            {"amount": 500, "currency": "dollars"}"""), "steps[0].params.currency", "invalid_params");
        var fine = api.post("/api/v1/automations", store.apiKey(), action("grant_credits", """
            {"amount": 500, "currency": "eur"}"""));
        assertThat(fine.status()).as(fine.text()).isEqualTo(201);
    }

    @Test
    void leavesTemplatedValuesToTheRun() {
        var store = accounts.create();

        for (String definition : List.of(
            action("send_email", """
                {"to": "{{customer.email}}", "subject": "Hi", "text": "Hello"}"""),
            action("send_sms", """
                {"to": "{{customer.phone}}", "text": "Hello"}"""),
            action("send_webhook", """
                {"endpoint_id": "{{customer.metadata.endpoint}}", "payload": {}}"""))) {
            var saved = api.post("/api/v1/automations", store.apiKey(), definition);
            assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        }
    }

    @Test
    void refusesADelayUntilOrALoopOverWhatTheContextNeverHolds() {
        var store = accounts.create();

        refused(store, oneStep("""
            {"id": "wait", "type": "delay", "until": "customer.email"}"""), "steps[0].until", "not_a_time");
        refused(store, oneStep("""
            {"id": "each", "type": "loop", "over": "customer.email", "max": 5,
             "steps": [{"id": "halt", "type": "stop"}]}"""), "steps[0].over", "not_a_list");
        refused(store, oneStep("""
            {"id": "wait", "type": "delay", "until": "invoice.status"}"""), "steps[0].until", "not_a_time");
        // An amount is a whole number, which a delay would read as seconds since 1970: it would end at once.
        refused(store, oneStep("""
            {"id": "wait", "type": "delay", "until": "invoice.amount_due"}"""), "steps[0].until", "not_a_time");
        for (String step : List.of(
            """
                {"id": "wait", "type": "delay", "until": "subscription.current_period_end"}""",
            """
                {"id": "wait", "type": "delay", "until": "event.data.remind_at"}""",
            """
                {"id": "each", "type": "loop", "over": "customer.tags", "max": 5,
                 "steps": [{"id": "halt", "type": "stop"}]}""")) {
            var saved = api.post("/api/v1/automations", store.apiKey(), oneStep(step));
            assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        }
    }

    @Test
    void dryRunFailsAStepWhoseRenderedParamsTheActionRefuses() {
        var store = accounts.create();
        String ada = customer(store);

        var sms = dryRun(store, action("send_sms", """
            {"to": "{{customer.name}}", "text": "Hello"}"""), ada);
        var webhook = dryRun(store, action("send_webhook", """
            {"url": "https://example.com/x", "event_type": "{{customer.name}}", "payload": {}}"""), ada);

        assertThat(sms.get("status").asString()).isEqualTo("failed");
        assertThat(sms.get("error").get("code").asString()).isEqualTo("invalid_phone");
        assertThat(sms.get("steps").get(0).get("status").asString()).isEqualTo("failed");
        assertThat(webhook.get("status").asString()).isEqualTo("failed");
        assertThat(webhook.get("error").get("code").asString()).isEqualTo("invalid_params");
    }

    @Test
    void dryRunFailsAWebhookToADisabledEndpoint() {
        var store = accounts.create();
        String ada = customer(store);
        String id = endpoint(store);
        var disabled = api.send("PATCH", "/api/v1/webhook_endpoints/" + id, store.apiKey(),
            "{\"status\": \"disabled\"}", List.of("Content-Type", "application/json"));
        assertThat(disabled.status()).as(disabled.text()).isEqualTo(200);

        var tested = dryRun(store, action("send_webhook", """
            {"endpoint_id": "%s", "payload": {}}""".formatted(id)), ada);

        assertThat(tested.get("status").asString()).isEqualTo("failed");
        assertThat(tested.get("error").get("code").asString()).isEqualTo("endpoint_disabled");
        assertThat(tested.get("steps").get(0).get("status").asString()).isEqualTo("failed");
    }
}
