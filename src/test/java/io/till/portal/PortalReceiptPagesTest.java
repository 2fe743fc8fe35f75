package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.receipt.ReceiptPdfs;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.GatewayFaults;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/** A buyer's order, its receipt and its PDF, in a real Chromium on a phone and on a laptop; and nobody else's. */
@TillIntegrationTest
class PortalReceiptPagesTest {

    static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    Environment environment;
    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient db;
    @Autowired
    GatewayFaults faults;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    String sessionUrl(Shops.Shop shop, String customerId) {
        var session = api.post("/api/v1/portal_sessions", shop.apiKey(), """
            {"customer_id": "%s"}""".formatted(customerId));
        assertThat(session.status()).as(session.text()).isBetween(200, 201);
        return session.json().get("url").asString();
    }

    PortalClient signedIn(Shops.Shop shop, String customerId) {
        var client = new PortalClient(Integer.parseInt(environment.getProperty("local.server.port")));
        var opened = client.get(sessionUrl(shop, customerId));
        assertThat(opened.status()).as(opened.body()).isEqualTo(302);
        return client;
    }

    /**
     * A payment's receipt is named by what a buyer can read out to support, its date and amount, not by its raw id;
     * the id stays, as the reference the seller looks it up by, at the receipt's foot and in its PDF.
     */
    @Test
    void aPaymentReceiptIsNamedByItsDateAndAmountWithItsReferenceAtTheFoot() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String paymentId = order.get("payment_id").asString();
        String receipt = "/portal/" + shop.accountId() + "/payments/" + paymentId + "/receipt";
        var placed = java.time.Instant.parse(order.get("created_at").asString());
        // A store whose day is not UTC's at the moment of the order: 14 hours ahead from 10:00 UTC on, 11 behind.
        var zone = java.time.ZoneId.of(placed.atZone(java.time.ZoneOffset.UTC).getHour() >= 10
            ? "Pacific/Kiritimati"
            : "Pacific/Pago_Pago");
        var branding = api.send("PUT", "/api/v1/account/branding", shop.apiKey(), """
            {"time_zone": "%s"}""".formatted(zone.getId()), java.util.List.of("Content-Type", "application/json"));
        assertThat(branding.status()).as(branding.text()).isEqualTo(200);
        String day = java.time.format.DateTimeFormatter.ofPattern("MMM d, uuuu", java.util.Locale.US).withZone(zone)
            .format(placed);

