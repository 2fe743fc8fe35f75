package io.till.billing;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.Shops;
import io.till.testing.StaffBrowser;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The Billing section in a real browser: orders, subscriptions, payment plans and invoices of every customer, each by
 * status, from a store where one buyer pays, one takes a payment plan, one's trial ends on a card that fails and one's
 * purchase is declined; each row leads to its record, which stays in the Billing section.
 */
@TillIntegrationTest
class BillingListPagesTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    JdbcClient db;
    @Autowired
    PasswordEncoder passwords;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    private static java.util.List<String> csv(com.microsoft.playwright.Download download) {
        try {
            return java.util.List.of(java.nio.file.Files.readString(download.path()).split("\r\n"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    @Test
    void eachKindOfBillingRecordIsListedByStatusAndLeadsToItsRecord() {
        var shop = shops.open();
        var ada = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        // Partly refunded, the order stays paid: its export still says what went back.
        assertThat(api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"" + ada.get("payment_id")
            .asString() + "\", \"amount\": 500}").status()).isEqualTo(201);
        var plan = shops.buy(shop, shop.plan(), "pm_card_visa", "bob@example.com");
        shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "carol@example.com");
        var declined = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Dave", "email": "dave@example.com"}, "token": "pm_card_chargeCustomerFail",
             "option_id": "%s"}""".formatted(shop.monthly()));
        assertThat(declined.status()).as(declined.text()).isEqualTo(402);
        assertThat(shops.advance(shop, "P15D").status()).isEqualTo(200);
        var mallory = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "=HYPERLINK(\\"http://evil.example\\")", "email": "mallory@example.com"},
             "token": "pm_card_visa", "option_id": "%s"}""".formatted(shop.plan()));
        assertThat(mallory.status()).as(mallory.text()).isEqualTo(201);

        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280),
            "/admin/customers");
        page.getByRole(AriaRole.LINK, named("Billing")).click();
        page.waitForLoadState();
        assertThat(page.locator("h1")).hasText("Orders");
        assertThat(page.locator("table.list tbody tr")).hasCount(5);
        page.locator(".sub-tabs").getByText("Failed").click();
        page.waitForLoadState();
        assertThat(page.locator("table.list tbody tr")).hasCount(1);
        assertThat(page.locator("table.list tbody tr")).containsText("dave@example.com");
        assertThat(page.locator("table.list tbody tr .pill")).hasText("failed");
        Chromium.screenshot(page, "billing-orders-failed-1280");

        page.locator("nav[aria-label='Billing records']").getByText("Payment plans").click();
        page.waitForLoadState();
        var row = page.locator("table.list tbody tr", new Page.LocatorOptions().setHasText("bob@example.com"));
        assertThat(page.locator("table.list tbody tr")).hasCount(2);
        assertThat(row).containsText("3 × $100.00");
        assertThat(row).containsText("1 of 3");
        row.getByRole(AriaRole.LINK, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Membership"))
            .click();
        page.waitForLoadState();
        assertThat(page).hasURL(api.uri("/admin/payment-plans/" + plan.get("payment_plan_id").asString())
            .toString());
        assertThat(page.locator("nav[aria-label=Dashboard] a[aria-current=page]")).hasText("Billing");

        page.navigate(api.uri("/admin/invoices").toString());
        page.locator(".sub-tabs").getByText("Open").click();
        page.waitForLoadState();
        assertThat(page.locator("#invoices-title")).hasText("Open");
        assertThat(page.locator("table.list tbody tr")).hasCount(1);
        assertThat(page.locator("table.list tbody tr")).containsText("carol@example.com");
        assertThat(page.locator("table.list tbody tr .pill").first()).hasText("open");
        // When an open invoice turns overdue, as this Till is set (TILL_BILLING_INVOICE_OVERDUE_AFTER, 3 days).
        assertThat(page.locator(".heading")).containsText("it turns overdue 3 days after its due date");
        Chromium.screenshot(page, "billing-invoices-open-1280");
        // The invoice's own page calls it open too.
        page.locator("table.list tbody tr a").first().click();
        assertThat(page.locator("h1 .pill").first()).hasText("open");
        page.goBack();

        page.locator("nav[aria-label='Billing records']").getByText("Subscriptions").click();
        page.waitForLoadState();
        page.locator(".sub-tabs").getByText("Past due").click();
        page.waitForLoadState();
        assertThat(page.locator("table.list tbody tr")).hasCount(1);
        assertThat(page.locator("table.list tbody tr")).containsText("carol@example.com");

        // The list as a file for the seller's accounting: the rows of the tab shown, a customer's name made inert.
        page.locator("nav[aria-label='Billing records']").getByText("Orders").click();
        page.waitForLoadState();
        var all = page.waitForDownload(() -> page.getByRole(AriaRole.LINK, named("Download CSV")).click());
        assertThat(all.suggestedFilename()).matches("orders-\\d{4}-\\d{2}-\\d{2}\\.csv");
        var lines = csv(all);
        assertThat(lines.getFirst())
            .isEqualTo("\uFEFFid,number,created_at,status,customer_id,customer_name,customer_email,"
                + "items,currency,subtotal,discount,total,refunded,disputed,net");
        assertThat(lines).hasSize(6);
        assertThat(lines)
            .anySatisfy(line -> assertThat(line).contains(",\"'=HYPERLINK(\"\"http://evil.example\"\")\","));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains(",paid,").contains(",ada@example.com,")
            .endsWith(",usd,19.00,0.00,19.00,5.00,0.00,14.00"));
        page.locator(".sub-tabs").getByText("Failed").click();
        page.waitForLoadState();
        var failed = page.waitForDownload(() -> page.getByRole(AriaRole.LINK, named("Download CSV")).click());
        assertThat(failed.suggestedFilename()).startsWith("orders-failed-");
        assertThat(csv(failed)).hasSize(2).last().asString().contains("dave@example.com");
        page.locator("nav[aria-label='Billing records']").getByText("Invoices").click();
        page.waitForLoadState();
        var invoiceLines = csv(page.waitForDownload(() -> page.getByRole(AriaRole.LINK, named("Download CSV"))
            .click()));
        assertThat(invoiceLines).anySatisfy(line -> assertThat(line).contains(",issued,").contains(
            "carol@example.com"));

        var phone = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(390));
        for (String path : new String[]{"/admin/orders", "/admin/subscriptions", "/admin/payment-plans",
                "/admin/invoices"}) {
            phone.navigate(api.uri(path).toString());
            assertThat(phone.locator("table.list tbody tr").first()).isVisible();
            assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as(path)
                .isLessThanOrEqualTo(390);
            Chromium.screenshot(phone, "billing" + path.replace("/admin/", "-") + "-390");
        }

        // Three days past its due date the open invoice is overdue: its own tab, its own file, the API's filter.
        page.navigate(api.uri("/admin/invoices?status=overdue").toString());
        assertThat(page.locator(".none")).containsText("No overdue invoices");
        assertThat(shops.advance(shop, "P3D").status()).isEqualTo(200);
        page.navigate(api.uri("/admin/invoices").toString());
        page.locator(".sub-tabs").getByText("Overdue").click();
        page.waitForLoadState();
        assertThat(page.locator("#invoices-title")).hasText("Overdue");
        assertThat(page.locator("table.list tbody tr")).hasCount(1);
        assertThat(page.locator("table.list tbody tr")).containsText("carol@example.com");
        assertThat(page.locator("table.list tbody tr .pill.bad")).hasText("overdue");
        var overdueFile = page.waitForDownload(() -> page.getByRole(AriaRole.LINK, named("Download CSV")).click());
        assertThat(overdueFile.suggestedFilename()).startsWith("invoices-overdue-");
        assertThat(csv(overdueFile)).hasSize(2).last().asString().contains("carol@example.com").contains(",true,");
        var listed = api.get("/api/v1/invoices?overdue=true", shop.apiKey()).json().get("data");
        assertThat(listed.size()).isEqualTo(1);
        assertThat(listed.get(0).get("overdue").asBoolean()).isTrue();
        assertThat(api.get("/api/v1/invoices?overdue=maybe", shop.apiKey()).status()).isEqualTo(400);
        // As every yes-or-no filter: true or false, not yes, 1 or on (which a list would read as true).
        for (String spelled : java.util.List.of("yes", "1", "on")) {
            var refused = api.get("/api/v1/invoices?overdue=" + spelled, shop.apiKey());
            assertThat(refused.status()).as(spelled).isEqualTo(400);
            assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("overdue");
        }
    }

    /**
     * The lists and their CSV exports take the same filters as the API's lists (status, created_from, created_to),
     * refuse a bad one alike with a 400 naming it, and refuse a parameter they do not take rather than ignore it: an
     * export asked for one month and given every order would go to the seller's accounting unnoticed.
     */
    @Test
    void aPartlyRefundedOrderIsListedAsPartlyRefundedWithHowMuchWentBack() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        var refunded = api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"" + order.get("payment_id")
            .asString() + "\", \"amount\": 500}");
        assertThat(refunded.status()).as(refunded.text()).isEqualTo(201);

        for (int width : new int[]{1280, 390}) {
            var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(width),
                "/admin/orders");
            var row = page.locator("table.list tbody tr");
            assertThat(row.locator(".pill")).hasText("partly refunded");
            assertThat(row.locator("td[data-label=Total]")).containsText("$5.00 of $19.00 refunded");
            Chromium.screenshot(page, "billing-orders-partly-refunded-" + width);

            page.navigate(api.uri("/admin/customers/" + order.get("customer_id").asString()).toString());
            var onRecord = page.locator("#orders tbody tr");
            assertThat(onRecord.locator(".pill")).hasText("partly refunded");
            assertThat(onRecord.locator("td[data-label=Total]")).containsText("$5.00 of $19.00 refunded");
            Chromium.screenshot(page, "customer-record-partly-refunded-" + width);
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
                .isLessThanOrEqualTo(width);
        }
    }

    @Test
    void aListAndItsExportTakeTheSameFiltersAndRefuseABadOneNamingIt() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String day = order.get("created_at").asString().substring(0, 10);
        String nextDay = java.time.LocalDate.parse(day).plusDays(1).toString();
        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280));

        for (String path : java.util.List.of("/admin/orders", "/admin/orders.csv", "/admin/invoices.csv")) {
            var badDay = page.request().get(api.uri(path + "?created_from=yesterday").toString());
            assertThat(badDay.status()).as(path).isEqualTo(400);
            assertThat(badDay.text()).as(path).contains("Invalid created_from: must be a moment such as");
            var backwards = page.request().get(api.uri(path + "?created_from=" + nextDay + "&created_to=" + day)
                .toString());
            assertThat(backwards.status()).as(path).isEqualTo(400);
            assertThat(backwards.text()).as(path).contains("Invalid created_to: must be after created_from");
            var unknown = page.request().get(api.uri(path + "?status=paid&from=" + day).toString());
            assertThat(unknown.status()).as(path).isEqualTo(400);
            assertThat(unknown.text()).as(path).contains("Invalid from: is not a filter of this list");
            var twice = page.request().get(api.uri(path + "?status=paid&status=paid").toString());
            assertThat(twice.status()).as(path).isEqualTo(400);
            assertThat(twice.text()).as(path).contains("Invalid status: takes one value");
            var both = page.request().get(api.uri(path + "?created_to=someday&status=late").toString());
            assertThat(both.status()).as(path).isEqualTo(400);
            assertThat(both.text()).as(path).contains("Invalid status: must be one of")
                .contains("Invalid created_to: must be a moment such as");
        }
        assertThat(page.request().get(api.uri("/admin/orders.csv?cursor=ord_x").toString()).status())
            .as("an export is every record: it takes no cursor").isEqualTo(400);

        var before = page.request().get(api.uri("/admin/orders.csv?created_to=" + day).toString());
        var since = page.request().get(api.uri("/admin/orders.csv?status=paid&created_from=" + day).toString());
        assertThat(before.status()).isEqualTo(200);
        assertThat(before.text().split("\r\n")).hasSize(1);
        assertThat(since.text().split("\r\n")).hasSize(2);
        assertThat(since.text()).contains("ada@example.com");

        page.navigate(api.uri("/admin/orders?created_to=" + day).toString());
        assertThat(page.locator(".list-window")).containsText("before " + day);
        assertThat(page.locator("table.list tbody tr")).hasCount(0);
        page.locator(".sub-tabs").getByText("Paid").click();
        page.waitForLoadState();
        assertThat(page).hasURL(api.uri("/admin/orders?status=paid&created_to=" + day).toString());
        assertThat(page.locator(".list-csv")).hasAttribute("href", "/admin/orders.csv?status=paid&created_to=" + day);
        Chromium.screenshot(page, "billing-orders-window-1280");
        page.getByRole(AriaRole.LINK, named("All dates")).click();
        page.waitForLoadState();
        assertThat(page).hasURL(api.uri("/admin/orders?status=paid").toString());
        assertThat(page.locator("table.list tbody tr")).hasCount(1);
        var phone = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(390),
            "/admin/orders?created_from=" + day + "&created_to=" + nextDay);
        assertThat(phone.locator("table.list tbody tr")).hasCount(1);
        Chromium.screenshot(phone, "billing-orders-window-390");
    }

    /**
     * A reviewer's: a disputed order's money was counted as kept in the orders export ("net") and its page said only
     * "Paid", where the customer's record leaves it out of their lifetime value.
     */
    @Test
    void aDisputedOrderIsNotCountedAsKeptInTheExportAndItsPageSaysSo() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String payment = api.get("/api/v1/payments?customer_id=" + order.get("customer_id").asString(),
            shop.apiKey()).json().get("data").get(0).get("id").asString();
        var refunded = api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"" + payment + "\", "
            + "\"amount\": 400}");
        assertThat(refunded.status()).as(refunded.text()).isEqualTo(201);
        var disputed = api.post("/api/v1/payments/" + payment + "/dispute", shop.apiKey(), "{}");
        assertThat(disputed.status()).as(disputed.text()).isEqualTo(200);
        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280));

        var lines = page.request().get(api.uri("/admin/orders.csv").toString()).text().split("\r\n");
        page.navigate(api.uri("/admin/orders/" + order.get("id").asString()).toString());

        assertThat(lines[0]).endsWith(",total,refunded,disputed,net");
        assertThat(lines[1]).endsWith(",usd,19.00,0.00,19.00,4.00,15.00,0.00");
        assertThat(page.locator("dd").first()).isVisible();
        assertThat(page.locator("main")).containsText("Paid. Partly refunded: $4.00 of $19.00. Disputed with the "
            + "buyer's bank: $15.00");
    }

    @Test
    void aStatusTheRecordNeverHasIsRefusedAndAnEmptyTabSaysWhy() {
        var shop = shops.open();
        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280));
        var response = page.navigate(api.uri("/admin/invoices?status=late").toString());
        assertThat(response.status()).isEqualTo(400);
        assertThat(page.locator("main")).containsText("status");
        var export = page.navigate(api.uri("/admin/invoices.csv?status=late").toString());
        assertThat(export.status()).isEqualTo(400);

        page.navigate(api.uri("/admin/orders?status=failed").toString());
        assertThat(page.locator(".none")).containsText("No failed orders");
        page.navigate(api.uri("/admin/payment-plans?status=unpaid").toString());
        assertThat(page.locator(".none")).containsText("No payment plan is unpaid");
        page.navigate(api.uri("/admin/invoices").toString());
        assertThat(page.locator(".none")).containsText("No invoices yet");
    }
}
