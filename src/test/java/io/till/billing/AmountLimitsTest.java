package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Amounts and quantities whose sums would overflow a long are refused with amount_too_large, never a 500. */
@TillIntegrationTest
class AmountLimitsTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;

    @Test
    void refusesCreditGrantsTooLargeForTheBalance() {
        var shop = shops.open();
        String customer = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com").get("customer_id")
            .asString();
        String grant = "{\"amount\": 5000000000000000000, \"currency\": \"usd\"}";

        var first = api.post("/api/v1/customers/" + customer + "/credits", shop.apiKey(), grant);
        var second = api.post("/api/v1/customers/" + customer + "/credits", shop.apiKey(), grant);

        assertThat(List.of(first.status(), second.status())).containsExactly(400, 400);
        assertThat(second.json().get("code").asString()).isEqualTo("amount_too_large");
        assertThat(second.json().get("errors").get(0).get("field").asString()).isEqualTo("amount");
        assertThat(api.get("/api/v1/customers/" + customer + "/credits", shop.apiKey()).status()).isEqualTo(200);
    }

    @Test
    void refusesUsageWhoseTotalWouldOverflow() {
        var shop = shops.open();
        String subscription = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com")
            .get("subscription_id").asString();
        String usage = """
            {"subscription_id": "%s", "meter": "api_calls", "quantity": 9223372036854775000}""".formatted(subscription);

        var first = api.post("/api/v1/usage", shop.apiKey(), usage);
        var second = api.post("/api/v1/usage", shop.apiKey(), usage);

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(400);
        assertThat(second.json().get("code").asString()).isEqualTo("amount_too_large");
        assertThat(second.json().get("errors").get(0).get("field").asString()).isEqualTo("quantity");
        var meter = api.get("/api/v1/subscriptions/" + subscription + "/usage?meter=api_calls", shop.apiKey());
        assertThat(meter.status()).isEqualTo(200);
        assertThat(meter.json().get("total").asLong()).isEqualTo(9223372036854775000L);
    }

    @Test
    void refusesPricesSoLargeThatAnOrderOfThemCouldOverflow() {
        var shop = shops.open();

        var product = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Gold", "options": [{"name": "Bar", "kind": "one_time", "amount": 9223372036854775807,
             "currency": "usd"}]}""");
        var checkout = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Gold", "product_id": "%s", "addons": [{"name": "Vault", "amount": 9223372036854775807,
             "currency": "usd"}]}""".formatted(productOf(shop)));

        assertThat(product.status()).isEqualTo(400);
        assertThat(product.json().get("errors").get(0).get("field").asString()).isEqualTo("options[0].amount");
        assertThat(product.json().get("errors").get(0).get("code").asString()).isEqualTo("amount_too_large");
        assertThat(checkout.status()).isEqualTo(400);
        assertThat(checkout.json().get("errors").get(0).get("field").asString()).isEqualTo("addons[0].amount");
        assertThat(checkout.json().get("errors").get(0).get("code").asString()).isEqualTo("amount_too_large");
    }

    private String productOf(Shops.Shop shop) {
        return api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id").asString();
    }
}
