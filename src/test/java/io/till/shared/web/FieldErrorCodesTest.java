package io.till.shared.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A client branches on a field error's code, so the code says what is wrong: a value of the wrong type is
 * {@code invalid_type}, a field missing is {@code required}, and one of two fields that exclude each other given beside
 * the other is {@code not_allowed} (a probe found all three told {@code required}).
 */
@TillIntegrationTest
class FieldErrorCodesTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;

    @Test
    void aValueOfTheWrongTypeIsInvalidTypeAndAMissingOneRequired() {
        var shop = shops.open();
        assertThat(code(api.post("/api/v1/customers", shop.apiKey(), """
            {"name": 123, "email": "typed@example.com"}"""), "name")).isEqualTo("invalid_type");
        assertThat(code(api.post("/api/v1/customers", shop.apiKey(), """
            {"email": "typed@example.com"}"""), "name")).isEqualTo("required");
        assertThat(code(api.post("/api/v1/customers", shop.apiKey(), """
            {"name": "  ", "email": "typed@example.com"}"""), "name")).isEqualTo("required");

        String customer = shops.customer(shop);
        var nulled = api.send("PATCH", "/api/v1/customers/" + customer, shop.apiKey(), "{\"name\": null}",
            java.util.List.of("Content-Type", "application/json"));
        assertThat(code(nulled, "name")).isEqualTo("required");
    }

    @Test
    void twoFieldsThatExcludeEachOtherGivenTogetherAreNotAllowedAndNeitherGivenRequired() {
        var shop = shops.open();
        var both = api.post("/api/v1/test_clock/advance", shop.apiKey(), """
            {"by": "P1D", "to": "2099-01-01T00:00:00Z"}""");
        assertThat(code(both, "by")).isEqualTo("not_allowed");
        assertThat(code(api.post("/api/v1/test_clock/advance", shop.apiKey(), "{}"), "by")).isEqualTo("required");

        var promo = api.post("/api/v1/promo_codes", shop.apiKey(), """
            {"code": "BOTH", "percent_off": 10, "amount_off": 500, "currency": "usd"}""");
        assertThat(code(promo, "percent_off")).isEqualTo("not_allowed");
        assertThat(code(api.post("/api/v1/promo_codes", shop.apiKey(), "{\"code\": \"NONE\"}"), "percent_off"))
            .isEqualTo("required");

        var purchase = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"option_id": "%s", "customer_id": "%s", "customer": {"name": "B", "email": "b@example.com"},
             "token": "pm_card_visa"}""".formatted(shop.monthly(), shops.customer(shop)));
        assertThat(code(purchase, "customer_id")).isEqualTo("not_allowed");
    }

    /** A fraction where a whole number goes: only an amount is told about the currency's minor unit. */
    @Test
    void aFractionIsToldAboutMinorUnitsOnlyWhereItIsAnAmount() {
        var shop = shops.open();
        var percent = api.post("/api/v1/promo_codes", shop.apiKey(), """
            {"code": "HALF", "percent_off": 12.5}""");
        var amount = api.post("/api/v1/promo_codes", shop.apiKey(), """
            {"code": "FIVE", "amount_off": 4.99, "currency": "usd"}""");

        assertThat(code(percent, "percent_off")).isEqualTo("invalid_type");
        assertThat(percent.json().at("/errors/0/message").asString()).isEqualTo(
            "must be a whole number, not text or a fraction");
        assertThat(code(amount, "amount_off")).isEqualTo("invalid_type");
        assertThat(amount.json().at("/errors/0/message").asString()).contains("minor unit (1999 for 19.99)");
    }

    private static String code(Api.Response response, String field) {
        assertThat(response.status()).as(response.text()).isEqualTo(400);
        for (JsonNode error : response.json().get("errors")) {
            if (error.get("field").asString().equals(field)) {
                return error.get("code").asString();
            }
        }
        return "no error for " + field + " in " + response.text();
    }
}
