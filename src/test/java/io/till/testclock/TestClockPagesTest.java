package io.till.testclock;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.ClockDatabase;
import io.till.testing.Shops;
import io.till.testing.StaffBrowser;
import io.till.testing.TillIntegrationTest;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The sandbox banner's "Advance" control in a real browser: it asks first, moves the test clock as the API does,
 * runs the renewal that fell due on the way, and comes back to the same page saying where the clock stands.
 */
@TillIntegrationTest
@ClockDatabase
class TestClockPagesTest {

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

    @Test
    void advancingTheClockPastARenewalBillsItAndComesBackToTheSamePage() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@clock.example");
        String customer = order.get("customer_id").asString();
        var subscription = shops.subscription(shop, order.get("subscription_id").asString());
        Instant renewal = Instant.parse(subscription.get("current_period_end").asString());
        String dayAfter = renewal.atZone(ZoneOffset.UTC).toLocalDate().plusDays(1).toString();
        String automation = api.post("/api/v1/automations", shop.apiKey(), """
            {"name": "Thank renewing members", "trigger": {"type": "event", "event": "invoice.paid"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "renewed"}}]}""")
            .json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + automation + "/activate", shop.apiKey(), null).status())
            .isEqualTo(200);
        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280),
            "/admin/customers/" + customer);
        var banner = page.locator(".sandbox-banner");
        String before = banner.locator("time").textContent();
        Chromium.screenshot(page, "dashboard-test-clock-1280");

        page.getByLabel("or to").fill(dayAfter);
        banner.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Advance")).click();
        var confirm = page.getByRole(AriaRole.DIALOG);
        assertThat(confirm).containsText("Everything due on the way");
        confirm.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Advance clock")).click();

        // Moving a month runs every renewal due in the database on the way: give it time.
        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("advanced")))
            .containsText("On the way, across the account: ",
                new LocatorAssertions.ContainsTextOptions().setTimeout(60_000));
        // What it set off, in words: the renewal's invoice was paid.
        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("advanced")))
            .containsText("Invoice paid");
        // ... and the automations that ran because of it, by name, with the way to their runs.
        var flash = page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("advanced"));
        assertThat(flash).containsText("Automations ran: Thank renewing members.");
        assertThat(page).hasURL(api.uri("/admin/customers/" + customer).toString());
        assertThat(banner.locator("time")).not().hasText(before);
        var invoices = api.get("/api/v1/invoices?customer_id=" + customer, shop.apiKey()).json().get("data");
        assertThat(invoices.size()).as("the renewal invoice").isGreaterThanOrEqualTo(1);
        assertThat(page.locator("#timeline")).containsText("invoice.");
        Chromium.screenshot(page, "dashboard-test-clock-advanced-1280");
        flash.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("See the runs")).click();
        assertThat(page).hasURL(api.uri("/admin/executions").toString());
        assertThat(page.getByRole(AriaRole.MAIN)).containsText("Thank renewing members");

        var phone = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(390));
        Chromium.screenshot(phone, "dashboard-test-clock-390");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        phone.getByLabel("Advance by").selectOption("PT1H");
        phone.locator(".sandbox-banner").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Advance"))
            .click();
        phone.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions()
            .setName("Advance clock")).click();
        assertThat(phone.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("advanced")))
            .isVisible();
    }

    /**
     * A page drawn as the answer to a refused form has an address that takes only that form: advancing the clock from
     * its banner comes back to its section, not to a "method not allowed" page that swallowed what the advance said.
     */
    @Test
    void advancingFromAPageDrawnForARefusedFormComesBackToItsSection() {
        var shop = shops.open();
        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280),
            "/admin/catalog");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add group")).click();
        assertThat(page.locator("#group-error")).containsText("A group needs a name");
        assertThat(page).hasURL(api.uri("/admin/catalog/groups").toString());

        var banner = page.locator(".sandbox-banner");
        banner.getByLabel("Advance by").selectOption("PT1H");
        banner.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Advance")).click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions()
            .setName("Advance clock")).click();

        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("advanced")))
            .isVisible();
        assertThat(page).hasURL(api.uri("/admin/catalog").toString());
    }

    @Test
    void aDateInThePastIsRefusedWithTheReasonAndTheClockStays() {
        var shop = shops.open();
        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280));
        String offset = api.get("/api/v1/test_clock", shop.apiKey()).json().get("offset").asString();

        page.getByLabel("or to").fill("2020-01-01");
        page.locator(".sandbox-banner").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Advance"))
            .click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions()
            .setName("Advance clock")).click();

        // Said as a refusal, not as news, with the clock's time as people read it.
        var refusal = page.getByRole(AriaRole.ALERT).filter(new Locator.FilterOptions().setHasText("did not move"));
        assertThat(refusal).containsText("must be after the clock's time");
        assertThat(refusal).hasClass(java.util.regex.Pattern.compile("refused"));
        org.assertj.core.api.Assertions.assertThat(refusal.textContent()).doesNotMatch(".*\\dT\\d\\d:\\d\\d.*")
            .matches(".*\\w{3} \\d{1,2}, \\d{4} · \\d\\d:\\d\\d UTC: the clock only moves forward\\..*");
        assertThat(api.get("/api/v1/test_clock", shop.apiKey()).json().get("offset").asString()).isEqualTo(offset);
    }
}
