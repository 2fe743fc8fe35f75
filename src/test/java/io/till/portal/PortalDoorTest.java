package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.net.HttpCookie;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * The portal is a door of its own: its cookie opens neither the dashboard nor the API, a staff sign-in opens no portal
 * page, a session of one account is a stranger at another, and every form needs its CSRF token.
 */
@TillIntegrationTest
class PortalDoorTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    Api api;

    @Autowired
    Shops shops;

    record SignedIn(Shops.Shop shop, String customerId, PortalClient browser) {}

    private SignedIn signedIn(String email) {
        return signedIn(email, new PortalClient(port));
    }

    private SignedIn signedIn(String email, PortalClient browser) {
        var shop = shops.open();
        String customerId = shops.buy(shop, shop.monthly(), "pm_card_visa", email).get("customer_id").asString();
        String url = api.post("/api/v1/portal_sessions", shop.apiKey(), """
            {"customer_id": "%s"}""".formatted(customerId)).json().get("url").asString();
        assertThat(browser.get(url).status()).isEqualTo(302);
        return new SignedIn(shop, customerId, browser);
    }

    @Test
    void thePortalCookieOpensNeitherTheDashboardNorTheApi() {
        var buyer = signedIn("dora@example.com");

        var dashboard = buyer.browser().get("/admin");
        var apiCall = buyer.browser().get("/api/v1/customers/" + buyer.customerId());

        assertThat(dashboard.status()).isEqualTo(302);
        assertThat(dashboard.header("Location")).isEqualTo("/admin/login");
        assertThat(apiCall.status()).isEqualTo(401);
    }

    @Test
    void thePortalCookieOpensNeitherEvenWhenThePathIsSpelledWithEscapes() {
        var buyer = signedIn("dan@example.com");

        // Spring routes /%61dmin as /admin: the doors are decided on the path as routed, never on its spelling.
        for (String dashboardPath : List.of("/%61dmin", "/%61dmin/customers", "/admin/%63ustomers")) {
            var dashboard = buyer.browser().get(dashboardPath);
            assertThat(dashboard.status()).as(dashboardPath).isIn(302, 400, 404);
            if (dashboard.status() == 302) {
                assertThat(dashboard.header("Location")).as(dashboardPath).endsWith("/admin/login");
            }
        }
        for (String apiPath : List.of("/%61pi/v1/customers/" + buyer.customerId(), "/api/v1/%63ustomers/"
            + buyer.customerId())) {
            assertThat(buyer.browser().get(apiPath).status()).as(apiPath).isIn(400, 401, 404);
        }
    }

    @Test
    void aStaffSignInOpensNoPortalPageEvenWhenThePathIsSpelledWithEscapes() {
        var shop = shops.open();
        var staff = new PortalClient(port);
        String form = "username=owner%40till.test&password=correct+horse+battery";
        assertThat(staff.post("/admin/login", "/admin/login", form).header("Location")).isEqualTo("/admin");

        var portal = staff.get("/%70ortal/" + shop.accountId() + "/");

        assertThat(portal.status()).isIn(302, 400, 404);
        if (portal.status() == 302) {
            assertThat(portal.header("Location")).isEqualTo("/portal/" + shop.accountId());
        }
    }

    @Test
    void aStaffSignInOpensNoPortalPage() {
        var shop = shops.open();
        var staff = new PortalClient(port);
        String form = "username=owner%40till.test&password=correct+horse+battery";
        assertThat(staff.post("/admin/login", "/admin/login", form).header("Location")).isEqualTo("/admin");
        assertThat(staff.get("/admin/customers").status()).isEqualTo(200);

        var portal = staff.get("/portal/" + shop.accountId() + "/");

        assertThat(portal.status()).isEqualTo(302);
        assertThat(portal.header("Location")).isEqualTo("/portal/" + shop.accountId());
    }

    @Test
    void aSessionAtOneAccountIsAStrangerAtAnother() {
        var buyer = signedIn("eve@example.com");
        var other = shops.open();

        var elsewhere = buyer.browser().get("/portal/" + other.accountId() + "/");

        assertThat(elsewhere.status()).isEqualTo(302);
        assertThat(elsewhere.header("Location")).isEqualTo("/portal/" + other.accountId());
        assertThat(buyer.browser().get("/portal/" + buyer.shop().accountId() + "/").status()).isEqualTo(200);
    }

    @Test
    void aBuyerOfTwoSellersStaysSignedInAtBothAndSigningOutOfOneEndsOnlyThatOne() {
        var atFirst = signedIn("ida@example.com");
        String first = "/portal/" + atFirst.shop().accountId() + "/";
        // A tab of the first seller's portal, left open while the buyer signs in at the second.
        String openForm = PortalClient.csrf(atFirst.browser().get(first).body());
        var atSecond = signedIn("ida@example.com", atFirst.browser());
        String second = "/portal/" + atSecond.shop().accountId() + "/";

        assertThat(atFirst.browser().get(first).status()).as("still signed in at the first").isEqualTo(200);
        assertThat(atFirst.browser().get(second).status()).as("signed in at the second").isEqualTo(200);

        var out = atFirst.browser().post(second, "/portal/" + atSecond.shop().accountId() + "/sign_out", "");

        assertThat(out.status()).isEqualTo(302);
        assertThat(atFirst.browser().get(second).status()).as("signed out at the second").isEqualTo(302);
        assertThat(atFirst.browser().get(first).status()).as("still signed in at the first").isEqualTo(200);
        var outOfFirst = atFirst.browser().postRaw("/portal/" + atFirst.shop().accountId() + "/sign_out",
            "_csrf=" + openForm);
        assertThat(outOfFirst.status()).as("the form left open at the first still works").isEqualTo(302);
        assertThat(outOfFirst.header("Location")).endsWith("?signed_out");
    }

    @Test
    void aFormWithoutItsCsrfTokenIsRefusedAndChangesNothing() {
        var buyer = signedIn("fay@example.com");
        String home = "/portal/" + buyer.shop().accountId() + "/";

        var forged = buyer.browser().postRaw("/portal/" + buyer.shop().accountId() + "/sign_out", "");

        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.body()).contains("Please try again");
        assertThat(buyer.browser().get(home).status()).as("still signed in").isEqualTo(200);
    }

    /**
     * No form of Till is multipart, and the server parses none: a multipart body sent without its length was read
     * and spooled to disk, past the request body limit, for the first filter that asked for a parameter.
     */
    @Test
    void aMultipartFormIsNotReadEvenWithItsCsrfToken() {
        var buyer = signedIn("joy@example.com");
        String home = "/portal/" + buyer.shop().accountId() + "/";
        String token = PortalClient.csrf(buyer.browser().get(home).body());

        var multipart = buyer.browser().postMultipart("/portal/" + buyer.shop().accountId() + "/sign_out",
            java.util.Map.of("_csrf", token));

        assertThat(multipart.status()).as("its token is never read").isEqualTo(403);
        assertThat(buyer.browser().get(home).status()).as("still signed in").isEqualTo(200);
    }

    @Test
    void signingOutEndsTheSessionForGood() {
        var buyer = signedIn("gil@example.com");
        String home = "/portal/" + buyer.shop().accountId() + "/";
        String token = cookie(buyer.browser(), "till_portal_" + buyer.shop().accountId());

        var out = buyer.browser().post(home, "/portal/" + buyer.shop().accountId() + "/sign_out", "");

        assertThat(out.status()).isEqualTo(302);
        assertThat(out.header("Location")).isEqualTo("/portal/" + buyer.shop().accountId() + "?signed_out");
        var thief = new PortalClient(port);
        assertThat(thief.get(home, "Cookie", "till_portal_" + buyer.shop().accountId() + "=" + token).status())
            .as("the old token is revoked")
            .isEqualTo(302);
    }

    @Test
    void anUnknownAccountHasNoPortal() {
        var browser = new PortalClient(port);

        for (String path : List.of("/portal/acct_01aaaaaaaaaaaaaaaaaaaaaaaa", "/portal/assets", "/portal/x/link/y")) {
            var page = browser.get(path);
            assertThat(page.status()).as(path).isEqualTo(404);
            assertThat(page.body()).as(path).contains("We could not find that");
        }
    }

    private String cookie(PortalClient browser, String name) {
        return browser.cookies.getCookieStore()
            .get(URI.create("http://localhost:" + port + "/"))
            .stream()
            .filter(c -> c.getName().equals(name))
            .map(HttpCookie::getValue)
            .findFirst()
            .orElseThrow();
    }
}
