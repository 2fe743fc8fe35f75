package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.receipt.ReceiptPdfs;
import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

@TillIntegrationTest
class BillingAddressApiTest {

    private static final String ADDRESS = """
        {"name": "Ada Lovelace", "line1": "  12 St James's Square ", "line2": "Flat 2", "city": "London",
         "postal_code": "SW1Y 4JH", "region": "Greater London", "country": "gb"}""";

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;

    @Test
    void aPurchaseKeepsTheBillingAddressOnTheOrderAndInItsEvents() {
        var shop = shops.open();

        var order = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "billing_address": %s}""".formatted(shop.monthly(), ADDRESS));

        assertThat(order.status()).as(order.text()).isEqualTo(201);
        var address = order.json().get("billing_address");
        assertThat(address.get("line1").asString()).isEqualTo("12 St James's Square");
        assertThat(address.get("postal_code").asString()).isEqualTo("SW1Y 4JH");
        assertThat(address.get("country").asString()).isEqualTo("GB");
        var read = api.get("/api/v1/orders/" + order.json().get("id").asString(), shop.apiKey());
        assertThat(read.json().get("billing_address")).isEqualTo(address);
        var events = shops.events(shop, order.json().get("customer_id").asString());
        for (String type : List.of("checkout.purchased", "order.created", "product.purchased")) {
            JsonNode event = events.stream().filter(e -> e.get("type").asString().equals(type)).findFirst()
                .orElseThrow();
            assertThat(event.get("data").get("order").get("billing_address")).as(type).isEqualTo(address);
        }
    }

    @Test
    void aPurchaseWithoutAnAddressHasNone() {
        var shop = shops.open();

        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "grace@example.com");

        assertThat(order.get("billing_address").isNull()).isTrue();
    }

    @Test
    void anInternalOrderTakesTheBillingAddressToo() {
        var shop = shops.open();
        String customer = customerWithCard(shop);

        var order = api.post("/api/v1/orders", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s", "billing_address": {"line1": "1 Rue de Rivoli", "city": "Paris",
             "postal_code": "75001", "country": "FR"}}""".formatted(customer, shop.plan()));

        assertThat(order.status()).as(order.text()).isEqualTo(201);
        assertThat(order.json().get("billing_address").get("city").asString()).isEqualTo("Paris");
        assertThat(order.json().get("billing_address").get("name").isNull()).isTrue();
    }

    @Test
    void aBadAddressIsRefusedFieldByFieldAndNothingIsCharged() {
        var shop = shops.open();
        String customer = customerWithCard(shop);

        var bad = api.post("/api/v1/orders", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s", "billing_address": {"name": "%s", "line1": "1 Main St\\nEvil",
             "postal_code": "%s", "country": "ZZ"}}""".formatted(customer, shop.monthly(), "n".repeat(201),
            "9".repeat(21)));
        var noCountry = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s", "billing_address": {"line1": "1 Main St"}}"""
            .formatted(customer, shop.monthly()));
        var notAnObject = api.post("/api/v1/orders", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s", "billing_address": "1 Main St"}""".formatted(customer,
            shop.monthly()));

        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).isEqualTo("application/problem+json");
        assertThat(errors(bad)).containsExactlyInAnyOrder("billing_address.name too_long",
            "billing_address.line1 invalid_characters", "billing_address.postal_code too_long",
            "billing_address.country invalid_country");
        assertThat(noCountry.status()).isEqualTo(400);
        assertThat(errors(noCountry)).containsExactly("billing_address.country required");
        assertThat(notAnObject.status()).isEqualTo(400);
        assertThat(notAnObject.text()).doesNotContain("BillingAddress", "java.");
        assertThat(ledger.charges(shop.accountId())).isZero();
    }

    @Test
    void anotherAccountSeesNeitherTheOrderNorItsAddress() {
        var shop = shops.open();
        var other = shops.open();
        var order = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "billing_address": %s}""".formatted(shop.monthly(), ADDRESS)).json();

        var read = api.get("/api/v1/orders/" + order.get("id").asString(), other.apiKey());
        var receipt = api.get("/api/v1/orders/" + order.get("id").asString() + "/receipt.pdf", other.apiKey());

        assertThat(read.status()).isEqualTo(404);
        assertThat(read.text()).doesNotContain("James");
        assertThat(receipt.status()).isEqualTo(404);
    }

    @Test
    void theApiDocumentsTheAddressOnOrdersAndOnEveryBodyThatTakesOne() {
        var schemas = api.get("/v3/api-docs", null).json().get("components").get("schemas");

        for (String schema : List.of("Order", "PurchaseRequest", "InternalOrder", "NewSubscription")) {
            assertThat(schemas.get(schema).get("properties").get("billing_address").toString()).as(schema)
                .contains("BillingAddress");
        }
        var address = schemas.get("BillingAddress");
        assertThat(address.get("required").toString()).contains("country");
        assertThat(address.get("properties").get("postal_code").get("maxLength").asInt()).isEqualTo(20);
        assertThat(address.get("properties").get("country").get("maxLength").asInt()).isEqualTo(2);
    }

    @Test
    void theReceiptPdfPrintsTheBillingAddress() throws Exception {
        var shop = shops.open();
        var order = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "billing_address": %s}""".formatted(shop.monthly(), ADDRESS)).json();

        String orderReceipt = ReceiptPdfs.text(pdf("/api/v1/orders/" + order.get("id").asString() + "/receipt.pdf",
            shop.apiKey()));
        String paymentReceipt = ReceiptPdfs.text(pdf("/api/v1/payments/" + order.get("payment_id").asString()
            + "/receipt.pdf", shop.apiKey()));

        for (String text : List.of(orderReceipt, paymentReceipt)) {
            assertThat(text).contains("12 St James's Square", "Flat 2", "London, Greater London SW1Y 4JH",
                "United Kingdom");
        }
    }

    private byte[] pdf(String path, String apiKey) throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(api.uri(path))
            .header("Authorization", "Bearer " + apiKey).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private String customerWithCard(Shops.Shop shop) {
        String customer = api.post("/api/v1/customers", shop.apiKey(), "{\"name\":\"Ada\",\"email\":\"a@x.io\"}")
            .json().get("id").asString();
        api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(), "{\"token\":\"pm_card_visa\"}");
        return customer;
    }

    private static List<String> errors(Api.Response response) {
        var out = new ArrayList<String>();
        response.json().get("errors").forEach(error -> out.add(error.get("field").asString() + " "
            + error.get("code").asString()));
        return out;
    }
}
