package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** One-click upsells after a purchase, and when the checkout flow counts as complete. */
@TillIntegrationTest
class UpsellFlowTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    TestAccounts accounts;

    record Flow(Shops.Shop shop, String checkoutId, String bonus, String membership) {}

    @Test
    void completesTheFlowWhenEveryUpsellIsAnswered() {
        var flow = flow();
        var order = buy(flow);
        String customer = order.get("customer_id").asString();
        assertThat(shops.types(flow.shop(), customer)).doesNotContain("checkout.flow_completed");

        var accepted = api.post(upsell(order, flow.bonus(), "accept"), flow.shop().apiKey(), null);
        var declined = api.post(upsell(order, flow.membership(), "decline"), flow.shop().apiKey(), null);
        var again = api.post(upsell(order, flow.bonus(), "accept"), flow.shop().apiKey(), null);

        assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
        assertThat(accepted.json().get("total").asLong()).isEqualTo(4900 + 2900);
        assertThat(accepted.json().get("items")).hasSize(2);
        assertThat(declined.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(409);
        var types = shops.types(flow.shop(), customer);
        assertThat(types.subList(types.indexOf("order.created") + 1, types.size())).containsExactly(
            "payment.succeeded", "checkout.upsell_purchased", "upsell.purchased", "product.purchased",
            "payment.succeeded",
            "checkout.flow_completed");
        assertThat(ledger.successfulCharges(flow.shop().accountId())).isEqualTo(2);
    }

    @Test
    void startsASubscriptionSoldAsAnUpsell() {
        var flow = flow();
        var order = buy(flow);

        var accepted = api.post(upsell(order, flow.membership(), "accept"), flow.shop().apiKey(), null).json();

        assertThat(accepted.get("subscription_id").isNull()).isFalse();
        var upsellEvent = shops.events(flow.shop(), order.get("customer_id").asString()).stream()
            .filter(event -> event.get("type").asString().equals("upsell.purchased")).findFirst().orElseThrow();
        assertThat(upsellEvent.get("data").get("upsell").get("id").asString()).isEqualTo(flow.membership());
        assertThat(upsellEvent.get("data").get("checkout").get("id").asString()).isEqualTo(flow.checkoutId());
    }

    @Test
    void completesTheFlowAfterTwoHoursOfSilenceOnce() {
        var flow = flow();
        var order = buy(flow);
        String customer = order.get("customer_id").asString();

        shops.advance(flow.shop(), "PT2H");
        api.post(upsell(order, flow.bonus(), "decline"), flow.shop().apiKey(), null);
        api.post(upsell(order, flow.membership(), "decline"), flow.shop().apiKey(), null);

        assertThat(shops.types(flow.shop(), customer)).filteredOn(type -> type.equals("checkout.flow_completed"))
            .hasSize(1);
    }

    @Test
    void chargesOnceForADoubleClick() throws Exception {
        var flow = flow();
        var order = buy(flow);

        try (var pool = Executors.newFixedThreadPool(2)) {
            var first = CompletableFuture.supplyAsync(
                () -> api.post(upsell(order, flow.bonus(), "accept"), flow.shop().apiKey(), null), pool);
            var second = CompletableFuture.supplyAsync(
                () -> api.post(upsell(order, flow.bonus(), "accept"), flow.shop().apiKey(), null), pool);
            first.join();
            second.join();
        }

        assertThat(ledger.successfulCharges(flow.shop().accountId())).isEqualTo(2);
        assertThat(api.get("/api/v1/orders/" + order.get("id").asString(), flow.shop().apiKey()).json().get("items"))
            .hasSize(2);
    }

    @Test
    void hidesAnotherAccountsOrders() {
        var flow = flow();
        var order = buy(flow);
        var stranger = accounts.create();

        assertThat(api.post(upsell(order, flow.bonus(), "accept"), stranger.apiKey(), null).status()).isEqualTo(404);
        assertThat(ledger.charges(flow.shop().accountId())).isEqualTo(1);
    }

    private Flow flow() {
        var store = shops.openWithUpsells();
        return new Flow(store.shop(), store.checkoutId(), store.bonus(), store.membership());
    }

    private JsonNode buy(Flow flow) {
        var checkout = api.get("/api/v1/checkouts/" + flow.checkoutId(), flow.shop().apiKey()).json();
        String option = api.get("/api/v1/products/" + checkout.get("product_id").asString(), flow.shop().apiKey())
            .json().get("options").get(0).get("id").asString();
        var response = api.post("/api/v1/checkouts/" + flow.checkoutId() + "/purchases", flow.shop().apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(option));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    private static String upsell(JsonNode order, String upsellId, String answer) {
        return "/api/v1/orders/" + order.get("id").asString() + "/upsells/" + upsellId + "/" + answer;
    }
}
