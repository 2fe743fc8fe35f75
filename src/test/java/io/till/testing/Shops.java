package io.till.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.boot.test.context.TestComponent;
import tools.jackson.databind.JsonNode;

/**
 * A fresh store selling a membership monthly, in three payments, or monthly after a 14-day trial, set up through the
 * API; and the few calls billing tests make on it.
 */
@TestComponent
public class Shops {

    private final Api api;
    private final TestAccounts accounts;

    Shops(Api api, TestAccounts accounts) {
        this.api = api;
        this.accounts = accounts;
    }

    public record Shop(String apiKey, String accountId, String checkoutId, String monthly, String plan, String trial) {}

    public Shop open() {
        var account = accounts.create();
        String key = account.apiKey();
        var product = api.post("/api/v1/products", key, """
            {"name": "Membership", "options": [
              {"name": "Monthly", "kind": "subscription", "amount": 1900, "currency": "usd", "interval": "month"},
              {"name": "3 payments", "kind": "payment_plan", "amount": 10000, "currency": "usd", "interval": "month",
               "installments": 3},
              {"name": "Trial", "kind": "subscription", "amount": 1900, "currency": "usd", "interval": "month",
               "trial_days": 14}]}""").json();
        var checkout = api.post("/api/v1/checkouts", key, """
            {"name": "Join", "product_id": "%s"}""".formatted(product.get("id").asString())).json();
        var options = product.get("options");
        return new Shop(key, account.id(), checkout.get("id").asString(), options.get(0).get("id").asString(),
            options.get(1).get("id").asString(), options.get(2).get("id").asString());
    }

    /** A store selling a course once, whose checkout then offers a bonus pack and the monthly membership. */
    public record UpsellShop(Shop shop, String checkoutId, String courseOption, String bonus, String membership) {}

    public UpsellShop openWithUpsells() {
        var shop = open();
        var bonus = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Bonus pack", "options": [{"name": "Once", "kind": "one_time", "amount": 2900, "currency": "usd"}]}
            """).json();
        var course = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Course", "options": [{"name": "Once", "kind": "one_time", "amount": 4900, "currency": "usd"}]}
            """).json();
        var checkout = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Course", "product_id": "%s", "upsells": [
              {"name": "Bonus pack", "option_id": "%s"}, {"name": "Membership", "option_id": "%s"}]}"""
            .formatted(course.get("id").asString(), bonus.get("options").get(0).get("id").asString(), shop.monthly()))
            .json();
        return new UpsellShop(shop, checkout.get("id").asString(), course.get("options").get(0).get("id").asString(),
            checkout.get("upsells").get(0).get("id").asString(), checkout.get("upsells").get(1).get("id")
                .asString());
    }

    /** Buys an option as a new customer paying with a sandbox token; returns the order. */
    public JsonNode buy(Shop shop, String option, String token, String email) {
        var response = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Buyer", "email": "%s"}, "token": "%s", "option_id": "%s"}"""
            .formatted(email, token, option));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    /** Buys the payment plan as Ada with a new promo code HALF (50% off its first installment); returns the order. */
    public JsonNode buyPlanHalfOff(Shop shop) {
        var promo = api.post("/api/v1/promo_codes", shop.apiKey(), "{\"code\": \"HALF\", \"percent_off\": 50}");
        assertThat(promo.status()).as(promo.text()).isEqualTo(201);
        var response = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "promo_code": "HALF"}""".formatted(shop.plan()));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    /** Creates Ada Lovelace, a customer with no card yet; returns her id. */
    public String customer(Shop shop) {
        var response = api.post("/api/v1/customers", shop.apiKey(), """
            {"name": "Ada Lovelace", "email": "ada@example.com"}""");
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json().get("id").asString();
    }

    /** The API path of the customer's saved cards. */
    public static String cards(String customerId) {
        return "/api/v1/customers/" + customerId + "/payment_methods";
    }

    /** Saves a sandbox card for the customer; returns its id. */
    public String saveCard(Shop shop, String customerId, String token) {
        var saved = api.post("/api/v1/customers/" + customerId + "/payment_methods", shop.apiKey(),
            "{\"token\": \"" + token + "\"}");
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        return saved.json().get("id").asString();
    }

    public Api.Response advance(Shop shop, String by) {
        return api.post("/api/v1/test_clock/advance", shop.apiKey(), "{\"by\": \"" + by + "\"}");
    }

    public JsonNode subscription(Shop shop, String id) {
        return api.get("/api/v1/subscriptions/" + id, shop.apiKey()).json();
    }

    /** The customer's events, oldest first. */
    public List<JsonNode> events(Shop shop, String customerId) {
        var events = new ArrayList<JsonNode>();
        api.get("/api/v1/events?limit=100&customer_id=" + customerId, shop.apiKey()).json().get("data")
            .forEach(events::add);
        Collections.reverse(events);
        return events;
    }

    public List<String> types(Shop shop, String customerId) {
        return events(shop, customerId).stream().map(event -> event.get("type").asString()).toList();
    }

    /** The events after the purchase's own, which end with checkout.flow_completed. */
    public List<String> typesAfterPurchase(Shop shop, String customerId) {
        var types = types(shop, customerId);
        return types.subList(types.indexOf("checkout.flow_completed") + 1, types.size());
    }
}
