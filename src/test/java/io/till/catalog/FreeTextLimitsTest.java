package io.till.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Free text a purchase event carries is bounded, so that the event always fits the webhook payload cap (256 KiB): a
 * longer text is refused with a 400 naming the field.
 */
@TillIntegrationTest
class FreeTextLimitsTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;

    @Test
    void refusesAProductDescriptionOverFiveThousandCharacters() {
        var response = api.post("/api/v1/products", accounts.create().apiKey(), """
            {"name": "Course", "description": "%s", "options": [{"name": "Once", "kind": "one_time", "amount": 100,
             "currency": "usd"}]}""".formatted("d".repeat(5001)));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("description");
        assertThat(response.json().get("errors").get(0).get("code").asString()).isEqualTo("too_long");
    }

    @Test
    void refusesAnOptionNameOverTwoHundredCharacters() {
        var response = api.post("/api/v1/products", accounts.create().apiKey(), """
            {"name": "Course", "options": [{"name": "%s", "kind": "one_time", "amount": 100, "currency": "usd"}]}"""
            .formatted("n".repeat(201)));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("options[0].name");
    }

    @Test
    void refusesCheckoutAndAddonNamesOverTwoHundredCharacters() {
        String key = accounts.create().apiKey();
        String product = api.post("/api/v1/products", key, """
            {"name": "Course", "options": [{"name": "Once", "kind": "one_time", "amount": 100, "currency": "usd"}]}""")
            .json().get("id").asString();

        var response = api.post("/api/v1/checkouts", key, """
            {"name": "%s", "product_id": "%s", "addons": [{"name": "%s", "amount": 100, "currency": "usd"}]}"""
            .formatted("c".repeat(201), product, "a".repeat(201)));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").findValuesAsString("field")).contains("name", "addons[0].name");
    }
}
