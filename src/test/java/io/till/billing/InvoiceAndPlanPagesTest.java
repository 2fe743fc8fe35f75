package io.till.billing;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
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
import tools.jackson.databind.JsonNode;

/**
 * The invoice and payment plan records in a real browser: staff pay a past-due invoice with another card, void one,
 * apply credit to one, and read a plan's installments and cancel it; each checked through the API.
 */
@TillIntegrationTest
class InvoiceAndPlanPagesTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    JdbcClient db;
    @Autowired
    PasswordEncoder passwords;
    @Autowired
    BillingActions billingActions;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    /** A trial bought with a card that accepts no charge, its first renewal declined: the invoice past due. */
    private record PastDue(Shops.Shop shop, String customer, String subscription, String invoice) {}

    private PastDue pastDue() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String customer = order.get("customer_id").asString();
        shops.advance(shop, "P14DT1M");
        String subscription = order.get("subscription_id").asString();
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("past_due");
        String invoice = api.get("/api/v1/invoices?customer_id=" + customer, shop.apiKey()).json().get("data").get(0)
            .get("id").asString();
        return new PastDue(shop, customer, subscription, invoice);
    }

    private Page open(Shops.Shop shop, String path, int width) {
        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(width), path);
        return page;
    }

    private JsonNode invoice(PastDue due) {
        return api.get("/api/v1/invoices/" + due.invoice(), due.shop().apiKey()).json();
    }

    private static void confirm(Page page, String button) {
        var dialog = page.getByRole(AriaRole.DIALOG);
        assertThat(dialog).isVisible();
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(button)).click();
    }

    private static Locator button(Page page, String name) {
        return page.locator("main").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(name));
    }

    private static void noSidewaysScroll(Page page) {
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
    }

    @Test
    void staffPayAPastDueInvoiceNowWithAnotherCard() {
        var due = pastDue();
        var saved = api.post("/api/v1/customers/" + due.customer() + "/payment_methods", due.shop().apiKey(),
            "{\"token\": \"pm_card_visa\"}");
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        var staff = StaffBrowser.of(db, passwords, due.shop().accountId());
        var page = staff.signIn(api, chromium.page(1280), "/admin/invoices/" + due.invoice());
        // Its number in the account, not its place in the subscription (period 2, after the trial).
        assertThat(page.locator("h1")).containsText("Invoice #" + invoice(due).get("number").asLong());
        assertThat(page.locator("#attempts")).containsText("failed");
        assertThat(page.locator("main")).containsText(due.subscription());
        Chromium.screenshot(page, "dashboard-invoice-past-due-1280");
        // The card that pays it is offered once, first; then the customer's other card.
        assertThat(page.locator("#pay-card option")).hasCount(2);
        assertThat(page.locator("#pay-card option").first()).containsText("(pays it)");
        assertThat(page.locator("#pay-card option").nth(1)).containsText("ending in 4242");

        page.getByLabel("Card to charge").selectOption(saved.json().get("id").asString());
        button(page, "Pay now ($19.00)").click();
        // The question names the card chosen, not only "the customer's card".
        assertThat(page.getByRole(AriaRole.DIALOG)).containsText("Charge $19.00 to Visa ending in 4242 · expires");
        confirm(page, "Charge now");

        assertThat(page.locator(".flash")).containsText("Paid: $19.00 charged.");
        assertThat(page.locator("h1 .pill").first()).hasText("paid");
        assertThat(page.locator("#attempts tbody tr")).hasCount(2);
        assertThat(page.locator("#attempts tbody tr").first()).containsText("failed");
        assertThat(page.locator("#attempts tbody tr").last()).containsText("succeeded");
        // Who charged it on demand: the staff member, not "the billing schedule".
        assertThat(page.locator("#attempts tbody tr").last()).containsText("Pay now by " + staff.email());
        assertThat(page.locator("#attempts tbody tr").first()).containsText("Billing, attempt 1");
        assertThat(invoice(due).get("status").asString()).isEqualTo("paid");
        assertThat(shops.subscription(due.shop(), due.subscription()).get("status").asString()).isEqualTo("active");
        Chromium.screenshot(page, "dashboard-invoice-paid-1280");
        page.getByLabel("Credit note amount").fill("25");
        button(page, "Issue credit note").click();
        confirm(page, "Issue credit note");
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("at most the $19.00 of this invoice not yet credited");
        assertThat(page.getByRole(AriaRole.ALERT)).not().containsText("1900");
        page.getByLabel("Credit note amount").fill("5");
        page.getByLabel("Reason (optional)").fill("Late");
        button(page, "Issue credit note").click();
        assertThat(page.getByRole(AriaRole.DIALOG)).containsText(" $5.00? They can spend it");
        confirm(page, "Issue credit note");
        assertThat(page.locator(".flash")).containsText("Credit note of $5.00 issued");
        assertThat(page.locator("#credits")).containsText("credit note");
        assertThat(api.get("/api/v1/customers/" + due.customer() + "/credits", due.shop().apiKey()).json()
            .get("balances").get(0).get("amount").asLong()).isEqualTo(500);
        var phone = open(due.shop(), "/admin/invoices/" + due.invoice(), 390);
        Chromium.screenshot(phone, "dashboard-invoice-paid-390");
        noSidewaysScroll(phone);
    }

    /**
     * An invoice declined on the subscription's card and then paid with another says, in its summary, the card that
     * paid it; the declined attempt keeps its own card in the attempts.
     */
    @Test
    void aPaidInvoiceNamesTheCardThatPaidItNotTheOneThatWasDeclined() {
        var due = pastDue();
        var visa = api.post("/api/v1/customers/" + due.customer() + "/payment_methods", due.shop().apiKey(),
            "{\"token\": \"pm_card_visa\"}");
        assertThat(visa.status()).as(visa.text()).isEqualTo(201);
        var paid = api.post("/api/v1/invoices/" + due.invoice() + "/pay", due.shop().apiKey(),
            "{\"payment_method_id\": \"" + visa.json().get("id").asString() + "\"}");
        assertThat(paid.status()).as(paid.text()).isEqualTo(200);

        var page = open(due.shop(), "/admin/invoices/" + due.invoice(), 1280);

        var summary = page.locator("section[aria-labelledby=about] .facts");
        assertThat(summary).containsText("Paid with");
        assertThat(summary).containsText("Visa ending in 4242");
        assertThat(summary).not().containsText("0341");
        var rows = page.locator("#attempts tbody tr");
        assertThat(rows.first()).containsText("failed");
        assertThat(rows.first()).containsText("Visa ending in 0341");
        assertThat(rows.last()).containsText("succeeded");
        assertThat(rows.last()).containsText("Visa ending in 4242");
    }

    /**
     * Two saved cards of one brand and number (a card reissued with a new expiry) are told apart by their expiry in
     * every staff list that charges a card, as the portal tells them apart: the invoice's "Card to charge", the
     * subscription's "Pay with" and an internal order's "Card on file".
     */
    @Test
    void twoCardsOfOneNumberAreToldApartByTheirExpiryInEveryStaffCardList() {
        var due = pastDue();
        int year = java.time.Year.now(java.time.ZoneOffset.UTC).getValue();
        for (int month : new int[]{3, 12}) {
            var saved = api.post("/api/v1/customers/" + due.customer() + "/payment_methods", due.shop().apiKey(),
                "{\"token\": \"pm_card_visa\", \"exp_month\": " + month + ", \"exp_year\": " + (year + 20) + "}");
            assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        }
        String march = "Visa ending in 4242 · expires 03/" + (year + 20);
        String december = "Visa ending in 4242 · expires 12/" + (year + 20);
        var page = open(due.shop(), "/admin/invoices/" + due.invoice(), 1280);
        for (String list : new String[]{"/admin/invoices/" + due.invoice() + "#pay-card",
                "/admin/subscriptions/" + due.subscription() + "#card-id",
                "/admin/customers/" + due.customer() + "/orders/new#card"}) {
            page.navigate(api.uri(list.substring(0, list.indexOf('#'))).toString());
            var options = page.locator("select" + list.substring(list.indexOf('#')) + " option").allTextContents()
                .stream()
                .map(String::strip)
                .toList();
            assertThat(options).as(list).doesNotHaveDuplicates();
            assertThat(options).as(list).anyMatch(label -> label.startsWith(march));
            assertThat(options).as(list).anyMatch(label -> label.startsWith(december));
        }
    }

    /**
     * "Change card and charge" on a past-due subscription charges what it owes to the card chosen, and the message
     * says how that went: declined in the bank's words (the invoice still open), then paid with a card that works.
     */
    @Test
    void changingThePastDueSubscriptionsCardSaysWhetherWhatItOwedWasPaid() {
        var due = pastDue();
        var failing = api.post("/api/v1/customers/" + due.customer() + "/payment_methods", due.shop().apiKey(),
            "{\"token\": \"pm_card_chargeCustomerFail\"}");
        assertThat(failing.status()).as(failing.text()).isEqualTo(201);
        var page = open(due.shop(), "/admin/subscriptions/" + due.subscription(), 1280);

        page.getByLabel("Pay with").selectOption(failing.json().get("id").asString());
        button(page, "Change card").click();
        confirm(page, "Change card and charge");
        assertThat(page.locator(".flash")).containsText("from now on. The bank declined it for the $19.00 owed (“");
        assertThat(page.locator(".flash")).containsText("”): it stays unpaid");
        assertThat(invoice(due).get("status").asString()).isEqualTo("issued");

        var visa = api.post("/api/v1/customers/" + due.customer() + "/payment_methods", due.shop().apiKey(),
            "{\"token\": \"pm_card_visa\"}");
        assertThat(visa.status()).as(visa.text()).isEqualTo(201);
        page.reload();
        page.getByLabel("Pay with").selectOption(visa.json().get("id").asString());
        button(page, "Change card").click();
        assertThat(page.getByRole(AriaRole.DIALOG)).containsText("Pay this subscription with Visa ending in 4242");
        confirm(page, "Change card and charge");
        assertThat(page.locator(".flash")).containsText("Visa ending in 4242");
        assertThat(page.locator(".flash")).containsText("and the $19.00 it owed is paid with it.");
        assertThat(invoice(due).get("status").asString()).isEqualTo("paid");
        assertThat(shops.subscription(due.shop(), due.subscription()).get("status").asString()).isEqualTo("active");

        // The invoice says what made the charges: each card change, by whom, not "Billing, attempt 3".
        page.navigate(api.uri("/admin/invoices/" + due.invoice()).toString());
        var attempts = page.locator("#attempts tbody tr");
        assertThat(attempts).hasCount(3);
        assertThat(attempts.nth(0)).containsText("Billing, attempt 1");
        assertThat(attempts.nth(1)).containsText("After a card change by staff-");
        assertThat(attempts.nth(2)).containsText("After a card change by staff-");
        assertThat(attempts.nth(2)).containsText("Visa ending in 4242");
    }

    /**
     * Every charge tried on a card for the invoice is an attempt: the billing schedule's (or pay now's) and an
     * automation's retry, which does not move the schedule. The count says as many as the rows listed, on the invoice
     * and on its subscription, and each row says who made it and with which card, as the buyer reads a card.
     */
    @Test
    void theAttemptsCountedAreTheChargesListedEachSayingWhoMadeItAndWithWhichCard() {
        var due = pastDue();
        shops.advance(due.shop(), "PT15M");
        var retried = billingActions.retryPayment(due.shop().accountId(), due.invoice(), "exe_test:retry",
            "exe_test");
        assertThat(retried.status()).isEqualTo("declined");

        var page = open(due.shop(), "/admin/invoices/" + due.invoice(), 1280);

        var rows = page.locator("#attempts tbody tr");
        assertThat(rows).hasCount(2);
        assertThat(page.locator(".stat").filter(new Locator.FilterOptions().setHasText("Charge attempts"))
            .locator("dd")).hasText("2");
        assertThat(invoice(due).get("attempt_count").asInt()).as("the API counts as staff do").isEqualTo(2);
        assertThat(rows.first()).containsText("Billing, attempt 1");
        assertThat(rows.first()).containsText("Visa ending in 0341");
        assertThat(rows.last()).containsText("Automation retry");
        assertThat(rows.last()).containsText("Visa ending in 0341");
        assertThat(page.locator("#attempts")).not().containsText("••••");
        Chromium.screenshot(page, "dashboard-invoice-attempts-1280");
        var phone = open(due.shop(), "/admin/invoices/" + due.invoice(), 390);
        Chromium.screenshot(phone, "dashboard-invoice-attempts-390");
        noSidewaysScroll(phone);
        phone.navigate(api.uri("/admin/subscriptions/" + due.subscription()).toString());
        assertThat(phone.locator("#invoices [data-label=Attempts]")).hasText("2");
    }

    @Test
    void afterACreditNoteTheRefundFormOffersWhatTheServerAllowsAndTheInvoiceListsItsRefunds() {
        var due = pastDue();
        var saved = api.post("/api/v1/customers/" + due.customer() + "/payment_methods", due.shop().apiKey(),
            "{\"token\": \"pm_card_visa\"}");
        var paid = api.post("/api/v1/invoices/" + due.invoice() + "/pay", due.shop().apiKey(),
            "{\"payment_method_id\": \"%s\"}".formatted(saved.json().get("id").asString()));
        assertThat(paid.status()).as(paid.text()).isEqualTo(200);
        var noted = api.post("/api/v1/invoices/" + due.invoice() + "/credit_note", due.shop().apiKey(),
            "{\"amount\": 500, \"reason\": \"Late\"}");
        assertThat(noted.status()).as(noted.text()).isIn(200, 201);

        var page = open(due.shop(), "/admin/subscriptions/" + due.subscription(), 1280);
        var payment = page.locator("#payments tbody tr").filter(new Locator.FilterOptions().setHasText("succeeded"));
        payment.locator("summary").click();
        var amount = payment.getByLabel("Amount to refund (at most $14.00)");
        assertThat(amount).hasValue("14.00");
        amount.fill("3");
        payment.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Refund")).click();
        confirm(page, "Refund");
        assertThat(page.locator(".flash")).containsText("Refunded $3.00");

        page.navigate(api.uri("/admin/invoices/" + due.invoice()).toString());
        assertThat(page.locator("#attempts tbody tr").last()).containsText("Pay now by the API");
        var refunds = page.locator("#refunds tbody tr");
        assertThat(refunds).hasCount(1);
        assertThat(refunds).containsText("$3.00");
        Chromium.screenshot(page, "dashboard-invoice-refunds-1280");
    }

    @Test
    void aRefusedCreditNoteKeepsTheAmountAndReasonTyped() {
        var due = pastDue();
        var saved = api.post("/api/v1/customers/" + due.customer() + "/payment_methods", due.shop().apiKey(),
            "{\"token\": \"pm_card_visa\"}");
        var paid = api.post("/api/v1/invoices/" + due.invoice() + "/pay", due.shop().apiKey(),
            "{\"payment_method_id\": \"%s\"}".formatted(saved.json().get("id").asString()));
        assertThat(paid.status()).as(paid.text()).isEqualTo(200);
        var page = open(due.shop(), "/admin/invoices/" + due.invoice(), 1280);

        page.getByLabel("Credit note amount").fill("500");
        page.getByLabel("Reason (optional)").fill("Sorry for the outage");
        button(page, "Issue credit note").click();
        confirm(page, "Issue credit note");

        assertThat(page.locator("main [role=alert]")).containsText("Nothing changed.");
        assertThat(page.getByLabel("Credit note amount")).hasValue("500");
        assertThat(page.getByLabel("Reason (optional)")).hasValue("Sorry for the outage");
    }

    @Test
    void staffVoidAnOpenInvoiceAndAStalePayNowIsRefusedNamingItsStatus() {
        var due = pastDue();
        var page = open(due.shop(), "/admin/invoices/" + due.invoice(), 1280);
        var stale = open(due.shop(), "/admin/invoices/" + due.invoice(), 390);
        Chromium.screenshot(stale, "dashboard-invoice-past-due-390");
        noSidewaysScroll(stale);

        button(page, "Void invoice").click();
        confirm(page, "Void invoice");
        assertThat(page.locator(".flash")).containsText("Invoice voided.");
        assertThat(invoice(due).get("status").asString()).isEqualTo("void");
        assertThat(button(page, "Pay now ($19.00)")).hasCount(0);
        assertThat(page.locator("#not-offered")).hasText("Not while it is void: pay now, apply credits, void, credit "
            + "note. It stays on record as it was, and is never charged again.");
        assertThat(stale.locator("#not-offered")).hasText("Not while it is open: credit note. A credit note is for a "
            + "paid invoice.");

        button(stale, "Pay now ($19.00)").click();
        confirm(stale, "Charge now");
        assertThat(stale.getByRole(AriaRole.ALERT)).containsText("Cannot pay an invoice that is void.");
        assertThat(invoice(due).get("status").asString()).isEqualTo("void");
        assertThat(invoice(due).get("attempt_count").asInt()).isEqualTo(1);
    }

    /** A subscription's invoice written off is still owed: staff can forgive it by voiding it, and nothing else. */
    @Test
    void staffVoidAnInvoiceWrittenOffAndItsSubscriptionIsActiveAgain() {
        var due = pastDue();
        billingActions.markUncollectible(due.shop().accountId(), due.invoice());
        var page = open(due.shop(), "/admin/invoices/" + due.invoice(), 1280);
        assertThat(page.locator("#not-offered"))
            .hasText("Not while it is uncollectible: pay now, apply credits, credit note. It "
                + "stays on record as it was, and is never charged again.");
        assertThat(button(page, "Pay now ($19.00)")).hasCount(0);

        button(page, "Void invoice").click();
        confirm(page, "Void invoice");

        assertThat(page.locator(".flash")).containsText("Invoice voided.");
        assertThat(invoice(due).get("status").asString()).isEqualTo("void");
        assertThat(api.get("/api/v1/subscriptions/" + due.subscription(), due.shop().apiKey()).json().get("status")
            .asString()).isEqualTo("active");
    }

    @Test
    void staffApplyTheCustomersCreditToAnOpenInvoice() {
        var due = pastDue();
        var granted = api.post("/api/v1/customers/" + due.customer() + "/credits", due.shop().apiKey(),
            "{\"amount\": 500, \"currency\": \"usd\", \"reason\": \"Goodwill\"}");
        assertThat(granted.status()).as(granted.text()).isEqualTo(201);
        var page = open(due.shop(), "/admin/invoices/" + due.invoice(), 1280);
        assertThat(page.locator("#apply-credits")).containsText("Credit available: $5.00");

        button(page, "Apply credits").click();
        confirm(page, "Apply credits");

        assertThat(page.locator(".flash")).containsText("Applied $5.00 of credit.");
        assertThat(page.locator("#credits")).containsText("applied");
        assertThat(page.locator("main")).containsText("Left to charge");
        assertThat(button(page, "Pay now ($14.00)")).isVisible();
        assertThat(invoice(due).get("amount_credited").asLong()).isEqualTo(500);
        assertThat(invoice(due).get("status").asString()).isEqualTo("issued");
    }

    /**
     * Nothing applied is said for what it is: an amount of 0 is refused as an amount, while the customer's credit is
     * there; credit spent meanwhile (from another tab, or the API) is said to be gone, in the API's words.
     */
    @Test
    void applyingNoAmountOrCreditThatIsGoneSaysWhichInsteadOfThatTheCustomerHasNone() {
        var due = pastDue();
        api.post("/api/v1/customers/" + due.customer() + "/credits", due.shop().apiKey(),
            "{\"amount\": 500, \"currency\": \"usd\"}");
        var page = open(due.shop(), "/admin/invoices/" + due.invoice(), 1280);
        var stale = open(due.shop(), "/admin/invoices/" + due.invoice(), 390);

        page.getByLabel("Amount (blank: as much as it covers)").fill("0");
        button(page, "Apply credits").click();
        confirm(page, "Apply credits");

        assertThat(page.getByRole(AriaRole.ALERT)).containsText("Invalid amount: must be more than 0");
        // What was typed stays, to be corrected.
        assertThat(page.getByLabel("Amount (blank: as much as it covers)")).hasValue("0");
        assertThat(page.locator("main")).not().containsText("has no USD credit");
        assertThat(page.locator("#apply-credits")).containsText("Credit available: $5.00");
        assertThat(invoice(due).get("amount_credited").asLong()).isZero();
        Chromium.screenshot(page, "dashboard-invoice-credits-zero-1280");

        var spent = api.post("/api/v1/invoices/" + due.invoice() + "/apply_credits", due.shop().apiKey(), "{}");
        assertThat(spent.json().get("amount_credited").asLong()).isEqualTo(500);
        button(stale, "Apply credits").click();
        confirm(stale, "Apply credits");

        assertThat(stale.getByRole(AriaRole.ALERT)).containsText("No credit was applied: the customer has no USD "
            + "credit.");
        Chromium.screenshot(stale, "dashboard-invoice-credits-gone-390");
        var again = api.post("/api/v1/invoices/" + due.invoice() + "/apply_credits", due.shop().apiKey(), "{}");
        assertThat(again.json().get("detail").asString()).isEqualTo("No credit was applied: the customer has no "
            + "USD credit.");
        assertThat(invoice(due).get("amount_credited").asLong()).isEqualTo(500);
    }

    @Test
    void movingTheNextBillTakesTheDayInTheStaffMembersTimeZoneAndKeepsTheTimeOfDay() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String plan = order.get("payment_plan_id").asString();
        var zone = java.time.ZoneId.of("America/Los_Angeles");
        var before = java.time.Instant.parse(api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json()
            .get("next_bill_at").asString()).atZone(zone);
        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280, zone.getId()),
            "/admin/payment-plans/" + plan);

        var picker = page.getByLabel("Next bill date");
        assertThat(picker).hasValue(before.toLocalDate().toString());
        // A day gone by is refused in the page's words, not by the API's name for the field.
        picker.fill(before.toLocalDate().minusYears(1).toString());
        button(page, "Move next bill").click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("The next bill must be in the future.");
        assertThat(page.getByRole(AriaRole.ALERT)).not().containsText("next_bill_at");
        picker = page.getByLabel("Next bill date");
        var day = before.toLocalDate().plusDays(10);
        picker.fill(day.toString());
        button(page, "Move next bill").click();

        assertThat(page.locator(".flash")).containsText("The next installment is billed on");
        assertThat(page.getByLabel("Next bill date")).hasValue(day.toString());
        var after = java.time.Instant.parse(api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json()
            .get("next_bill_at").asString());
        assertThat(after).isEqualTo(java.time.ZonedDateTime.of(day, before.toLocalTime(), zone).toInstant());
    }

    /** An unpaid plan (out of retries, still owing) keeps its next bill date, and every list says it as its page does. */
    @Test
    void anUnpaidPlansNextBillIsShownInTheListsAsOnItsPage() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String plan = order.get("payment_plan_id").asString();
        db.sql("UPDATE payment_plans SET status = 'unpaid' WHERE account_id = ? AND id = ?")
            .params(shop.accountId(), plan)
            .update();
        var nextBill = java.time.Instant.parse(api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json()
            .get("next_bill_at").asString());
        String day = java.time.format.DateTimeFormatter.ofPattern("MMM d, uuuu", java.util.Locale.US)
            .format(nextBill.atZone(java.time.ZoneOffset.UTC));

        var record = open(shop, "/admin/customers/" + order.get("customer_id").asString(), 1280);
        var row = record.locator("#plans tbody tr");
        assertThat(row).containsText("unpaid");
        assertThat(row.locator("td[data-label='Next bill']")).containsText(day);
        var list = open(shop, "/admin/payment-plans", 1280);
        assertThat(list.locator("tbody tr td[data-label='Next bill']")).not().containsText("—");
        var page = open(shop, "/admin/payment-plans/" + plan, 1280);
        assertThat(page.locator(".stat").filter(new com.microsoft.playwright.Locator.FilterOptions()
            .setHasText("Next bill"))).containsText(day);
    }

    /** An installment is billed for a day, not a period: its invoice says "For Mar 3, 2027", not "Mar 3, 2027 –". */
    @Test
    void anInstallmentsInvoiceNamesItsDayNotAnOpenPeriod() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        shops.advance(shop, "P32D");
        var invoices = api.get("/api/v1/invoices?customer_id=" + order.get("customer_id").asString(), shop.apiKey())
            .json().get("data");
        assertThat(invoices.size()).isGreaterThan(0);
        var page = open(shop, "/admin/invoices/" + invoices.get(0).get("id").asString(), 1280);

        var facts = page.locator(".facts").first();
        assertThat(facts.locator("dt").filter(new Locator.FilterOptions().setHasText("For"))).hasCount(1);
        assertThat(facts).not().containsText("–");
        var plan = open(shop, "/admin/payment-plans/" + order.get("payment_plan_id").asString(), 1280);
        assertThat(plan.locator("#invoices td[data-label=Period]")).not().hasCount(0);
        assertThat(plan.locator("#invoices td[data-label=Period]").first()).not().containsText("–");
    }

    /** A reviewer saw a plan bought half off list its first installment at $100.00 and "Paid so far" $100.00. */
    @Test
    void aPlanBoughtWithAPromoCodeShowsWhatItsFirstInstallmentCost() {
        var shop = shops.open();
        var order = shops.buyPlanHalfOff(shop);
        shops.advance(shop, "P32D");

        var page = open(shop, "/admin/payment-plans/" + order.get("payment_plan_id").asString(), 1280);

        var installments = page.locator("#installments tbody tr");
        assertThat(installments.nth(0)).containsText("$50.00");
        assertThat(installments.nth(1)).containsText("$100.00");
        assertThat(page.locator(".stat:has(dt:text-is('Paid so far')) dd")).hasText("$150.00");
        assertThat(page.locator(".stat:has(dt:text-is('Remaining')) dd")).hasText("$100.00");
    }

    /**
     * Seed 004's "refunds" on a plan's record: staff refund part of the installment paid with the order, after a
     * dialog naming the amount typed; the refund is listed and the payment offers only what is left to refund.
     */
    @Test
    void staffRefundPartOfAPlansPaymentFromThePlanAndWhatIsLeftIsOffered() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String plan = order.get("payment_plan_id").asString();
        var page = open(shop, "/admin/payment-plans/" + plan, 1280);

        var payment = page.locator("#payments tbody tr").filter(new Locator.FilterOptions().setHasText("$100.00"));
        payment.locator("summary").click();
        var amount = payment.getByLabel("Amount to refund (at most $100.00)");
        assertThat(amount).hasValue("100.00");
        amount.fill("40");
        payment.getByLabel("Reason (optional)").fill("Module 3 not delivered");
        payment.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Refund")).click();
        assertThat(page.getByRole(AriaRole.DIALOG)).containsText("Refund $40.00 to Buyer?");
        Chromium.screenshot(page, "dashboard-payment-plan-refund-confirm-1280");
        confirm(page, "Refund");

        assertThat(page.locator(".flash")).containsText("Refunded $40.00 of the $100.00 payment by Visa ending in "
            + "4242: it goes back to that card.");
        var refunds = page.locator("#refunds tbody tr");
        assertThat(refunds).hasCount(1);
        assertThat(refunds.first()).containsText("$40.00");
        assertThat(refunds.first()).containsText("Module 3 not delivered");
        payment = page.locator("#payments tbody tr").filter(new Locator.FilterOptions().setHasText("$100.00"));
        assertThat(payment).containsText("$40.00 refunded");
        assertThat(page.locator(".stat:has(dt:text-is('Paid so far')) dd")).hasText("$100.00 $40.00 refunded");
        payment.locator("summary").click();
        assertThat(payment.getByLabel("Amount to refund (at most $60.00)")).hasValue("60.00");
        Chromium.screenshot(page, "dashboard-payment-plan-refunded-1280");
        var paid = api.get("/api/v1/payments?customer_id=" + order.get("customer_id").asString(), shop.apiKey())
            .json().get("data").get(0);
        assertThat(paid.get("amount_refunded").asLong()).isEqualTo(4000);
        var phone = open(shop, "/admin/payment-plans/" + plan, 390);
        assertThat(phone.locator("#refunds")).containsText("$40.00");
        Chromium.screenshot(phone, "dashboard-payment-plan-refunded-390");
        noSidewaysScroll(phone);
    }

    /**
     * "Change card" on a plan makes the card chosen pay the plan only: the plan's record then shows it, and the
     * customer's subscription, paid by the card the plan had, keeps that card.
     */
    @Test
    void staffChangeTheCardThatPaysAPlanAndTheCustomersSubscriptionKeepsItsCard() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String plan = order.get("payment_plan_id").asString();
        String visa = api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json().get("card_id").asString();
        var monthly = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer_id": "%s", "payment_method_id": "%s", "option_id": "%s"}""".formatted(customer, visa,
            shop.monthly()));
        assertThat(monthly.status()).as(monthly.text()).isEqualTo(201);
        String subscription = monthly.json().get("subscription_id").asString();
        String mastercard = shops.saveCard(shop, customer, "pm_card_mastercard");
        var page = open(shop, "/admin/payment-plans/" + plan, 1280);
        assertThat(page.locator("#card .facts dd")).containsText("Visa ending in 4242");

        page.getByLabel("Pay with").selectOption(mastercard);
        button(page, "Change card").click();

        assertThat(page.locator(".flash")).containsText("The plan is paid with Mastercard ending in 4444");
        assertThat(page.locator("#card .facts dd")).containsText("Mastercard ending in 4444");
        assertThat(page.getByLabel("Pay with")).hasValue(mastercard);
        Chromium.screenshot(page, "dashboard-payment-plan-card-changed-1280");
        assertThat(api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json().get("card_id").asString())
            .isEqualTo(mastercard);
        assertThat(shops.subscription(shop, subscription).get("card_id").asString()).isEqualTo(visa);
        page.navigate(api.uri("/admin/subscriptions/" + subscription).toString());
        assertThat(page.locator("#card .facts dd")).containsText("Visa ending in 4242");
        assertThat(page.locator("#card .facts dd")).not().containsText("Mastercard");
        var phone = open(shop, "/admin/payment-plans/" + plan, 390);
        assertThat(phone.locator("#card .facts dd")).containsText("Mastercard ending in 4444");
        Chromium.screenshot(phone, "dashboard-payment-plan-card-changed-390");
        noSidewaysScroll(phone);
    }

    @Test
    void aPaymentPlanShowsItsInstallmentsAndStaffCancelIt() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String plan = order.get("payment_plan_id").asString();
        var page = open(shop, "/admin/payment-plans/" + plan, 1280);

        var installments = page.locator("#installments tbody tr");
        assertThat(installments).hasCount(3);
        assertThat(installments.nth(0)).containsText("paid");
        assertThat(installments.nth(0)).containsText("Paid with the order");
        assertThat(installments.nth(1)).containsText("upcoming");
        assertThat(page.locator(".stats")).containsText("1 of 3");
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Order #" + order.get("number")
            .asLong()).setExact(true))).hasAttribute("href", "/admin/orders/" + order.get("id").asString());
        assertThat(page.locator(".stats")).containsText("$200.00");
        assertThat(page.locator("#payments")).containsText("$100.00");
        assertThat(page.locator("#not-offered")).hasCount(0);
        Chromium.screenshot(page, "dashboard-payment-plan-1280");
        // A card with a long name in the "Pay with" list still fits a phone.
        var mastercard = api.post("/api/v1/customers/" + order.get("customer_id").asString() + "/payment_methods",
            shop.apiKey(), "{\"token\": \"pm_card_mastercard\"}");
        assertThat(mastercard.status()).as(mastercard.text()).isEqualTo(201);
        var phone = open(shop, "/admin/payment-plans/" + plan, 390);
        assertThat(phone.getByLabel("Pay with")).containsText("Mastercard ending in 4444");
        Chromium.screenshot(phone, "dashboard-payment-plan-390");
        noSidewaysScroll(phone);

        button(page, "Cancel plan").click();
        confirm(page, "Cancel plan");

        assertThat(page.locator(".flash")).containsText("Payment plan canceled.");
        assertThat(page.locator("h1 .pill")).hasText("canceled");
        assertThat(button(page, "Reactivate plan")).isVisible();
        assertThat(page.locator("#not-offered")).hasText("Not while it is canceled: cancel, move next bill, change "
            + "card.");
        assertThat(page.locator("#card form")).hasCount(0);
        assertThat(api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json().get("status").asString())
            .isEqualTo("canceled");

        // A plan of no record (or another account's) is the friendly not-found page, not a server error.
        var form = page.locator("form:has(input[name=form_key])").first();
        var sent = page.request().post(api.uri("/admin/payment-plans/plan_doesnotexist0000000000/status").toString(),
            com.microsoft.playwright.options.RequestOptions.create().setForm(com.microsoft.playwright.options.FormData
                .create()
                .set("_csrf", form.locator("input[name=_csrf]").inputValue())
                .set("form_key", form.locator("input[name=form_key]").inputValue())
                .set("status", "active")).setMaxRedirects(0));
        assertThat(sent.status()).isEqualTo(404);
    }
}
