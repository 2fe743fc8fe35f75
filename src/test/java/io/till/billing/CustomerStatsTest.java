package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The figures on a customer record, from what the customer bought, paid, got back and owes. */
@TillIntegrationTest
class CustomerStatsTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;

    @Test
    void countsOrdersLifetimeValueAndWhatIsActive() {
        var shop = shops.open();
        var first = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"" + first.get("payment_id").asString()
            + "\", \"amount\": 500}");

        var stats = api.get("/api/v1/customers/" + first.get("customer_id").asString(), shop.apiKey()).json()
            .get("stats");

        assertThat(stats.get("order_count").asLong()).isEqualTo(2);
        assertThat(stats.get("lifetime_value")).hasSize(1);
        assertThat(stats.get("lifetime_value").get(0).get("amount").asLong()).isEqualTo(1900 + 10000 - 500);
        assertThat(stats.get("lifetime_value").get(0).get("currency").asString()).isEqualTo("usd");
        assertThat(stats.get("disputed")).isEmpty();
        assertThat(stats.get("active_subscriptions").asInt()).isEqualTo(1);
        assertThat(stats.get("active_payment_plans").asInt()).isEqualTo(1);
        assertThat(stats.get("missed_payments").asInt()).isZero();
        assertThat(stats.get("paused_subscriptions").asInt()).isZero();
    }

    /**
     * A disputed payment is money the bank took back, for now at least: like a refund it is out of the lifetime value
     * (which counted it as earned), and it is shown apart, as what is at risk.
     */
    @Test
    void leavesADisputedPaymentOutOfTheLifetimeValueAndShowsItApart() {
        var shop = shops.open();
        var monthly = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        var plan = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        var disputed = api.post("/api/v1/payments/" + plan.get("payment_id").asString() + "/dispute", shop.apiKey(),
            null);
        assertThat(disputed.status()).as(disputed.text()).isEqualTo(200);

        var stats = api.get("/api/v1/customers/" + monthly.get("customer_id").asString(), shop.apiKey()).json()
            .get("stats");

        assertThat(stats.get("lifetime_value")).hasSize(1);
        assertThat(stats.get("lifetime_value").get(0).get("amount").asLong()).isEqualTo(1900);
        assertThat(stats.get("disputed")).hasSize(1);
        assertThat(stats.get("disputed").get(0).get("amount").asLong()).isEqualTo(10000);
        assertThat(stats.get("disputed").get(0).get("currency").asString()).isEqualTo("usd");
        assertThat(stats.get("order_count").asLong()).isEqualTo(2);
    }

    @Test
    void countsAPausedSubscriptionAsPausedNotActive() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        var paused = api.post("/api/v1/subscriptions/" + order.get("subscription_id").asString() + "/pause",
            shop.apiKey(), null);
        assertThat(paused.status()).as(paused.text()).isEqualTo(200);

        var stats = api.get("/api/v1/customers/" + order.get("customer_id").asString(), shop.apiKey()).json()
            .get("stats");

        assertThat(stats.get("active_subscriptions").asInt()).isZero();
        assertThat(stats.get("paused_subscriptions").asInt()).isEqualTo(1);
        assertThat(stats.get("missed_payments").asInt()).isZero();
    }

    @Test
    void flagsASubscriptionBehindOnItsPayment() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "grace@example.com");

        shops.advance(shop, "P15D");

        var stats = api.get("/api/v1/customers/" + order.get("customer_id").asString(), shop.apiKey()).json()
            .get("stats");
        assertThat(stats.get("missed_payments").asInt()).isEqualTo(1);
        assertThat(stats.get("order_count").asLong()).isEqualTo(1);
        assertThat(stats.get("lifetime_value")).isEmpty();
    }

    /**
     * A plan whose installment failed is behind while its retries run (it stays active until they are spent), as a
     * subscription is while past due: the count agrees with the customer's unpaid invoices (a probe found 0 here).
     */
    @Test
    void countsAPlanWhoseInstallmentFailedAndIsBeingRetriedAsMissed() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String plan = order.get("payment_plan_id").asString();
        String failing = shops.saveCard(shop, customer, "pm_card_chargeCustomerFail");
        var changed = api.post("/api/v1/payment_plans/" + plan + "/change_card", shop.apiKey(),
            "{\"payment_method_id\": \"" + failing + "\"}");
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);

        shops.advance(shop, "P32D");

        assertThat(api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json().get("status").asString())
            .isEqualTo("active");
        var unpaid = api.get("/api/v1/invoices?status=issued&customer_id=" + customer, shop.apiKey()).json()
            .get("data");
        assertThat(unpaid).hasSize(1);
        var stats = api.get("/api/v1/customers/" + customer, shop.apiKey()).json().get("stats");
        assertThat(stats.get("missed_payments").asInt()).isEqualTo(1);
        assertThat(stats.get("active_payment_plans").asInt()).isEqualTo(1);
    }
}