        for (int width : new int[]{390, 1280}) {
            var page = chromium.page(width);
            page.navigate(sessionUrl(shop, order.get("customer_id").asString()));
            page.navigate(api.uri(receipt).toString());

            assertThat(page.title()).startsWith("Receipt for your payment of $19.00 on " + day).doesNotContain("pay_");
            com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(page.locator(".receipt-head"))
                .not()
                .containsText("pay_");
            com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(page.locator(".receipt-ref"))
                .hasText("Payment reference " + paymentId + " (order #1)");
            Chromium.screenshot(page, "portal-payment-receipt-" + width);
            if (width == 390) {
                // One calendar per receipt, wherever it is read: its date in the store's zone, as its title, its
                // lines' periods and its PDF have it (a probe in Pago Pago read "Date Jan 4" above a period starting
                // Jan 5; then a New York store's receipt dated in UTC read a day after its own "Paid on").
                var far = chromium.page(width, "Europe/Berlin");
                far.navigate(sessionUrl(shop, order.get("customer_id").asString()));
                far.navigate(api.uri(receipt).toString());
                com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(far.locator(".receipt-facts"))
                    .containsText("Date" + day);
                com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(far.locator(".receipt-facts"))
                    .not()
                    .containsText("UTC");
                // Its payments too: a reviewer read "Date Nov 29" beside "Paid on Nov 30" in the buyer's own zone.
                com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(far.locator(
                    "[aria-labelledby=receipt-paid] tbody tr").first()).containsText("Paid on " + day);
            }
            if (width == 1280) {
                var pdf = page.request().get(api.uri(receipt + ".pdf").toString());
                assertThat(io.till.receipt.ReceiptPdfs.text(pdf.body())).contains("Reference", paymentId, "#1")
                    .doesNotContain("Payment number");
            }
        }
    }

    @Test
    void aBuyerOpensAnOrderReadsItsReceiptAndDownloadsThePdf() throws Exception {
        var shop = shops.open();
        api.send("PUT", "/api/v1/account/branding", shop.apiKey(), """
            {"company_name": "Lumen Yoga", "support_email": "help@lumen.example", "brand_color": "#0f766e"}""",
            List.of("Content-Type", "application/json"));
        api.send("PUT", "/api/v1/portal_settings", shop.apiKey(), """
            {"footer": "Namaste! Lumen Yoga Ltd, 4 Quiet Lane, Bristol"}""", List.of("Content-Type",
            "application/json"));
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String orderId = order.get("id").asString();
        var refund = api.post("/api/v1/refunds", shop.apiKey(), """
            {"payment_id": "%s", "amount": 500}""".formatted(order.get("payment_id").asString()));
        assertThat(refund.status()).as(refund.text()).isBetween(200, 201);

        for (int width : new int[]{390, 1280}) {
            var page = chromium.page(width);
            page.navigate(sessionUrl(shop, order.get("customer_id").asString()));
            page.navigate(api.uri("/portal/" + shop.accountId() + "/orders/" + orderId).toString());

            // What the buyer bought, when and for how much, and the number to quote to support; never the raw id.
            assertThat(page.locator("h1").textContent()).isEqualTo("Membership — Monthly");
            assertThat(page.title()).isEqualTo("Membership — Monthly · Lumen Yoga");
            assertThat(page.locator(".section-head .ref").textContent()).matches(
                "\\s*Order #1 · [A-Z][a-z]{2} \\d{1,2}, \\d{4} · \\$19\\.00\\s*");
            assertThat(page.locator(".order-ref").textContent()).contains("Quote order #1 to", "Lumen Yoga");
            assertThat(page.locator("main").textContent()).doesNotContain(orderId);
            assertThat(page.locator("main").textContent()).contains("ada@example.com", "Visa •••• 4242", "−$5.00");
            Chromium.screenshot(page, "portal-order-" + width);

            page.getByText("View receipt").click();
            assertThat(page.locator("h1").textContent()).isEqualTo("Receipt");
            assertThat(page.locator(".receipt").textContent()).contains("Lumen Yoga", "$19.00", "Visa •••• 4242",
                "Refunded on", "$14.00", "Namaste!", "help@lumen.example")
                .doesNotContain(orderId);
            com.microsoft.playwright.assertions.PlaywrightAssertions
                .assertThat(page.getByText("#1", new com.microsoft.playwright.Page.GetByTextOptions().setExact(true)))
                .isVisible();
            assertThat(page.title()).startsWith("Receipt for your order #1 of ");
            // The receipt says where to write; the page around it does not say it again.
            com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(page.getByText("Questions? Write to"))
                .hasCount(1);
            Chromium.screenshot(page, "portal-receipt-" + width);

            var download = page.waitForDownload(() -> page.getByText("Download PDF").click());
            // Kept beside the screenshots, to be looked at as the buyer would.
            download.saveAs(Path.of("target", "screenshots", "portal-receipt-" + width + ".pdf"));
            String text = ReceiptPdfs.text(Files.readAllBytes(download.path()));
            assertThat(download.suggestedFilename()).isEqualTo("receipt-1.pdf");
            assertThat(text).contains("Lumen Yoga", "Order", "#1", "Membership", "$19.00", "4242", "Refunded on",
                "-$5.00",
                "Namaste!");
        }
    }

    /**
     * A subscription bought with a free trial is an order of $0.00: its page says what the order started and when the
     * first payment comes, rather than leaving the buyer with a zero and "no payment".
     */
    @Test
    void anOrderThatStartedAFreeTrialSaysWhenTheFirstPaymentComes() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_visa", "ada@example.com");
        var page = chromium.page(390);
        page.navigate(sessionUrl(shop, order.get("customer_id").asString()));
        page.navigate(api.uri("/portal/" + shop.accountId() + "/orders/" + order.get("id").asString()).toString());

        var started = page.locator("[aria-labelledby=started-title]");
        com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(started.locator("h2")).hasText(
            "What it started");
        assertThat(started.locator(".row-main").textContent().replaceAll("\\s+", " ")).matches(
            " ?Membership · Trial Free trial until [A-Z][a-z]{2} \\d{1,2}, \\d{4}, then \\$19\\.00 every "
                + "month ?");
        com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(page.locator(
            "[aria-labelledby=order-payments-title] .empty")).hasText(
                "No payment was taken for this order: the free trial comes first.");
        Chromium.screenshot(page, "portal-order-trial-390");

        started.locator("a").click();
        assertThat(page.url()).contains("/subscriptions/");
    }

    @Test
    void aRefundOnItsWayIsShownAsOnItsWayOnThePhoneAndOnTheLaptop() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        faults.afterNextRefund(shop.accountId(), new IllegalStateException("the answer was lost"));
        assertThat(api.post("/api/v1/refunds", shop.apiKey(), """
            {"payment_id": "%s", "amount": 500}""".formatted(order.get("payment_id").asString())).status())
            .isEqualTo(500);

        for (int width : new int[]{390, 1280}) {
            var page = chromium.page(width);
            page.navigate(sessionUrl(shop, order.get("customer_id").asString()));
            page.navigate(api.uri("/portal/" + shop.accountId() + "/orders/" + order.get("id").asString()).toString());

            assertThat(page.locator("main").textContent()).contains("$5.00 is being refunded to your card")
                .doesNotContain("−$5.00");
            assertThat(page.locator(".status").first().textContent().trim()).isEqualTo("paid");
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
                .isLessThanOrEqualTo(width);
            Chromium.screenshot(page, "portal-order-refund-pending-" + width);
        }
    }

    @Test
    void anotherCustomersOrAnotherAccountsOrdersAndPaymentsAreThe404Page() {
        var shop = shops.open();
        var mine = shops.buy(shop, shop.monthly(), "pm_card_visa", "me@example.com");
        var theirs = shops.buy(shop, shop.monthly(), "pm_card_visa", "neighbour@example.com");
        var elsewhere = shops.open();
        var foreign = shops.buy(elsewhere, elsewhere.monthly(), "pm_card_visa", "me@example.com");
        var client = signedIn(shop, mine.get("customer_id").asString());
        String base = "/portal/" + shop.accountId();

        assertThat(client.get(base + "/orders/" + mine.get("id").asString()).status()).isEqualTo(200);
        assertThat(client.get(base + "/payments/" + mine.get("payment_id").asString() + "/receipt.pdf").header(
            "Content-Type")).isEqualTo("application/pdf");
        for (var other : List.of(theirs, foreign)) {
            for (String path : List.of("/orders/" + other.get("id").asString(),
                "/orders/" + other.get("id").asString() + "/receipt",
                "/orders/" + other.get("id").asString() + "/receipt.pdf",
                "/payments/" + other.get("payment_id").asString() + "/receipt",
                "/payments/" + other.get("payment_id").asString() + "/receipt.pdf")) {
                var answer = client.get(base + path);
                assertThat(answer.status()).as(path).isEqualTo(404);
                assertThat(answer.body()).as(path).contains("We could not find that")
                    .doesNotContain("neighbour@example.com", "$19.00");
            }
        }
    }

    @Test
    void aDeclinedOrderAndItsPaymentSayTheyHaveNoReceiptInWordsNotIds() {
        var shop = shops.open();
        var declined = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Buyer", "email": "me@example.com"}, "token": "pm_card_chargeCustomerFail",
             "option_id": "%s"}""".formatted(shop.monthly()));
        assertThat(declined.status()).as(declined.text()).isEqualTo(402);
        String customer = api.get("/api/v1/customers?query=me@example.com", shop.apiKey()).json().get("data").get(0)
            .get("id").asString();
        var order = api.get("/api/v1/orders?customer_id=" + customer, shop.apiKey()).json().get("data").get(0);
        assertThat(order.get("status").asString()).isEqualTo("failed");
        var payment = api.get("/api/v1/payments?customer_id=" + order.get("customer_id").asString(), shop.apiKey())
            .json().get("data").get(0);
        var client = signedIn(shop, order.get("customer_id").asString());
        String base = "/portal/" + shop.accountId();

        var orderReceipt = client.get(base + "/orders/" + order.get("id").asString() + "/receipt");
        var paymentReceipt = client.get(base + "/payments/" + payment.get("id").asString() + "/receipt");

        assertThat(lead(orderReceipt.body())).isEqualTo("Order #" + order.get("number").asLong()
            + " was not paid: its payment did not go through, so it has no receipt.");
        assertThat(lead(paymentReceipt.body())).startsWith("This payment of $19.00 on ").endsWith(
            " did not go through, so it has no receipt.").doesNotContain("pay_");
    }

    /** What the page says, in its lead paragraph. */
    private static String lead(String html) {
        var matcher = java.util.regex.Pattern.compile("<p class=\"lead\">([^<]*)</p>").matcher(html);
        assertThat(matcher.find()).as(html).isTrue();
        return matcher.group(1);
    }

    @Test
    void withoutASignInTheReceiptSendsToTheSignInPage() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "me@example.com");
        var client = new PortalClient(Integer.parseInt(environment.getProperty("local.server.port")));

        var answer = client.get("/portal/" + shop.accountId() + "/orders/" + order.get("id").asString()
            + "/receipt.pdf");

        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.header("Location")).endsWith("/portal/" + shop.accountId());
    }

    @Test
    void aRenewalsReceiptPageListsTheCreditNotesOfItsInvoice() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "noted@example.com");
        String customer = order.get("customer_id").asString();
        shops.advance(shop, "P32D");
        var renewal = db.sql("""
            SELECT id, invoice_id FROM payments
             WHERE account_id = ? AND customer_id = ? AND id <> ? AND invoice_id IS NOT NULL""")
            .params(shop.accountId(), customer, order.get("payment_id").asString())
            .query((rs, row) -> List.of(rs.getString("id"), rs.getString("invoice_id")))
            .single();
        var note = api.post("/api/v1/invoices/" + renewal.get(1) + "/credit_note", shop.apiKey(),
            "{\"amount\": 300}");
        assertThat(note.status()).as(note.text()).isEqualTo(201);

        var page = signedIn(shop, customer).get("/portal/" + shop.accountId() + "/payments/" + renewal.get(0)
            + "/receipt");

        assertThat(page.status()).isEqualTo(200);
        assertThat(PortalSubscriptionPagesTest.text(page.body())).contains("Credit note", "−$3.00", "Net paid",
            "$16.00");
        // The order that started the membership is named as where it began, not as what this payment paid.
        assertThat(PortalSubscriptionPagesTest.text(page.body())).contains("Started with order#1",
            "(started with order #1)");
    }

    /**
     * A reviewer's: a renewal paid by the buyer's credit and credited back in part showed the whole paid and nothing
     * back: the payments part of the receipt, which holds the credit notes, showed only with a card's charges.
     */
    @Test
    void aRenewalPaidByCreditListsItsCreditNotesAndWhatItCameTo() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "credited@example.com");
        String customer = order.get("customer_id").asString();
        var granted = api.post("/api/v1/customers/" + customer + "/credits", shop.apiKey(),
            "{\"amount\": 1900, \"currency\": \"usd\"}");
        assertThat(granted.status()).as(granted.text()).isEqualTo(201);
        shops.advance(shop, "P32D");
        String invoice = db.sql("""
            SELECT id FROM invoices WHERE account_id = ? AND customer_id = ? AND status = 'paid'""")
            .params(shop.accountId(), customer)
            .query(String.class)
            .single();
        var note = api.post("/api/v1/invoices/" + invoice + "/credit_note", shop.apiKey(), "{\"amount\": 300}");
        assertThat(note.status()).as(note.text()).isEqualTo(201);

        var page = signedIn(shop, customer).get("/portal/" + shop.accountId() + "/invoices/" + invoice + "/receipt");

        assertThat(page.status()).isEqualTo(200);
        assertThat(PortalSubscriptionPagesTest.text(page.body())).contains("Paid with your account credit", "$19.00",
            "Credit note", "−$3.00", "Net paid", "$16.00");
    }
}
