package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A promo code refused at a purchase says why in the seller's words, and is never used up for nothing. */
@TillIntegrationTest
class PromoCodeRefusalsTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    JdbcClient db;

    @Test
    void aCodeOnAFreeTrialAloneIsRefusedAndNotUsedUp() {
        var shop = shops.open();
        var promo = api.post("/api/v1/promo_codes", shop.apiKey(), "{\"code\": \"LAUNCH20\", \"percent_off\": 20, "
            + "\"max_redemptions\": 100}").json();

        var trial = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "promo_code": "LAUNCH20"}""".formatted(shop.trial()));

        assertThat(trial.status()).as(trial.text()).isEqualTo(400);
        var error = trial.json().get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo("promo_code");
        assertThat(error.get("code").asString()).isEqualTo("nothing_to_discount");
        assertThat(error.get("message").asString()).contains("charges nothing today", "leave the code out");
        assertThat(api.get("/api/v1/promo_codes/" + promo.get("id").asString(), shop.apiKey()).json()
            .get("times_redeemed").asInt()).isZero();
        // Where something is charged today, the code discounts it.
        var monthly = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "promo_code": "LAUNCH20"}""".formatted(shop.monthly()));
        assertThat(monthly.status()).as(monthly.text()).isEqualTo(201);
        assertThat(monthly.json().get("total").asLong()).isEqualTo(1520);
    }

    @Test
    void anEndedCodeIsToldByTheLastMomentItWorkedNotTheInstantItEnded() {
        var shop = shops.open();
        var promo = api.post("/api/v1/promo_codes", shop.apiKey(), "{\"code\": \"JANUARY\", \"percent_off\": 10}")
            .json();
        db.sql("UPDATE promo_codes SET expires_at = TIMESTAMPTZ '2026-02-01 00:00:00+00' WHERE id = :id")
            .param("id", promo.get("id").asString())
            .update();

        var refused = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "promo_code": "JANUARY"}""".formatted(shop.monthly()));

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("message").asString()).isEqualTo(
            "has expired: it could be used until Jan 31, 2026, 23:59 UTC");
    }
}
