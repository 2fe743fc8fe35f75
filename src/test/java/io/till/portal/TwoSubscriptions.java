package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;

/**
 * The buyer of the recovery loop's tests: one customer with two subscriptions, the trial past due on a card that fails
 * every charge, the monthly paid by a good Mastercard.
 */
record TwoSubscriptions(Shops.Shop shop, String customer, String pastDue, String failingCard, String other,
    String otherCard) {

    String account() {
        return shop.accountId();
    }

    static TwoSubscriptions open(Api api, Shops shops) {
        var shop = shops.open();
        // A sandbox card typed without an expiry expires in December five years on from the clock's year: were the
        // trial's 14 days to cross a new year, the failing card typed again in the portal would be another card, not
        // the one saved. The clock, shared by every test, is moved past the new year first then.
        var now = java.time.LocalDate.ofInstant(java.time.Instant.parse(api.get("/api/v1/test_clock", shop.apiKey())
            .json().get("now").asString()), java.time.ZoneOffset.UTC);
        if (now.plusDays(15).getYear() != now.getYear()) {
            var advanced = shops.advance(shop, "P" + (now.lengthOfYear() - now.getDayOfYear() + 1) + "D");
            assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        }
        var trial = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String customer = trial.get("customer_id").asString();
        var monthly = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer_id": "%s", "token": "pm_card_mastercard", "option_id": "%s"}"""
            .formatted(customer, shop.monthly()));
        assertThat(monthly.status()).as(monthly.text()).isEqualTo(201);
        shops.advance(shop, "P14DT1M");
        var buyer = new TwoSubscriptions(shop, customer, trial.get("subscription_id").asString(), trial.get("card_id")
            .asString(), monthly.json().get("subscription_id").asString(), monthly.json().get("card_id").asString());
        assertThat(shops.subscription(shop, buyer.pastDue()).get("status").asString()).isEqualTo("past_due");
        return buyer;
    }

    /** The card paying a subscription now, as the API tells it. */
    String cardOf(Shops shops, String subscription) {
        return shops.subscription(shop, subscription).get("card_id").asString();
    }
}
