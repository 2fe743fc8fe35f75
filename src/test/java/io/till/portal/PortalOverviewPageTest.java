package io.till.portal;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The overview in a real Chromium, on a phone and on a laptop. */
@TillIntegrationTest
class PortalOverviewPageTest {

    static Chromium chromium;

    @Autowired
    Api api;

    @Autowired
    Shops shops;

    @Autowired
    MutableClock clock;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    @Test
    void aBuyerOpeningAPortalSessionSeesTheirSubscriptionsPlansAndPayments() {
        var shop = shops.open();
        api.send("PUT", "/api/v1/account/branding", shop.apiKey(), """
            {"company_name": "Lumen Yoga", "support_email": "help@lumen.example", "brand_color": "#0f766e"}""",
            List.of("Content-Type", "application/json"));
        String customerId = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com")
            .get("customer_id")
            .asString();
        shops.buy(shop, shop.plan(), "pm_card_mastercard", "ada@example.com");
        shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        shops.advance(shop, "P14DT1H");

        for (int width : new int[]{390, 1280}) {
            String url = api.post("/api/v1/portal_sessions", shop.apiKey(), """
                {"customer_id": "%s", "return_url": "https://lumen.example/account"}""".formatted(customerId))
                .json()
                .get("url")
                .asString();
            var page = chromium.page(width);
            page.navigate(url);

            assertThat(page.locator("h1").textContent()).isEqualTo("Subscriptions and plans");
            assertThat(page.locator(".item").allTextContents()).hasSize(3)
                .anySatisfy(item -> assertThat(item).contains("Membership · Trial", "past due", "Unpaid", "0341"))
                .anySatisfy(item -> assertThat(item).contains("Membership · Monthly", "$19.00", "every month", "4242"))
                .anySatisfy(item -> assertThat(item).contains("Membership · 3 payments", "1 of 3 paid"));
            assertThat(page.locator(".back a").textContent()).contains("Back to Lumen Yoga");
            assertThat(page.locator("footer").textContent()).contains("help@lumen.example");
            Chromium.screenshot(page, "portal-overview-" + width);
        }
    }

