package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.GatewayFaults;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * An upsell's accept cut off and retried with the same Idempotency-Key, as {@link InterruptedPurchaseTest} does for a
 * purchase: the retry resumes the charge its first attempt asked for, and money the gateway took is always booked.
 */
@TillIntegrationTest
class InterruptedUpsellTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    GatewayFaults faults;
    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient db;

    /**
     * The membership's trial is for first-time members only, so a member accepting it is charged at once; the seller
     * then gives the trial to everyone. The retry asked nothing (a trial), and the money the first attempt took was
     * never booked.
     */
    @Test
    void anAcceptRetriedAfterTheTrialRuleChangedBooksWhatItsFirstAttemptCharged() {
        var shop = shops.open();
        var checkout = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Join", "product_id": "%s", "upsells": [{"name": "Trial", "option_id": "%s"}]}"""
            .formatted(productOf(shop), shop.trial())).json();
        var order = buy(shop, checkout.get("id").asString(), shop.monthly());
        String trial = checkout.get("upsells").get(0).get("id").asString();
        trialOncePerCustomer(shop, true);
        String key = UUID.randomUUID().toString();
        faults.afterNextCharge(shop.accountId(), new IllegalStateException("connection reset after the charge"));

        var cutOff = api.post(upsell(order, trial, "accept"), shop.apiKey(), null, "Idempotency-Key", key);
        trialOncePerCustomer(shop, false);
        var retried = api.post(upsell(order, trial, "accept"), shop.apiKey(), null, "Idempotency-Key", key);

        assertThat(cutOff.status()).isEqualTo(500);
        assertThat(retried.status()).as(retried.text()).isEqualTo(200);
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(2);
        assertThat(payments(shop, order)).as("the charge the first attempt made is booked")
            .extracting(payment -> payment.get("amount").asLong()).containsExactly(1900L, 1900L);
        assertThat(retried.json().get("total").asLong()).isEqualTo(2 * 1900);
        assertThat(shops.subscription(shop, retried.json().get("subscription_id").asString()).get("status")
            .asString()).isEqualTo("active");
    }

    /**
     * The accept dies before its charge; its settlement finds nothing at the gateway and lets the offer go. The retry
     * then charges and is cut off before its booking: it left a settlement of its own, which books the charge.
     */
    @Test
    void anAcceptResumedAfterItsHoldWasLetGoIsBookedByTheClockShouldItBeCutOffAgain() {
        var store = shops.openWithUpsells();
        var shop = store.shop();
        var order = buy(shop, store.checkoutId(), store.courseOption());
        String key = UUID.randomUUID().toString();
        faults.beforeNextCharge(shop.accountId(), new IllegalStateException("connection refused"));
        var neverCharged = api.post(upsell(order, store.bonus(), "accept"), shop.apiKey(), null, "Idempotency-Key",
            key);
        assertThat(neverCharged.status()).isEqualTo(500);
        assertThat(shops.advance(shop, "PT11M").status()).isEqualTo(200);

        faults.afterNextCharge(shop.accountId(), new IllegalStateException("connection reset after the charge"));
        var cutOff = api.post(upsell(order, store.bonus(), "accept"), shop.apiKey(), null, "Idempotency-Key", key);
        assertThat(cutOff.status()).isEqualTo(500);
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(2);
        assertThat(shops.advance(shop, "PT11M").status()).isEqualTo(200);

        assertThat(orderOf(shop, order).get("items")).as("the charge the retry made is booked").hasSize(2);
        assertThat(payments(shop, order)).hasSize(2);
        assertThat(shops.types(shop, order.get("customer_id").asString())).contains("upsell.purchased");
    }

    /**
     * The settlement of an accept that died before its charge looks at the gateway and finds nothing; the accept's
     * retry charges meanwhile. The settlement no longer lets the offer go: it stays held for that charge, which is
     * booked once its own hold runs out. (Whether a decline is refused meanwhile depends on the hold's end, which the
     * shared test clock may pass.)
     */
    @Test
    void aSettlementKeepsTheOfferHeldWhenTheAcceptWasResumedWhileItLooked() throws Exception {
        var store = shops.openWithUpsells();
        var shop = store.shop();
        var order = buy(shop, store.checkoutId(), store.courseOption());
        String key = UUID.randomUUID().toString();
        faults.beforeNextCharge(shop.accountId(), new IllegalStateException("connection refused"));
        assertThat(api.post(upsell(order, store.bonus(), "accept"), shop.apiKey(), null, "Idempotency-Key", key)
            .status()).isEqualTo(500);
        var looked = faults.holdAfterNextFind(shop.accountId());

        var advancing = CompletableFuture.supplyAsync(() -> shops.advance(shop, "PT11M"));
        looked.awaitEntered();
        faults.afterNextCharge(shop.accountId(), new IllegalStateException("connection reset after the charge"));
        var cutOff = api.post(upsell(order, store.bonus(), "accept"), shop.apiKey(), null, "Idempotency-Key", key);
        looked.release();
        assertThat(advancing.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);

        assertThat(cutOff.status()).isEqualTo(500);
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(2);
        // Held for the retry's charge (or booked already, should the shared clock have passed its hold's end), never
        // let go as though no charge were on its way.
        assertThat(db.sql("""
            SELECT charging_key IS NOT NULL OR payment_id IS NOT NULL FROM order_upsells
             WHERE order_id = :order AND upsell_id = :upsell""")
            .param("order", order.get("id").asString())
            .param("upsell", store.bonus())
            .query(Boolean.class)
            .single()).isTrue();
        assertThat(shops.advance(shop, "PT11M").status()).isEqualTo(200);
        assertThat(orderOf(shop, order).get("items")).hasSize(2);
        assertThat(payments(shop, order)).hasSize(2);
    }

    /** An accept made while the offer stood is finished by its retry even once the flow has completed since. */
    @Test
    void anAcceptResumedAfterTheFlowCompletedClaimsItsExpiredOfferAndIsBooked() {
        var store = shops.openWithUpsells();
        var shop = store.shop();
        var order = buy(shop, store.checkoutId(), store.courseOption());
        String key = UUID.randomUUID().toString();
        faults.beforeNextCharge(shop.accountId(), new IllegalStateException("connection refused"));
        assertThat(api.post(upsell(order, store.bonus(), "accept"), shop.apiKey(), null, "Idempotency-Key", key)
            .status()).isEqualTo(500);
        assertThat(shops.advance(shop, "PT3H").status()).isEqualTo(200);

        var retried = api.post(upsell(order, store.bonus(), "accept"), shop.apiKey(), null, "Idempotency-Key", key);

        assertThat(retried.status()).as(retried.text()).isEqualTo(200);
        assertThat(retried.json().get("items")).hasSize(2);
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(2);
        var fresh = api.post(upsell(order, store.membership(), "accept"), shop.apiKey(), null);
        assertThat(fresh.status()).as("a new accept of an expired offer is refused: " + fresh.text()).isEqualTo(409);
    }

    /** The id of the membership product the store's options sell. */
    private String productOf(Shops.Shop shop) {
        return api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id").asString();
    }

    private void trialOncePerCustomer(Shops.Shop shop, boolean once) {
        var changed = api.patch("/api/v1/products/" + productOf(shop), shop.apiKey(),
            "{\"one_trial_per_customer\": " + once + "}");
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
    }

    /** The option bought at the checkout by a new customer paying with a Visa. */
    private JsonNode buy(Shops.Shop shop, String checkoutId, String option) {
        var response = api.post("/api/v1/checkouts/" + checkoutId + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(option));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    private JsonNode orderOf(Shops.Shop shop, JsonNode order) {
        return api.get("/api/v1/orders/" + order.get("id").asString(), shop.apiKey()).json();
    }

    private List<JsonNode> payments(Shops.Shop shop, JsonNode order) {
        var payments = new ArrayList<JsonNode>();
        api.get("/api/v1/payments?customer_id=" + order.get("customer_id").asString(), shop.apiKey()).json()
            .get("data").forEach(payments::add);
        return payments;
    }

    private static String upsell(JsonNode order, String upsellId, String answer) {
        return "/api/v1/orders/" + order.get("id").asString() + "/upsells/" + upsellId + "/" + answer;
    }
}
