package io.till.portal;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What the overview and a subscription's page tell of it in a real Chromium: its term, its card, its payments. */
@TillIntegrationTest
class PortalSubscriptionPageTest {

    static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    JdbcClient db;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    private Page signedIn(Shops.Shop shop, String customerId, int width) {
        var page = chromium.page(width);
        page.navigate(api.post("/api/v1/portal_sessions", shop.apiKey(), "{\"customer_id\": \"%s\"}".formatted(
            customerId)).json().get("url").asString());
        return page;
    }

    /**
     * A subscription that ends after 30 daily payments, 23 of them paid: the overview and its page say how many and
     * when it ends, and its page shows its payments 20 at a time.
     */
    @Test
    void aFixedTermSubscriptionSaysHowManyPaymentsItEndsAfterAndWhen() {
        var shop = shops.open();
        var season = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Daily yoga", "options": [{"name": "30 days", "kind": "subscription", "amount": 300,
             "currency": "usd", "interval": "day", "cycles": 30}]}""").json();
        var checkout = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Yoga", "product_id": "%s"}""".formatted(season.get("id").asString())).json();
        var order = api.post("/api/v1/checkouts/" + checkout.get("id").asString() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(season.get("options").get(0).get("id").asString())).json();
        shops.advance(shop, "P22DT1H");
        String endsAt = shops.subscription(shop, order.get("subscription_id").asString()).get("ends_at").asString();
        String endDay = java.time.format.DateTimeFormatter.ofPattern("MMM d, uuuu", java.util.Locale.US)
            .withZone(java.time.ZoneOffset.UTC)
            .format(java.time.Instant.parse(endsAt));

        for (int width : new int[]{390, 1280}) {
            var page = signedIn(shop, order.get("customer_id").asString(), width);

            assertThat(page.locator(".item")).containsText("Ends after 30 payments · 23 paid");
            Chromium.screenshot(page, "portal-overview-fixed-term-" + width);
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Details")).click();
            assertThat(page.locator(".facts")).containsText("Ends after 30 payments · 23 paid");
            assertThat(page.locator(".facts")).containsText("Ends on");
            assertThat(page.locator(".facts")).containsText(endDay);
            assertThat(page.locator(".count")).hasText("1–20 of 23");
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
                .isLessThanOrEqualTo(width);
            Chromium.screenshot(page, "portal-subscription-fixed-term-" + width);
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Older →")).click();
            assertThat(page.locator(".count")).hasText("21–23 of 23");
            assertThat(page.locator(".pager")).containsText("Page 2 of 2");
            Chromium.screenshot(page, "portal-subscription-payments-page-2-" + width);
        }
    }

    /** A renewal the buyer's credit paid in full opens its receipt from the payments list, as a card payment does. */
    @Test
    void aRenewalPaidWithCreditOpensItsReceipt() {
        var shop = shops.open();
        api.send("PUT", "/api/v1/account/branding", shop.apiKey(), """
            {"company_name": "Lumen Yoga", "support_email": "help@lumen.example", "brand_color": "#0f766e"}""",
            java.util.List.of("Content-Type", "application/json"));
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        api.post("/api/v1/customers/" + customer + "/credits", shop.apiKey(), """
            {"amount": 5000, "currency": "usd", "reason": "Goodwill"}""");
        shops.advance(shop, "P31DT1H");

        for (int width : new int[]{390, 1280}) {
            var page = signedIn(shop, customer, width);
            page.navigate(java.net.URI.create(page.url()).resolve("/portal/" + shop.accountId() + "/payments")
                .toString());
            page.getByText("paid with credit").first().click();

            assertThat(page.locator("#receipt-title")).hasText("Receipt");
            assertThat(page.locator(".receipt-facts")).containsText("Your account credit");
            assertThat(page.locator(".receipt")).containsText("Credit applied");
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
                .isLessThanOrEqualTo(width);
            Chromium.screenshot(page, "portal-receipt-paid-with-credit-" + width);
        }
    }

    /** Out of retries: the page says paying starts it again, and whom to write to end it instead. */
    @Test
    void anUnpaidSubscriptionExplainsWhatPayingDoes() {
        var shop = shops.open();
        api.send("PUT", "/api/v1/account/branding", shop.apiKey(), """
            {"company_name": "Lumen Yoga", "support_email": "help@lumen.example", "brand_color": "#0f766e"}""",
            java.util.List.of("Content-Type", "application/json"));
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        shops.advance(shop, "P45D");

        for (int width : new int[]{390, 1280}) {
            var page = signedIn(shop, order.get("customer_id").asString(), width);
            page.navigate(java.net.URI.create(page.url()).resolve("/portal/" + shop.accountId() + "/subscriptions/"
                + order.get("subscription_id").asString()).toString());

            assertThat(page.locator("#unpaid-title")).hasText("Billing stopped");
            // The panel's own way to the store (the page's footer has it too).
            assertThat(
                page.locator("section:has(#unpaid-title)").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions()
                    .setName("help@lumen.example")))
                .isVisible();
            assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Update card to pay")))
                .isVisible();
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
                .isLessThanOrEqualTo(width);
            Chromium.screenshot(page, "portal-subscription-unpaid-" + width);
        }
    }

    /**
     * A fixed-term subscription that billed its last period ends on its own: the buyer and staff read "completed",
     * not "canceled", which would say someone stopped it.
     */
    @Test
    void aFixedTermSubscriptionThatRanItsTermReadsCompletedNotCanceled() {
        var shop = shops.open();
        var season = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Three lessons", "options": [{"name": "3 days", "kind": "subscription", "amount": 300,
             "currency": "usd", "interval": "day", "cycles": 3}]}""").json();
        var checkout = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Lessons", "product_id": "%s"}""".formatted(season.get("id").asString())).json();
        var order = api.post("/api/v1/checkouts/" + checkout.get("id").asString() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(season.get("options").get(0).get("id").asString())).json();
        String subscription = order.get("subscription_id").asString();
        shops.advance(shop, "P3DT1H");
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("canceled");

        var page = signedIn(shop, order.get("customer_id").asString(), 390);
        page.navigate(page.url().replaceAll("\\?.*$", "") + "?show=all");
        assertThat(page.locator(".item .status")).hasText("completed");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Details")).click();
        assertThat(page.locator(".detail-head .status")).hasText("completed");
        assertThat(page.locator(".facts")).containsText("3 of 3 payments made");
        // Each payment says what it paid: the order that started it, then its renewals.
        assertThat(page.locator(".rows li").first()).containsText("Visa •••• 4242 · Three lessons renewal");
        assertThat(page.locator(".rows li").last()).containsText("Visa •••• 4242 · Order #1");
        Chromium.screenshot(page, "portal-subscription-completed-390");
        // A bill written off along the way (staff voided it before the term ran out) leaves the term completed.
        db.sql("""
            UPDATE invoices SET status = 'void', voided_at = created_at
             WHERE account_id = ? AND subscription_id = ? AND sequence = 2""")
            .params(shop.accountId(), subscription)
            .update();
        page.reload();
        assertThat(page.locator(".detail-head .status")).hasText("completed");
        // A term that ran out while it still owed (its unpaid invoice voided as it ended) did not complete.
        db.sql("""
            UPDATE invoices i SET status = 'void', voided_at = s.canceled_at
              FROM subscriptions s
             WHERE s.account_id = i.account_id AND s.id = i.subscription_id
               AND i.account_id = ? AND i.subscription_id = ? AND i.sequence = (SELECT max(sequence) FROM invoices
                   WHERE account_id = ? AND subscription_id = ?)""")
            .params(shop.accountId(), subscription, shop.accountId(), subscription)
            .update();
        page.reload();
        assertThat(page.locator(".detail-head .status")).hasText("canceled");

        // One canceled by its buyer still reads canceled.
        var other = shops.buy(shop, shop.monthly(), "pm_card_visa", "bob@example.com");
        var canceled = api.post("/api/v1/subscriptions/" + other.get("subscription_id").asString() + "/cancel",
            shop.apiKey(), "{\"at_period_end\": false}");
        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);
        var bob = signedIn(shop, other.get("customer_id").asString(), 390);
        bob.navigate(bob.url().replaceAll("\\?.*$", "") + "?show=all");
        assertThat(bob.locator(".item .status")).hasText("canceled");
    }

    /**
     * A card that expired while it paid a subscription is marked on the overview and on the subscription's page as on
     * the cards page, with the way to choose another one for it.
     */
    @Test
    void anExpiredCardPayingASubscriptionIsMarkedWithAWayToChangeIt() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        ExpiredCards.expire(db, order.get("card_id").asString());

        for (int width : new int[]{390, 1280}) {
            var page = signedIn(shop, order.get("customer_id").asString(), width);

            var item = page.locator(".item");
            assertThat(item.locator(".card-expiry")).hasText("Expired 01/2025");
            assertThat(item.locator(".card-expiry")).hasClass(java.util.regex.Pattern.compile("expired"));
            var change = item.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Change card"));
            assertThat(change).hasAttribute("href", "/portal/" + shop.accountId() + "/cards#pay-" + subscription);
            Chromium.screenshot(page, "portal-overview-expired-card-" + width);

            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Details")).click();
            assertThat(page.locator(".facts .card-expiry")).hasText("Expired 01/2025");
            assertThat(page.locator(".facts")).containsText("This card has expired");
            // A probe saw the note drawn over the next fact at 1280 px (it wrapped into the next column).
            var note = page.locator(".facts .card-note").boundingBox();
            var next = page.locator(".facts .paid-with + div").boundingBox();
            boolean apart = note.x + note.width <= next.x || next.x + next.width <= note.x
                || note.y + note.height <= next.y || next.y + next.height <= note.y;
            assertThat(apart).as("the expired card's note and the next fact do not overlap at " + width + " px")
                .isTrue();
            Chromium.screenshot(page, "portal-subscription-expired-card-" + width);
            page.locator(".item-actions").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(
                "Change card")).click();
            assertThat(page.locator("#pay-" + subscription)).containsText("The card paying this has expired.");
        }
    }
}
