package io.till.portal;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A buyer who comes back to an open portal tab after the session ended, in a real Chromium: the next click lands on
 * the sign-in page, which says the session expired, and asking for a new link from there works.
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

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
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
}
