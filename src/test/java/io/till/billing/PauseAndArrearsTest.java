package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.ClockDatabase;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Instant;
import java.time.Year;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * What a paused subscription owes waits for it to resume, and a subscription is back in good standing only once it
 * owes nothing: found by a probe (a paused subscription's card was charged by dunning retries and by a card change, and
 * resume or paying the newest invoice made it "active" with arrears left).
 */
@TillIntegrationTest
@ClockDatabase
class PauseAndArrearsTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;

    @Test
    void aPausedSubscriptionsArrearsAreNotChargedUntilItResumesThenAtOnce() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String subscription = order.get("subscription_id").asString();
        shops.advance(shop, "P15D");
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("past_due");
        long attempts = ledger.charges(shop.accountId());

        api.post("/api/v1/subscriptions/" + subscription + "/pause", shop.apiKey(), null);
        shops.advance(shop, "P10D");
        String visa = shops.saveCard(shop, customer, "pm_card_visa");
        var changed = api.post("/api/v1/subscriptions/" + subscription + "/change_card", shop.apiKey(),
            "{\"payment_method_id\": \"" + visa + "\"}");
        var payNow = api.post("/api/v1/invoices/" + unpaid(shop, customer).get(0).get("id").asString() + "/pay",
            shop.apiKey(), "{}");
        shops.advance(shop, "PT1M");

        assertThat(changed.status()).isEqualTo(200);
        assertThat(payNow.status()).isEqualTo(409);
        assertThat(payNow.json().get("detail").asString()).contains("paused");
        assertThat(ledger.charges(shop.accountId())).as("charges while paused").isEqualTo(attempts);
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("paused");

        // Resumed, its arrears are charged at once with the card chosen while paused: the answer shows them paid.
        var resumed = api.post("/api/v1/subscriptions/" + subscription + "/resume", shop.apiKey(), null);
        assertThat(resumed.json().get("status").asString()).isEqualTo("active");
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(1);
        shops.advance(shop, "PT1M");

        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(1);
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("active");
        assertThat(unpaid(shop, customer)).isEmpty();
    }

    @Test
    void periodsRestartedOnAMonthsLastDayKeepTheRestartsDayNotThePurchasesDay() {
        var shop = shops.open();
        // A January 30 to come, in a year whose February has 28 days.
        int year = Instant.parse(api.get("/api/v1/test_clock", shop.apiKey()).json().get("now").asString())
            .atZone(ZoneOffset.UTC).getYear() + 1;
        while (Year.isLeap(year)) {
            year++;
        }
        to(shop, year + "-01-30T10:00:00Z");
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        to(shop, year + "-02-10T10:00:00Z");
        api.post("/api/v1/subscriptions/" + subscription + "/pause", shop.apiKey(), null);

        // Its period ended on February 28 while paused; resumed that afternoon, a new month starts then.
        to(shop, year + "-02-28T15:00:00Z");
        var resumed = api.post("/api/v1/subscriptions/" + subscription + "/resume", shop.apiKey(), null);

        assertThat(resumed.json().get("current_period_start").asString()).startsWith(year + "-02-28");
        assertThat(resumed.json().get("current_period_end").asString()).as("a month after the restart, not March 30")
            .startsWith(year + "-03-28");
        to(shop, year + "-03-29T00:00:00Z");
        assertThat(shops.subscription(shop, subscription).get("current_period_end").asString()).startsWith(
            year + "-04-28");
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(3);
    }

    private void to(Shops.Shop shop, String when) {
        var moved = api.post("/api/v1/test_clock/advance", shop.apiKey(), "{\"to\": \"" + when + "\"}");
        assertThat(moved.status()).as(moved.text()).isEqualTo(200);
    }

    @Test
    void resumingDuringTheTrialKeepsItTrialing() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();

        api.post("/api/v1/subscriptions/" + subscription + "/pause", shop.apiKey(), null);
        var resumed = api.post("/api/v1/subscriptions/" + subscription + "/resume", shop.apiKey(), null);

        assertThat(resumed.json().get("status").asString()).isEqualTo("trialing");
        assertThat(ledger.charges(shop.accountId())).isZero();
    }

    @Test
    void payingTheNewestUnpaidInvoiceLeavesTheSubscriptionOwingTheOlderOne() {
        var shop = shops.open();
        String daily = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Daily", "options": [{"name": "Daily", "kind": "subscription", "amount": 100, "currency": "usd",
             "interval": "day"}]}""").json().get("options").get(0).get("id").asString();
        String customer = api
            .post("/api/v1/customers", shop.apiKey(), "{\"name\": \"Ada\", \"email\": \"ada@example.com\"}").json()
            .get("id").asString();
        String visa = shops.saveCard(shop, customer, "pm_card_visa");
        String failing = shops.saveCard(shop, customer, "pm_card_chargeCustomerFail");
        String subscription = api.post("/api/v1/subscriptions", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s", "payment_method_id": "%s"}""".formatted(customer, daily, visa))
            .json().get("id").asString();
        api.post("/api/v1/subscriptions/" + subscription + "/change_card", shop.apiKey(),
            "{\"payment_method_id\": \"" + failing + "\"}");
        shops.advance(shop, "PT49H");
        var owed = unpaid(shop, customer);
        assertThat(owed).hasSize(2);
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("past_due");
        String newest = owed.stream().map(i -> i.get("id").asString()).max(String::compareTo).orElseThrow();
        long activatedBefore = shops.types(shop, customer).stream().filter("subscription.activated"::equals).count();

        var paid = api.post("/api/v1/invoices/" + newest + "/pay", shop.apiKey(),
            "{\"payment_method_id\": \"" + visa + "\"}");

        assertThat(paid.json().get("status").asString()).isEqualTo("paid");
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("past_due");
        assertThat(shops.types(shop, customer).stream().filter("subscription.activated"::equals).count())
            .isEqualTo(activatedBefore);
        assertThat(unpaid(shop, customer)).hasSize(1);
    }

    @Test
    void aRemovedCardNoLongerShowsAsPayingTheSubscription() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String subscription = order.get("subscription_id").asString();
        String first = shops.subscription(shop, subscription).get("card_id").asString();
        String second = shops.saveCard(shop, customer, "pm_card_mastercard");
        api.post("/api/v1/subscriptions/" + subscription + "/change_card", shop.apiKey(),
            "{\"payment_method_id\": \"" + second + "\"}");

        var removed = api.delete("/api/v1/customers/" + customer + "/payment_methods/" + second, shop.apiKey());
        shops.advance(shop, "P32D");

        assertThat(removed.status()).isIn(200, 204);
        assertThat(shops.subscription(shop, subscription).get("card_id").asString()).isEqualTo(first);
        var renewal = api.get("/api/v1/payments?customer_id=" + customer, shop.apiKey()).json().get("data").get(0);
        assertThat(renewal.get("card_id").asString()).isEqualTo(first);
    }

    private java.util.List<JsonNode> unpaid(Shops.Shop shop, String customer) {
        var list = new java.util.ArrayList<JsonNode>();
        api.get("/api/v1/invoices?customer_id=" + customer + "&status=issued", shop.apiKey()).json().get("data")
            .forEach(list::add);
        return list;
    }
}
