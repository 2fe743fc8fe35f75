package io.till.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.till.shared.TillException;
import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A promotion going well runs longer or for more buyers: a seller moves a code's end or its usage limit, and a code
 * that had ended or been used up works again. What it takes off never changes, nor its code.
 */
@TillIntegrationTest
class PromoCodeChangeTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    PromoCodes promoCodes;

    private JsonNode promo(Shops.Shop shop, String body) {
        var created = api.post("/api/v1/promo_codes", shop.apiKey(), body);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json();
    }

    private Api.Response buy(Shops.Shop shop, String email, String code) {
        return api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "%s"}, "token": "pm_card_visa", "option_id": "%s",
             "promo_code": "%s"}""".formatted(email, shop.monthly(), code));
    }

    private static List<String> fields(Api.Response refused) {
        var fields = new ArrayList<String>();
        refused.json().get("errors").forEach(error -> fields.add(error.get("field").asString() + " " + error.get(
            "code").asString()));
        return fields;
    }

    /**
     * A purchase checks its code, then asks its gateway for the card, then counts the use: a code staff ended in
     * between is refused when the use is counted, as a code used up in between is.
     */
    @Test
    void aCodeEndedAfterAPurchaseCheckedItIsRefusedWhenItsUseIsCounted() {
        var shop = shops.open();
        var created = promo(shop, "{\"code\": \"LATE\", \"percent_off\": 20}");
        var checked = promoCodes.find(shop.accountId(), created.get("id").asString()).orElseThrow();
        assertThat(promoCodes.refusal(checked, "usd")).isEmpty();
        api.post("/api/v1/promo_codes/" + checked.id() + "/expire", shop.apiKey(), null);

        assertThatThrownBy(() -> promoCodes.redeem(shop.accountId(), checked))
            .isInstanceOfSatisfying(TillException.class, refused -> assertThat(refused.refusals())
                .extracting(e -> e.field() + " " + e.code()).containsExactly("promo_code not_applicable"));
        assertThat(promoCodes.find(shop.accountId(), checked.id()).orElseThrow().timesRedeemed()).isZero();
    }

    @Test
    void aUsedUpCodeGivenMoreUsesWorksAgainAndAnEndedOneGivenALaterEnd() {
        var shop = shops.open();
        var promo = promo(shop, "{\"code\": \"FIRST1\", \"percent_off\": 20, \"max_redemptions\": 1}");
        String path = "/api/v1/promo_codes/" + promo.get("id").asString();
        assertThat(buy(shop, "a@example.com", "FIRST1").status()).isEqualTo(201);
        assertThat(buy(shop, "b@example.com", "FIRST1").status()).as("used up").isEqualTo(400);

        var more = api.patch(path, shop.apiKey(), "{\"max_redemptions\": 2}");

        assertThat(more.status()).as(more.text()).isEqualTo(200);
        assertThat(more.json().get("max_redemptions").asInt()).isEqualTo(2);
        assertThat(more.json().get("percent_off").asInt()).isEqualTo(20);
        assertThat(buy(shop, "b@example.com", "FIRST1").json().get("total").asLong()).isEqualTo(1520);

        assertThat(api.post(path + "/expire", shop.apiKey(), null).status()).isEqualTo(200);
        var later = api.patch(path, shop.apiKey(), "{\"expires_at\": \"2999-01-01T00:00:00Z\", "
            + "\"max_redemptions\": null}");
        assertThat(later.status()).as(later.text()).isEqualTo(200);
        assertThat(later.json().get("expires_at").asString()).isEqualTo("2999-01-01T00:00:00Z");
        assertThat(later.json().get("max_redemptions").isNull()).isTrue();
        assertThat(buy(shop, "c@example.com", "FIRST1").status()).isEqualTo(201);
        var noEnd = api.patch(path, shop.apiKey(), "{\"expires_at\": null}");
        assertThat(noEnd.json().get("expires_at").isNull()).isTrue();
        assertThat(noEnd.json().get("times_redeemed").asInt()).isEqualTo(3);
    }

    @Test
    void aLimitBelowItsUsesAPastEndAndAChangedDiscountAreRefusedNamingEachField() {
        var shop = shops.open();
        var promo = promo(shop, "{\"code\": \"TWICE\", \"amount_off\": 500, \"currency\": \"usd\"}");
        String path = "/api/v1/promo_codes/" + promo.get("id").asString();
        assertThat(buy(shop, "a@example.com", "TWICE").status()).isEqualTo(201);
        assertThat(buy(shop, "b@example.com", "TWICE").status()).isEqualTo(201);

        var below = api.patch(path, shop.apiKey(), "{\"max_redemptions\": 1}");
        var wrong = api.patch(path, shop.apiKey(), """
            {"expires_at": "2020-01-01T00:00:00Z", "amount_off": 100, "code": "THRICE", "colour": "red"}""");
        var badTypes = api.patch(path, shop.apiKey(), "{\"expires_at\": \"soon\", \"max_redemptions\": 1.5}");

        assertThat(below.status()).isEqualTo(400);
        assertThat(below.json().get("errors").get(0).get("message").asString()).contains("at least 2");
        assertThat(fields(wrong)).containsExactlyInAnyOrder("expires_at out_of_range", "amount_off not_changeable",
            "code not_changeable", "colour unknown_field");
        assertThat(fields(badTypes)).containsExactlyInAnyOrder("expires_at invalid_format",
            "max_redemptions invalid_type");
        var unchanged = api.get(path, shop.apiKey()).json();
        assertThat(unchanged.get("max_redemptions").isNull()).isTrue();
        assertThat(unchanged.get("expires_at").isNull()).isTrue();
        assertThat(unchanged.get("code").asString()).isEqualTo("TWICE");
    }

    @Test
    void anotherAccountsCodeIsNotFound() {
        var shop = shops.open();
        var promo = promo(shop, "{\"code\": \"MINE\", \"percent_off\": 5}");

        var stranger = api.patch("/api/v1/promo_codes/" + promo.get("id").asString(), shops.open().apiKey(),
            "{\"max_redemptions\": 10}");

        assertThat(stranger.status()).isEqualTo(404);
    }
}
