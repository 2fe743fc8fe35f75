package io.till.admin;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Settings › Customer portal and › Customer notifications: one settings object, two forms, the API's checks. */
@TillIntegrationTest
class PortalSettingsPagesTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
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
    void portalSettingsRoundTripThroughTheApiAndKeepTheReceiptSettings() {
        var account = accounts.create();
        api.send("PUT", "/api/v1/portal_settings", account.apiKey(),
            "{\"receipt_emails\": {\"initial_order\": true}, \"footer\": \"VAT GB123\"}",
            java.util.List.of("Content-Type", "application/json"));
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280),
            "/admin/settings/portal");
        assertThat(page.getByLabel("Buyers may cancel their own subscriptions")).isChecked();
        assertThat(page.locator("#embed-snippet")).containsText("/portal/" + account.id() + "\"");
        // A sign-in link asked for in the frame opens a tab of its own: the page says how to sign a buyer in there.
        assertThat(page.locator("#embed-sign-in")).containsText("POST /api/v1/portal_sessions");
        // The plain link to put on the seller's site, copied with one click.
        assertThat(page.locator("#portal-link")).hasText(api.uri("/portal/" + account.id()).toString());
        page.context().grantPermissions(java.util.List.of("clipboard-read", "clipboard-write"));
        page.getByRole(AriaRole.BUTTON, named("Copy the portal link")).click();
        assertThat(page.getByRole(AriaRole.BUTTON, named("Copy the portal link"))).hasText("Copied");
        assertThat((String) page.evaluate("navigator.clipboard.readText()"))
            .isEqualTo(api.uri("/portal/" + account.id()).toString());

        // Out of range, said in the form's own terms (a number and a unit), not as an ISO-8601 duration.
        page.getByLabel("Card-update links work for").fill("31");
        page.getByRole(AriaRole.BUTTON, named("Save portal settings")).click();
        assertThat(page.locator("#validity-error")).hasText("Must be from 1 hour to 30 days.");

        page.getByLabel("Buyers may cancel their own subscriptions").uncheck();
        page.getByLabel("Cancel reasons").fill("Too expensive\n\nMoving abroad\n");
        page.getByLabel("Card-update links work for").fill("36");
        page.getByLabel("Unit").selectOption("hours");
        page.getByLabel("Sites that may embed the portal").fill("https://shop.example.com");
        page.getByRole(AriaRole.BUTTON, named("Save portal settings")).click();
        assertThat(page.locator(".flash")).hasText("Portal settings saved.");

        var saved = api.get("/api/v1/portal_settings", account.apiKey()).json();
        assertThat(saved.get("self_cancel").asBoolean()).isFalse();
        assertThat(saved.get("cancel_reasons").toString()).isEqualTo("[\"Too expensive\",\"Moving abroad\"]");
        assertThat(saved.get("card_link_validity").asString()).isEqualTo("PT36H");
        assertThat(saved.get("allowed_embed_origins").get(0).asString()).isEqualTo("https://shop.example.com");
        // The other page's settings are untouched.
        assertThat(saved.get("receipt_emails").get("initial_order").asBoolean()).isTrue();
        assertThat(saved.get("footer").asString()).isEqualTo("VAT GB123");
        assertThat(page.getByLabel("Card-update links work for")).hasValue("36");
        Chromium.screenshot(page, "settings-portal-1280");

        // The API's checks, next to the field.
        page.getByLabel("Sites that may embed the portal").fill("https://shop.example.com\nhttps://*.evil.example");
        page.getByRole(AriaRole.BUTTON, named("Save portal settings")).click();
        assertThat(page.locator("#origins-error")).containsText("Line 2: must be an origin");
        assertThat(api.get("/api/v1/portal_settings", account.apiKey()).json().get("allowed_embed_origins").size())
            .isEqualTo(1);
    }

    @Test
    void aValidityTheApiSetInMinutesIsShownInMinutesAndKeptBySavingTheFormUnchanged() {
        var account = accounts.create();
        api.send("PUT", "/api/v1/portal_settings", account.apiKey(), "{\"card_link_validity\": \"PT90M\"}",
            java.util.List.of("Content-Type", "application/json"));
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280),
            "/admin/settings/portal");
        assertThat(page.getByLabel("Card-update links work for")).hasValue("90");
        assertThat(page.getByLabel("Unit")).hasValue("minutes");

        page.getByLabel("Buyers may cancel their own subscriptions").uncheck();
        page.getByRole(AriaRole.BUTTON, named("Save portal settings")).click();
        assertThat(page.locator(".flash")).hasText("Portal settings saved.");
        assertThat(api.get("/api/v1/portal_settings", account.apiKey()).json().get("card_link_validity").asString())
            .isEqualTo("PT1H30M");
    }

    @Test
    void aBadEntryIsNamedByItsLineAsTypedBlankLinesCounted() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280),
            "/admin/settings/portal");
        page.getByLabel("Cancel reasons").fill("It costs too much\n\nIt costs too much");
        page.getByRole(AriaRole.BUTTON, named("Save portal settings")).click();
        assertThat(page.locator("#cancelReasons-error")).containsText("Line 3: ");
    }

    @Test
    void receiptEmailsAreSwitchedOnTheNotificationsPage() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(390),
            "/admin/settings/notifications");
        assertThat(page.getByLabel("Each subscription renewal")).not().isChecked();
        page.getByLabel("Each subscription renewal").check();
        page.getByLabel("Receipt footer").fill("Thank you! VAT GB123");
        page.getByRole(AriaRole.BUTTON, named("Save notifications")).click();
        assertThat(page.locator(".flash")).hasText("Customer notifications saved.");
        var saved = api.get("/api/v1/portal_settings", account.apiKey()).json();
        assertThat(saved.get("receipt_emails").get("subscription_renewals").asBoolean()).isTrue();
        assertThat(saved.get("receipt_emails").get("initial_order").asBoolean()).isFalse();
        assertThat(saved.get("footer").asString()).isEqualTo("Thank you! VAT GB123");
        assertThat(saved.get("self_cancel").asBoolean()).isTrue();
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(page, "settings-notifications-390");
        page.navigate(api.uri("/admin/settings/portal").toString());
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(page, "settings-portal-390");
    }
}
