package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Frame;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The embed snippet in a real Chromium: an allowed site frames the portal and sizes it; another site cannot. */
@TillIntegrationTest
class PortalEmbeddingPageTest {

    static Chromium chromium;

    @Autowired
    Api api;

    @Autowired
    Shops shops;

    @BeforeAll
    static void launch() {
        // The seller's page is served by the browser itself (a route), which Chrome takes for a public site and would
        // then refuse its frames on localhost (Local Network Access); a real seller's site reaches a real Till address.
        chromium = Chromium.launch(List.of("--disable-features=LocalNetworkAccessChecks"));
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    /** The seller's page with the README's snippet, served by the browser itself at {@code origin}. */
    private Page sellerPage(String origin, String portalUrl) {
        var page = chromium.page(1280);
        String html = """
            <!DOCTYPE html><html><body><h1>My shop</h1>
            <iframe id="till-portal" src="%s" title="Billing" style="width:100%%;border:0;min-height:200px"></iframe>
            <script>
              window.addEventListener('message', function (event) {
                if (event.origin !== '%s') return;
                if (event.data && event.data.type === 'till-portal:height') {
                  document.getElementById('till-portal').style.height = event.data.height + 'px';
                }
              });
            </script></body></html>""".formatted(portalUrl, api.uri("").toString().replaceAll("/$", ""));
        page.route(origin + "/**", route -> route.fulfill(new com.microsoft.playwright.Route.FulfillOptions()
            .setContentType("text/html")
            .setBody(html)));
        page.navigate(origin + "/account");
        return page;
    }

    /** A shop whose portal {@code origin} may frame. */
    private Shops.Shop shopEmbeddableFrom(String origin) {
        var shop = shops.open();
        api.send("PUT", "/api/v1/portal_settings", shop.apiKey(), """
            {"allowed_embed_origins": ["%s"]}""".formatted(origin), List.of("Content-Type", "application/json"));
        return shop;
    }

    private static Frame portalFrame(Page page) {
        return page.frames().stream().filter(frame -> frame != page.mainFrame()).findFirst().orElseThrow();
    }

    @Test
    void anAllowedSiteFramesThePortalAndTheSnippetSizesIt() {
        var shop = shopEmbeddableFrom("http://localhost:4567");

        var page = sellerPage("http://localhost:4567", api.uri("/portal/" + shop.accountId()).toString());

        page.waitForFunction("document.getElementById('till-portal').style.height !== ''");
        assertThat(portalFrame(page).locator("h1").textContent()).isEqualTo("Manage your billing");
        assertThat(portalFrame(page).locator("#framed-notice").isHidden()).as("cookies work on the same site")
            .isTrue();
        assertThat(portalFrame(page).locator("#framed-sign-in").textContent())
            .isEqualTo("The link we email opens your account in a new tab.");
        assertThat(portalFrame(page).locator("#framed-sign-in").isVisible()).isTrue();
        Chromium.screenshot(page, "portal-embedded-1280");

        // Made tall by a long page, the frame shrinks again for a short one: the portal tells its content's height,
        // never the frame's.
        page.evaluate("document.getElementById('till-portal').style.height = '3000px'");
        portalFrame(page).evaluate("location.reload()");
        page.waitForFunction("parseInt(document.getElementById('till-portal').style.height) < 3000");
    }

    @Test
    void aSiteOfItsOwnWhoseFramesGetNoCookiesIsToldToContinueInANewTab() {
        var shop = shopEmbeddableFrom("https://shop.example");

        // Another site than Till's, so Till's cookies inside the frame are third-party ones, which the browser keeps
        // from a plain-HTTP Till (a partitioned cookie needs HTTPS): a sign-in could not stick inside the frame.
        var page = sellerPage("https://shop.example", api.uri("/portal/" + shop.accountId()).toString());
        page.waitForFunction("document.getElementById('till-portal').style.height !== ''");

        var portal = portalFrame(page);
        assertThat(portal.locator("h1").textContent()).isEqualTo("Manage your billing");
        assertThat(portal.locator("#framed-notice").isVisible()).isTrue();
        assertThat(portal.locator("#framed-notice p").textContent().strip())
            .isEqualToNormalizingWhitespace("Your browser keeps "
                + "this page from remembering you inside another site, so you cannot sign in or make changes here.");
        var newTab = portal.getByRole(AriaRole.LINK, new Frame.GetByRoleOptions()
            .setName("Continue in a new tab"));
        assertThat(newTab.getAttribute("target")).isEqualTo("_blank");
        assertThat(newTab.getAttribute("href")).isEqualTo("/portal/" + shop.accountId());
        // The sign-in form, which could only answer "try again" without a cookie for its CSRF token, is not offered.
        assertThat(portal.locator("form[method=post]").isHidden()).isTrue();
        assertThat(portal.locator("#framed-sign-in").isHidden()).isTrue();
        Chromium.screenshot(page, "portal-embedded-cross-site-1280");
    }

    @Test
    void aSiteThatIsNotAllowedCannotFrameThePortal() {
        var shop = shopEmbeddableFrom("http://localhost:4567");

        var page = sellerPage("http://localhost:4999", api.uri("/portal/" + shop.accountId()).toString());
        page.waitForLoadState();

        assertThat(portalFrame(page).content()).doesNotContain("Manage your billing");
        assertThat(page.evaluate("document.getElementById('till-portal').style.height")).isEqualTo("");
    }
}
