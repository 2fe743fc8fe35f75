package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.ClockDatabase;
import io.till.testing.Shops;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@TillIntegrationTest
@ClockDatabase
class SubscriptionActionsTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    TestAccounts accounts;

    @Test
    void cancelsAtPeriodEndWithoutChargingAgain() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();

        var canceling = api.post("/api/v1/subscriptions/" + subscription + "/cancel", shop.apiKey(),
            "{\"at_period_end\": true}");
        shops.advance(shop, "P32D");

        assertThat(canceling.json().get("status").asString()).isEqualTo("canceling");
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("canceled");
        assertThat(shops.typesAfterPurchase(shop, order.get("customer_id").asString()))
            .containsExactly("subscription.canceling", "subscription.canceled");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
    }

    @Test
    void cancelsNowAndRefusesToCancelTwice() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();

        var canceled = api.post("/api/v1/subscriptions/" + subscription + "/cancel", shop.apiKey(),
            "{\"skip_automations\": true}");
        var again = api.post("/api/v1/subscriptions/" + subscription + "/cancel", shop.apiKey(), null);

        assertThat(canceled.json().get("status").asString()).isEqualTo("canceled");
        assertThat(canceled.json().get("canceled_at").isNull()).isFalse();
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("code").asString()).isEqualTo("invalid_state");
        assertThat(again.json().get("detail").asString()).contains("canceled");
        var event = shops.events(shop, order.get("customer_id").asString()).getLast();
        assertThat(event.get("type").asString()).isEqualTo("subscription.canceled");
        assertThat(event.get("data").get("skip_automations").asBoolean()).isTrue();
    }

    @Test
    void chargesNothingWhilePausedAndStartsANewPeriodOnResume() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();

        api.post("/api/v1/subscriptions/" + subscription + "/pause", shop.apiKey(), null);
        shops.advance(shop, "P40D");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
        var resumed = api.post("/api/v1/subscriptions/" + subscription + "/resume", shop.apiKey(), null);
        shops.advance(shop, "PT1M");

        assertThat(resumed.json().get("status").asString()).isEqualTo("active");
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(2);
        assertThat(shops.typesAfterPurchase(shop, order.get("customer_id").asString())).containsExactly(
            "subscription.paused", "subscription.resumed", "invoice.issued", "payment.succeeded",
            "subscription.payment_succeeded", "invoice.paid");
    }

    @Test
    void retriesAtOnceWithTheCardChosenForTheSubscription() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String subscription = order.get("subscription_id").asString();
        shops.advance(shop, "P15D");
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("past_due");
        String visa = api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(),
            "{\"token\": \"pm_card_visa\"}").json().get("id").asString();

        var changed = api.post("/api/v1/subscriptions/" + subscription + "/change_card", shop.apiKey(),
            "{\"payment_method_id\": \"" + visa + "\"}");
        shops.advance(shop, "PT1M");

        assertThat(changed.json().get("card_id").asString()).isEqualTo(visa);
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("active");
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(1);
    }

    /**
     * Choosing the card that already pays a subscription or plan changes nothing, so it says nothing: card.updated
     * starts automations (a thank-you, a CRM sync) for a change that never happened, once per click of a form
     * submitted twice.
     */
    @Test
    void choosingTheCardThatAlreadyPaysRaisesNoCardUpdated() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        var plan = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer_id": "%s", "token": "pm_card_visa", "option_id": "%s"}""".formatted(customer, shop.plan()))
            .json();
        String mastercard = shops.saveCard(shop, customer, "pm_card_mastercard");
        long updatesBefore = shops.types(shop, customer).stream().filter("card.updated"::equals).count();

        for (String path : List.of("/api/v1/subscriptions/" + order.get("subscription_id").asString(),
            "/api/v1/payment_plans/" + plan.get("payment_plan_id").asString())) {
            var first = api.post(path + "/change_card", shop.apiKey(), "{\"payment_method_id\": \"" + mastercard
                + "\"}");
            assertThat(first.status()).as(first.text()).isEqualTo(200);
            int events = shops.events(shop, customer).size();
            var again = api.post(path + "/change_card", shop.apiKey(), "{\"payment_method_id\": \"" + mastercard
                + "\"}");

            assertThat(again.status()).as(again.text()).isEqualTo(200);
            assertThat(again.json().get("card_id").asString()).isEqualTo(mastercard);
            assertThat(shops.events(shop, customer)).as(path).hasSize(events);
        }
        assertThat(shops.types(shop, customer).stream().filter("card.updated"::equals).count())
            .as("one for each change made").isEqualTo(updatesBefore + 2);
    }

    /**
     * An expired card would only be declined at the next bill: change_card refuses it, naming the field, and changes
     * nothing (no card, no card.updated), for a subscription and a plan alike, as the portal's choice does.
     */
    @Test
    void changeCardRefusesAnExpiredCardAndChangesNothing() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        var plan = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer_id": "%s", "token": "pm_card_visa", "option_id": "%s"}""".formatted(customer, shop.plan()))
            .json();
        var saved = api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(),
            "{\"token\": \"pm_card_mastercard\", \"exp_month\": 1, \"exp_year\": 2025}");
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        String expired = saved.json().get("id").asString();
        int events = shops.events(shop, customer).size();

        for (String path : List.of("/api/v1/subscriptions/" + order.get("subscription_id").asString(),
            "/api/v1/payment_plans/" + plan.get("payment_plan_id").asString())) {
            var before = api.get(path, shop.apiKey()).json().get("card_id");
            var refused = api.post(path + "/change_card", shop.apiKey(), "{\"payment_method_id\": \"" + expired
                + "\"}");

            assertThat(refused.status()).as(refused.text()).isEqualTo(400);
            assertThat(refused.json().get("code").asString()).isEqualTo("validation_failed");
            var error = refused.json().get("errors").get(0);
            assertThat(error.get("field").asString()).isEqualTo("payment_method_id");
            assertThat(error.get("code").asString()).isEqualTo("expired");
            assertThat(error.get("message").asString()).contains("Mastercard ending in 4444", "expired 01/2025");
            assertThat(api.get(path, shop.apiKey()).json().get("card_id")).isEqualTo(before);
        }
        assertThat(shops.events(shop, customer)).hasSize(events);
    }

    @Test
    void stopsAPlanCanceledByStaffAndMovesItsNextBillDate() {
        var shop = shops.open();
        var first = shops.buy(shop, shop.plan(), "pm_card_visa", "a@example.com");
        var second = shops.buy(shop, shop.plan(), "pm_card_visa", "b@example.com");
        String later = java.time.Instant.parse(api.get("/api/v1/test_clock", shop.apiKey()).json().get("now")
            .asString()).plus(java.time.Duration.ofDays(45)).toString();

        var canceled = api.send("PATCH", "/api/v1/payment_plans/" + first.get("payment_plan_id").asString(),
            shop.apiKey(), "{\"status\": \"canceled\"}", List.of("Content-Type", "application/json"));
        var moved = api.send("PATCH", "/api/v1/payment_plans/" + second.get("payment_plan_id").asString(),
            shop.apiKey(), "{\"next_bill_at\": \"" + later + "\"}", List.of("Content-Type", "application/json"));
        shops.advance(shop, "P40D");
        long afterForty = ledger.charges(shop.accountId());
        shops.advance(shop, "P6D");

        assertThat(canceled.json().get("status").asString()).isEqualTo("canceled");
        assertThat(moved.status()).as(moved.text()).isEqualTo(200);
        assertThat(afterForty).isEqualTo(2);
        assertThat(ledger.charges(shop.accountId())).isEqualTo(3);
    }

    /** Found by a probe: a day past what PostgreSQL stores answered 500 from the plan's page. */
    @Test
    void aNextBillDateMoreThanTenYearsAheadIsRefusedAtItsFieldAndChangesNothing() {
        var shop = shops.open();
        var bought = shops.buy(shop, shop.plan(), "pm_card_visa", "a@example.com");
        String plan = "/api/v1/payment_plans/" + bought.get("payment_plan_id").asString();
        String before = api.get(plan, shop.apiKey()).json().get("next_bill_at").asString();

        for (String far : List.of("+999999999-12-31T00:00:00Z", "2999-01-01T00:00:00Z")) {
            var refused = api.send("PATCH", plan, shop.apiKey(), "{\"next_bill_at\": \"" + far + "\"}",
                List.of("Content-Type", "application/json"));

            assertThat(refused.status()).as(refused.text()).isEqualTo(400);
            assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("next_bill_at");
            // Past the year 9999 it is no moment Till takes at all; within it, too far ahead for a bill.
            assertThat(refused.text()).contains(far.startsWith("+")
                ? "in the years 1 to 9999"
                : "at most ten years "
                    + "ahead");
        }
        assertThat(api.get(plan, shop.apiKey()).json().get("next_bill_at").asString()).isEqualTo(before);
    }

    @Test
    void hidesAnotherAccountsSubscriptions() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        var stranger = accounts.create();

        var response = api.post("/api/v1/subscriptions/" + order.get("subscription_id").asString() + "/cancel",
            stranger.apiKey(), null);

        assertThat(response.status()).isEqualTo(404);
        assertThat(shops.subscription(shop, order.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("active");
    }
}
