package io.till.admin;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.Shops;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/** The dashboard's frame in a real browser: navigation, the global search, flash messages and empty states. */
@TillIntegrationTest
class AdminFramePageTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
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

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    @Test
    void aNewAccountSaysWhatToDoNextAndThePastedIdOfACustomerOpensTheirRecord() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280));
        assertThat(page.locator("#results")).containsText("No customers yet.");
        assertThat(page.locator(".side")).containsText("Test store");
        assertThat(page.locator(".side .mode")).hasText("sandbox");
        Chromium.screenshot(page, "dashboard-customers-empty-1280");

        var created = api.post("/api/v1/customers", account.apiKey(),
            "{\"name\": \"Katherine Johnson\", \"email\": \"kj@nasa.example\"}");
        String id = created.json().get("id").asString();
        page.getByLabel("Search customers, or paste an id").fill(id);
        page.getByLabel("Search customers, or paste an id").press("Enter");
        assertThat(page.getByRole(AriaRole.HEADING, named("Katherine Johnson"))).isVisible();

        // One customer matching opens their record; more are listed.
        page.getByLabel("Search customers, or paste an id").fill("johnson");
        page.getByLabel("Search customers, or paste an id").press("Enter");
        assertThat(page).hasURL(api.uri("/admin/customers/" + id).toString());
        api.post("/api/v1/customers", account.apiKey(),
            "{\"name\": \"Lyndon Johnson\", \"email\": \"lbj@example.com\"}");
        page.getByLabel("Search customers, or paste an id").fill("johnson");
        page.getByLabel("Search customers, or paste an id").press("Enter");
        assertThat(page.locator("#results")).containsText("kj@nasa.example");
        assertThat(page.locator("#results")).containsText("lbj@example.com");
        // The customers page's own search field does the same.
        page.getByLabel("Name or email").fill("lyndon");
        page.getByLabel("Name or email").press("Enter");
        assertThat(page.getByRole(AriaRole.HEADING, named("Lyndon Johnson"))).isVisible();

        // Braces, percent signs and ampersands are searched for as they are, listing what matches (nothing here).
        page.getByLabel("Search customers, or paste an id").fill("johnson {x} 50% & co");
        page.getByLabel("Search customers, or paste an id").press("Enter");
        assertThat(page.getByLabel("Name or email")).hasValue("johnson {x} 50% & co");

        page.getByLabel("Search customers, or paste an id").fill("exe_01kdoesnotmatter");
        page.getByLabel("Search customers, or paste an id").press("Enter");
        assertThat(page).hasURL(api.uri("/admin/executions/exe_01kdoesnotmatter").toString());
        assertThat(page.getByRole(AriaRole.HEADING, named("We couldn't find that"))).isVisible();
    }

    @Test
    void theGlobalSearchFindsACustomerByEmailAndTheArrowKeysMoveBothWaysThroughTheResults() {
        var account = accounts.create();
        String katherine = api.post("/api/v1/customers", account.apiKey(),
            "{\"name\": \"Katherine Johnson\", \"email\": \"kj@nasa.example\"}").json().get("id").asString();
        api.post("/api/v1/customers", account.apiKey(),
            "{\"name\": \"Dorothy Vaughan\", \"email\": \"dv@nasa.example\"}");
        api.post("/api/v1/customers", account.apiKey(),
            "{\"name\": \"Grace Hopper\", \"email\": \"grace@navy.example\"}");
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280));
        var search = page.getByLabel("Search customers, or paste an id");

        // An email names no one in it: Katherine is found by her address alone.
        search.fill("kj@nasa.example");
        search.press("Enter");
        assertThat(page).hasURL(api.uri("/admin/customers/" + katherine).toString());
        assertThat(page.getByRole(AriaRole.HEADING, named("Katherine Johnson"))).isVisible();

        search.fill("nasa.example");
        search.press("Enter");
        var links = page.locator("#results [data-results] a");
        assertThat(links).hasCount(2);
        assertThat(page.locator("#results")).containsText("kj@nasa.example");
        assertThat(page.locator("#results")).containsText("dv@nasa.example");
        assertThat(page.locator("#results")).not().containsText("Grace Hopper");

        // The arrow keys are admin.js's, a deferred script: it runs by the page's load event.
        page.waitForLoadState(com.microsoft.playwright.options.LoadState.LOAD);
        page.locator("#customer-q").focus();
        page.keyboard().press("ArrowDown");
        assertThat(links.nth(0)).isFocused();
        page.keyboard().press("ArrowDown");
        assertThat(links.nth(1)).isFocused();
        page.keyboard().press("ArrowUp");
        assertThat(links.nth(0)).isFocused();
        page.keyboard().press("ArrowUp");
        assertThat(page.locator("#customer-q")).isFocused();
    }

    /** "Since" a customer's first day is that day where the staff member reads it, not in UTC. */
    @Test
    void aCustomersSinceDayIsTheDayInTheReadersOwnZone() {
        var account = accounts.create();
        var created = api.post("/api/v1/customers", account.apiKey(),
            "{\"name\": \"Dorothy Vaughan\", \"email\": \"dv@nasa.example\"}");
        var at = java.time.Instant.parse(created.json().get("created_at").asString());
        var zone = java.time.ZoneId.of(at.atZone(java.time.ZoneOffset.UTC).getHour() >= 10
            ? "Pacific/Kiritimati"
            : "Pacific/Pago_Pago");
        var day = java.time.format.DateTimeFormatter.ofPattern("MMM d, yyyy", java.util.Locale.US);
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280, zone.getId()),
            "/admin/customers?q=vaughan");

        var result = page.locator("#results").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(
            java.util.regex.Pattern.compile("Dorothy Vaughan")));
        assertThat(result).containsText("Since " + day.format(at.atZone(zone)));
        org.assertj.core.api.Assertions.assertThat(day.format(at.atZone(zone)))
            .isNotEqualTo(day.format(at.atZone(java.time.ZoneOffset.UTC)));
    }

    @Test
    void aPastedIdOfAnOrderOrAnEventLandsOnItsPage() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@search.example");
        String orderId = order.get("id").asString();
        String eventId = shops.events(shop, order.get("customer_id").asString()).getLast().get("id").asString();
        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280));

        page.getByLabel("Search customers, or paste an id").fill(" " + orderId + " ");
        page.getByLabel("Search customers, or paste an id").press("Enter");
        assertThat(page).hasURL(api.uri("/admin/orders/" + orderId).toString());

        page.navigate(api.uri("/admin/search?q=" + eventId).toString());
        assertThat(page).hasURL(api.uri("/admin/developers/events/" + eventId).toString());

        // The number a buyer quotes from their receipt, as they may write it.
        for (String quoted : List.of("#1", "1", "Order #1", "order 1")) {
            page.getByLabel("Search customers, or paste an id").fill(quoted);
            page.getByLabel("Search customers, or paste an id").press("Enter");
            assertThat(page).hasURL(api.uri("/admin/orders/" + orderId).toString());
            assertThat(page.getByRole(AriaRole.HEADING, named("Order #1"))).isVisible();
        }
        // Invoice #1 is the subscription's first invoice: its number, said as an invoice's, opens it; a bare number
        // opens
        // the order, the receipt the buyer holds, and says where the invoice is.
        shops.advance(shop, "P32D");
        String invoiceId = null;
        for (var payment : api.get("/api/v1/payments?customer_id=" + order.get("customer_id").asString(),
            shop.apiKey()).json().get("data")) {
            if (payment.hasNonNull("invoice_id")) {
                invoiceId = payment.get("invoice_id").asString();
            }
        }
        org.assertj.core.api.Assertions.assertThat(invoiceId).as("the renewal's invoice").isNotNull();
        page.navigate(api.uri("/admin/search?q=%231").toString());
        assertThat(page.locator(".flash")).containsText("Invoice #1 has this number too.");
        Chromium.screenshot(page, "dashboard-search-number-1280");
        page.getByRole(AriaRole.LINK, named("Open invoice #1")).click();
        assertThat(page).hasURL(api.uri("/admin/invoices/" + invoiceId).toString());
        for (String quoted : List.of("Invoice #1", "inv 1")) {
            page.getByLabel("Search customers, or paste an id").fill(quoted);
            page.getByLabel("Search customers, or paste an id").press("Enter");
            assertThat(page).hasURL(api.uri("/admin/invoices/" + invoiceId).toString());
        }
        page.navigate(api.uri("/admin/search?q=%2342").toString());
        assertThat(page).hasURL(api.uri("/admin/customers?q=%2342").toString());

        page.navigate(api.uri("/admin/search?q=" + shop.checkoutId()).toString());
        assertThat(page).hasURL(api.uri("/admin/catalog/checkouts/" + shop.checkoutId()).toString());
        String productId = api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id")
            .asString();
        page.navigate(api.uri("/admin/search?q=" + productId).toString());
        assertThat(page).hasURL(api.uri("/admin/catalog/products/" + productId).toString());
    }

    /** Pastes into the frame's search box, as staff do from an email, a log or a gateway's dashboard. */
    private static void paste(Page page, String id) {
        page.getByLabel("Search customers, or paste an id").fill(" " + id + " ");
        page.getByLabel("Search customers, or paste an id").press("Enter");
    }

    /**
     * Issue 12's "any id pasted jumps to its page" for the money records: a subscription's and an invoice's id open
     * their records; a payment's opens the record that holds it, the order it paid (at its payments) or the invoice a
     * renewal charged.
     */
    @Test
    void aPastedIdOfASubscriptionAnInvoiceOrAPaymentLandsOnItsPage() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@paste.example");
        String customer = order.get("customer_id").asString();
        String subscription = order.get("subscription_id").asString();
        shops.advance(shop, "P32D");
        String orderPayment = null;
        String renewalPayment = null;
        String invoice = null;
        for (var payment : api.get("/api/v1/payments?customer_id=" + customer, shop.apiKey()).json().get("data")) {
            if (payment.hasNonNull("invoice_id")) {
                renewalPayment = payment.get("id").asString();
                invoice = payment.get("invoice_id").asString();
            } else {
                orderPayment = payment.get("id").asString();
            }
        }
        org.assertj.core.api.Assertions.assertThat(renewalPayment).as("the renewal's payment").isNotNull();
        org.assertj.core.api.Assertions.assertThat(orderPayment).as("the order's payment").isNotNull();
        long invoiceNumber = api.get("/api/v1/invoices/" + invoice, shop.apiKey()).json().get("number").asLong();
        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280));

        paste(page, subscription);
        assertThat(page).hasURL(api.uri("/admin/subscriptions/" + subscription).toString());
        assertThat(page.locator("h1")).containsText("Membership");
        assertThat(page.locator("main")).containsText(subscription);
        Chromium.screenshot(page, "dashboard-search-subscription-1280");

        paste(page, invoice);
        assertThat(page).hasURL(api.uri("/admin/invoices/" + invoice).toString());
        assertThat(page.locator("h1")).containsText("Invoice #" + invoiceNumber);
        assertThat(page.locator("main")).containsText(subscription);

        paste(page, orderPayment);
        assertThat(page).hasURL(api.uri("/admin/orders/" + order.get("id").asString() + "#payments").toString());
        assertThat(page.getByRole(AriaRole.HEADING, named("Order #" + order.get("number").asLong()))).isVisible();
        assertThat(page.locator("#payments")).containsText(orderPayment);
        Chromium.screenshot(page, "dashboard-search-payment-1280");

        var phone = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(390));
        paste(phone, renewalPayment);
        // At its own attempt, which names it and is marked.
        assertThat(phone).hasURL(api.uri("/admin/invoices/" + invoice + "#" + renewalPayment).toString());
        assertThat(phone.locator("h1")).containsText("Invoice #" + invoiceNumber);
        assertThat(phone.locator("#attempts tbody tr")).hasCount(1);
        assertThat(phone.locator("#attempts tbody tr").first()).containsText("succeeded");
        assertThat(phone.locator("tr:target")).containsText(renewalPayment);
        Chromium.screenshot(phone, "dashboard-search-payment-390");
    }

    @Test
    void aFormThatAsksFirstAsksEvenWhenClickedBeforeThePagesOtherScriptsHaveLoaded() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280));
        // admin.js (deferred) is held back, as a slow network would: before, the guard lived there and a fast click
        // on a just-loaded page submitted at once.
        var held = new java.util.ArrayList<com.microsoft.playwright.Route>();
        // Named by its content (admin-<md5>.js); routing a page turns its cache off, so it is asked for again.
        page.route("**/admin/assets/admin-*.js", held::add);
        page.navigate(api.uri("/admin/customers").toString(),
            new Page.NavigateOptions().setWaitUntil(com.microsoft.playwright.options.WaitUntilState.COMMIT));
        String clockBefore = page.locator(".sandbox-banner time").textContent();

        page.locator(".sandbox-banner").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Advance"))
            .click();

        var confirm = page.getByRole(AriaRole.DIALOG);
        assertThat(confirm).containsText("Advance the test clock?");
        assertThat(held).as("admin.js was still held back when the question was asked").hasSize(1);
        confirm.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Go back")).click();
        assertThat(confirm).isHidden();
        held.forEach(com.microsoft.playwright.Route::resume);
        page.unrouteAll();
        page.reload();
        assertThat(page.locator(".sandbox-banner time")).hasText(clockBefore);
    }

    @Test
    void withoutThePagesDialogTheBrowsersOwnQuestionAsksFirst() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280));
        String clockBefore = page.locator(".sandbox-banner time").textContent();
        // As if the click came before the end of the page (where the dialog is) was parsed.
        page.evaluate("document.getElementById('confirm').remove()");
        var asked = new java.util.ArrayList<String>();
        var advance = page.locator(".sandbox-banner").getByRole(AriaRole.BUTTON,
            new Locator.GetByRoleOptions().setName("Advance"));

        page.onceDialog(dialog -> {
            asked.add(dialog.message());
            dialog.dismiss();
        });
        advance.click();
        page.reload();
        assertThat(asked).singleElement().asString().startsWith("Advance the test clock?");
        assertThat(page.locator(".sandbox-banner time")).hasText(clockBefore);

        page.evaluate("document.getElementById('confirm').remove()");
        page.onceDialog(dialog -> {
            asked.add(dialog.message());
            dialog.accept();
        });
        page.waitForNavigation(advance::click);
        assertThat(asked).hasSize(2);
        assertThat(page.locator(".sandbox-banner time")).not().hasText(clockBefore);
    }

    /** A reviewer's: the page listed the newest 100 keys, and an older one still in use could not be revoked. */
    @Test
    void theApiKeysPageListsEveryKeyPastTheHundredth() {
        var account = accounts.create();
        for (int i = 0; i < 101; i++) {
            var made = api.post("/api/v1/api_keys", account.apiKey(), "{\"name\": \"Release " + i + "\"}");
            assertThat(made.status()).as(made.text()).isEqualTo(201);
        }
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280),
            "/admin/developers/api-keys");

        assertThat(page.locator("table tbody tr")).hasCount(102);
        assertThat(page.locator("table tbody")).containsText("Release 0");
    }

    @Test
    void everySectionOpensAndApiKeysLiveUnderDevelopersWithAFlashOnCreation() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280));

        // Every section of the navigation is a page of its own, and says where you are.
        for (var section : AdminFrame.SECTIONS) {
            var link = page.getByRole(AriaRole.LINK, named(section.label()));
            link.click();
            assertThat(link).hasAttribute("aria-current", "page");
        }

        page.getByRole(AriaRole.LINK, named("Developers")).click();
        assertThat(page.getByRole(AriaRole.HEADING, named("API keys"))).isVisible();
        page.getByLabel("New key name").fill("Zapier");
        page.getByRole(AriaRole.BUTTON, named("Create API key")).click();
        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions()
            .setHasText("created"))).hasText("API key “Zapier” created.");
        assertThat(page.locator("#created-key")).containsText("till_sandbox_");
        Chromium.screenshot(page, "dashboard-api-keys-1280");

        // Revoking cannot be undone: the dashboard asks first, and "Cancel" leaves the key as it was.
        var revoke = page.getByRole(AriaRole.BUTTON, named("Revoke Zapier"));
        revoke.click();
        var confirm = page.getByRole(AriaRole.DIALOG);
        assertThat(confirm).containsText("Revoke “Zapier”?");
        Chromium.screenshot(page, "dashboard-confirm-1280");
        confirm.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Go back")).click();
        assertThat(confirm).isHidden();
        assertThat(page.locator("tr", new Page.LocatorOptions().setHasText("Zapier"))).containsText("active");
        revoke.click();
        confirm.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke key")).click();
        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions()
            .setHasText("revoked"))).isVisible();
        assertThat(page.locator("tr", new Page.LocatorOptions().setHasText("Zapier"))).containsText("revoked");
        // Moments show in the browser's own zone, with UTC kept on hover.
        assertThat(page.locator("tr", new Page.LocatorOptions().setHasText("Zapier")).locator("time").first())
            .hasAttribute("title", java.util.regex.Pattern.compile("UTC$"));

        var signInPage = chromium.page(390);
        signInPage.navigate(api.uri("/admin/login").toString());
        Chromium.screenshot(signInPage, "dashboard-sign-in-390");
        var phone = StaffBrowser.of(db, passwords, account.id()).signIn(api, signInPage, "/admin/developers/api-keys");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(phone, "dashboard-api-keys-390");
        var missing = phone.navigate(api.uri("/admin/nothing-here").toString());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(phone.locator("main")).containsText(missing.headerValue("X-Request-Id"));
    }
    @Test
    void aLongApiKeyNameWrapsOnAPhoneInTheListTheFlashAndTheRevokeQuestion() {
        var account = accounts.create();
        var phone = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(390));
        // No space or hyphen to break at: as a key named after a pasted token or URL would be.
        String name = "ZapierProductionOrdersToTheWarehouseAndBackOfficeSync" + "X".repeat(47);
        phone.navigate(api.uri("/admin/developers/api-keys").toString());
        phone.getByLabel("New key name").fill(name);
        phone.getByRole(AriaRole.BUTTON, named("Create API key")).click();

        assertThat(phone.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("created")))
            .hasText("API key “" + name + "” created.");
        assertThat(phone.locator("td[data-label=Name]", new Page.LocatorOptions().setHasText(name))).isVisible();
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(phone, "dashboard-api-keys-long-name-390");
        phone.getByRole(AriaRole.BUTTON, named("Revoke " + name)).click();
        var confirm = phone.getByRole(AriaRole.DIALOG);
        assertThat(confirm).containsText(name);
        assertThat((Boolean) phone.evaluate("(() => { const d = document.querySelector('dialog[open]');"
            + " return d.scrollWidth <= d.clientWidth; })()")).as("the question fits its dialog").isTrue();
        Chromium.screenshot(phone, "dashboard-api-keys-long-name-confirm-390");

        var desk = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280),
            "/admin/developers/api-keys");
        assertThat((Integer) desk.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(1280);
        Chromium.screenshot(desk, "dashboard-api-keys-long-name-1280");
    }

    /** A probe found Executions, Tasks, Webhooks, Developers and Settings off a phone's screen, unannounced. */
    @Test
    void onAPhoneEverySectionOfTheNavigationIsInSightWithoutScrollingSideways() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(390));
        var sections = page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Dashboard"))
            .getByRole(AriaRole.LINK);

        assertThat(sections.count()).isGreaterThanOrEqualTo(9);
        for (var section : sections.all()) {
            var box = section.boundingBox();
            assertThat(box.x).as(section.textContent()).isGreaterThanOrEqualTo(0);
            assertThat(box.x + box.width).as(section.textContent()).isLessThanOrEqualTo(390);
        }
        Chromium.screenshot(page, "dashboard-nav-390");
    }

    /**
     * The section being read is in bold, which widens it: on the Executions and Tasks pages it pushed Settings onto a
     * third row of its own. Every section's page keeps the navigation to two rows on a phone.
     */
    @Test
    void onAPhoneTheNavigationTakesTwoRowsWhicheverSectionIsOpen() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(390));
        var nav = page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Dashboard"));
        var hrefs = nav.getByRole(AriaRole.LINK).all().stream().map(link -> link.getAttribute("href")).toList();

        for (String href : hrefs) {
            page.navigate(api.uri(href).toString());
            var current = nav.locator("a[aria-current=page]");
            assertThat(current).hasCount(1);
            var rows = nav.getByRole(AriaRole.LINK).all().stream().map(link -> Math.round(link.boundingBox().y))
                .distinct()
                .count();
            assertThat(rows).as("rows of the navigation on " + href).isEqualTo(2);
        }
        Chromium.screenshot(page, "dashboard-nav-settings-390");
    }

    /** The sandbox banner takes fewer lines on a phone: the badge beside the store's name says sandbox already. */
    @Test
    void onAPhoneTheSandboxBannerKeepsTheClockAndItsControlAndLeavesTheExplanationToWiderScreens() {
        var account = accounts.create();
        var phone = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(390));
        var desk = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280));

        assertThat(phone.locator(".sandbox-banner .sandbox-note")).isHidden();
        assertThat(phone.locator(".sandbox-banner time")).isVisible();
        assertThat(phone.locator(".sandbox-banner").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions()
            .setName("Advance"))).isVisible();
        assertThat(desk.locator(".sandbox-banner .sandbox-note")).isVisible();
        assertThat(desk.locator(".sandbox-banner")).containsText("test data, no real money moves");
    }

    /** A page that fails as a bug would: a calm page with the request id to quote, the way back, and no internals. */
    @Test
    void aPageThatFailsUnexpectedlyShowsAFriendlyPageWithTheRequestIdToQuote() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(390));

        var response = page.navigate(api.uri("/admin/test-support/boom").toString());

        assertThat(response.status()).isEqualTo(500);
        String requestId = response.headerValue("x-request-id");
        org.assertj.core.api.Assertions.assertThat(requestId).startsWith("req_");
        assertThat(page.getByRole(AriaRole.HEADING, named("Internal error"))).isVisible();
        assertThat(page.locator("main")).containsText("Something went wrong on our side. Trying again in a moment "
            + "usually helps.");
        assertThat(page.locator("main code")).hasText(requestId);
        org.assertj.core.api.Assertions.assertThat(page.content()).doesNotContain("secret internal detail")
            .doesNotContain("IllegalStateException");
        Chromium.screenshot(page, "dashboard-500-390");
        page.getByRole(AriaRole.LINK, named("Back to the dashboard")).click();
        assertThat(page.locator(".side")).containsText("Test store");
    }

    /** A live account's dashboard says live, and offers no sandbox banner or test clock: its money is real. */
    @Test
    void aLiveAccountIsMarkedLiveWithNoSandboxBannerAndNoTestClockToAdvance() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280));
        assertThat(page.locator(".sandbox-banner")).isVisible();
        // Live only for this check: a lasting live account would switch the shared test clock off for other tests.
        db.sql("UPDATE accounts SET mode = 'live' WHERE id = :id").param("id", account.id()).update();
        try {
            page.reload();

            assertThat(page.locator(".side .mode")).hasText("live");
            assertThat(page.locator(".side .mode")).hasClass(java.util.regex.Pattern.compile("\\bmode-live\\b"));
            assertThat(page.locator(".sandbox-banner")).hasCount(0);
            assertThat(page.getByRole(AriaRole.BUTTON, named("Advance"))).hasCount(0);
            assertThat(page.locator("form.clock-advance")).hasCount(0);
            assertThat(page.locator("body")).not().containsText("Test clock");
            assertThat(page.getByRole(AriaRole.HEADING, named("Customers"))).isVisible();
            Chromium.screenshot(page, "dashboard-live-1280");
        } finally {
            db.sql("UPDATE accounts SET mode = 'sandbox' WHERE id = :id").param("id", account.id()).update();
        }
    }

    /** A record that is not there (mistyped, or another account's): a calm 404 with the request id to quote. */
    @Test
    void aRecordThatIsNotFoundShowsAFriendlyPageWithTheRequestIdToQuote() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280));

        var response = page.navigate(api.uri("/admin/customers/cus_00000000000000000000000000").toString());

        assertThat(response.status()).isEqualTo(404);
        String requestId = response.headerValue("x-request-id");
        org.assertj.core.api.Assertions.assertThat(requestId).startsWith("req_");
        assertThat(page.getByRole(AriaRole.HEADING, named("We couldn't find that"))).isVisible();
        assertThat(page.locator("main code.request-id")).hasText(requestId);
        assertThat(page.locator("main")).containsText("quote request " + requestId);
        assertThat(page.locator(".side")).containsText("Test store");
        Chromium.screenshot(page, "dashboard-404-1280");
    }

    @Test
    void theDashboardsIconIsServedToBrowsersWithoutASession() {
        var icon = api.get("/favicon.ico", null);

        assertThat(icon.status()).isEqualTo(200);
        assertThat(icon.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).contains(
            "icon"));
    }
}
