package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The portal's session cookie: one per seller's portal, Lax and first-party, except in a frame over HTTPS, where only a
 * partitioned one works.
 */
class PortalCookieTest {

    private static final String ACCOUNT = "acct_01knd6p0f3c2y7a9v4w8x5z1q0";

    private static String written(PortalCookie cookie, MockHttpServletRequest request) {
        var response = new MockHttpServletResponse();
        cookie.write(request, response, ACCOUNT, "token");
        return response.getHeader("Set-Cookie");
    }

    @Test
    void behindHttpsTheCookieIsHostPrefixedSecureHttpOnlyAndLax() {
        var cookie = new PortalCookie("https://till.example");

        assertThat(written(cookie, new MockHttpServletRequest())).startsWith("__Host-till_portal_" + ACCOUNT + "=token")
            .contains("Path=/", "Secure", "HttpOnly", "SameSite=Lax")
            .doesNotContain("Domain", "Max-Age", "Partitioned");
    }

    @Test
    void overPlainHttpTheCookieHasAPlainNameAndNoSecureFlag() {
        var cookie = new PortalCookie("");

        assertThat(written(cookie, new MockHttpServletRequest())).startsWith("till_portal_" + ACCOUNT + "=token")
            .contains("HttpOnly", "SameSite=Lax")
            .doesNotContain("Secure");
    }

    @Test
    void aPageLoadedInAFrameOverHttpsGetsAPartitionedCookieThatTheFrameCanSend() {
        var cookie = new PortalCookie("https://till.example");
        var framed = new MockHttpServletRequest();
        framed.addHeader("Sec-Fetch-Dest", "iframe");

        assertThat(written(cookie, framed)).startsWith("__Host-till_portal_" + ACCOUNT + "=token")
            .contains("Secure", "HttpOnly", "SameSite=None", "Partitioned");
    }

    @Test
    void anAddressWhoseAccountIsNoIdGetsTheBareNameMadeOfNothingTheStrangerTyped() {
        var cookie = new PortalCookie("");

        assertThat(cookie.name("acct_bogus=x;")).isEqualTo("till_portal");
        assertThat(cookie.name(null)).isEqualTo("till_portal");
        assertThat(cookie.name(ACCOUNT)).isEqualTo("till_portal_" + ACCOUNT);
    }

    /**
     * Before there was one cookie per seller, one named {@code till_portal} served every seller; a buyer still holding
     * it has it cleared as they sign in, so that it is not sent with every request forever.
     */
    @Test
    void signingInClearsTheCookieOneForAllSellersOfEarlierVersions() {
        var cookie = new PortalCookie("");
        var request = new MockHttpServletRequest();
        request.setCookies(new jakarta.servlet.http.Cookie("till_portal", "old-token"));
        var response = new MockHttpServletResponse();

        cookie.write(request, response, ACCOUNT, "token");

        assertThat(response.getHeaders("Set-Cookie")).satisfiesExactlyInAnyOrder(
            set -> assertThat(set).startsWith("till_portal_" + ACCOUNT + "=token"),
            set -> assertThat(set).startsWith("till_portal=;").contains("Max-Age=0", "Path=/"));
        assertThat(written(cookie, new MockHttpServletRequest())).as("nothing to clear without it")
            .startsWith("till_portal_" + ACCOUNT + "=token");
        var plain = new MockHttpServletResponse();
        cookie.write(new MockHttpServletRequest(), plain, ACCOUNT, "token");
        assertThat(plain.getHeaders("Set-Cookie")).hasSize(1);
    }

    @Test
    void aFrameOverPlainHttpKeepsTheLaxCookie() {
        var cookie = new PortalCookie("");
        var framed = new MockHttpServletRequest();
        framed.addHeader("Sec-Fetch-Dest", "iframe");

        assertThat(written(cookie, framed)).contains("SameSite=Lax").doesNotContain("Partitioned");
    }
}
