package io.till.admin;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.LoadState;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.Shops;
import io.till.testing.StaffBrowser;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Text typed without a space (a pasted token, a long company name) wraps inside its card on the staff dashboard at a
 * phone's width and a desktop's, instead of running out of it or being cut off.
 */
@TillIntegrationTest
class LongUnbrokenTextPagesTest {

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

    /** Whether the element's right edge stays within its card's (the nearest .panel, or the page). */
    private static void staysInItsCard(Locator element) {
        var overflow = (Number) element.evaluate("e => { const card = e.closest('.panel, section, main'); "
            + "return e.getBoundingClientRect().right - card.getBoundingClientRect().right "
            + "+ Math.max(0, e.scrollWidth - e.clientWidth); }");
        assertThat(overflow.doubleValue()).as("pixels past its card").isLessThanOrEqualTo(0.5);
    }

    private static void noSidewaysScroll(Page page, int width) {
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(width);
    }

    @ParameterizedTest
    @ValueSource(ints = {390, 1280})
    void aLongSearchALongCancelNoteAndALongCompanyNameWrapInsideTheirCards(int width) {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        String note = "n".repeat(500);
        var canceled = api.post("/api/v1/subscriptions/" + subscription + "/cancel", shop.apiKey(),
            "{\"at_period_end\": true, \"reason\": \"other\", \"reason_text\": \"" + note + "\"}");
        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);
        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(width),
            "/admin/customers?q=" + "q".repeat(3000));

        var heading = page.locator("h2", new Page.LocatorOptions().setHasText("Customers matching"));
        assertThat(heading).isVisible();
        staysInItsCard(heading);
        Chromium.screenshot(page, "dashboard-long-search-" + width);
        noSidewaysScroll(page, width);

        page.navigate(api.uri("/admin/subscriptions/").toString() + subscription);
        var canceledBy = page.locator("dt:text-is('Canceled by') + dd");
        assertThat(canceledBy).containsText(note);
        staysInItsCard(canceledBy);
        Chromium.screenshot(page, "dashboard-long-cancel-note-" + width);
        noSidewaysScroll(page, width);

        page.navigate(api.uri("/admin/settings/branding").toString());
        page.waitForLoadState(LoadState.LOAD);
        String company = "W".repeat(200);
        page.getByLabel("Company name").fill(company);
        var email = page.frameLocator("iframe[title='Preview of an email']");
        assertThat(email.locator("body")).containsText(company);
        assertThat((Integer) email.locator("body").evaluate("b => b.scrollWidth - b.clientWidth"))
            .as("the email's body is not wider than its frame").isLessThanOrEqualTo(0);
        Chromium.screenshot(page, "dashboard-long-company-name-" + width);
        noSidewaysScroll(page, width);
    }
}
