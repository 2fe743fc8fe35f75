package io.till.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes docs/events/&lt;type&gt;.json: one real event of every type, raised by driving a store through the API. Not
 * part of ./mvnw verify (it writes into docs/); run it with {@code docs/generate-event-examples}.
 */
@Tag("docs")
@TillIntegrationTest
class EventExamplesGenerator {

    private static final JsonMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Autowired
    Api api;
    @Autowired
    Shops shops;

    @Test
    void writesAnExampleOfEveryEvent() throws IOException {
        var shop = shops.open();
        String key = shop.apiKey();
        // Customers and cards.
        String ada = post(key, "/api/v1/customers", "{\"name\": \"Ada Lovelace\", \"email\": \"ada@example.com\"}");
        patch(key, "/api/v1/customers/" + ada, "{\"tags\": [\"vip\"], \"marketing_consent\": true}");
        var soon = java.time.YearMonth.from(java.time.Instant.parse(api.get("/api/v1/test_clock", key).json()
            .get("now").asString()).atZone(java.time.ZoneOffset.UTC)).plusMonths(2);
        api.post("/api/v1/customers/" + ada + "/payment_methods", key, """
            {"token": "pm_card_visa", "exp_month": %d, "exp_year": %d}""".formatted(soon.getMonthValue(),
            soon.getYear()));
        // A purchase with an addon, a promo code, an upsell accepted.
        var bonus = api.post("/api/v1/products", key, """
            {"name": "Bonus", "options": [{"name": "Once", "kind": "one_time", "amount": 900, "currency": "usd"}]}""")
            .json();
        var course = api.post("/api/v1/products", key, """
            {"name": "Course", "options": [{"name": "Monthly", "kind": "subscription", "amount": 2900,
             "currency": "usd", "interval": "month", "cycles": 2}]}""").json();
        var checkout = api.post("/api/v1/checkouts", key, """
            {"name": "Course", "product_id": "%s", "addons": [{"name": "Workbook", "amount": 500, "currency": "usd"}],
             "upsells": [{"name": "Bonus", "option_id": "%s"}]}""".formatted(course.get("id").asString(),
            bonus.get("options").get(0).get("id").asString())).json();
        api.post("/api/v1/promo_codes", key, "{\"code\": \"WELCOME\", \"percent_off\": 10}");
        var order = api.post("/api/v1/checkouts/" + checkout.get("id").asString() + "/purchases", key, """
            {"customer_id": "%s", "option_id": "%s", "addon_ids": ["%s"], "promo_code": "WELCOME"}""".formatted(ada,
            course.get("options").get(0).get("id").asString(), checkout.get("addons").get(0).get("id").asString()))
            .json();
        api.post("/api/v1/orders/" + order.get("id").asString() + "/upsells/" + checkout.get("upsells").get(0).get("id")
            .asString() + "/accept", key, null);
        api.post("/api/v1/refunds", key, "{\"payment_id\": \"" + order.get("payment_id").asString()
            + "\", \"amount\": 100}");
        // Usage and credits.
        String subscription = order.get("subscription_id").asString();
        api.send("PUT", "/api/v1/subscriptions/" + subscription + "/usage_thresholds", key,
            "{\"thresholds\": [10]}", List.of("Content-Type", "application/json"));
        api.post("/api/v1/usage", key, "{\"subscription_id\": \"" + subscription + "\", \"quantity\": 12}");
        api.post("/api/v1/customers/" + ada + "/credits", key, "{\"amount\": 1000, \"currency\": \"usd\"}");
        // Dunning on a trial, then a card update; a plan that fails; a plan that completes; pause, resume, cancel.
        var grace = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "grace@example.com");
        var failingPlan = shops.buy(shop, shop.plan(), "pm_card_visa", "alan@example.com");
        var plan = shops.buy(shop, shop.plan(), "pm_card_visa", "barbara@example.com");
        var paused = shops.buy(shop, shop.monthly(), "pm_card_visa", "edsger@example.com");
        var canceling = shops.buy(shop, shop.monthly(), "pm_card_visa", "donald@example.com");
        var voided = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "margaret@example.com");
        api.post("/api/v1/refunds", key, "{\"payment_id\": \"" + plan.get("payment_id").asString()
            + "\", \"amount\": 100}");
        api.post("/api/v1/payments/" + paused.get("payment_id").asString() + "/dispute", key, null);
        api.post("/api/v1/subscriptions/" + paused.get("subscription_id").asString() + "/pause", key, null);
        api.post("/api/v1/subscriptions/" + paused.get("subscription_id").asString() + "/resume", key, null);
        api.post("/api/v1/subscriptions/" + canceling.get("subscription_id").asString() + "/cancel", key,
            "{\"at_period_end\": true}");
        String alan = failingPlan.get("customer_id").asString();
        String fail = post(key, "/api/v1/customers/" + alan + "/payment_methods",
            "{\"token\": \"pm_card_chargeCustomerFail\"}");
        api.post("/api/v1/payment_plans/" + failingPlan.get("payment_plan_id").asString() + "/change_card", key,
            "{\"payment_method_id\": \"" + fail + "\"}");
        // A webhook endpoint whose receiver is down for good: its delivery gives up after three days of retries.
        var down = new io.till.webhook.Receiver(
            java.util.stream.Stream.generate(() -> new io.till.webhook.Receiver.Answer(503)).limit(20)
                .toArray(io.till.webhook.Receiver.Answer[]::new));
        api.post("/api/v1/webhook_endpoints", key, """
            {"url": "%s", "event_types": ["acme.example"], "description": "Fulfilment"}""".formatted(down.url(
            "/hooks")));
        api.post("/api/v1/events", key, "{\"type\": \"acme.example\", \"data\": {}}");
        shops.advance(shop, "P20D");
        api.post("/api/v1/subscriptions/" + voided.get("subscription_id").asString() + "/cancel", key, null);
        String graceId = grace.get("customer_id").asString();
        api.post("/api/v1/customers/" + graceId + "/payment_methods", key,
            "{\"token\": \"pm_card_visa\", \"make_default\": true}");
        api.delete("/api/v1/customers/" + graceId + "/payment_methods/" + grace.get("card_id").asString(), key);
        shops.advance(shop, "P100D");
        down.close();
        // A buyer who asked for their data to be erased: customer.redacted.
        String erased = post(key, "/api/v1/customers", "{\"name\": \"Erin Example\", \"email\": \"erin@example.com\"}");
        api.post("/api/v1/customers/" + erased + "/redact", key, null);

        Path dir = Path.of("docs/events");
        Files.createDirectories(dir);
        for (EventType type : EventType.values()) {
            var events = api.get("/api/v1/events?limit=1&type=" + type.type(), key).json().get("data");
            assertThat(events).as("no %s was raised", type.type()).isNotEmpty();
            Files.writeString(dir.resolve(type.type() + ".json"), PRETTY.writeValueAsString(events.get(0)) + "\n");
        }
    }

    private String post(String key, String path, String body) {
        var response = api.post(path, key, body);
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json().get("id").asString();
    }

    private void patch(String key, String path, String body) {
        api.send("PATCH", path, key, body, List.of("Content-Type", "application/json"));
    }
}
