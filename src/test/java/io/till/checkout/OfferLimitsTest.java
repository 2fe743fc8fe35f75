package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A checkout holds at most 20 addons and 20 upsells, and a purchase names at most 20 addons: each addon bought is an
 * event carrying the order, so one purchase of thousands would cost minutes and gigabytes and hold up every account's
 * webhooks.
 */
@TillIntegrationTest
class OfferLimitsTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;

    @Test
    void aCheckoutWithMoreThanTwentyAddonsOrUpsellsIsRefusedNamingTheList() {
        var shop = shops.open();
        String productId = api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id")
            .asString();
        String addons = IntStream.range(0, 21).mapToObj(i -> """
            {"name": "Extra %d", "amount": 100, "currency": "usd"}""".formatted(i)).collect(Collectors.joining(","));
        String upsells = IntStream.range(0, 21).mapToObj(i -> """
            {"name": "More %d", "option_id": "%s"}""".formatted(i, shop.monthly())).collect(Collectors.joining(","));

        var refused = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Too much", "product_id": "%s", "addons": [%s], "upsells": [%s]}"""
            .formatted(productId, addons, upsells));

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().get("errors").findValuesAsString("field")).containsExactly("addons", "upsells");
        assertThat(refused.json().get("errors").findValuesAsString("code")).containsOnly("too_many");
        var twenty = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Enough", "product_id": "%s", "addons": [%s]}"""
            .formatted(productId, addons.substring(addons.indexOf("},") + 2)));
        assertThat(twenty.status()).as(twenty.text()).isEqualTo(201);
        assertThat(twenty.json().get("addons")).hasSize(20);
    }

    @Test
    void aPurchaseNamingMoreThanTwentyAddonsIsRefusedBeforeAnyCharge() {
        var shop = shops.open();
        String ids = IntStream.range(0, 21).mapToObj(i -> "\"addon_" + i + "\"").collect(Collectors.joining(","));

        var refused = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa",
             "option_id": "%s", "addon_ids": [%s]}""".formatted(shop.monthly(), ids));

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("addon_ids");
        assertThat(refused.json().get("errors").get(0).get("code").asString()).isEqualTo("too_many");
        assertThat(api.get("/api/v1/customers?query=ada@example.com", shop.apiKey()).json().get("data")).isEmpty();
    }
}
