package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The portal's session cookie: Lax and first-party, except in a frame over HTTPS, where only a partitioned one works. */
class PortalCookieTest {

    private static String written(PortalCookie cookie, MockHttpServletRequest request) {
        var response = new MockHttpServletResponse();
        cookie.write(request, response, "token");
        return response.getHeader("Set-Cookie");
    }

    @Test
    void behindHttpsTheCookieIsHostPrefixedSecureHttpOnlyAndLax() {
        var cookie = new PortalCookie("https://till.example");

        assertThat(written(cookie, new MockHttpServletRequest())).startsWith("__Host-till_portal=token")
            .contains("Path=/", "Secure", "HttpOnly", "SameSite=Lax")
            .doesNotContain("Domain", "Max-Age", "Partitioned");
    }

    @Test
    void overPlainHttpTheCookieHasAPlainNameAndNoSecureFlag() {
        var cookie = new PortalCookie("");

        assertThat(written(cookie, new MockHttpServletRequest())).startsWith("till_portal=token")
            .contains("HttpOnly", "SameSite=Lax")
            .doesNotContain("Secure");
    }

    @Test
    void aPageLoadedInAFrameOverHttpsGetsAPartitionedCookieThatTheFrameCanSend() {
        var cookie = new PortalCookie("https://till.example");
        var framed = new MockHttpServletRequest();
        framed.addHeader("Sec-Fetch-Dest", "iframe");

        assertThat(written(cookie, framed)).startsWith("__Host-till_portal=token")
            .contains("Secure", "HttpOnly", "SameSite=None", "Partitioned");
    }

    @Test
    void aFrameOverPlainHttpKeepsTheLaxCookie() {
        var cookie = new PortalCookie("");
        var framed = new MockHttpServletRequest();
        framed.addHeader("Sec-Fetch-Dest", "iframe");

        assertThat(written(cookie, framed)).contains("SameSite=Lax").doesNotContain("Partitioned");
    }
}
