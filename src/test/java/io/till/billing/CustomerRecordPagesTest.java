package io.till.billing;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.shared.Agenda;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.Shops;
import io.till.testing.StaffBrowser;
import io.till.testing.TillIntegrationTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Seed 004 in a real browser: staff find a customer by typing part of the name, open the result from the keyboard and
 * read the record with its subscription; a customer of another account is not found.
 */
@TillIntegrationTest
class CustomerRecordPagesTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    CardChoices cardChoices;
    @Autowired
    Shops shops;
    @Autowired
    BillingActions billing;
    @Autowired
    JdbcClient db;
    @Autowired
    PasswordEncoder passwords;
    @Autowired
    List<Agenda> agendas;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    /** A store with two customers; Ada pays a monthly membership with a Visa. */
    private record Store(Shops.Shop shop, String ada, String subscription) {}

    private Store store() {
        var shop = shops.open();
        String ada = customer(shop, "Ada Lovelace", "ada@analytical.example");
        customer(shop, "Grace Hopper", "grace@cobol.example");
        var bought = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer_id": "%s", "token": "pm_card_visa", "option_id": "%s"}""".formatted(ada, shop.monthly()));
        assertThat(bought.status()).as(bought.text()).isEqualTo(201);
        return new Store(shop, ada, bought.json().get("subscription_id").asString());
    }

    private String customer(Shops.Shop shop, String name, String email) {
        var created = api.post("/api/v1/customers", shop.apiKey(), """
            {"name": "%s", "email": "%s"}""".formatted(name, email));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private Page signedIn(Store store, int width) {
        return StaffBrowser.of(db, passwords, store.shop().accountId()).signIn(api, chromium.page(width));
    }

    private Page signedIn(Store store, int width, String path) {
        return StaffBrowser.of(db, passwords, store.shop().accountId()).signIn(api, chromium.page(width), path);
    }

    /** Seed 004's "all orders": past the newest 50, the record goes on to the older ones, and back. */
    @Test
    void aCustomerWithMoreOrdersThanOnePageShowsOlderOnesOnAsking() {
        var store = store();
        var course = api.post("/api/v1/products", store.shop().apiKey(), """
            {"name": "Course", "options": [{"name": "Once", "kind": "one_time", "amount": 100, "currency": "usd"}]}""");
        assertThat(course.status()).as(course.text()).isEqualTo(201);
        String once = course.json().get("options").get(0).get("id").asString();
        for (int i = 0; i < 50; i++) {
            var order = api.post("/api/v1/orders", store.shop().apiKey(), """
                {"customer_id": "%s", "option_id": "%s"}""".formatted(store.ada(), once));
            assertThat(order.status()).as(order.text()).isEqualTo(201);
        }
        var page = signedIn(store, 390, "/admin/customers/" + store.ada());

        var rows = page.locator("#orders tbody tr");
        assertThat(rows).hasCount(50);
        assertThat(rows.first()).containsText("#51");
        assertThat(page.locator("#orders")).not().containsText("Newest orders");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Older orders →")).click();

        assertThat(rows).hasCount(1);
        assertThat(rows).containsText("Membership");
        assertThat(page.locator("#orders")).not().containsText("Older orders");
        Chromium.screenshot(page, "dashboard-customer-older-orders-390");
        // Each part of the record keeps where the others stand: paging the timeline keeps the orders' page.
        page.locator("#timeline").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Older")
            .setExact(true)).click();
        assertThat(rows).hasCount(1); // still the older orders
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("← Newest orders")).click();
        assertThat(rows).hasCount(50);
        assertThat(page.locator("#timeline header a")).hasText("Newest"); // and the timeline its page
    }

    @Test
    void staffFindACustomerByTypingOpenTheRecordFromTheKeyboardAndSeeTheirSubscription() {
        var store = store();
        var page = signedIn(store, 1280);
        assertThat(page.locator(".sandbox-banner")).containsText("Test clock");

        page.getByLabel("Name or email").pressSequentially("lov",
            new Locator.PressSequentiallyOptions().setDelay(30));
        var results = page.locator("#results");
        assertThat(results).containsText("Customers matching “lov”");
        assertThat(results.locator("[data-results] a")).hasCount(1);
        assertThat(results).containsText("ada@analytical.example");
        Chromium.screenshot(page, "dashboard-customers-search-1280");

        page.keyboard().press("ArrowDown");
        assertThat(results.locator("[data-results] a").first()).isFocused();
        page.keyboard().press("Enter");

        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Ada Lovelace"))).isVisible();
        assertThat(page).hasURL(api.uri("/admin/customers/" + store.ada()).toString());
        assertThat(page.locator(".stats")).containsText("Active subscriptions");
        // Counted as paid (or refunded since): a failed order is listed below, but is not one of these.
        assertThat(page.locator(".stats")).containsText("Orders placed");
        assertThat(page.locator("#subscriptions")).containsText("Membership");
        assertThat(page.locator("#subscriptions")).containsText("$19.00 / month");
        assertThat(page.locator("#subscriptions")).containsText(store.subscription());
        assertThat(page.locator("#orders")).containsText("$19.00");
        assertThat(page.getByText("Visa ending in 4242").first()).isVisible();
        Chromium.screenshot(page, "dashboard-customer-record-1280");

        var phone = signedIn(store, 390, "/admin/customers/" + store.ada());
        assertThat(phone.locator("#subscriptions")).containsText("Membership");
        Chromium.screenshot(phone, "dashboard-customer-record-390");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        phone.navigate(api.uri("/admin/customers?q=hopper").toString());
        assertThat(phone.locator("#results")).containsText("Grace Hopper");
        Chromium.screenshot(phone, "dashboard-customers-search-390");
    }

    /** Seed 004's "created time": when the customer came, in the staff member's time zone, with UTC on hover. */
    @Test
    void theRecordSaysSinceWhenTheCustomerIsOneInTheStaffMembersTimeZone() {
        var store = store();
        // Long before the purchase, so that no other time on the record could pass for it.
        db.sql("UPDATE customers SET created_at = :at WHERE id = :id")
            .param("at", java.sql.Timestamp.from(java.time.Instant.parse("2025-03-14T15:09:26Z")))
            .param("id", store.ada())
            .update();
        var page = chromium.page(1280, "America/Los_Angeles");
        StaffBrowser.of(db, passwords, store.shop().accountId()).signIn(api, page, "/admin/customers/" + store.ada());

        var since = page.locator(".heading p.muted", new Page.LocatorOptions().setHasText("Customer since"));
        var time = since.locator("time");
        assertThat(time).hasAttribute("datetime", "2025-03-14T15:09:26Z");
        assertThat(time).hasAttribute("title", "Mar 14, 2025 · 15:09 UTC");
        assertThat(time).containsText("Mar 14, 2025");
        assertThat(time).containsText("08:09");
        assertThat(time).containsText("PDT");
        assertThat(since).containsText(store.ada());
    }

    /**
     * A buyer who chose another card for one subscription in the portal (seed 003) pays it with that card while the
     * default stays, as it still pays her payment plan: the record says both, not only the default (a newcomer's walk
     * found it showing only the card that had just failed).
     */
    @Test
    void aCardTheBuyerChoseForOneSubscriptionIsShownBesideTheDefaultWithWhatItPays() {
        var store = store();
        var plan = api.post("/api/v1/checkouts/" + store.shop().checkoutId() + "/purchases", store.shop().apiKey(), """
            {"customer_id": "%s", "token": "pm_card_visa", "option_id": "%s"}""".formatted(store.ada(), store.shop()
            .plan()));
        assertThat(plan.status()).as(plan.text()).isEqualTo(201);
        var added = api.post("/api/v1/customers/" + store.ada() + "/payment_methods", store.shop().apiKey(), """
            {"token": "pm_card_mastercard"}""");
        assertThat(added.status()).as(added.text()).isEqualTo(201);
        cardChoices.choose(store.shop().accountId(), store.ada(), CardChoices.Kind.SUBSCRIPTION, store.subscription(),
            added.json().get("id").asString(), ChargedBy.PORTAL);

        var page = signedIn(store, 1280, "/admin/customers/" + store.ada());

        var facts = page.locator("#info + .facts, section:has(#info) .facts");
        assertThat(facts).containsText("Visa ending in 4242");
        assertThat(facts).containsText("Also pays");
        assertThat(facts).containsText("Mastercard ending in 4444");
        assertThat(facts).containsText("pays Membership");
        Chromium.screenshot(page, "dashboard-customer-two-cards-1280");
    }

    /**
     * A subscription's invoice written off as uncollectible is still owed (its subscription stays past due): the record
     * lists it among what is owed, says it was written off, and counts the missed payment.
     */
    @Test
    void anInvoiceWrittenOffStaysInSightAsOwedAndCountsAsAMissedPayment() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "dora@example.com");
        String dora = order.get("customer_id").asString();
        shops.advance(shop, "P14DT12H");
        String invoice = api.get("/api/v1/invoices?customer_id=" + dora, shop.apiKey()).json().get("data").get(0)
            .get("id").asString();
        billing.markUncollectible(shop.accountId(), invoice);
        assertThat(api.get("/api/v1/subscriptions/" + order.get("subscription_id").asString(), shop.apiKey()).json()
            .get("status").asString()).isEqualTo("past_due");

        var page = signedIn(new Store(shop, dora, order.get("subscription_id").asString()), 1280,
            "/admin/customers/" + dora);

        var owed = page.locator("#unpaid tbody tr");
        assertThat(owed).hasCount(1);
        assertThat(owed).containsText("$19.00");
        assertThat(owed.locator(".pill")).containsText("written off");
        var missed = page.locator(".stat").filter(new Locator.FilterOptions().setHasText("Missed payments"));
        assertThat(missed.locator("dd")).containsText("1");
        assertThat(api.get("/api/v1/customers/" + dora, shop.apiKey()).json().get("stats").get("missed_payments")
            .asInt()).isEqualTo(1);
    }

    @Test
    void whatACustomerOwesComesFirstAndASubscriptionOutOfRetriesStaysInSight() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "carol@example.com");
        String carol = order.get("customer_id").asString();
        // The trial ends, its first invoice fails, and every retry of the schedule fails too: the subscription is
        // unpaid.
        shops.advance(shop, "P30D");
        assertThat(api.get("/api/v1/subscriptions/" + order.get("subscription_id").asString(), shop.apiKey()).json()
            .get("status").asString()).isEqualTo("unpaid");
        var store = new Store(shop, carol, order.get("subscription_id").asString());

        var page = signedIn(store, 1280, "/admin/customers/" + carol);

        var unpaid = page.locator("#unpaid");
        assertThat(unpaid.getByRole(AriaRole.HEADING)).hasText("Unpaid invoices");
        assertThat(unpaid.locator("tbody tr")).hasCount(1);
        assertThat(unpaid.locator("tbody tr")).containsText("Membership");
        assertThat(unpaid.locator("tbody tr")).containsText("$19.00");
        assertThat(page.locator("#subscriptions tbody tr")).containsText("unpaid");
        // Not active, yet listed under "Active": the stat says why it shows there.
        var stat = page.locator(".stat").filter(new Locator.FilterOptions().setHasText("Active subscriptions"));
        assertThat(stat.locator("dd")).hasText("0 1 unpaid");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("behind")).click();
        assertThat(page).hasURL(java.util.regex.Pattern.compile("#unpaid$"));
        unpaid.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Membership")).click();
        assertThat(page).hasURL(java.util.regex.Pattern.compile("/admin/invoices/inv_"));
        page.goBack();
        Chromium.screenshot(page, "dashboard-customer-unpaid-1280");
        var phone = signedIn(store, 390, "/admin/customers/" + carol);
        assertThat(phone.locator("#unpaid tbody tr")).containsText("$19.00");
        Chromium.screenshot(phone, "dashboard-customer-unpaid-390");
    }

    /**
     * A plan's failed installment, retried while the plan stays active, is a missed payment on the record as it is an
     * unpaid invoice there (a probe found "Missed payments 0" above the unpaid installment).
     */
    @Test
    void aPlanWhoseInstallmentFailedIsBehindAndTheBehindLinkLeadsToItsUnpaidInstallment() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "dora@example.com");
        String dora = order.get("customer_id").asString();
        String plan = order.get("payment_plan_id").asString();
        String failing = shops.saveCard(shop, dora, "pm_card_chargeCustomerFail");
        var changed = api.post("/api/v1/payment_plans/" + plan + "/change_card", shop.apiKey(),
            "{\"payment_method_id\": \"" + failing + "\"}");
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        shops.advance(shop, "P32D");
        var store = new Store(shop, dora, null);

        var page = signedIn(store, 1280, "/admin/customers/" + dora);

        assertThat(page.locator("#plans tbody tr .pill")).hasText("active");
        assertThat(page.locator("#unpaid tbody tr")).hasCount(1);
        assertThat(page.locator("#unpaid tbody tr")).containsText("installment");
        var missed = page.locator(".stat", new Page.LocatorOptions().setHasText("Missed payments"));
        assertThat(missed.locator("dd")).containsText("1");
        missed.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("behind")).click();
        assertThat(page).hasURL(java.util.regex.Pattern.compile("#unpaid$"));
    }

    /** Submits the "Add credit" form and answers its confirm dialog, which names {@code amount} (as typed, in money). */
    private static void addCredit(Page page, String amount) {
        page.locator("#add-credit").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add credit"))
            .click();
        var dialog = page.getByRole(AriaRole.DIALOG);
        assertThat(dialog).containsText("Grant Ada Lovelace " + amount + " of credit?");
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add credit").setExact(true))
            .click();
    }

    /**
     * Staff grant credit from the record, typed as money, through the API's grant (a probe found only "Credits: No
     * credits" and no way to add any but the API); any staff member may, as any API key may.
     */
    @Test
    void staffAddCreditTypedAsMoneyAndTheRecordShowsTheBalance() {
        var store = store();
        var page = StaffBrowser.of(db, passwords, store.shop().accountId(), "staff").signIn(api,
            chromium.page(1280), "/admin/customers/" + store.ada());
        var facts = page.locator("section:has(#info) .facts");
        assertThat(facts).containsText("No credits");
        // The facts are a two-column grid: a <dd> without its <dt> would push every fact after it out of line.
        assertThat(facts.locator("> dd")).hasCount(facts.locator("> dt").count());

        page.locator("#add-credit summary").click();
        assertThat(page.getByLabel("Currency")).hasValue("usd");
        assertThat(page.locator("#add-credit input[name=_csrf]")).hasCount(1);
        page.getByLabel("Amount").fill("12.50");
        page.getByLabel("Reason (optional)").fill("Late delivery");
        addCredit(page, "$12.50");

        assertThat(page.locator(".flash")).containsText("Granted $12.50 of credit to Ada Lovelace");
        assertThat(facts).containsText("$12.50");
        var balance = api.get("/api/v1/customers/" + store.ada() + "/credits", store.shop().apiKey()).json();
        assertThat(balance.get("balances").get(0).get("amount").asLong()).isEqualTo(1250);
        assertThat(balance.get("balances").get(0).get("currency").asString()).isEqualTo("usd");
        assertThat(balance.get("entries").get(0).get("reason").asString()).isEqualTo("Late delivery");
        // The record lists what made the balance: the grant, with its reason.
        page.locator(".credit-history summary").click();
        assertThat(page.locator(".credit-history li")).hasCount(1);
        assertThat(page.locator(".credit-history li")).containsText("Granted");
        assertThat(page.locator(".credit-history li")).containsText("+$12.50");
        assertThat(page.locator(".credit-history li")).containsText("“Late delivery”");
        Chromium.screenshot(page, "dashboard-customer-credit-added-1280");
    }

    @Test
    void aBadAmountOrCurrencyIsSaidBesideItsFieldKeepingWhatWasTypedAndGrantsNothing() {
        var store = store();
        var page = signedIn(store, 390, "/admin/customers/" + store.ada());

        page.locator("#add-credit summary").click();
        page.getByLabel("Amount").fill("12,5");
        page.getByLabel("Currency").fill("zz");
        page.getByLabel("Reason (optional)").fill("Goodwill");
        // The browser refuses what cannot be granted before asking; without the script, the server says why.
        page.locator("#add-credit form").evaluate("form => form.removeAttribute('data-confirm')");
        page.locator("#add-credit").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add credit"))
            .click();

        var form = page.locator("#add-credit");
        assertThat(form).hasJSProperty("open", true);
        assertThat(form.locator("#credit-amount-error")).containsText("Must be an amount such as");
        assertThat(form.locator("#credit-currency-error")).containsText("three-letter currency code");
        assertThat(page.getByLabel("Amount")).hasValue("12,5");
        assertThat(page.getByLabel("Currency")).hasValue("zz");
        assertThat(page.getByLabel("Reason (optional)")).hasValue("Goodwill");
        assertThat(page.getByLabel("Amount")).hasAttribute("aria-invalid", "true");
        Chromium.screenshot(page, "dashboard-customer-credit-refused-390");
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);

        page.getByLabel("Amount").fill("0");
        page.getByLabel("Currency").fill("usd");
        page.locator("#add-credit form").evaluate("form => form.removeAttribute('data-confirm')");
        page.locator("#add-credit").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add credit"))
            .click();
        assertThat(form.locator("#credit-amount-error")).containsText("Must be more than zero");
        assertThat(form.locator("#credit-currency-error")).hasCount(0);

        // The dialog names only an amount the server reads as typed: never "$12.51" for 12.505, nor "$123.00" for
        // 1,2,3 (those are refused before any question).
        // Asked and answered "Go back": nothing is sent, so the next field is filled on this very page.
        var amountField = page.locator("#credit-amount");
        for (String typed : List.of("12.505", "1,2,3")) {
            amountField.fill(typed);
            page.locator("#add-credit").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(
                "Add credit")).click();
            assertThat(page.getByRole(AriaRole.DIALOG)).isHidden();
            assertThat((String) amountField.evaluate("input => input.validationMessage")).as(typed).isNotEmpty();
        }
        amountField.fill("1,250.5");
        page.locator("#add-credit").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add credit"))
            .click();
        var dialog = page.getByRole(AriaRole.DIALOG);
        assertThat(dialog).containsText("Grant Ada Lovelace $1,250.50 of credit?");
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Go back")).click();
        assertThat(dialog).isHidden();

        page.getByLabel("Amount").fill("");
        page.getByLabel("Amount").evaluate("input => input.required = false");
        page.locator("#add-credit form").evaluate("form => form.removeAttribute('data-confirm')");
        page.locator("#add-credit").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add credit"))
            .click();
        assertThat(form.locator("#credit-amount-error")).containsText("Enter an amount");

        assertThat(api.get("/api/v1/customers/" + store.ada() + "/credits", store.shop().apiKey()).json()
            .get("balances")).isEmpty();
        assertThat(page.locator("section:has(#info) .facts")).containsText("No credits");
    }

    /** The amount field's own refusal, as the browser holds it once a submit was stopped before the dialog. */
    private static String refusalOf(Locator field) {
        return (String) field.evaluate("input => input.validationMessage");
    }

    @Test
    void anAmountThatCannotBeGrantedIsRefusedBeforeAnyConfirmAndTheServerSaysItInMoney() {
        var store = store();
        var page = signedIn(store, 1280, "/admin/customers/" + store.ada());
        page.locator("#add-credit summary").click();
        var amount = page.getByLabel("Amount");
        var button = page.locator("#add-credit").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(
            "Add credit"));

        var refused = new java.util.LinkedHashMap<String, String>();
        refused.put("99999999999999", "Must be at most $10,000,000,000.00");
        refused.put("-5", "Must be more than zero");
        refused.put("\uD83D\uDE00", "Must be an amount such as 5.00");
        refused.put("   ", "Enter an amount");
        refused.put("0.00", "Must be more than zero");
        for (var typed : refused.entrySet()) {
            amount.fill(typed.getKey());
            button.click();
            assertThat(page.getByRole(AriaRole.DIALOG)).isHidden();
            assertThat(refusalOf(amount)).as(typed.getKey()).startsWith(typed.getValue());
        }
        page.getByLabel("Currency").fill("jpy");
        amount.fill("1.5");
        button.click();
        assertThat(page.getByRole(AriaRole.DIALOG)).isHidden();
        assertThat(refusalOf(amount)).startsWith("JPY has no decimals: type a whole amount");
        Chromium.screenshot(page, "dashboard-customer-credit-refused-in-browser-1280");

        // Without the script, the server refuses the same amounts in the same words, formatted as money.
        var serverSays = new java.util.LinkedHashMap<String, String>();
        serverSays.put("1.5", "Must be a whole amount such as 500: JPY has no decimals.");
        serverSays.put("99999999999999", "Must be at most ¥1,000,000,000,000.");
        serverSays.put("-5", "Must be more than zero.");
        for (var typed : serverSays.entrySet()) {
            page.locator("#add-credit form").evaluate("form => form.removeAttribute('data-confirm')");
            page.getByLabel("Currency").fill("jpy");
            amount.fill(typed.getKey());
            button.click();
            assertThat(page.locator("#credit-amount-error")).hasText(typed.getValue());
        }
        assertThat(api.get("/api/v1/customers/" + store.ada() + "/credits", store.shop().apiKey()).json()
            .get("balances")).isEmpty();
    }

    @Test
    void aCustomerOfAnotherAccountIsAFriendlyNotFoundPage() {
        var store = store();
        var other = store();
        var page = signedIn(store, 1280);

        var response = page.navigate(api.uri("/admin/customers/" + other.ada()).toString());

        assertThat(response.status()).isEqualTo(404);
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("We couldn't find that")))
            .isVisible();
        assertThat(page.locator("main")).containsText(response.headerValue("X-Request-Id"));
        assertThat(page.locator("main")).not().containsText("Ada Lovelace");
        Chromium.screenshot(page, "dashboard-not-found-1280");
    }

    @Test
    void aCanceledSubscriptionLeavesTheActiveListAndShowsUnderAll() {
        var store = store();
        var canceled = api.post("/api/v1/subscriptions/" + store.subscription() + "/cancel", store.shop().apiKey(),
            "{}");
        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);
        var page = signedIn(store, 1280, "/admin/customers/" + store.ada());
        var subscriptions = page.locator("#subscriptions");
        assertThat(subscriptions).containsText("No active subscriptions.");
        assertThat(page.locator(".stats")).containsText("Active subscriptions");
        // Counted as paid (or refunded since): a failed order is listed below, but is not one of these.
        assertThat(page.locator(".stats")).containsText("Orders placed");

        subscriptions.getByRole(AriaRole.LINK, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("All"))
            .click();

        assertThat(page.locator("#subscriptions")).containsText(store.subscription());
        assertThat(page.locator("#subscriptions")).containsText("canceled");
        assertThat(page.locator("#subscriptions [aria-current=true]")).hasText("All");
    }

    /**
     * The payment plans' Active / All toggle: a plan paid off (completed) and one canceled leave the default list,
     * which keeps the plan still being paid; "All" shows the three, each with its status.
     */
    @Test
    void aCompletedOrCanceledPlanLeavesTheActiveListAndShowsUnderAll() {
        var store = store();
        String completed = buyPlan(store);
        shops.advance(store.shop(), "P62D");
        var paidOff = api.get("/api/v1/payment_plans/" + completed, store.shop().apiKey()).json();
        assertThat(paidOff.get("status").asString()).as(paidOff.toString()).isEqualTo("completed");
        String canceled = buyPlan(store);
        var patched = api.patch("/api/v1/payment_plans/" + canceled, store.shop().apiKey(),
            "{\"status\": \"canceled\"}");
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        String active = buyPlan(store);

        var page = signedIn(store, 1280, "/admin/customers/" + store.ada());

        var plans = page.locator("#plans");
        assertThat(plans.locator("[aria-current=true]")).hasText("Active");
        assertThat(plans.locator("tbody tr")).hasCount(1);
        assertThat(plans.locator("tbody tr")).containsText(active);
        assertThat(plans.locator("tbody tr .pill")).hasText("active");
        assertThat(plans).not().containsText(completed);
        assertThat(plans).not().containsText(canceled);
        var stat = page.locator(".stat", new Page.LocatorOptions().setHasText("Active payment plans"));
        assertThat(stat.locator("dd")).containsText("1");
        Chromium.screenshot(page, "dashboard-customer-plans-active-1280");

        plans.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("All").setExact(true)).click();

        plans = page.locator("#plans");
        assertThat(plans.locator("[aria-current=true]")).hasText("All");
        assertThat(plans.locator("tbody tr")).hasCount(3);
        assertThat(plans.locator("tbody tr", new Locator.LocatorOptions().setHasText(completed)).locator(".pill"))
            .hasText("completed");
        assertThat(plans.locator("tbody tr", new Locator.LocatorOptions().setHasText(canceled)).locator(".pill"))
            .hasText("canceled");
        assertThat(plans.locator("tbody tr", new Locator.LocatorOptions().setHasText(active)).locator(".pill"))
            .hasText("active");
        Chromium.screenshot(page, "dashboard-customer-plans-all-1280");
        var phone = signedIn(store, 390, "/admin/customers/" + store.ada() + "?plans=all");
        assertThat(phone.locator("#plans tbody tr")).hasCount(3);
        Chromium.screenshot(phone, "dashboard-customer-plans-all-390");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);

        plans.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Active").setExact(true)).click();
        assertThat(page.locator("#plans tbody tr")).hasCount(1);
        assertThat(page.locator("#plans [aria-current=true]")).hasText("Active");
    }

    /**
     * The default lists leave out what is over before they are cut at fifty rows: a subscription and a plan still
     * billed are listed though fifty newer ones of each were canceled since.
     */
    @Test
    void aSubscriptionAndAPlanStillBilledAreListedThoughFiftyNewerOnesWereCanceled() {
        var store = store();
        String plan = buyPlan(store);
        for (int i = 0; i < 50; i++) {
            var bought = api.post("/api/v1/checkouts/" + store.shop().checkoutId() + "/purchases",
                store.shop().apiKey(), """
                    {"customer_id": "%s", "option_id": "%s"}""".formatted(store.ada(), store.shop().monthly()));
            assertThat(bought.status()).as(bought.text()).isEqualTo(201);
            var canceled = api.post("/api/v1/subscriptions/" + bought.json().get("subscription_id").asString()
                + "/cancel", store.shop().apiKey(), "{}");
            assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);
            var patched = api.patch("/api/v1/payment_plans/" + buyPlan(store), store.shop().apiKey(),
                "{\"status\": \"canceled\"}");
            assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        }

        var page = signedIn(store, 1280, "/admin/customers/" + store.ada());

        assertThat(page.locator("#subscriptions tbody tr")).hasCount(1);
        assertThat(page.locator("#subscriptions tbody tr")).containsText(store.subscription());
        assertThat(page.locator("#plans tbody tr")).hasCount(1);
        assertThat(page.locator("#plans tbody tr")).containsText(plan);
    }

    /** Ada buys the store's payment plan with her saved card; returns the plan's id. */
    private String buyPlan(Store store) {
        var bought = api.post("/api/v1/checkouts/" + store.shop().checkoutId() + "/purchases", store.shop().apiKey(),
            """
                {"customer_id": "%s", "option_id": "%s"}""".formatted(store.ada(), store.shop().plan()));
        assertThat(bought.status()).as(bought.text()).isEqualTo(201);
        return bought.json().get("payment_plan_id").asString();
    }

    @Test
    void aDisputedPaymentIsLeftOutOfTheLifetimeValueAndShownBesideIt() {
        var store = store();
        String payment = api.get("/api/v1/payments?customer_id=" + store.ada(), store.shop().apiKey()).json()
            .get("data").get(0).get("id").asString();
        var disputed = api.post("/api/v1/payments/" + payment + "/dispute", store.shop().apiKey(), null);
        assertThat(disputed.status()).as(disputed.text()).isEqualTo(200);

        var page = signedIn(store, 1280, "/admin/customers/" + store.ada());

        var stat = page.locator(".stat", new Page.LocatorOptions().setHasText("Lifetime value"));
        assertThat(stat.locator("dd")).containsText("—");
        assertThat(stat.locator(".pill")).hasText("$19.00 disputed");
    }

    /**
     * A paused subscription is not over: it stays in the default list, marked paused, and the stats say it beside the
     * active count (a probe found the list saying "No active subscriptions… see ended ones" and the stat 0).
     */
    @Test
    void aPausedSubscriptionStaysInTheDefaultListMarkedPausedAndIsCountedBesideTheActiveOnes() {
        var store = store();
        var paused = api.post("/api/v1/subscriptions/" + store.subscription() + "/pause", store.shop().apiKey(), null);
        assertThat(paused.status()).as(paused.text()).isEqualTo(200);

        var page = signedIn(store, 1280, "/admin/customers/" + store.ada());

        var subscriptions = page.locator("#subscriptions");
        assertThat(subscriptions.locator("[aria-current=true]")).hasText("Active");
        assertThat(subscriptions).not().containsText("No active subscriptions");
        assertThat(subscriptions.locator("tbody tr")).hasCount(1);
        assertThat(subscriptions.locator("tbody tr")).containsText(store.subscription());
        assertThat(subscriptions.locator("tbody tr .pill")).hasText("paused");
        var stat = page.locator(".stat", new Page.LocatorOptions().setHasText("Active subscriptions"));
        assertThat(stat.locator("dd")).containsText("0");
        assertThat(stat.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("1 paused"))).isVisible();
        Chromium.screenshot(page, "dashboard-customer-paused-1280");
        var phone = signedIn(store, 390, "/admin/customers/" + store.ada());
        assertThat(phone.locator("#subscriptions tbody tr .pill")).hasText("paused");
        Chromium.screenshot(phone, "dashboard-customer-paused-390");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
    }

    @Test
    void eachRowLinksToItsRecordAndTheTimelineGrowsWithEventsAndAutomationRuns() throws IOException {
        var store = store();
        String key = store.shop().apiKey();
        String order = api.get("/api/v1/orders?customer_id=" + store.ada(), key).json().get("data").get(0).get("id")
            .asString();
        var page = signedIn(store, 1280, "/admin/customers/" + store.ada());

        assertThat(page.locator("#subscriptions table a").first()).hasAttribute("href",
            "/admin/subscriptions/" + store.subscription());
        assertThat(page.locator("#orders table a").first()).hasAttribute("href", "/admin/orders/" + order);
        var timeline = page.locator("#timeline li");
        // Events in words, with what they were about, and their type for whoever looks for it.
        assertThat(page.locator("#timeline")).containsText("Subscription started");
        assertThat(page.locator("#timeline")).containsText("subscription.started");
        assertThat(page.locator("#timeline li", new Page.LocatorOptions().setHasText("Payment succeeded")))
            .containsText("$19.00");
        int before = timeline.count();
        String newest = api.get("/api/v1/events?customer_id=" + store.ada(), key).json().get("data").get(0).get("id")
            .asString();
        assertThat(timeline.first().locator("a")).hasAttribute("href", "/admin/developers/events/" + newest);

        String definition;
        try (InputStream in = getClass().getResourceAsStream("/automations/tag_new_signups.json")) {
            definition = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String automation = api.post("/api/v1/automations", key, definition).json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + automation + "/activate", key, null).status()).isEqualTo(200);
        var posted = api.post("/api/v1/events", key, """
            {"type": "acme.signup", "customer_id": "%s", "data": {}}""".formatted(store.ada()));
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
        agendas.forEach(Agenda::runDue);

        page.reload();
        assertThat(page.locator("#timeline")).containsText("acme.signup");
        assertThat(page.locator("#timeline")).containsText("Automation: Tag new signups");
        assertThat(page.locator("#timeline a[href^='/admin/executions/exe_']")).hasCount(1);
        // The sandbox clock stood still, so the run and the event that started it share a time: the run, which came
        // after, is above it (newest first), as it would be with real time passing.
        var lines = timeline.allTextContents();
        int run = indexOf(lines, "Automation: Tag new signups");
        int signup = indexOf(lines, "acme.signup");
        assertThat(run).as(String.join(" | ", lines)).isLessThan(signup);
        assertThat(timeline).not().hasCount(before);
        assertThat(timeline.count()).isGreaterThan(before);
        Chromium.screenshot(page, "dashboard-customer-timeline-1280");

        // A long history comes a page at a time, newest first; "Older" goes on where the page stopped.
        var batch = new StringBuilder("{\"events\": [");
        for (int i = 0; i < CustomerTimeline.PAGE; i++) {
            batch.append(i == 0 ? "" : ",").append("""
                {"type": "acme.visit", "customer_id": "%s", "data": {"n": %d}}""".formatted(store.ada(), i));
        }
        assertThat(api.post("/api/v1/events/batch", key, batch.append("]}").toString()).status()).isEqualTo(201);
        page.reload();
        assertThat(timeline).hasCount(CustomerTimeline.PAGE);
        assertThat(page.locator("#timeline")).not().containsText("customer.created");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Older")).click();
        assertThat(page.locator("#timeline")).containsText("customer.created");
        assertThat(page.locator("#timeline")).not().containsText("acme.visit");
    }

    private static int indexOf(java.util.List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no timeline line says " + text + ": " + lines);
    }
}
