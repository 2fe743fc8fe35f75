package io.till.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.LoadState;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Settings › Branding in a real browser: the live previews follow the form, and a save is what the API reads. */
@TillIntegrationTest
class BrandingPagesTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;
    @Autowired
    PasswordEncoder passwords;
    @Autowired
    java.time.Clock clock;

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
    void thePreviewsFollowTheFormAsTypedAndASaveIsWhatTheApiReads() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280));
        page.getByRole(AriaRole.LINK, named("Settings")).click();
        assertThat(page.getByRole(AriaRole.HEADING, named("Settings"))).isVisible();
        Chromium.screenshot(page, "settings-index-1280");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(Pattern.compile("^Branding"))).click();
        assertThat(page.getByRole(AriaRole.HEADING, named("Branding"))).isVisible();
        // The previews follow the form through htmx, a deferred script: it runs by the page's load event.
        page.waitForLoadState(LoadState.LOAD);

        var email = page.frameLocator("iframe[title='Preview of an email']");
        var portal = page.frameLocator("iframe[title='Preview of the customer portal header']");
        assertThat(email.locator("body")).containsText("Test store");

        page.getByLabel("Company name").fill("Lovelace Tea Co");
        page.getByLabel("Brand colour").fill("#0f766e");
        assertThat(email.locator("body")).containsText("Lovelace Tea Co");
        assertThat(portal.locator(".brand")).hasText("Lovelace Tea Co");
        // The email's header band and the portal's accent take the colour being typed.
        assertThat(email.locator("td[style^='background:#0f766e']")).hasText("Lovelace Tea Co");
        assertThat(portal.locator(".button.primary")).hasCSS("background-color", "rgb(15, 118, 110)");
        // Nothing is saved by typing.
        assertThat(api.get("/api/v1/account/branding", account.apiKey()).json().get("company_name").isNull())
            .isTrue();
        Chromium.screenshot(page, "settings-branding-preview-1280");
        // The store's time zone: the email preview writes today's day in it.
        page.getByLabel("Time zone").selectOption("Pacific/Kiritimati");
        assertThat(page.getByLabel("Time zone").locator("option:checked")).hasText("Kiritimati · UTC+14:00");
        assertThat(email.locator("body")).containsText("charged $29.00 on " + java.time.format.DateTimeFormatter
            .ofPattern("MMMM d, uuuu", java.util.Locale.US)
            .format(clock.instant().atZone(java.time.ZoneId.of("Pacific/Kiritimati"))));

        page.getByRole(AriaRole.BUTTON, named("Save branding")).click();
        assertThat(page.locator(".flash")).containsText("Branding saved.");
        var saved = api.get("/api/v1/account/branding", account.apiKey()).json();
        assertThat(saved.get("company_name").asString()).isEqualTo("Lovelace Tea Co");
        assertThat(saved.get("brand_color").asString()).isEqualTo("#0f766e");
        assertThat(saved.get("time_zone").asString()).isEqualTo("Pacific/Kiritimati");
        assertThat(page.getByLabel("Company name")).hasValue("Lovelace Tea Co");
        assertThat(page.getByLabel("Time zone")).hasValue("Pacific/Kiritimati");
        // The dashboard names the store as its receipts and portal now do.
        assertThat(page.locator(".account-name")).hasText("Lovelace Tea Co");
    }

    @Test
    void anIconUrlAndASupportEmailSavedThroughTheFormAreShownAgainAndReadByTheApi() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280),
            "/admin/settings/branding");
        assertThat(page.getByLabel("Icon URL")).hasValue("");
        assertThat(page.getByLabel("Support email")).hasValue("");

        page.getByLabel("Icon URL").fill("https://cdn.lovelace.example/mark.png");
        page.getByLabel("Support email").fill("help@lovelace.example");
        page.getByRole(AriaRole.BUTTON, named("Save branding")).click();

        assertThat(page.locator(".flash")).containsText("Branding saved.");
        var saved = api.get("/api/v1/account/branding", account.apiKey()).json();
        assertThat(saved.get("icon_url").asString()).isEqualTo("https://cdn.lovelace.example/mark.png");
        assertThat(saved.get("support_email").asString()).isEqualTo("help@lovelace.example");
        // Opened afresh, the form shows what was saved, not what the browser kept of the typing.
        var again = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280),
            "/admin/settings/branding");
        assertThat(again.getByLabel("Icon URL")).hasValue("https://cdn.lovelace.example/mark.png");
        assertThat(again.getByLabel("Support email")).hasValue("help@lovelace.example");
    }

    /**
     * A long company name, of words or unbroken, wraps inside the portal header's preview at 390 and 1280 px as the
     * portal's header wraps it: beside the Sign out button, the whole header inside its frame, and past three lines
     * ending in an ellipsis with the whole name in its title.
     */
    @Test
    void aLongCompanyNameWrapsInThePortalHeadersPreviewAtPhoneAndDesktopWidths() {
        var account = accounts.create();
        for (int width : new int[]{390, 1280}) {
            var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(width),
                "/admin/settings/branding");
            page.waitForLoadState(LoadState.LOAD);
            var portal = page.frameLocator("iframe[title='Preview of the customer portal header']");
            for (String company : new String[]{"Lovelace & Babbage Analytical Tea, Coffee and Fine Biscuit "
                + "Company of Greater London", "W".repeat(120)}) {
                page.getByLabel("Company name").fill(company);
                var brand = portal.locator(".brand");
                assertThat(brand).hasText(company);
                assertThat(brand.locator("span")).hasAttribute("title", company);
                var sizes = brand.evaluate("""
                    b => ({brand: b.scrollWidth + ' in ' + b.clientWidth + ', right ' + b.getBoundingClientRect().right,
                        page: document.documentElement.scrollWidth + ' in ' + document.documentElement.clientWidth,
                        signOut: document.querySelector('.sign-out button').getBoundingClientRect().left,
                        header: document.querySelector('header.top').getBoundingClientRect().bottom + ' in '
                            + innerHeight})""").toString();
                Chromium.screenshot(page, "settings-branding-long-name-" + (company.contains(" ")
                    ? "words"
                    : "unbroken") + "-" + width);
                assertThat((Boolean) brand.evaluate("""
                    b => b.scrollWidth <= b.clientWidth
                        && b.getBoundingClientRect().right <= document.documentElement.clientWidth
                        && document.documentElement.scrollWidth <= document.documentElement.clientWidth
                        && b.getBoundingClientRect().right
                            <= document.querySelector('.sign-out button').getBoundingClientRect().left
                        && document.querySelector('header.top').getBoundingClientRect().bottom <= innerHeight"""))
                    .as("%s at %d px: beside Sign out, inside the frame: %s", company.substring(0, 10),
                        width, sizes)
                    .isTrue();
            }
        }
    }

    @Test
    void theBrowsersTimeZoneIsOfferedWhileNoneIsChosenAndIsSavedOnlyBySave() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(390, "America/Los_Angeles"),
            "/admin/settings/branding");
        page.waitForLoadState(LoadState.LOAD);
        var offer = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(Pattern.compile(
            "^Use Los Angeles · UTC−0[78]:00 \\(your browser’s time zone\\)$")));
        assertThat(offer).isVisible();
        Chromium.screenshot(page, "settings-branding-zone-offer-390");

        offer.click();
        assertThat(page.getByLabel("Time zone")).hasValue("America/Los_Angeles");
        assertThat(offer).isHidden();
        assertThat(api.get("/api/v1/account/branding", account.apiKey()).json().get("time_zone").isNull()).isTrue();
        page.getByRole(AriaRole.BUTTON, named("Save branding")).click();
        assertThat(page.locator(".flash")).containsText("Branding saved.");
        assertThat(api.get("/api/v1/account/branding", account.apiKey()).json().get("time_zone").asString())
            .isEqualTo("America/Los_Angeles");

        // Once a zone is chosen, it is not second-guessed, even from a browser elsewhere.
        var elsewhere = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280, "Asia/Tokyo"),
            "/admin/settings/branding");
        elsewhere.waitForLoadState(LoadState.LOAD);
        assertThat(elsewhere.getByLabel("Time zone")).hasValue("America/Los_Angeles");
        assertThat(elsewhere.locator(".zone-suggest")).isHidden();
    }

    @Test
    void aBadFieldIsNamedNextToItsInputAndNothingIsSaved() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(390),
            "/admin/settings/branding");
        page.getByLabel("Company name").fill("Babbage Engines");
        page.getByLabel("Brand colour").fill("teal");
        page.getByLabel("Support email").fill("not an address");
        page.getByRole(AriaRole.BUTTON, named("Save branding")).click();

        assertThat(page.getByRole(AriaRole.ALERT)).containsText("Nothing was saved");
        assertThat(page.locator("#brandColor-error")).hasText("must be a color as #RRGGBB");
        assertThat(page.getByLabel("Brand colour")).hasAttribute("aria-invalid", "true");
        assertThat(page.locator("#supportEmail-error")).hasText("must be an email address");
        // What was typed stays, so only the bad fields need fixing.
        assertThat(page.getByLabel("Company name")).hasValue("Babbage Engines");
        assertThat(api.get("/api/v1/account/branding", account.apiKey()).json().get("company_name").isNull())
            .isTrue();
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(page, "settings-branding-errors-390");
        page.navigate(api.uri("/admin/settings").toString());
        Chromium.screenshot(page, "settings-index-390");
    }

    @Test
    void aLogoTypedIntoTheFormIsPreviewedFromTillsOwnCopy() throws Exception {
        var out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(120, 32, BufferedImage.TYPE_INT_RGB), "png", out);
        var host = new WireMockServer(options().dynamicPort());
        host.start();
        try {
            host.stubFor(get(urlEqualTo("/logo.png")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png")
                .withBody(out.toByteArray())));
            var account = accounts.create();
            var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280),
                "/admin/settings/branding");
            page.getByLabel("Logo URL").fill(host.baseUrl() + "/logo.png");

            var portal = page.frameLocator("iframe[title='Preview of the customer portal header']");
            var email = page.frameLocator("iframe[title='Preview of an email']");
            assertThat(portal.locator("img.logo")).isVisible();
            assertThat(portal.locator("img.logo")).hasJSProperty("naturalWidth", 120);
            // Both previews load the image from Till, which fetched it through the egress guard.
            assertThat(email.locator("img")).hasAttribute("src",
                Pattern.compile("^/admin/settings/branding/preview/image\\?url=http"));
            assertThat(email.locator("img")).hasJSProperty("naturalWidth", 120);
            Chromium.screenshot(page, "settings-branding-logo-1280");

            // The email's inline styles are allowed in its own frame only: no script, framed by Till alone.
            String emailSrc = page.locator("iframe[title='Preview of an email']").getAttribute("src");
            var headers = page.request().get(api.uri(emailSrc).toString()).headers();
            assertThat(headers.get("content-security-policy")).startsWith("default-src 'none'; style-src "
                + "'unsafe-inline'; img-src 'self';").endsWith("frame-ancestors 'self'");
            var dashboard = page.request().get(api.uri("/admin/settings/branding").toString()).headers();
            assertThat(dashboard.get("content-security-policy")).contains("frame-ancestors 'none'");
        } finally {
            host.stop();
        }
    }
}
