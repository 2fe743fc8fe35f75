package io.till.admin;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.LoadState;
import com.microsoft.playwright.options.SelectOption;
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
 * Issue 12's acceptance, as a member of staff does it in one sitting and without curl: find a customer by three letters
 * of the name, refund part of an order, cancel the subscription at period end without automations, place an internal
 * order, and see each of these on the customer's timeline.
 */
@TillIntegrationTest
class StaffJourneyTest {

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

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    /** Confirms in the dashboard's dialog, once the page's script is there to open it. */
    private static void confirm(Page page, Locator button, String confirmation) {
        page.waitForLoadState(LoadState.LOAD);
        button.click();
        page.getByRole(AriaRole.DIALOG)
            .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(confirmation).setExact(true))
            .click();
    }

    /** The event types of the timeline's lines as the page shows them, newest first. */
    private static java.util.List<String> timelineTypes(Page page) {
        return page.locator("#timeline li code.type").allTextContents().stream().map(String::strip).toList();
    }

    @Test
    void staffFindACustomerRefundHalfAnOrderCancelWithoutAutomationsAndPlaceAnInternalOrder() {
        var shop = shops.open();
        var bought = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada Lovelace", "email": "ada@journey.example"}, "token": "pm_card_visa",
             "option_id": "%s"}""".formatted(shop.monthly()));
        assertThat(bought.status()).as(bought.text()).isEqualTo(201);
        String customer = bought.json().get("customer_id").asString();
        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280));

        page.getByLabel("Name or email").pressSequentially("lov", new Locator.PressSequentiallyOptions().setDelay(30));
        page.locator("#results a").filter(new Locator.FilterOptions().setHasText("Ada Lovelace")).click();
        assertThat(page.getByRole(AriaRole.HEADING, named("Ada Lovelace"))).isVisible();
        var typesBefore = timelineTypes(page);

        // Refund half of the order.
        page.locator("#orders tbody a").first().click();
        page.getByLabel("Amount (USD)").fill("9.50");
        confirm(page, page.getByRole(AriaRole.BUTTON, named("Refund…")), "Refund");
        assertThat(page.locator(".flash")).containsText("Refunded $9.50");

        // Cancel the subscription at the end of its period, quietly.
        page.getByRole(AriaRole.LINK, named("Ada Lovelace")).first().click();
        page.locator("#subscriptions tbody a").first().click();
        var cancel = page.locator("#cancel-at-period-end");
        cancel.getByLabel("Skip automations").check();
        confirm(page, cancel.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Cancel at period end")),
            "Cancel at period end");
        assertThat(page.locator(".flash")).containsText("without running automations");

        // A new internal order on the card on file.
        page.getByRole(AriaRole.LINK, named("Ada Lovelace")).first().click();
        page.getByRole(AriaRole.LINK, named("New order")).first().click();
        page.getByLabel("Product option").selectOption(new SelectOption().setLabel(
            "Membership — Monthly · $19.00 / month"));
        page.getByRole(AriaRole.BUTTON, named("Review order")).click();
        confirm(page, page.getByRole(AriaRole.BUTTON, named("Place order and charge $19.00")),
            "Charge and place order");
        assertThat(page.locator(".flash")).containsText("$19.00 charged");

        // The record tells the story: the timeline grew on top, newest first, with the refund of $9.50, the cancel
        // and the internal order; the purchase's own lines stay below them.
        var types = timelineTypes(page);
        assertThat(types).as("the lines there before stay, below the new ones").endsWith(typesBefore.toArray(
            String[]::new));
        var grown = types.subList(0, types.size() - typesBefore.size());
        assertThat(grown).containsSubsequence("order.created", "subscription.canceling", "payment.refunded");
        var lines = page.locator("#timeline li");
        var refunded = lines
            .filter(new Locator.FilterOptions().setHas(page.locator("code.type", new Page.LocatorOptions()
                .setHasText("payment.refunded"))));
        assertThat(refunded).hasCount(1);
        assertThat(refunded.locator(".what")).hasText("Payment refunded");
        assertThat(refunded.locator(".about")).hasText("$9.50");
        var ordersCreated = lines.filter(new Locator.FilterOptions().setHas(page.locator("code.type",
            new Page.LocatorOptions().setHasText("order.created"))));
        assertThat(ordersCreated).hasCount(2); // the purchase's order and the internal one
        for (int i = 0; i < 2; i++) {
            assertThat(ordersCreated.nth(i).locator(".what")).hasText("Order created");
            assertThat(ordersCreated.nth(i).locator(".about")).hasText("$19.00");
        }
        var canceling = lines.filter(new Locator.FilterOptions().setHas(page.locator("code.type",
            new Page.LocatorOptions().setHasText("subscription.canceling"))));
        assertThat(canceling.locator(".what")).hasText("Subscription set to cancel");
        var orders = api.get("/api/v1/orders?customer_id=" + customer, shop.apiKey()).json().get("data");
        assertThat(orders).hasSize(2);
        assertThat(db.sql("SELECT amount FROM refunds WHERE account_id = :account")
            .param("account", shop.accountId()).query(Long.class).list()).containsExactly(950L);
        Chromium.screenshot(page, "dashboard-journey-record-1280");
    }
}
