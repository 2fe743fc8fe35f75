package io.till.portal;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.billing.BillingJobs;
import io.till.shared.Timestamps;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A buyer who comes back to an open portal tab after the session ended, in a real Chromium: the next click lands on
 * the sign-in page, which says the session expired, and asking for a new link from there works. A tab left waiting
 * for the bank's answer goes there too, rather than showing the sign-in page inside the cards page.
 */
@TillIntegrationTest
class PortalSessionExpiredPageTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    MutableClock clock;
    @Autowired
    BillingJobs jobs;
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

    /** The question a session link of another customer asks, as a buyer sees it, and their answer in a click. */
    @Test
    void aBuyerSignedInWhoOpensAnotherCustomersLinkChoosesWhichAccountToBeIn() {
        var shop = shops.open();
        for (int width : new int[]{390, 1280}) {
            String ada = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada" + width + "@example.com")
                .get("customer_id").asString();
            String other = shops.buy(shop, shop.monthly(), "pm_card_visa", "grace" + width + "@example.com")
                .get("customer_id").asString();
            var page = chromium.page(width);
            page.navigate(sessionUrl(shop, ada));
            page.navigate(sessionUrl(shop, other));

            assertThat(page.getByRole(AriaRole.HEADING)).hasText("Switch account?");
            Chromium.screenshot(page, "portal-switch-account-" + width);
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Stay signed in as ada" + width
                + "@example.com")).click();
            assertThat(page.locator(".signed-in-as")).hasText("ada" + width + "@example.com");
        }
    }

    private String sessionUrl(Shops.Shop shop, String customerId) {
        return api.post("/api/v1/portal_sessions", shop.apiKey(), "{\"customer_id\": \"%s\"}".formatted(customerId))
            .json().get("url").asString();
    }

    @Test
    void aBuyerBackAfterTheSessionEndedIsToldItExpiredAndAsksForANewLinkRightThere() {
        var shop = shops.open();
        for (int width : new int[]{390, 1280}) {
            String email = "away" + width + "@example.com";
            var order = shops.buy(shop, shop.monthly(), "pm_card_visa", email);
            String url = api.post("/api/v1/portal_sessions", shop.apiKey(), "{\"customer_id\": \"%s\"}"
                .formatted(order.get("customer_id").asString())).json().get("url").asString();
            var page = chromium.page(width);
            page.navigate(url);
            assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Cards"))).isVisible();

            clock.passRealTime(Duration.ofMinutes(31));
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Cards")).click();

            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Your session has expired.");
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("we can email you a new sign-in link");
            Chromium.screenshot(page, "portal-session-expired-" + width);
            page.getByLabel("Email address").fill(email);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Email me a sign-in link")).click();

            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Check your email.");
            assertThat(page.getByText("Your session has expired")).hasCount(0);
        }
    }

    @Test
    void aBuyerOpeningASpentLinkOfTheSellersAppGoesBackToTheAppToOpenTheirAccountAgain() {
        var shop = shops.open();
        String customer = shops.buy(shop, shop.monthly(), "pm_card_visa", "twice@example.com")
            .get("customer_id").asString();
        String url = api.post("/api/v1/portal_sessions", shop.apiKey(), """
            {"customer_id": "%s", "return_url": "%s"}""".formatted(customer, api.uri("/app/account")))
            .json().get("url").asString();
        chromium.page(1280).navigate(url);
        for (int width : new int[]{390, 1280}) {
            var page = chromium.page(width);
            page.navigate(url);

            assertThat(page.getByRole(AriaRole.HEADING)).hasText("This link no longer works");
            var back = page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Back to Test store")
                .setExact(true));
            assertThat(back).hasAttribute("href", api.uri("/app/account").toString());
            Chromium.screenshot(page, "portal-session-spent-" + width);
        }
    }

    @Test
    void aCardsPageWaitingForTheBankWhenTheSessionEndsTakesTheBuyerToSignInInsteadOfShowingItInside() {
        var buyer = TwoSubscriptions.open(api, shops);
        String visa = api.post("/api/v1/customers/" + buyer.customer() + "/payment_methods", buyer.shop().apiKey(),
            "{\"token\": \"pm_card_visa\"}").json().get("id").asString();
        for (int width : new int[]{390, 1280}) {
            holdTheRetryOfTheUnpaidInvoice(buyer);
            String url = api.post("/api/v1/portal_sessions", buyer.shop().apiKey(), "{\"customer_id\": \"%s\"}"
                .formatted(buyer.customer())).json().get("url").asString();
            var page = chromium.page(width);
            page.navigate(url);
            page.navigate(api.uri("/portal/" + buyer.account() + "/cards").toString());
            var pastDue = page.locator("#pay-" + buyer.pastDue());
            pastDue.getByLabel("Paid with").selectOption(visa);
            pastDue.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save and pay $19.00")).click();
            assertThat(pastDue.getByRole(AriaRole.STATUS)).containsText("Charging $19.00 to Visa ending in 4242");
            Chromium.screenshot(page, "portal-cards-charging-" + width);

            clock.passRealTime(Duration.ofMinutes(31));

            assertThat(page).hasURL(Pattern.compile("/portal/" + buyer.account() + "\\?expired$"));
            assertThat(page.getByRole(AriaRole.STATUS)).containsText("Your session has expired.");
            assertThat(page.locator("#pay-" + buyer.pastDue())).hasCount(0);
            Chromium.screenshot(page, "portal-cards-charging-expired-" + width);
        }
    }

    /**
     * The bank's answer stays pending: the retry that choosing a card puts on the agenda now is held by another node
     * (as if its clock had claimed it), so the cards page keeps asking.
     */
    private void holdTheRetryOfTheUnpaidInvoice(TwoSubscriptions buyer) {
        String invoice = null;
        for (var listed : api.get("/api/v1/invoices?status=issued&customer_id=" + buyer.customer(), buyer.shop()
            .apiKey()).json().get("data")) {
            if (listed.get("subscription_id").asString().equals(buyer.pastDue())) {
                invoice = listed.get("id").asString();
            }
        }
        var now = Timestamps.now(clock);
        jobs.schedule(buyer.account(), BillingJobs.Kind.INVOICE_RETRY, invoice, now);
        db.sql("UPDATE billing_jobs SET locked_until = :until WHERE kind = 'INVOICE_RETRY' AND subject_id = :invoice")
            .param("until", Timestamps.of(now.plus(Duration.ofDays(1))))
            .param("invoice", invoice)
            .update();
    }
}
