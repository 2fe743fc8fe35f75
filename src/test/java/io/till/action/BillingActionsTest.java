package io.till.action;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.automation.AutomationAgenda;
import io.till.billing.BillingActions;
import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The billing actions, run by automations against sandbox billing records. */
@TillIntegrationTest
class BillingActionsTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    BillingActions billing;
    @Autowired
    JdbcClient db;

    private String activate(Shops.Shop shop, String definition) {
        var created = api.post("/api/v1/automations", shop.apiKey(), definition);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", shop.apiKey(), null).status()).isEqualTo(200);
        return id;
    }

    private List<JsonNode> executions(Shops.Shop shop, String automation) {
        var list = new ArrayList<JsonNode>();
        api.get("/api/v1/executions?automation_id=" + automation, shop.apiKey()).json().get("data").forEach(e -> list
            .add(api.get("/api/v1/executions/" + e.get("id").asString(), shop.apiKey()).json()));
        return list;
    }

    private long automationCharges(Shops.Shop shop) {
        return db.sql("SELECT count(*) FROM sandbox_charges WHERE account_id = :accountId AND idempotency_key LIKE "
            + "'automation:%'")
            .param("accountId", shop.accountId())
            .query(Long.class)
            .single();
    }

    private static JsonNode step(JsonNode run, String id) {
        for (JsonNode line : run.get("steps")) {
            if (line.get("step_id").asString().equals(id)) {
                return line;
            }
        }
        throw new AssertionError("no step " + id + " in " + run);
    }

    /** An hour after the failure: moments after it, the schedule's decline is the answer and nothing is charged. */
    @Test
    void retriesAFailedPaymentOncePerStepWithoutStartingItself() {
        var shop = shops.open();
        String automation = activate(shop, """
            {"name": "Retry", "trigger": {"type": "event", "event": "payment.failed"},
             "steps": [{"id": "later", "type": "delay", "duration": "PT1H"},
                       {"id": "retry", "type": "action", "action": "retry_payment",
                        "params": {"invoice_id": "{{invoice.id}}"}},
                       {"id": "declined", "type": "branch",
                        "if": {"field": "steps.retry.output.status", "op": "eq", "value": "declined"},
                        "then": [{"id": "tag", "type": "action", "action": "add_tag",
                                  "params": {"tag": "retry_declined"}}]}]}""");
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String customer = order.get("customer_id").asString();

        shops.advance(shop, "P14DT12H");

        var runs = executions(shop, automation);
        assertThat(runs).hasSize(1);
        JsonNode run = runs.getFirst();
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        JsonNode retry = step(run, "retry");
        JsonNode output = retry.get("output");
        assertThat(output.get("status").asString()).isEqualTo("declined");
        assertThat(automationCharges(shop)).isEqualTo(1);
        var tags = api.get("/api/v1/customers/" + customer, shop.apiKey()).json().get("tags");
        assertThat(tags.toString()).contains("retry_declined");

        String invoice = run.get("trigger").get("data").get("invoice").get("id").asString();
        String key = retry.get("idempotency_key").asString();
        var again = billing.retryPayment(shop.accountId(), invoice, key, run.get("id").asString());
        assertThat(again.paymentId()).isEqualTo(output.get("payment_id").asString());
        assertThat(automationCharges(shop)).isEqualTo(1);
    }

    @Test
    void creditsPausesVoidsAndCancelsThroughSteps() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "grace@example.com");
        String customer = order.get("customer_id").asString();
        String subscription = order.get("subscription_id").asString();
        String automation = activate(shop, """
            {"name": "Make good", "trigger": {"type": "manual"},
             "steps": [{"id": "grant", "type": "action", "action": "grant_credits",
                        "params": {"amount": "{{event.data.amount}}", "currency": "usd", "reason": "sorry"}},
                       {"id": "pause", "type": "action", "action": "pause_subscription",
                        "params": {"subscription_id": "{{event.data.subscription_id}}"}},
                       {"id": "cancel", "type": "action", "action": "cancel_subscription",
                        "params": {"subscription_id": "{{event.data.subscription_id}}"}}]}""");

        var started = api.post("/api/v1/automations/" + automation + "/run", shop.apiKey(), """
            {"customer_id": "%s", "data": {"amount": "500", "subscription_id": "%s"}}""".formatted(customer,
            subscription));
        agenda.runDue();

        assertThat(started.status()).as(started.text()).isEqualTo(201);
        JsonNode run = executions(shop, automation).getFirst();
        assertThat(run.get("status").asString()).as(run.toString()).isEqualTo("succeeded");
        assertThat(run.get("steps").get(0).get("output").get("balances").get(0).get("amount").asLong())
            .isEqualTo(500);
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("canceled");
        var credits = api.get("/api/v1/customers/" + customer + "/credits", shop.apiKey()).json();
        assertThat(credits.toString()).contains("\"amount\":500");

        String key = run.get("steps").get(0).get("idempotency_key").asString();
        billing.grantCredits(shop.accountId(), customer, 500, "usd", "sorry", key);
        var after = api.get("/api/v1/customers/" + customer + "/credits", shop.apiKey()).json();
        assertThat(after.get("balances").get(0).get("amount").asLong()).isEqualTo(500);
    }

    /** A step tried again (its node died after the credit was applied) must see what it did, not nothing. */
    @Test
    void applyingCreditsAgainUnderTheSameKeyAnswersWhatTheFirstCallApplied() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String customer = order.get("customer_id").asString();
        shops.advance(shop, "P14DT1M");
        String invoice = api.get("/api/v1/invoices?customer_id=" + customer, shop.apiKey()).json().get("data").get(0)
            .get("id").asString();
        api.post("/api/v1/customers/" + customer + "/credits", shop.apiKey(), "{\"amount\": 700, \"currency\": "
            + "\"usd\"}");

        long first = billing.applyCredits(shop.accountId(), invoice, 500L, "exe_test:credit");
        long again = billing.applyCredits(shop.accountId(), invoice, 500L, "exe_test:credit");

        assertThat(first).isEqualTo(500);
        assertThat(again).isEqualTo(500);
        assertThat(api.get("/api/v1/invoices/" + invoice, shop.apiKey()).json().get("amount_credited").asLong())
            .isEqualTo(500);
    }

    @Test
    void voidsAnUnpaidInvoiceThenRefusesToWriteItOff() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "alan@example.com");
        shops.advance(shop, "P14DT12H");
        String invoice = api.get("/api/v1/invoices?customer_id=" + order.get("customer_id").asString(), shop
            .apiKey()).json().get("data").get(0).get("id").asString();
        String automation = activate(shop, """
            {"name": "Void", "trigger": {"type": "manual"},
             "steps": [{"id": "void", "type": "action", "action": "void_invoice",
                        "params": {"invoice_id": "{{event.data.invoice_id}}"}},
                       {"id": "again", "type": "action", "action": "void_invoice",
                        "params": {"invoice_id": "{{event.data.invoice_id}}"}},
                       {"id": "write_off", "type": "action", "action": "mark_uncollectible",
                        "params": {"invoice_id": "{{event.data.invoice_id}}"}}]}""");

        api.post("/api/v1/automations/" + automation + "/run", shop.apiKey(), """
            {"data": {"invoice_id": "%s"}}""".formatted(invoice));
        agenda.runDue();

        JsonNode run = executions(shop, automation).getFirst();
        assertThat(run.get("status").asString()).isEqualTo("failed");
        assertThat(run.get("error").get("step_id").asString()).isEqualTo("write_off");
        assertThat(run.get("error").get("code").asString()).isEqualTo("invalid_state");
        assertThat(run.get("steps").get(1).get("output").get("status").asString()).isEqualTo("void");
        assertThat(api.get("/api/v1/invoices/" + invoice, shop.apiKey()).json().get("status").asString())
            .isEqualTo("void");
        var types = new ArrayList<String>();
        api.get("/api/v1/events?type=invoice.voided", shop.apiKey()).json().get("data").forEach(e -> types.add(e
            .get("type").asString()));
        assertThat(types).containsExactly("invoice.voided");
    }

    /**
     * Only a voided invoice puts its subscription back in good standing: one written off as uncollectible is still owed
     * (bad debt, which Stripe's dunning settings also keep apart from the subscription's status), so the subscription
     * stays past due, while voiding the same kind of invoice of another makes it active again.
     */
    @Test
    void aWrittenOffInvoiceLeavesItsSubscriptionPastDueWhileAVoidedOneReactivatesIt() {
        var shop = shops.open();
        var writtenOff = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "written.off@example.com");
        var voided = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "voided@example.com");
        shops.advance(shop, "P14DT12H");
        String writtenOffSubscription = writtenOff.get("subscription_id").asString();
        String voidedSubscription = voided.get("subscription_id").asString();
        assertThat(shops.subscription(shop, writtenOffSubscription).get("status").asString()).isEqualTo("past_due");
        assertThat(shops.subscription(shop, voidedSubscription).get("status").asString()).isEqualTo("past_due");
        String automation = activate(shop, """
            {"name": "Write off", "trigger": {"type": "manual"},
             "steps": [{"id": "write_off", "type": "action", "action": "mark_uncollectible",
                        "params": {"invoice_id": "{{event.data.invoice_id}}"}}]}""");

        var started = api.post("/api/v1/automations/" + automation + "/run", shop.apiKey(), """
            {"data": {"invoice_id": "%s"}}""".formatted(invoiceOf(shop, writtenOff)));
        assertThat(started.status()).as(started.text()).isEqualTo(201);
        agenda.runDue();
        var voiding = api.post("/api/v1/invoices/" + invoiceOf(shop, voided) + "/void", shop.apiKey(), null);

        JsonNode run = executions(shop, automation).getFirst();
        assertThat(run.get("status").asString()).as(run.toString()).isEqualTo("succeeded");
        assertThat(api.get("/api/v1/invoices/" + invoiceOf(shop, writtenOff), shop.apiKey()).json().get("status")
            .asString()).isEqualTo("uncollectible");
        assertThat(shops.subscription(shop, writtenOffSubscription).get("status").asString()).isEqualTo("past_due");
        assertThat(voiding.status()).as(voiding.text()).isEqualTo(200);
        assertThat(shops.subscription(shop, voidedSubscription).get("status").asString()).isEqualTo("active");
        var activated = new ArrayList<String>();
        api.get("/api/v1/events?type=subscription.activated", shop.apiKey()).json().get("data")
            .forEach(event -> activated.add(event.at("/data/subscription/id").asString()));
        assertThat(activated).containsExactly(voidedSubscription);
    }

    /**
     * A subscription's invoice written off is still owed; voiding it forgives it: the subscription is back in good
     * standing. A plan's installment written off is never billed again, and voiding it (which bills a plan's
     * installment again) is refused, saying why.
     */
    @Test
    void aWrittenOffInvoiceOfASubscriptionCanBeVoidedAndItsSubscriptionIsActiveAgain() {
        var shop = shops.open();
        var writtenOff = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "forgiven@example.com");
        shops.advance(shop, "P14DT12H");
        String invoice = invoiceOf(shop, writtenOff);
        billing.markUncollectible(shop.accountId(), invoice);

        var voided = api.post("/api/v1/invoices/" + invoice + "/void", shop.apiKey(), null);

        assertThat(voided.status()).as(voided.text()).isEqualTo(200);
        assertThat(voided.json().get("status").asString()).isEqualTo("void");
        assertThat(shops.subscription(shop, writtenOff.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("active");
    }

    private String invoiceOf(Shops.Shop shop, JsonNode order) {
        var invoices = api.get("/api/v1/invoices?customer_id=" + order.get("customer_id").asString(), shop.apiKey())
            .json().get("data");
        assertThat(invoices).hasSize(1);
        return invoices.get(0).get("id").asString();
    }

    @Test
    void closingAnUnknownInvoiceFailsForGoodWithoutJavaNames() {
        var shop = shops.open();
        for (String action : List.of("void_invoice", "mark_uncollectible")) {
            String automation = activate(shop, """
                {"name": "%s", "trigger": {"type": "manual"},
                 "steps": [{"id": "close", "type": "action", "action": "%s",
                            "params": {"invoice_id": "{{event.data.invoice_id}}"}}]}""".formatted(action, action));

            api.post("/api/v1/automations/" + automation + "/run", shop.apiKey(), """
                {"data": {"invoice_id": "inv_0000000000000000000000000"}}""");
            agenda.runDue();

            JsonNode run = executions(shop, automation).getFirst();
            assertThat(run.get("status").asString()).as(run.toString()).isEqualTo("failed");
            assertThat(run.get("error").get("code").asString()).isEqualTo("not_found");
            assertThat(run.get("steps")).hasSize(1);
            JsonNode error = run.get("steps").get(0).get("error");
            assertThat(error.has("retryable")).isFalse();
            assertThat(error.get("message").asString()).contains("inv_0000000000000000000000000")
                .doesNotContainPattern("[A-Z][a-z]+Exception").doesNotContain("io.till", "org.springframework");
        }
    }
}