    @Test
    void aBuyerWithManyPaymentsFollowsSeeAllToTheOldestAndItsReceipt() {
        var shop = shops.open();
        var orders = Ebooks.buy(api, shop, "ada@example.com", 23);
        String oldest = orders.getFirst().get("payment_id").asString();

        for (int width : new int[]{390, 1280}) {
            var page = chromium.page(width);
            page.navigate(api.post("/api/v1/portal_sessions", shop.apiKey(), """
                {"customer_id": "%s"}""".formatted(orders.getFirst().get("customer_id").asString()))
                .json()
                .get("url")
                .asString());
            assertThat(page.locator("#payments .rows li")).hasCount(PortalPages.NEWEST);
            // A buyer of one-time products only starts at their orders, not at "no active subscriptions".
            assertThat(page.locator("h1")).hasText("Your orders");
            assertThat(page.locator("main")).not().containsText("no active subscriptions");
            // Alike but for their order's number, which ties each payment to its order above.
            assertThat(page.locator("#payments .rows li").first()).containsText("Visa •••• 4242 · Order #23");
            assertThat(page.locator("#orders .rows li").first()).containsText("Order #23");
            Chromium.screenshot(page, "portal-overview-many-" + width);

            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("See all 23 payments")).click();
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Payments"))).isVisible();
            assertThat(page.locator(".rows li")).hasCount(PortalHistoryPages.PAGE_SIZE);
            assertThat(page.locator(".pager")).containsText("Page 1 of 2");
            Chromium.screenshot(page, "portal-payments-" + width);
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Older →")).click();
            assertThat(page.locator(".rows li")).hasCount(3);
            assertThat(page.locator(".rows li").last()).containsText("Order #1");
            assertThat(page.locator(".section-head")).containsText("21–23 of 23");
            Chromium.screenshot(page, "portal-payments-page-2-" + width);

            page.locator("a[href$='/payments/" + oldest + "/receipt']").click();
            assertThat(page.locator("body")).containsText("$9.00");
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Orders").setExact(true)).click();
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Orders"))).isVisible();
            assertThat(page.locator(".tabs a[aria-current=page]")).hasText("Orders");
        }
    }

    @Test
    void aBuyerSignsInByMagicLinkFromTheDevMailboxOnAPhone() {
        var shop = shops.open();
        api.send("PUT", "/api/v1/account/branding", shop.apiKey(),
            """
                {"company_name": "Northwind Coffee", "support_email": "hello@northwind.example", "brand_color": "#b45309"}""",
            List.of("Content-Type", "application/json"));
        shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        var page = chromium.page(390);

        page.navigate(api.uri("/portal/" + shop.accountId()).toString());
        Chromium.screenshot(page, "portal-sign-in-390");
        for (int tab = 0; tab < 5 && !"email".equals(page.evaluate("document.activeElement.id")); tab++) {
            page.keyboard().press("Tab");
        }
        assertThat(page.evaluate("document.activeElement.id")).as("the keyboard reaches the email field")
            .isEqualTo("email");
        page.getByLabel("Email address").fill("ada@example.com");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Email me a sign-in link")).click();
        assertThat(page.locator("[role=status]").textContent()).contains("Check your email");
        Chromium.screenshot(page, "portal-check-email-390");

        String link = awaitLink(shop);
        page.navigate(link);
        assertThat(page.locator("h1").textContent()).isEqualTo("Welcome back");
        Chromium.screenshot(page, "portal-confirm-390");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();

        assertThat(page.locator("h1").textContent()).isEqualTo("Subscriptions and plans");
        assertThat(page.locator(".item").first().textContent()).contains("Membership · Monthly", "$19.00");
        String shown = page.locator(".item time").first().textContent();
        assertThat(shown).as("a date written by the browser for its zone").matches("[A-Z][a-z]{2} \\d{1,2}, \\d{4}");
        assertThat(page.locator(".item time").first().getAttribute("title")).endsWith("UTC");
    }

    /**
     * Pages write a day in the store's time zone; the buyer's browser rewrites it into its own, keeping the UTC instant
     * on hover. A payment at 22:30 UTC is that day in New York (the store) and the next in Kiritimati (UTC+14, the
     * buyer).
     */
    @Test
    void datesAreShownInTheBuyersTimeZoneWithTheUtcInstantOnHover() {
        var shop = shops.open();
        var branding = api.send("PUT", "/api/v1/account/branding", shop.apiKey(), """
            {"company_name": "Lumen Yoga", "time_zone": "America/New_York"}""",
            List.of("Content-Type", "application/json"));
        assertThat(branding.status()).as(branding.text()).isEqualTo(200);
        Instant now = clock.instant();
        Instant lateInTheUtcDay = now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(22).plusMinutes(30));
        if (!lateInTheUtcDay.isAfter(now)) {
            lateInTheUtcDay = lateInTheUtcDay.plus(Duration.ofDays(1));
        }
        var moved = api.post("/api/v1/test_clock/advance", shop.apiKey(), "{\"to\": \"" + lateInTheUtcDay + "\"}");
        assertThat(moved.status()).as(moved.text()).isEqualTo(200);
        String customerId = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com")
            .get("customer_id")
            .asString();
        var day = DateTimeFormatter.ofPattern("MMM d, uuuu", Locale.US);
        String utcDay = day.format(lateInTheUtcDay.atZone(ZoneOffset.UTC));
        String kiritimatiDay = day.format(lateInTheUtcDay.atZone(ZoneId.of("Pacific/Kiritimati")));
        assertThat(kiritimatiDay).as("the buyer's day is not the store's").isNotEqualTo(utcDay);

        var page = chromium.page(390, "Pacific/Kiritimati");
        page.navigate(api.post("/api/v1/portal_sessions", shop.apiKey(), """
            {"customer_id": "%s"}""".formatted(customerId)).json().get("url").asString());

        var paid = page.locator("#payments .rows li time").first();
        assertThat(paid).hasAttribute("datetime", lateInTheUtcDay.toString());
        assertThat(paid).hasText(kiritimatiDay);
        assertThat(paid).hasAttribute("title", utcDay + ", 22:30 UTC");
        // The next bill, a month on at the same instant, is the buyer's next day too.
        var nextBill = page.locator(".item time").first();
        Instant nextBillAt = Instant.parse(nextBill.getAttribute("datetime"));
        assertThat(nextBill).hasText(day.format(nextBillAt.atZone(ZoneId.of("Pacific/Kiritimati"))));
        assertThat(nextBill.textContent()).isNotEqualTo(day.format(nextBillAt.atZone(ZoneId.of("America/New_York"))));
        assertThat(nextBill).hasAttribute("title", PortalTime.minute(nextBillAt, ZoneOffset.UTC));
        Chromium.screenshot(page, "portal-overview-kiritimati-390");
    }

    private String awaitLink(Shops.Shop shop) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            var mails = api.get("/api/v1/dev/mailbox", shop.apiKey()).json().get("data");
            if (!mails.isEmpty()) {
                var matcher = Pattern.compile("http://\\S+/link/[a-z0-9]+")
                    .matcher(mails.get(0).get("text").asString());
                assertThat(matcher.find()).isTrue();
                return matcher.group();
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        throw new AssertionError("no sign-in email arrived");
    }
}
