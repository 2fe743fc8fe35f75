package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.GatewayFaults;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The order's card removed while an upsell of the order is accepted, as {@link CardRemovedDuringPurchaseTest} does for
 * a purchase. Removed before the accept charges: refused, nothing charged, the offer still open. Removed while the
 * charge is at the gateway: the charge is booked, and the subscription it starts is paid with the default from then
 * on, never with the removed card.
 */
@TillIntegrationTest
class CardRemovedDuringUpsellTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    GatewayFaults faults;

    @Test
    void aCardRemovedWhileTheAcceptsChargeIsAtTheGatewayLeavesTheSubscriptionOnTheDefault() throws Exception {
        var store = shops.openWithUpsells();
        var shop = store.shop();
        var order = buy(store);
        String customer = order.get("customer_id").asString();
        String visa = order.get("card_id").asString();
        String amex = shops.saveCard(shop, customer, "pm_card_amex");
        var hold = faults.holdNextCharge(shop.accountId());

        var accepting = CompletableFuture.supplyAsync(() -> api.post(upsell(order, store.membership(), "accept"),
            shop.apiKey(), null));
        hold.awaitEntered();
        assertThat(api.delete(cards(customer) + "/" + visa, shop.apiKey()).status()).isEqualTo(204);
        hold.release();

        var accepted = accepting.get(30, TimeUnit.SECONDS);
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
        var subscription = shops.subscription(shop, accepted.json().get("subscription_id").asString());
        assertThat(subscription.get("card_id").asString()).as("paid by the default, not the removed card")
            .isEqualTo(amex);
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(2);
        assertThat(payments(shop, customer)).as("the upsell's charge is booked, with the card it was made on")
            .hasSize(2).allSatisfy(payment -> assertThat(payment.get("card_id").asString()).isEqualTo(visa));
    }

    @Test
    void aCardRemovedBeforeTheAcceptIsRefusedWithNothingChargedAndTheOfferStillOpen() {
        var store = shops.openWithUpsells();
        var shop = store.shop();
        var order = buy(store);
        String customer = order.get("customer_id").asString();
        shops.saveCard(shop, customer, "pm_card_amex");
        assertThat(api.delete(cards(customer) + "/" + order.get("card_id").asString(), shop.apiKey()).status())
            .isEqualTo(204);

        var refused = api.post(upsell(order, store.bonus(), "accept"), shop.apiKey(), null);

        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.json().get("code").asString()).isEqualTo("invalid_state");
        assertThat(refused.json().get("detail").asString()).contains("removed").contains("nothing was charged");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
        var declined = api.post(upsell(order, store.bonus(), "decline"), shop.apiKey(), null);
        assertThat(declined.status()).as("the refused accept holds nothing: " + declined.text()).isEqualTo(200);
    }

    @Test
    void anAcceptRetriedAfterItsChargeWasMadeIsBookedEvenIfTheCardWasRemovedMeanwhile() {
        var store = shops.openWithUpsells();
        var shop = store.shop();
        var order = buy(store);
        String customer = order.get("customer_id").asString();
        String amex = shops.saveCard(shop, customer, "pm_card_amex");
        String key = UUID.randomUUID().toString();
        faults.afterNextCharge(shop.accountId(), new IllegalStateException("connection reset after the charge"));

        var failed = api.post(upsell(order, store.membership(), "accept"), shop.apiKey(), null,
            "Idempotency-Key", key);
        assertThat(api.delete(cards(customer) + "/" + order.get("card_id").asString(), shop.apiKey()).status())
            .isEqualTo(204);
        var retried = api.post(upsell(order, store.membership(), "accept"), shop.apiKey(), null,
            "Idempotency-Key", key);

        assertThat(failed.status()).isEqualTo(500);
        assertThat(retried.status()).as(retried.text()).isEqualTo(200);
        assertThat(ledger.charges(shop.accountId())).isEqualTo(2);
        assertThat(payments(shop, customer)).hasSize(2);
        assertThat(shops.subscription(shop, retried.json().get("subscription_id").asString()).get("card_id")
            .asString()).isEqualTo(amex);
    }

    /** The course bought at the store's checkout, which offers its upsells, by a new customer paying with a Visa. */
    private JsonNode buy(Shops.UpsellShop store) {
        var response = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.shop().apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(store.courseOption()));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    private java.util.List<JsonNode> payments(Shops.Shop shop, String customerId) {
        var payments = new java.util.ArrayList<JsonNode>();
        api.get("/api/v1/payments?customer_id=" + customerId, shop.apiKey()).json().get("data")
            .forEach(payments::add);
        return payments;
    }

    private static String upsell(JsonNode order, String upsellId, String answer) {
        return "/api/v1/orders/" + order.get("id").asString() + "/upsells/" + upsellId + "/" + answer;
    }

    private static String cards(String customerId) {
        return "/api/v1/customers/" + customerId + "/payment_methods";
    }
}
