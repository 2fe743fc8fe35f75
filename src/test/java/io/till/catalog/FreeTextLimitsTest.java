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

    /**
     * JSON writes a control character as a six-byte escape: a store whose names, tags and metadata were made of them
     * raised purchase events of 370 KB, each refused by the webhook sender. Descriptions and metadata values keep
     * their line breaks and tabs.
     */
    @Test
    void refusesControlCharactersInTheTextEventsCarry() {
        String key = accounts.create().apiKey();
        String control = "\\u0001";

        var product = api.post("/api/v1/products", key, """
            {"name": "Course%1$s", "description": "One%1$stwo", "options": [{"name": "Once%1$s", "kind": "one_time",
             "amount": 100, "currency": "usd"}]}""".formatted(control));
        assertThat(product.status()).isEqualTo(400);
        assertThat(product.json().get("errors").findValuesAsString("field")).containsExactlyInAnyOrder("name",
            "description", "options[0].name");
        assertThat(product.json().get("errors").findValuesAsString("code")).containsOnly("invalid_characters");

        String productId = api.post("/api/v1/products", key, """
            {"name": "Course", "description": "Line one\\nline\\ttwo", "options": [{"name": "Once",
             "kind": "one_time", "amount": 100, "currency": "usd"}]}""").json().get("id").asString();
        assertThat(api.get("/api/v1/products/" + productId, key).json().get("description").asString())
            .isEqualTo("Line one\nline\ttwo");
        var renamed = api.patch("/api/v1/products/" + productId, key, """
            {"name": "Course%s"}""".formatted(control));
        assertThat(renamed.json().get("errors").findValuesAsString("code")).containsOnly("invalid_characters");
        String optionId = api.get("/api/v1/products/" + productId, key).json().get("options").get(0).get("id")
            .asString();

        var checkout = api.post("/api/v1/checkouts", key, """
            {"name": "Join%1$s", "product_id": "%2$s", "addons": [{"name": "Extra%1$s", "amount": 100,
             "currency": "usd"}], "upsells": [{"name": "More%1$s", "option_id": "%3$s"}]}"""
            .formatted(control, productId, optionId));
        assertThat(checkout.status()).isEqualTo(400);
        assertThat(checkout.json().get("errors").findValuesAsString("field")).containsExactlyInAnyOrder("name",
            "addons[0].name", "upsells[0].name");

        var customer = api.post("/api/v1/customers", key, """
            {"name": "Ada%1$s", "email": "ada@example.com", "tags": ["vip%1$s"],
             "metadata": {"note": "a%1$sb", "key%1$s": "x", "address": "1 Main St\\nSpringfield"}}"""
            .formatted(control));
        assertThat(customer.status()).isEqualTo(400);
        assertThat(customer.json().get("errors").findValuesAsString("field")).containsExactlyInAnyOrder("name",
            "tags[0]", "metadata.note", "metadata.key\u0001");
        var lines = api.post("/api/v1/customers", key, """
            {"name": "Ada", "email": "ada@example.com", "metadata": {"address": "1 Main St\\nSpringfield"}}""");
        assertThat(lines.status()).as(lines.text()).isEqualTo(201);
    }
}
