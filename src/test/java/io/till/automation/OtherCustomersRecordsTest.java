package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A run about one customer reads fresh only the records of that customer: a custom event or a run by hand whose data
 * names another customer's order (a typo, a mix-up in the seller's system) never puts that customer's amounts, dates or
 * details into a message to this one.
 */
@TillIntegrationTest
class OtherCustomersRecordsTest {

    private static final String REMINDER = """
        {"name": "Reminder", "trigger": {"type": "event", "event": "acme.reminder"},
         "steps": [{"id": "note", "type": "action", "action": "test.record",
                    "params": {"note": "Your order came to {{order.total_formatted}}"}}]}""";

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    AutomationAgenda agenda;

    @Test
    void anEventAboutOneCustomerNamingAnotherCustomersOrderNeverShowsThatOrder() {
        var shop = shops.open();
        JsonNode ada = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        JsonNode grace = shops.buy(shop, shop.monthly(), "pm_card_visa", "grace@example.com");

        String reminder = activate(shop, REMINDER);

        var own = run(shop, reminder, post(shop, ada.get("customer_id").asString(), ada.get("id").asString()));
        var others = run(shop, reminder, post(shop, ada.get("customer_id").asString(), grace.get("id").asString()));

        assertThat(own.get("status").asString()).isEqualTo("succeeded");
        assertThat(own.get("steps").get(0).get("input").get("note").asString())
            .isEqualTo("Your order came to " + total(ada));
        assertThat(others.get("status").asString()).as(others.toString()).isEqualTo("failed");
        var step = others.get("steps").get(0);
        assertThat(step.get("input").get("note").asString()).as("as written, nothing read into it")
            .isEqualTo("Your order came to {{order.total_formatted}}");
        assertThat(step.get("error").get("message").asString()).contains("order " + grace.get("id").asString()
            + " is another customer's, and a run about " + ada.get("customer_id").asString() + " never reads it");
    }

    @Test
    void aRunByHandNamingAnotherCustomersOrderIsRefusedAndSaysWhich() {
        var shop = shops.open();
        JsonNode ada = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        JsonNode grace = shops.buy(shop, shop.monthly(), "pm_card_visa", "grace@example.com");
        String reminder = activate(shop, REMINDER.replace("""
            {"type": "event", "event": "acme.reminder"}""", """
            {"type": "manual"}"""));

        var refused = api.post("/api/v1/automations/" + reminder + "/run", shop.apiKey(), """
            {"customer_id": "%s", "data": {"order": {"id": "%s"}}}""".formatted(ada.get("customer_id").asString(),
            grace.get("id").asString()));
        var own = api.post("/api/v1/automations/" + reminder + "/run", shop.apiKey(), """
            {"customer_id": "%s", "data": {"order": {"id": "%s"}}}""".formatted(ada.get("customer_id").asString(),
            ada.get("id").asString()));

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("data.order.id");
        assertThat(refused.json().get("errors").get(0).get("code").asString()).isEqualTo("another_customer");
        assertThat(own.status()).as(own.text()).isEqualTo(201);
    }

    /**
     * Nor does it act on one: an id carried as a value (out of the context's reach) of another customer's subscription
     * or invoice is refused by the billing actions, which never cancel, charge or credit someone else for this run.
     */
    @Test
    void aBillingActionOfARunAboutOneCustomerRefusesAnotherCustomersRecord() {
        var shop = shops.open();
        JsonNode ada = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        JsonNode grace = shops.buy(shop, shop.monthly(), "pm_card_visa", "grace@example.com");
        String cancel = activate(shop, """
            {"name": "Cancel", "trigger": {"type": "event", "event": "acme.leaving"},
             "steps": [{"id": "end", "type": "action", "action": "cancel_subscription",
                        "params": {"subscription_id": "{{event.data.subscription_id}}"}}]}""");

        var posted = api.post("/api/v1/events", shop.apiKey(), """
            {"type": "acme.leaving", "customer_id": "%s", "data": {"subscription_id": "%s"}}"""
            .formatted(ada.get("customer_id").asString(), grace.get("subscription_id").asString()));
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
        var run = run(shop, cancel, posted.json().get("id").asString());

        assertThat(run.get("status").asString()).as(run.toString()).isEqualTo("failed");
        assertThat(run.get("error").get("code").asString()).isEqualTo("not_theirs");
        assertThat(shops.subscription(shop, grace.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("active");
        assertThat(shops.subscription(shop, ada.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("active");
    }

    private String activate(Shops.Shop shop, String definition) {
        var created = api.post("/api/v1/automations", shop.apiKey(), definition);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        var activated = api.post("/api/v1/automations/" + id + "/activate", shop.apiKey(), null);
        assertThat(activated.status()).as(activated.text()).isEqualTo(200);
        return id;
    }

    private String post(Shops.Shop shop, String customer, String order) {
        var posted = api.post("/api/v1/events", shop.apiKey(), """
            {"type": "acme.reminder", "customer_id": "%s", "data": {"order": {"id": "%s"}}}"""
            .formatted(customer, order));
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
        return posted.json().get("id").asString();
    }

    /** The run the event started, once it has run. */
    private JsonNode run(Shops.Shop shop, String automation, String event) {
        agenda.runDue();
        var started = new java.util.ArrayList<JsonNode>();
        for (var listed : api.get("/api/v1/executions?automation_id=" + automation, shop.apiKey()).json()
            .get("data")) {
            var run = api.get("/api/v1/executions/" + listed.get("id").asString(), shop.apiKey()).json();
            if (run.get("trigger").get("id").asString("").equals(event)) {
                started.add(run);
            }
        }
        assertThat(started).as("one run for " + event).hasSize(1);
        return started.getFirst();
    }

    private static String total(JsonNode order) {
        return io.till.shared.Amounts.format(order.get("total").asLong(), order.get("currency").asString());
    }
}
