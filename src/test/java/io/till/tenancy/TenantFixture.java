package io.till.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts.TestAccount;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One object of every kind in one account, made through the API, keyed by the collection its id is found under in a
 * path ({@code customers}, {@code payment_methods}, …): the ids the tenant sweep puts into another account's calls.
 */
final class TenantFixture {

    private final Api api;
    private final String key;
    private final Map<String, String> ids = new LinkedHashMap<>();

    private TenantFixture(Api api, String key) {
        this.api = api;
        this.key = key;
    }

    /** The id under this collection, or null when the fixture makes none. */
    String id(String collection) {
        return ids.get(collection);
    }

    /** Every id the account owns, for looking for them in another account's answers. */
    List<String> all() {
        return ids.entrySet()
            .stream()
            .filter(entry -> !entry.getKey().equals("versions") && !entry.getKey().equals("integrations"))
            .map(Map.Entry::getValue)
            .toList();
    }

    static TenantFixture of(Api api, TestAccount account) {
        var fixture = new TenantFixture(api, account.apiKey());
        fixture.build(account);
        return fixture;
    }

    private void build(TestAccount account) {
        ids.put("account", account.id());
        ids.put("api_keys", account.apiKeyId());
        // Her email is hers alone: the leak check looks for it as for an id.
        String email = "ada-" + UUID.randomUUID() + "@example.com";
        String customer = created("customers", "/api/v1/customers", """
            {"name": "Ada Lovelace", "email": "%s"}""".formatted(email));
        ids.put("customer_email", email);
        created("payment_methods", "/api/v1/customers/" + customer + "/payment_methods", """
            {"token": "pm_card_visa"}""");
        var course = post("/api/v1/products", """
            {"name": "Course", "options": [{"name": "Monthly", "kind": "subscription", "amount": 2900,
             "currency": "usd", "interval": "month"}]}""");
        var bonus = post("/api/v1/products", """
            {"name": "Bonus", "options": [{"name": "Once", "kind": "one_time", "amount": 900, "currency": "usd"}]}""");
        var plan = post("/api/v1/products", """
            {"name": "Plan", "options": [{"name": "3 payments", "kind": "payment_plan", "amount": 9000,
             "currency": "usd", "interval": "month", "installments": 3}]}""");
        ids.put("products", course.get("id").asString());
        ids.put("options", course.get("options").get(0).get("id").asString());
        created("subscription_groups", "/api/v1/subscription_groups", "{\"name\": \"Tiers\"}");
        created("promo_codes", "/api/v1/promo_codes", "{\"code\": \"WELCOME\", \"percent_off\": 10}");
        var checkout = post("/api/v1/checkouts", """
            {"name": "Course", "product_id": "%s", "upsells": [{"name": "Bonus", "option_id": "%s"}]}"""
            .formatted(id("products"), bonus.get("options").get(0).get("id").asString()));
        ids.put("checkouts", checkout.get("id").asString());
        ids.put("upsells", checkout.get("upsells").get(0).get("id").asString());
        var order = post("/api/v1/checkouts/" + id("checkouts") + "/purchases", """
            {"customer_id": "%s", "payment_method_id": "%s", "option_id": "%s"}""".formatted(customer,
            id("payment_methods"), id("options")));
        ids.put("orders", order.get("id").asString());
        ids.put("payments", order.get("payment_id").asString());
        ids.put("subscriptions", order.get("subscription_id").asString());
        var planOrder = post("/api/v1/orders", """
            {"customer_id": "%s", "option_id": "%s"}""".formatted(customer,
            plan.get("options").get(0).get("id").asString()));
        ids.put("payment_plans", planOrder.get("payment_plan_id").asString());
        // Invoices come with the first renewal.
        post("/api/v1/test_clock/advance", "{\"by\": \"P32D\"}");
        var invoices = api.get("/api/v1/invoices?customer_id=" + customer, key).json().get("data");
        assertThat(invoices).as("the renewal made an invoice").isNotEmpty();
        ids.put("invoices", invoices.get(0).get("id").asString());
        created("refunds", "/api/v1/refunds", "{\"payment_id\": \"%s\", \"amount\": 100}".formatted(id("payments")));
        created("events", "/api/v1/events", """
            {"type": "acme.visited", "customer_id": "%s", "data": {"page": "/pricing"}}""".formatted(customer));
        created("automations", "/api/v1/automations", """
            {"name": "Follow up", "trigger": {"type": "manual"},
             "steps": [{"id": "todo", "type": "action", "action": "create_task", "params": {"title": "Call"}}]}""");
        ids.put("versions", "1");
        post("/api/v1/automations/" + id("automations") + "/activate", null);
        created("executions", "/api/v1/automations/" + id("automations") + "/run",
            "{\"customer_id\": \"%s\"}".formatted(customer));
        created("tasks", "/api/v1/tasks", "{\"title\": \"Call Ada\", \"customer_id\": \"%s\"}".formatted(customer));
        created("webhook_endpoints", "/api/v1/webhook_endpoints", """
            {"url": "http://127.0.0.1:9/hooks", "event_types": ["acme.unused"]}""");
        created("deliveries", "/api/v1/webhook_endpoints/" + id("webhook_endpoints") + "/test", null);
        // The same delivery read by its own id (GET /api/v1/webhook_deliveries/{id}).
        ids.put("webhook_deliveries", id("deliveries"));
        var integration = post("/api/v1/integrations", """
            {"type": "smtp", "config": {"host": "127.0.0.1", "port": 2525, "username": "till", "password": "secret",
             "starttls": false, "from_email": "shop@shop.test"}}""");
        ids.put("integrations", integration.get("type").asString());
        // Settings have no id: a marker in their footer and reasons stands for them in the leak check.
        String marker = "portal-" + UUID.randomUUID();
        var settings = api.send("PUT", "/api/v1/portal_settings", key, """
            {"cancel_reasons": ["%s"], "allowed_embed_origins": ["https://%s.test"], "footer": "%s"}"""
            .formatted(marker, marker, marker), List.of("Content-Type", "application/json"));
        assertThat(settings.status()).as(settings.text()).isEqualTo(200);
        ids.put("portal_settings", marker);
    }

    private String created(String collection, String path, String body) {
        ids.put(collection, post(path, body).get("id").asString());
        return ids.get(collection);
    }

    private JsonNode post(String path, String body) {
        var response = api.post(path, key, body);
        assertThat(response.status()).as("POST %s: %s", path, response.text()).isBetween(200, 201);
        return response.json();
    }
}
