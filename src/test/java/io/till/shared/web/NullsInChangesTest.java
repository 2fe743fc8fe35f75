package io.till.shared.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A PATCH reads {@code null} the same way on every record, as a customer's always did: it clears a field that can be
 * empty, and is refused, naming the field, where it cannot ("leave it out to keep it"). It is never read as "unchanged"
 * (a webhook endpoint's PATCH once kept a field sent as null, so a client meaning to clear it was told it had).
 */
@TillIntegrationTest
class NullsInChangesTest {

    private static final String REFUSED = "cannot be null; leave it out to keep it";

    @Autowired
    Api api;
    @Autowired
    Shops shops;

    @Test
    void aWebhookEndpointRefusesANullUrlEventTypesOrStatusNamingEachAndKeepsThem() {
        var shop = shops.open();
        String endpoint = endpoint(shop);

        var refused = patch(shop, "/api/v1/webhook_endpoints/" + endpoint, """
            {"url": null, "event_types": null, "status": null}""");

        assertThat(fieldErrors(refused)).containsExactlyInAnyOrder("url required " + REFUSED,
            "event_types required " + REFUSED, "status required " + REFUSED);
        var kept = api.get("/api/v1/webhook_endpoints/" + endpoint, shop.apiKey()).json();
        assertThat(kept.get("url").asString()).isEqualTo("https://hooks.example.com/nulls");
        assertThat(kept.get("event_types").toString()).isEqualTo("[\"acme.unused\"]");
        assertThat(kept.get("status").asString()).isEqualTo("enabled");
    }

    @Test
    void aNullDescriptionClearsAWebhookEndpointsDescriptionAndLeavingItOutKeepsIt() {
        var shop = shops.open();
        String endpoint = endpoint(shop);

        var kept = patch(shop, "/api/v1/webhook_endpoints/" + endpoint, "{\"status\": \"disabled\"}");
        assertThat(kept.status()).as(kept.text()).isEqualTo(200);
        assertThat(kept.json().get("description").asString()).isEqualTo("to be cleared");

        var cleared = patch(shop, "/api/v1/webhook_endpoints/" + endpoint, "{\"description\": null}");
        assertThat(cleared.status()).as(cleared.text()).isEqualTo(200);
        assertThat(cleared.json().get("description").isNull()).isTrue();
        assertThat(cleared.json().get("status").asString()).isEqualTo("disabled");
    }

    @Test
    void aPaymentPlanRefusesANullStatusAndNextBillDateNamingEach() {
        var shop = shops.open();
        String plan = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer_id": "%s", "token": "pm_card_visa", "option_id": "%s"}""".formatted(shops.customer(shop),
            shop.plan())).json().get("payment_plan_id").asString();

        var refused = patch(shop, "/api/v1/payment_plans/" + plan, """
            {"status": null, "next_bill_at": null}""");

        assertThat(fieldErrors(refused)).containsExactlyInAnyOrder("status required " + REFUSED,
            "next_bill_at required " + REFUSED);
        assertThat(api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json().get("status").asString())
            .isEqualTo("active");
    }

    /** A reviewer's: a status staff may not set was taken (200, nothing changed) when the plan already had it. */
    @Test
    void aPaymentPlanRefusesAStatusStaffMayNotSetWhateverItsStatusNow() {
        var shop = shops.open();
        String plan = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer_id": "%s", "token": "pm_card_visa", "option_id": "%s"}""".formatted(shops.customer(shop),
            shop.plan())).json().get("payment_plan_id").asString();
        assertThat(shops.advance(shop, "P95D").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json().get("status").asString())
            .as("its three installments paid").isEqualTo("completed");

        var refused = patch(shop, "/api/v1/payment_plans/" + plan, "{\"status\": \"completed\"}");

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(fieldErrors(refused)).singleElement().asString().startsWith("status invalid_value");
    }

    @Test
    void aProductRefusesANullNameAndACustomerANullNameOrConsentInTheSameWords() {
        var shop = shops.open();
        String product = api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id")
            .asString();
        String customer = shops.customer(shop);

        var productName = patch(shop, "/api/v1/products/" + product, "{\"name\": null}");
        var customerFields = patch(shop, "/api/v1/customers/" + customer, """
            {"name": null, "marketing_consent": null}""");

        assertThat(fieldErrors(productName)).containsExactly("name required " + REFUSED);
        assertThat(fieldErrors(customerFields)).containsExactlyInAnyOrder("name required " + REFUSED,
            "marketing_consent required " + REFUSED);
    }

    private String endpoint(Shops.Shop shop) {
        var created = api.post("/api/v1/webhook_endpoints", shop.apiKey(), """
            {"url": "https://hooks.example.com/nulls", "event_types": ["acme.unused"],
             "description": "to be cleared"}""");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private Api.Response patch(Shops.Shop shop, String path, String body) {
        return api.send("PATCH", path, shop.apiKey(), body, List.of("Content-Type", "application/json"));
    }

    /** "field code message" for each field error of a problem. */
    private static List<String> fieldErrors(Api.Response problem) {
        assertThat(problem.status()).as(problem.text()).isEqualTo(400);
        var errors = new java.util.ArrayList<String>();
        for (JsonNode error : problem.json().path("errors")) {
            errors.add(error.get("field").asString() + " " + error.get("code").asString() + " " + error.get("message")
                .asString());
        }
        return errors;
    }
}
