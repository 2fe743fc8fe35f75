package io.till.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A product's options after it exists: one is added (a yearly price beside the monthly one) and sold at once, another
 * retired and sold no more, while what was bought with it keeps it.
 */
@TillIntegrationTest
class ProductOptionsApiTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    TestAccounts accounts;

    @Test
    void anAddedOptionIsSoldAtOnceAndARetiredOneIsRefusedWhileWhatWasBoughtWithItStays() {
        var shop = shops.open();
        var bought = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String productId = api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id")
            .asString();

        var added = api.post("/api/v1/products/" + productId + "/options", shop.apiKey(), """
            {"name": "Yearly", "kind": "subscription", "amount": 19000, "currency": "usd", "interval": "year"}""");
        assertThat(added.status()).as(added.text()).isEqualTo(201);
        assertThat(names(added.json().get("options"))).containsExactly("Monthly", "3 payments", "Trial", "Yearly");
        String yearly = added.json().get("options").get(3).get("id").asString();
        assertThat(shops.buy(shop, yearly, "pm_card_visa", "grace@example.com").get("total").asLong())
            .isEqualTo(19000);

        var retired = api.post("/api/v1/products/" + productId + "/options/" + shop.monthly() + "/retire",
            shop.apiKey(), null);
        assertThat(retired.status()).as(retired.text()).isEqualTo(200);
        assertThat(names(retired.json().get("options"))).containsExactly("3 payments", "Trial", "Yearly");
        assertThat(names(retired.json().get("retired_options"))).containsExactly("Monthly");
        assertThat(retired.json().get("retired_options").get(0).get("retired_at").isString()).isTrue();
        // Again: nothing changes, not even when it was retired.
        var again = api.post("/api/v1/products/" + productId + "/options/" + shop.monthly() + "/retire",
            shop.apiKey(), null);
        assertThat(again.json()).isEqualTo(retired.json());

        // Neither the checkout nor an internal order sells it any more; the buyer who has it keeps it.
        var atCheckout = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Lin", "email": "lin@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(shop.monthly()));
        assertThat(atCheckout.status()).as(atCheckout.text()).isEqualTo(400);
        assertThat(atCheckout.json().get("errors").get(0).get("code").asString()).isEqualTo("retired");
        var internal = api.post("/api/v1/orders", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s"}""".formatted(bought.get("customer_id").asString(),
            shop.monthly()));
        assertThat(internal.status()).as(internal.text()).isEqualTo(400);
        assertThat(internal.json().get("errors").get(0).get("field").asString()).isEqualTo("option_id");
        assertThat(internal.json().get("errors").get(0).get("message").asString()).contains("no longer sold");
        assertThat(shops.subscription(shop, bought.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("active");

        // Sold again, as it was and under its id, in its place among the others.
        var restored = api.post("/api/v1/products/" + productId + "/options/" + shop.monthly() + "/restore",
            shop.apiKey(), null);
        assertThat(restored.status()).as(restored.text()).isEqualTo(200);
        assertThat(names(restored.json().get("options"))).containsExactly("Monthly", "3 payments", "Trial", "Yearly");
        assertThat(restored.json().get("retired_options").isEmpty()).isTrue();
        assertThat(restored.json().get("options").get(0).get("retired_at").isNull()).isTrue();
        assertThat(shops.buy(shop, shop.monthly(), "pm_card_visa", "lin@example.com").get("total").asLong())
            .isEqualTo(1900);
    }

    @Test
    void theLastOptionOnSaleAndAnOptionSoldAsAnUpsellAreNotRetired() {
        var upsells = shops.openWithUpsells();
        var shop = upsells.shop();
        var course = api.get("/api/v1/checkouts/" + upsells.checkoutId(), shop.apiKey()).json();
        String courseProduct = course.get("product_id").asString();
        String membership = api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get(
            "product_id").asString();

        var last = api.post("/api/v1/products/" + courseProduct + "/options/" + upsells.courseOption() + "/retire",
            shop.apiKey(), null);
        assertThat(last.status()).as(last.text()).isEqualTo(409);
        assertThat(last.json().get("detail").asString()).contains("last option", "add another option first");

        var upsold = api.post("/api/v1/products/" + membership + "/options/" + shop.monthly() + "/retire",
            shop.apiKey(), null);
        assertThat(upsold.status()).as(upsold.text()).isEqualTo(409);
        assertThat(upsold.json().get("detail").asString()).contains("upsell", "\u201cCourse\u201d");
        assertThat(names(api.get("/api/v1/products/" + membership, shop.apiKey()).json().get("options")))
            .contains("Monthly");
    }

    /**
     * A reviewer's: a blank interval or display (a form's empty choice) answered 500. A blank display is the default
     * one; a blank interval is none, refused for a subscription as a missing one is.
     */
    @Test
    void aBlankIntervalOrDisplayIsReadAsNoneNotAnError() {
        var shop = shops.open();
        String productId = api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id")
            .asString();

        var once = api.post("/api/v1/products/" + productId + "/options", shop.apiKey(), """
            {"name": "Once", "kind": "one_time", "amount": 100, "currency": "usd", "interval": "", "display": ""}""");
        var monthly = api.post("/api/v1/products/" + productId + "/options", shop.apiKey(), """
            {"name": "Monthly", "kind": "subscription", "amount": 100, "currency": "usd", "interval": ""}""");

        assertThat(once.status()).as(once.text()).isEqualTo(201);
        assertThat(monthly.status()).as(monthly.text()).isEqualTo(400);
        assertThat(monthly.json().get("errors").get(0).get("field").asString()).isEqualTo("interval");
        assertThat(monthly.json().get("errors").get(0).get("code").asString()).isEqualTo("required");
    }

    @Test
    void aBadOptionIsRefusedFieldByFieldAndAnotherAccountsProductIsNotFound() {
        var shop = shops.open();
        String productId = api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id")
            .asString();

        var bad = api.post("/api/v1/products/" + productId + "/options", shop.apiKey(), """
            {"name": " ", "kind": "weekly", "amount": -5, "currency": "dollars"}""");
        assertThat(bad.status()).as(bad.text()).isEqualTo(400);
        var fields = new ArrayList<String>();
        bad.json().get("errors").forEach(error -> fields.add(error.get("field").asString()));
        assertThat(fields).contains("name", "kind", "amount", "currency");
        assertThat(names(api.get("/api/v1/products/" + productId, shop.apiKey()).json().get("options")))
            .hasSize(3);

        var stranger = accounts.create();
        assertThat(api.post("/api/v1/products/" + productId + "/options", stranger.apiKey(), """
            {"name": "Yearly", "kind": "one_time", "amount": 100, "currency": "usd"}""").status()).isEqualTo(404);
        assertThat(api.post("/api/v1/products/" + productId + "/options/" + shop.monthly() + "/retire",
            stranger.apiKey(), null).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/products/" + productId + "/options/opt_unknown/retire", shop.apiKey(), null)
            .status()).isEqualTo(404);
        assertThat(api.post("/api/v1/products/" + productId + "/options/" + shop.monthly() + "/restore",
            stranger.apiKey(), null).status()).isEqualTo(404);
    }

    /**
     * A term longer than any date can hold is refused when the option is made, not when a buyer is charged for it: a
     * review found 1000 cycles of 365 years accepted, and each purchase of it charged, then unrecorded (its end date
     * beyond PostgreSQL's last), its buyer answered 500.
     */
    @Test
    void anOptionWhoseTermOutlastsACenturyIsRefusedAndAKindNamedWithLookalikeLettersToo() {
        var shop = shops.open();
        String productId = api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id")
            .asString();
        String path = "/api/v1/products/" + productId + "/options";

        var endless = api.post(path, shop.apiKey(), """
            {"name": "Eon", "kind": "subscription", "amount": 1000, "currency": "usd", "interval": "year",
             "interval_count": 365, "cycles": 1000}""");
        var longPlan = api.post(path, shop.apiKey(), """
            {"name": "Slow", "kind": "payment_plan", "amount": 1000, "currency": "usd", "interval": "month",
             "interval_count": 12, "installments": 120}""");
        var longPeriod = api.post(path, shop.apiKey(), """
            {"name": "Once a lifetime", "kind": "subscription", "amount": 1000, "currency": "usd", "interval": "year",
             "interval_count": 150}""");
        var lookalike = api.post(path, shop.apiKey(), """
            {"name": "Turkish i", "kind": "subscription", "amount": 1000, "currency": "usd", "interval": "month",
             "display": "rad\u0131o"}""");
        var century = api.post(path, shop.apiKey(), """
            {"name": "Century", "kind": "subscription", "amount": 1000, "currency": "usd", "interval": "year",
             "cycles": 100}""");

        // Numbers far past their bounds are refused by them, not by the dates they would make (a 500 once).
        var billions = List.of("""
            {"name": "Forever", "kind": "subscription", "amount": 1000, "currency": "usd", "interval": "year",
             "interval_count": 1000000000}""", """
            {"name": "Forever", "kind": "subscription", "amount": 1000, "currency": "usd", "interval": "year",
             "cycles": 1000000000}""", """
            {"name": "Forever", "kind": "payment_plan", "amount": 1000, "currency": "usd", "interval": "year",
             "installments": 1000000000}""", """
            {"name": "Forever", "kind": "subscription", "amount": 1000, "currency": "usd", "interval": "month",
             "interval_count": 365, "cycles": 2000000000}""", """
            {"name": "Forever", "kind": "subscription", "amount": 1000, "currency": "usd", "interval": "year",
             "interval_count": -2000000000}""", """
            {"name": "Forever", "kind": "subscription", "amount": 1000, "currency": "usd", "interval": "month",
             "interval_count": -1000000000, "cycles": 1000}""");
        for (String body : billions) {
            var refused = api.post(path, shop.apiKey(), body);
            assertThat(refused.status()).as(refused.text()).isEqualTo(400);
            assertThat(refused.json().get("errors").get(0).get("code").asString()).as(refused.text())
                .isEqualTo("out_of_range");
        }

        assertThat(endless.status()).as(endless.text()).isEqualTo(400);
        assertThat(endless.json().get("errors").get(0).get("field").asString()).isEqualTo("interval_count");
        assertThat(longPlan.status()).as(longPlan.text()).isEqualTo(400);
        assertThat(longPlan.json().get("errors").get(0).get("field").asString()).isEqualTo("installments");
        assertThat(longPlan.json().get("errors").get(0).get("message").asString()).contains("120 years",
            "at most 100 years");
        assertThat(longPeriod.status()).as(longPeriod.text()).isEqualTo(400);
        assertThat(lookalike.status()).as(lookalike.text()).isEqualTo(400);
        assertThat(lookalike.json().get("errors").get(0).get("field").asString()).isEqualTo("display");
        assertThat(century.status()).as(century.text()).isEqualTo(201);
        assertThat(names(api.get("/api/v1/products/" + productId, shop.apiKey()).json().get("options")))
            .containsExactly("Monthly", "3 payments", "Trial", "Century");
    }

    private static List<String> names(JsonNode options) {
        var names = new ArrayList<String>();
        options.forEach(option -> names.add(option.get("name").asString()));
        return names;
    }
}
