package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.GatewayFaults;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * An upsell accepted while staff refund the order in full: its charge, at the gateway meanwhile, is booked on the
 * order, which then holds money again and reads {@code paid}. A review found it left {@code refunded} ("all of its
 * money went back") beside a paid, unrefunded upsell.
 */
@TillIntegrationTest
class UpsellTakenWhileRefundedTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    GatewayFaults faults;

    @Test
    void anUpsellBookedOnAnOrderRefundedMeanwhileLeavesItPaid() throws Exception {
        var store = shops.openWithUpsells();
        var shop = store.shop();
        var response = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(store.courseOption()));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        JsonNode order = response.json();
        var hold = faults.holdNextCharge(shop.accountId());

        var threads = Executors.newVirtualThreadPerTaskExecutor();
        var accepting = CompletableFuture.supplyAsync(() -> api.post("/api/v1/orders/" + order.get("id").asString()
            + "/upsells/" + store.bonus() + "/accept", shop.apiKey(), null), threads);
        hold.awaitEntered();
        var refund = api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"%s\"}"
            .formatted(order.get("payment_id").asString()));
        assertThat(refund.status()).as(refund.text()).isEqualTo(201);
        assertThat(api.get("/api/v1/orders/" + order.get("id").asString(), shop.apiKey()).json().get("status")
            .asString()).isEqualTo("refunded");
        hold.release();

        var accepted = accepting.get(30, TimeUnit.SECONDS);
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
        var after = api.get("/api/v1/orders/" + order.get("id").asString(), shop.apiKey()).json();
        assertThat(after.get("status").asString()).as("it holds the upsell's money").isEqualTo("paid");
        assertThat(after.get("amount_refunded").asLong()).isLessThan(after.get("total").asLong());
    }
}
