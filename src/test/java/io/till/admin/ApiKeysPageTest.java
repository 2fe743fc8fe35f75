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
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/** A new API key's Copy button, with the clipboard and without it. */
@TillIntegrationTest
class ApiKeysPageTest {

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

    private Page createKey(Page browser, String name) {
        var page = StaffBrowser.of(db, passwords, accounts.create().id()).signIn(api, browser,
            "/admin/developers/api-keys");
        page.getByLabel("New key name").fill(name);
        page.getByRole(AriaRole.BUTTON, named("Create API key")).click();
        assertThat(page.locator("#created-key")).containsText("till_sandbox_");
        return page;
    }

    /**
     * Each key says who made it, and revoking a key revokes the keys it made: the owner sees both, and the flash says
     * what went with it.
     */
    @Test
    void eachKeySaysWhoMadeItAndRevokingOneRevokesTheKeysItMade() {
        for (int width : new int[]{1280, 390}) {
            var account = accounts.create();
            var staff = StaffBrowser.of(db, passwords, account.id());
            var page = staff.signIn(api, chromium.page(width), "/admin/developers/api-keys");
            page.getByLabel("New key name").fill("Zapier");
            page.getByRole(AriaRole.BUTTON, named("Create API key")).click();
            String zapier = page.locator("#created-key").textContent().strip();
            var made = api.post("/api/v1/api_keys", zapier, "{\"name\": \"Made by Zapier\"}");
            assertThat(made.status()).as(made.text()).isEqualTo(201);
            page.reload();

            var madeRow = page.locator("tr", new Page.LocatorOptions().setHasText("Made by Zapier"));
            assertThat(madeRow).containsText("API key “Zapier”");
            assertThat(page.locator("tr:has(td[data-label=Name]:text-is('Zapier'))")).containsText(staff.email());
            assertThat(page.locator("tr", new Page.LocatorOptions().setHasText("Test key"))).containsText("Till");
            Chromium.screenshot(page, "dashboard-api-keys-made-by-" + width);

            page.getByRole(AriaRole.BUTTON, named("Revoke Zapier")).click();
            var confirm = page.getByRole(AriaRole.DIALOG);
            assertThat(confirm).containsText("or a key it made");
            page.waitForNavigation(() -> confirm.getByRole(AriaRole.BUTTON,
                new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Revoke key")).click());

            assertThat(page.locator(".flash")).containsText("The key it made was revoked with it.");
            assertThat(madeRow).containsText("revoked");
            assertThat(api.get("/api/v1/account", made.json().get("key").asString()).status()).isEqualTo(401);
        }
    }

    @Test
    void theCopyButtonPutsTheNewKeyOnTheClipboard() {
        var browser = chromium.page(1280);
        browser.context().grantPermissions(List.of("clipboard-read", "clipboard-write"));
        var page = createKey(browser, "Zapier");
        String key = page.locator("#created-key").textContent().strip();

        page.getByRole(AriaRole.BUTTON, named("Copy key")).click();

        assertThat(page.getByRole(AriaRole.BUTTON, named("Copy key"))).hasText("Copied");
        assertThat(page.locator(".copy-status")).hasText("Copied to the clipboard.");
        assertThat((String) page.evaluate("navigator.clipboard.readText()")).isEqualTo(key);
        Chromium.screenshot(page, "dashboard-api-key-copied-1280");
    }

    @Test
    void withoutAClipboardTheButtonSelectsTheKeyToCopyByHand() {
        var browser = chromium.page(390);
        browser.addInitScript("Object.defineProperty(navigator, 'clipboard', {value: undefined})");
        var page = createKey(browser, "Make");
        String key = page.locator("#created-key").textContent().strip();

        page.getByRole(AriaRole.BUTTON, named("Copy key")).click();

        assertThat(page.locator(".copy-status")).containsText("press Ctrl+C");
        assertThat((String) page.evaluate("window.getSelection().toString()")).isEqualTo(key);
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(page, "dashboard-api-key-copy-fallback-390");
    }
}
