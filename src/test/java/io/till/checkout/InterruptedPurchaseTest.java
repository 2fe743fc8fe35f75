package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.GatewayFaults;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A request that moved money and then failed, or whose answer was never remembered, retried with the same
 * Idempotency-Key: it is answered with what really happened, and the card is charged once.
 */
@TillIntegrationTest
class InterruptedPurchaseTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    GatewayFaults faults;
    @Autowired
    JdbcClient db;
    @Autowired
    MutableClock clock;

    @Test
    void aPurchaseThatFailedAfterItsChargeIsAnsweredWithItsPaidOrderWhenRetried() {
        var shop = shops.open();
        String key = UUID.randomUUID().toString();
        faults.afterNextCharge(shop.accountId(), new IllegalStateException("connection reset after the charge"));

        var failed = purchase(shop, "pm_card_visa", key);
        var retried = purchase(shop, "pm_card_visa", key);

        assertThat(failed.status()).isEqualTo(500);
        assertThat(retried.status()).as(retried.text()).isEqualTo(201);
        var orders = orders(shop, retried.json().get("customer_id").asString());
        assertThat(orders).extracting(order -> order.get("id").asString())
            .containsExactly(retried.json().get("id").asString());
        assertThat(orders.getFirst().get("status").asString()).isEqualTo("paid");
        assertThat(retried.header("Location")).isEqualTo("/api/v1/orders/" + retried.json().get("id").asString());
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
        assertThat(shops.types(shop, retried.json().get("customer_id").asString()))
            .filteredOn(type -> type.equals("payment.succeeded")).hasSize(1);
        var replayed = purchase(shop, "pm_card_visa", key);
        assertThat(replayed.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replayed.json().get("id")).isEqualTo(retried.json().get("id"));
    }

    /**
     * Stripe's search finds a charge only some seconds after it was made: a retry that came sooner is told to come
     * again, and is never taken for a purchase that charged nothing (which would run anew under a new order's key and
     * charge the card twice).
     */
    @Test
    void aRetryBeforeTheGatewayCanFindTheChargeIsToldToComeAgainAndChargesNothing() {
        var shop = shops.open();
        String key = UUID.randomUUID().toString();
        faults.afterNextCharge(shop.accountId(), new IllegalStateException("connection reset after the charge"));
        faults.searchLags(shop.accountId(), java.time.Duration.ofMinutes(2));
        try {
            var failed = purchase(shop, "pm_card_visa", key);
            var tooSoon = purchase(shop, "pm_card_visa", key);

            assertThat(failed.status()).isEqualTo(500);
            assertThat(tooSoon.status()).as(tooSoon.text()).isEqualTo(409);
            assertThat(tooSoon.json().get("code").asString()).isEqualTo("charge_in_progress");
            assertThat(tooSoon.json().get("detail").asString()).contains("Send this request again in a minute");
            assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
            assertThat(db.sql("SELECT status FROM orders WHERE account_id = :accountId")
                .param("accountId", shop.accountId())
                .query(String.class)
                .list()).containsExactly("pending");

            faults.searchCatchesUp(shop.accountId());
            var retried = purchase(shop, "pm_card_visa", key);

            assertThat(retried.status()).as(retried.text()).isEqualTo(201);
            assertThat(retried.json().get("status").asString()).isEqualTo("paid");
            assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
            assertThat(orders(shop, retried.json().get("customer_id").asString())).hasSize(1);
        } finally {
            faults.searchCatchesUp(shop.accountId());
        }
    }

    /**
     * A charge that went and whose answer did not come back (a timeout while it was awaited) may have been made: its
     * order is not marked as asked to no end, which lets its settlement trust the gateway's silence once the declared
     * search lag has passed (two minutes), as for a request that never left, but waits as long as for one still on its
     * way (ten), since the search lags most when answers do. Marked, a search behind that charge failed the order two
     * minutes on, and a retry under the same key charged the card again.
     */
    @Test
    void aChargeWhoseAnswerTimedOutIsSettledAsLateAsOneStillOnItsWay() {
        var shop = shops.open();
        String key = UUID.randomUUID().toString();
        faults.afterNextCharge(shop.accountId(), new io.till.shared.TillException(
            io.till.shared.ErrorCode.GATEWAY_UNAVAILABLE, "Stripe could not be reached: request timed out"));
        faults.searchLags(shop.accountId(), java.time.Duration.ofMinutes(2));
        try {
            var failed = purchase(shop, "pm_card_visa", key);
            var retried = purchase(shop, "pm_card_visa", key);

            assertThat(failed.status()).isEqualTo(502);
            assertThat(retried.status()).as(retried.text()).isEqualTo(409);
            assertThat(retried.json().get("code").asString()).isEqualTo("charge_in_progress");
            assertThat(db.sql("""
                SELECT status || ' ' || charge_asks || ' ' || charge_ask_ended FROM orders
                 WHERE account_id = :accountId
                """).param("accountId", shop.accountId()).query(String.class).list())
                .as("pending, asked once, that ask not ended").containsExactly("pending 1 false");

            faults.searchCatchesUp(shop.accountId());
            var settled = purchase(shop, "pm_card_visa", key);

            assertThat(settled.status()).as(settled.text()).isEqualTo(201);
            assertThat(settled.json().get("status").asString()).isEqualTo("paid");
            assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
        } finally {
            faults.searchCatchesUp(shop.accountId());
        }
    }

    /**
     * A request whose charge the gateway failed without an answer has nothing left on its way: a retry trusts the
     * gateway's silence at once (here, whose search never lags) and places the purchase anew, rather than wait the
     * ten minutes a request that may have stalled on its way is given.
     */
    @Test
    void aRetryAfterTheGatewayFailedTheChargeWithoutAnAnswerIsPlacedAnewAtOnce() {
        var shop = shops.open();
        String key = UUID.randomUUID().toString();
        faults.beforeNextCharge(shop.accountId(), new io.till.payment.PaymentGateway.NotSent(
            "Stripe could not be reached: Connection refused"));

        var failed = purchase(shop, "pm_card_visa", key);
        var retried = purchase(shop, "pm_card_visa", key);

        assertThat(failed.status()).isEqualTo(502);
        assertThat(retried.status()).as(retried.text()).isEqualTo(201);
        assertThat(retried.json().get("status").asString()).isEqualTo("paid");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
    }

    /**
     * A charge that never left for the gateway (no connection) charged nothing for certain: its order fails at once and
     * gives its promo code's use back, so the buyer trying again (without the first request's key) is not told a
     * single-use code is used up for the ten minutes a charge that may be on its way is given.
     */
    @Test
    void aChargeThatNeverLeftGivesItsPromoCodesUseBackAtOnce() {
        var shop = shops.open();
        api.post("/api/v1/promo_codes", shop.apiKey(), """
            {"code": "SINGLE", "amount_off": 100, "currency": "usd", "max_redemptions": 1}""");
        faults.beforeNextCharge(shop.accountId(), new io.till.payment.PaymentGateway.NotSent(
            "Stripe could not be reached: Connection refused"));
        String body = """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "promo_code": "SINGLE"}""".formatted(shop.monthly());

        var failed = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), body);
        var again = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), body);

        assertThat(failed.status()).isEqualTo(502);
        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(again.json().get("status").asString()).isEqualTo("paid");
        assertThat(api.get("/api/v1/orders", shop.apiKey()).json().get("data"))
            .extracting(order -> order.get("status").asString()).containsExactly("paid", "failed");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
    }

    @Test
    void aDeclineWhoseAnswerWasLostIsAnsweredAsDeclinedWithoutChargingAgain() {
        var shop = shops.open();
        String key = UUID.randomUUID().toString();
        faults.afterNextCharge(shop.accountId(), new IllegalStateException("connection reset after the charge"));

        var failed = purchase(shop, "pm_card_chargeCustomerFail", key);
        var retried = purchase(shop, "pm_card_chargeCustomerFail", key);

        assertThat(failed.status()).isEqualTo(500);
        assertThat(retried.status()).as(retried.text()).isEqualTo(402);
        assertThat(retried.json().get("code").asString()).isEqualTo("card_declined");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
    }

    @Test
    void aKeyThatReachedAChargeIsNotFreedForAnotherRequestByAServerError() {
        var shop = shops.open();
        String key = UUID.randomUUID().toString();
        faults.afterNextCharge(shop.accountId(), new IllegalStateException("connection reset after the charge"));

        var failed = purchase(shop, "pm_card_visa", key);
        var other = purchase(shop, "pm_card_mastercard", key);

        assertThat(failed.status()).isEqualTo(500);
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().get("code").asString()).isEqualTo("idempotency_key_reused");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
    }

    @Test
    void anInternalOrderThatFailedAfterItsChargeIsPlacedOnceWhenRetried() {
        var shop = shops.open();
        String customer = customerWithCard(shop);
        String key = UUID.randomUUID().toString();
        String body = """
            {"customer_id": "%s", "option_id": "%s"}""".formatted(customer, shop.plan());
        faults.afterNextCharge(shop.accountId(), new IllegalStateException("connection reset after the charge"));

        var failed = api.post("/api/v1/orders", shop.apiKey(), body, "Idempotency-Key", key);
        var retried = api.post("/api/v1/orders", shop.apiKey(), body, "Idempotency-Key", key);

        assertThat(failed.status()).isEqualTo(500);
        assertThat(retried.status()).as(retried.text()).isEqualTo(201);
        assertThat(orders(shop, customer)).extracting(order -> order.get("id").asString())
            .containsExactly(retried.json().get("id").asString());
        assertThat(retried.json().get("payment_plan_id").isNull()).isFalse();
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
    }

    @Test
    void aDirectSubscriptionThatFailedAfterItsChargeStartsOnceWhenRetried() {
        var shop = shops.open();
        String customer = customerWithCard(shop);
        String key = UUID.randomUUID().toString();
        String body = """
            {"customer_id": "%s", "option_id": "%s"}""".formatted(customer, shop.monthly());
        faults.afterNextCharge(shop.accountId(), new IllegalStateException("connection reset after the charge"));

        var failed = api.post("/api/v1/subscriptions", shop.apiKey(), body, "Idempotency-Key", key);
        var retried = api.post("/api/v1/subscriptions", shop.apiKey(), body, "Idempotency-Key", key);

        assertThat(failed.status()).isEqualTo(500);
        assertThat(retried.status()).as(retried.text()).isEqualTo(201);
        assertThat(retried.json().get("status").asString()).isEqualTo("active");
        assertThat(api.get("/api/v1/subscriptions?customer_id=" + customer, shop.apiKey()).json().get("data"))
            .hasSize(1);
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
    }

    @Test
    void anAcceptedUpsellWhoseAnswerWasNeverRememberedIsAnsweredWithTheOrder() {
        var shop = shops.open();
        String product = api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id")
            .asString();
        var checkout = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "With a bonus", "product_id": "%s", "upsells": [{"name": "Plan", "option_id": "%s"}]}"""
            .formatted(product, shop.plan())).json();
        var order = api.post("/api/v1/checkouts/" + checkout.get("id").asString() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(shop.monthly())).json();
        String accept = "/api/v1/orders/" + order.get("id").asString() + "/upsells/"
            + checkout.get("upsells").get(0).get("id").asString() + "/accept";
        String key = UUID.randomUUID().toString();
        var accepted = api.post(accept, shop.apiKey(), null, "Idempotency-Key", key);
        // What a node that died after recording the upsell, before remembering the answer, leaves behind.
        db.sql("""
            UPDATE idempotency_keys
               SET state = 'in_flight', lease_token = 'dead node', lease_expires_at = :expired,
                   response_status = NULL, response_content_type = NULL, response_location = NULL,
                   response_body = NULL
             WHERE account_id = :accountId AND idempotency_key = :key
            """)
            .param("expired", Timestamp.from(clock.realTime().instant().minusSeconds(1)))
            .param("accountId", shop.accountId())
            .param("key", key)
            .update();

        var retried = api.post(accept, shop.apiKey(), null, "Idempotency-Key", key);

        assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
        assertThat(retried.status()).as(retried.text()).isEqualTo(200);
        assertThat(retried.json().get("items")).hasSize(2);
        assertThat(ledger.charges(shop.accountId())).isEqualTo(2);
    }

    private Api.Response purchase(Shops.Shop shop, String token, String key) {
        return api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "%s", "option_id": "%s"}"""
            .formatted(token, shop.monthly()), "Idempotency-Key", key);
    }

    private String customerWithCard(Shops.Shop shop) {
        String customer = api.post("/api/v1/customers", shop.apiKey(), "{\"name\":\"Ada\",\"email\":\"a@x.io\"}")
            .json().get("id").asString();
        api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(), "{\"token\":\"pm_card_visa\"}");
        return customer;
    }

    private List<JsonNode> orders(Shops.Shop shop, String customerId) {
        var orders = new ArrayList<JsonNode>();
        api.get("/api/v1/orders?customer_id=" + customerId, shop.apiKey()).json().get("data").forEach(orders::add);
        return orders;
    }
}
