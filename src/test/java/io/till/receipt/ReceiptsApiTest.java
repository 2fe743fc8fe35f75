package io.till.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@TillIntegrationTest
class ReceiptsApiTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    TestAccounts accounts;
    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient db;

    HttpResponse<byte[]> download(String path, String apiKey) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(api.uri(path)).header("Authorization", "Bearer " + apiKey).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    }

    void brand(Shops.Shop shop) {
        var branding = api.send("PUT", "/api/v1/account/branding", shop.apiKey(), """
            {"company_name": "Ada's Atelier", "support_email": "help@atelier.test", "brand_color": "#7C3AED"}""",
            List.of("Content-Type", "application/json"));
        assertThat(branding.status()).as(branding.text()).isEqualTo(200);
        var settings = api.send("PUT", "/api/v1/portal_settings", shop.apiKey(), """
            {"footer": "Manage your membership at atelier.test/account"}""", List.of("Content-Type",
            "application/json"));
        assertThat(settings.status()).as(settings.text()).isEqualTo(200);
    }

    @Test
    void anOrdersReceiptNamesTheSellerTheLinesTheCardAndTheRefunds() throws Exception {
        var shop = shops.open();
        brand(shop);
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "grace@example.com");
        String payment = order.get("payment_id").asString();
        var refund = api.post("/api/v1/refunds", shop.apiKey(), """
            {"payment_id": "%s", "amount": 500}""".formatted(payment));
        assertThat(refund.status()).as(refund.text()).isBetween(200, 201);

        var pdf = download("/api/v1/orders/" + order.get("id").asString() + "/receipt.pdf", shop.apiKey());

        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(pdf.headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertThat(pdf.headers().firstValue("Content-Disposition").orElseThrow())
            .contains("receipt-1.pdf");
        String text = ReceiptPdfs.text(pdf.body());
        assertThat(text).contains("Ada's Atelier", "help@atelier.test", "#1",
            "grace@example.com", "Membership", "$19.00", "Visa", "4242", "Refunded on", "-$5.00", "Net paid",
            "$14.00", "Manage your membership at atelier.test/account");
    }

    @Test
    void aRenewalsReceiptNamesWhatItPaidForAndItsPeriod() throws Exception {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "renewing@example.com");
        shops.advance(shop, "P32D");
        var payments = api.get("/api/v1/payments?customer_id=" + order.get("customer_id").asString(), shop.apiKey())
            .json()
            .get("data");
        String renewal = null;
        for (var payment : payments) {
            if (!payment.get("id").asString().equals(order.get("payment_id").asString())) {
                renewal = payment.get("id").asString();
            }
        }
        assertThat(renewal).as("the renewal's payment").isNotNull();

        var pdf = download("/api/v1/payments/" + renewal + "/receipt.pdf", shop.apiKey());

        assertThat(pdf.statusCode()).isEqualTo(200);
        String text = ReceiptPdfs.text(pdf.body());
        assertThat(text).contains("Payment receipt", renewal, "Membership", "Monthly", "$19.00", "4242");
        // The order that started the membership is named as such, not as if the renewal paid it again.
        assertThat(text).contains("Started with order#1");
        // No branding saved: the account's name stands for the company.
        assertThat(text).doesNotContain("Questions?");

        // Renamed since, a renewal paid keeps the name it was paid under on its receipt.
        String product = shops.subscription(shop, order.get("subscription_id").asString()).get("product_id")
            .asString();
        var renamed = api.send("PATCH", "/api/v1/products/" + product, shop.apiKey(), "{\"name\": \"Gold Club\"}",
            java.util.List.of("Content-Type", "application/json"));
        assertThat(renamed.status()).as(renamed.text()).isEqualTo(200);
        assertThat(ReceiptPdfs.text(download("/api/v1/payments/" + renewal + "/receipt.pdf", shop.apiKey()).body()))
            .contains("Membership").doesNotContain("Gold Club");
    }

    @Test
    void anUpsellsPaymentReceiptNamesTheUpsellAndTheOrderReceiptHoldsBothPayments() throws Exception {
        var upsells = shops.openWithUpsells();
        var shop = upsells.shop();
        var purchase = api.post("/api/v1/checkouts/" + upsells.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Grace", "email": "upsold@example.com"}, "token": "pm_card_visa",
             "option_id": "%s"}""".formatted(upsells.courseOption()));
        assertThat(purchase.status()).as(purchase.text()).isEqualTo(201);
        String orderId = purchase.json().get("id").asString();
        var accepted = api.post("/api/v1/orders/" + orderId + "/upsells/" + upsells.bonus() + "/accept",
            shop.apiKey(), null);
        assertThat(accepted.status()).as(accepted.text()).isBetween(200, 201);
        String upsellPayment = accepted.json().get("payment_id").asString();
        assertThat(upsellPayment).isNotEqualTo(purchase.json().get("payment_id").asString());

        String upsellReceipt = ReceiptPdfs.text(download("/api/v1/payments/" + upsellPayment + "/receipt.pdf",
            shop.apiKey()).body());
        String firstReceipt = ReceiptPdfs.text(download("/api/v1/payments/" + purchase.json().get("payment_id")
            .asString() + "/receipt.pdf", shop.apiKey()).body());
        String orderReceipt = ReceiptPdfs.text(download("/api/v1/orders/" + orderId + "/receipt.pdf", shop.apiKey())
            .body());

        assertThat(upsellReceipt).contains("Bonus pack", "$29.00").doesNotContain("$49.00");
        assertThat(firstReceipt).contains("Course", "$49.00").doesNotContain("Bonus pack");
        assertThat(orderReceipt).contains("Course", "Bonus pack", "$49.00", "$29.00", "$78.00");
    }

    /**
     * A purchase that charged nothing (a free guide) has no payment: the upsell's payment is the order's first, and
     * its receipt named the guide at $0.00 with a total of $29.00. A payment says what it paid for by its charge.
     */
    @Test
    void anUpsellTakenAfterAFreePurchaseHasAReceiptThatNamesTheUpsell() throws Exception {
        var shop = shops.open();
        var bonus = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Bonus pack", "options": [{"name": "Once", "kind": "one_time", "amount": 2900, "currency": "usd"}]}
            """).json();
        var guide = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Free guide", "options": [{"name": "Once", "kind": "one_time", "amount": 0, "currency": "usd"}]}
            """);
        assertThat(guide.status()).as(guide.text()).isEqualTo(201);
        var checkout = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Guide", "product_id": "%s", "upsells": [{"name": "Bonus pack", "option_id": "%s"}]}"""
            .formatted(guide.json().get("id").asString(), bonus.get("options").get(0).get("id").asString())).json();
        var purchase = api.post("/api/v1/checkouts/" + checkout.get("id").asString() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Grace", "email": "free@example.com"}, "token": "pm_card_visa",
             "option_id": "%s"}""".formatted(guide.json().get("options").get(0).get("id").asString()));
        assertThat(purchase.status()).as(purchase.text()).isEqualTo(201);
        String orderId = purchase.json().get("id").asString();
        var accepted = api.post("/api/v1/orders/" + orderId + "/upsells/" + checkout.get("upsells").get(0).get("id")
            .asString() + "/accept", shop.apiKey(), null);
        assertThat(accepted.status()).as(accepted.text()).isBetween(200, 201);

        String receipt = ReceiptPdfs.text(download("/api/v1/payments/" + accepted.json().get("payment_id").asString()
            + "/receipt.pdf", shop.apiKey()).body());

        assertThat(receipt).contains("Bonus pack", "$29.00").doesNotContain("Free guide");
    }

    @Test
    void aReceiptWritesItsDaysInTheStoresTimeZone() throws Exception {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "grace@example.com");
        var placed = java.time.Instant.parse(api.get("/api/v1/orders/" + order.get("id").asString(), shop.apiKey())
            .json().get("created_at").asString());
        // A zone whose day is not UTC's at the moment of the order: 14 hours ahead from 10:00 UTC on, 11 behind before.
        var zone = java.time.ZoneId.of(placed.atZone(java.time.ZoneOffset.UTC).getHour() >= 10
            ? "Pacific/Kiritimati"
            : "Pacific/Pago_Pago");
        var day = java.time.format.DateTimeFormatter.ofPattern("MMM d, yyyy", java.util.Locale.US);
        var branding = api.send("PUT", "/api/v1/account/branding", shop.apiKey(), """
            {"time_zone": "%s"}""".formatted(zone.getId()), List.of("Content-Type", "application/json"));
        assertThat(branding.status()).as(branding.text()).isEqualTo(200);

        String text = ReceiptPdfs.text(download("/api/v1/orders/" + order.get("id").asString() + "/receipt.pdf",
            shop.apiKey()).body());

        assertThat(placed.atZone(zone).toLocalDate()).isNotEqualTo(placed.atZone(java.time.ZoneOffset.UTC)
            .toLocalDate());
        assertThat(text).contains("Paid on " + day.format(placed.atZone(zone)))
            .doesNotContain(day.format(placed.atZone(java.time.ZoneOffset.UTC)));
    }

    @Test
    void anotherAccountsOrderOrPaymentIsNotFound() throws Exception {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "private@example.com");
        String stranger = accounts.create().apiKey();

        var orderReceipt = api.get("/api/v1/orders/" + order.get("id").asString() + "/receipt.pdf", stranger);
        var paymentReceipt = api.get("/api/v1/payments/" + order.get("payment_id").asString() + "/receipt.pdf",
            stranger);

        assertThat(orderReceipt.status()).isEqualTo(404);
        assertThat(orderReceipt.contentType()).isEqualTo("application/problem+json");
        assertThat(paymentReceipt.status()).isEqualTo(404);
        assertThat(paymentReceipt.text()).doesNotContain("private@example.com");
    }

    @Test
    void theReceiptsAreInTheApiDocument() {
        var paths = api.get("/v3/api-docs", null).json().get("paths");

        assertThat(paths.get("/api/v1/orders/{id}/receipt.pdf").get("get").get("responses").get("200").get("content")
            .has("application/pdf")).isTrue();
        assertThat(paths.get("/api/v1/payments/{id}/receipt.pdf")).isNotNull();
    }

    @Test
    void aPdfReceiptPrintsLatinExtendedGreekAndCyrillicNames() throws Exception {
        var shop = shops.open();
        var branding = api.send("PUT", "/api/v1/account/branding", shop.apiKey(), """
            {"company_name": "Kávéház Ωμέγα"}""", List.of("Content-Type", "application/json"));
        assertThat(branding.status()).as(branding.text()).isEqualTo(200);
        var purchase = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Łukasz Ωμέγα Чай", "email": "lukasz@example.com"}, "token": "pm_card_visa",
             "option_id": "%s"}""".formatted(shop.monthly()));
        assertThat(purchase.status()).as(purchase.text()).isEqualTo(201);

        var pdf = download("/api/v1/orders/" + purchase.json().get("id").asString() + "/receipt.pdf", shop.apiKey());

        assertThat(ReceiptPdfs.text(pdf.body())).contains("Łukasz Ωμέγα Чай", "Kávéház Ωμέγα", "$19.00");
    }

    @Test
    void aPaymentsReceiptListsTheCreditNotesIssuedOnItsInvoiceAndTheNetAmount() throws Exception {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "noted@example.com");
        shops.advance(shop, "P32D");
        var renewal = db.sql("""
            SELECT id, invoice_id FROM payments
             WHERE account_id = ? AND customer_id = ? AND id <> ? AND invoice_id IS NOT NULL""")
            .params(shop.accountId(), order.get("customer_id").asString(), order.get("payment_id").asString())
            .query((rs, row) -> List.of(rs.getString("id"), rs.getString("invoice_id")))
            .single();
        var note = api.post("/api/v1/invoices/" + renewal.get(1) + "/credit_note", shop.apiKey(),
            "{\"amount\": 300, \"reason\": \"Studio closed a week\"}");
        assertThat(note.status()).as(note.text()).isEqualTo(201);

        String text = ReceiptPdfs.text(download("/api/v1/payments/" + renewal.get(0) + "/receipt.pdf",
            shop.apiKey()).body());

        assertThat(text).contains("Credit note", "-$3.00", "Net paid", "$16.00");
    }
}
