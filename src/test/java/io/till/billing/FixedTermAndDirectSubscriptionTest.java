package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.ClockDatabase;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@TillIntegrationTest
@ClockDatabase
class FixedTermAndDirectSubscriptionTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;

    @Test
    void endsAFixedTermSubscriptionAfterItsCyclesAndSaysSoAhead() {
        var shop = shops.open();
        var order = buyBootcamp(shop);
        var subscription = shops.subscription(shop, order.get("subscription_id").asString());
        assertThat(subscription.get("ends_at").isNull()).isFalse();

        shops.advance(shop, "P100D");

        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(3);
        assertThat(shops.subscription(shop, subscription.get("id").asString()).get("status").asString())
            .isEqualTo("canceled");
        var types = shops.typesAfterPurchase(shop, order.get("customer_id").asString());
        assertThat(types).containsSubsequence("invoice.paid", "subscription.ending_soon", "subscription.canceled");
        assertThat(types).filteredOn("subscription.renewal_upcoming"::equals).hasSize(2);
    }

    /**
     * A pause takes none of a fixed term's payments: resumed after its period ended, it bills the rest of its cycles
     * from then. The term's end stayed where it was, so a subscription of 3 payments paused for two months ended
     * after 2, shown as completed.
     */
    @Test
    void aFixedTermPausedPastItsPeriodStillBillsAllItsCyclesAfterItResumes() {
        var shop = shops.open();
        var order = buyBootcamp(shop);
        String id = order.get("subscription_id").asString();
        shops.advance(shop, "P10D");
        assertThat(api.post("/api/v1/subscriptions/" + id + "/pause", shop.apiKey(), null).status()).isEqualTo(200);
        shops.advance(shop, "P75D");

        var resumed = api.post("/api/v1/subscriptions/" + id + "/resume", shop.apiKey(), null);
        assertThat(resumed.status()).as(resumed.text()).isEqualTo(200);
        shops.advance(shop, "PT1M");
        assertThat(ledger.successfulCharges(shop.accountId())).as("the second payment, at the resume").isEqualTo(2);
        assertThat(shops.subscription(shop, id).get("status").asString()).isEqualTo("active");
        shops.advance(shop, "P35D");
        assertThat(ledger.successfulCharges(shop.accountId())).as("the third, a month on").isEqualTo(3);
        assertThat(shops.subscription(shop, id).get("status").asString()).isEqualTo("active");
        shops.advance(shop, "P35D");

        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(3);
        assertThat(shops.subscription(shop, id).get("status").asString()).isEqualTo("canceled");
    }

    /**
     * A reviewer's: paused in its last period, with every cycle billed, a fixed term never ended: it stayed paused (a
     * current subscription) until someone resumed it. It ends at its term's end, paused or not.
     */
    @Test
    void aFixedTermPausedInItsLastPeriodEndsAtItsTermsEnd() {
        var shop = shops.open();
        var order = buyBootcamp(shop);
        String id = order.get("subscription_id").asString();
        shops.advance(shop, "P65D");
        assertThat(ledger.successfulCharges(shop.accountId())).as("all three billed").isEqualTo(3);
        assertThat(api.post("/api/v1/subscriptions/" + id + "/pause", shop.apiKey(), null).status()).isEqualTo(200);

        shops.advance(shop, "P30D");

        assertThat(shops.subscription(shop, id).get("status").asString()).isEqualTo("canceled");
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(3);
        assertThat(shops.typesAfterPurchase(shop, order.get("customer_id").asString()))
            .containsOnlyOnce("subscription.canceled");
    }

    /** Ada's order of a 3-month fixed-term subscription, on a checkout of its own. */
    private tools.jackson.databind.JsonNode buyBootcamp(Shops.Shop shop) {
        var product = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Bootcamp", "options": [{"name": "3 months", "kind": "subscription", "amount": 5000,
             "currency": "usd", "interval": "month", "cycles": 3}]}""").json();
        var checkout = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Bootcamp", "product_id": "%s"}""".formatted(product.get("id").asString())).json();
        var order = api.post("/api/v1/checkouts/" + checkout.get("id").asString() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(product.get("options").get(0).get("id").asString())).json();
        return order;
    }

    @Test
    void refusesCyclesOnOtherKindsOfOption() {
        var shop = shops.open();

        var response = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Thing", "options": [{"name": "Once", "kind": "one_time", "amount": 500, "currency": "usd",
             "cycles": 2}]}""");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("options[0].cycles");
    }

    @Test
    void startsASubscriptionDirectlyOnTheCardOnFile() {
        var shop = shops.open();
        String customer = api.post("/api/v1/customers", shop.apiKey(), "{\"name\":\"Ada\",\"email\":\"a@x.io\"}")
            .json().get("id").asString();
        api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(), "{\"token\":\"pm_card_visa\"}");

        var subscription = api.post("/api/v1/subscriptions", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s"}""".formatted(customer, shop.monthly()));
        var notASubscription = api.post("/api/v1/subscriptions", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s"}""".formatted(customer, shop.plan()));

        assertThat(subscription.status()).as(subscription.text()).isEqualTo(201);
        assertThat(subscription.json().get("status").asString()).isEqualTo("active");
        assertThat(subscription.json().get("customer_id").asString()).isEqualTo(customer);
        assertThat(notASubscription.status()).isEqualTo(400);
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(1);
    }

    @Test
    void movesAPlanToAnotherCard() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String amex = api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(),
            "{\"token\":\"pm_card_amex\"}").json().get("id").asString();

        var moved = api.post("/api/v1/payment_plans/" + order.get("payment_plan_id").asString() + "/change_card",
            shop.apiKey(), "{\"payment_method_id\": \"" + amex + "\"}");

        assertThat(moved.status()).isEqualTo(200);
        assertThat(moved.json().get("card_id").asString()).isEqualTo(amex);
    }
}
