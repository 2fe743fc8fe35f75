package io.till.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.TillIntegrationTest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/**
 * A request may carry any Host header; Till never builds a redirect or a link from it, so a forged one cannot send a
 * staff member (or a password-reset email later) to an attacker's site.
 */
@TillIntegrationTest
class ForgedHostTest {

    private static final String EVIL = "evil.example";

    @Value("${local.server.port}")
    int port;

    @Test
    void noRedirectOrPageLinkFollowsAForgedHostHeader() {
        var browser = new RawBrowser(port, EVIL, InetAddress.getLoopbackAddress());
        var seen = new ArrayList<RawBrowser.Response>();

        seen.add(browser.get("/"));
        seen.add(browser.get("/admin"));
        seen.add(browser.signIn("owner@till.test", "a wrong password"));
        seen.add(browser.signIn("owner@till.test", "correct horse battery"));
        seen.add(browser.get("/admin/developers/api-keys"));
        seen.add(browser.get("/admin/no-such-page", "Accept", "text/html"));
        seen.add(browser.postForm("/admin/developers/api-keys",
            "name=forged+host&_csrf=" + RawBrowser.csrf(seen.get(4).body())));
        seen.add(browser.get("/swagger-ui.html"));
        seen.add(browser.get("/v3/api-docs"));
        seen.add(browser.postForm("/admin/logout", "_csrf=" + RawBrowser.csrf(browser.get("/admin/customers").body())));

        assertThat(seen).extracting(RawBrowser.Response::status)
            .containsExactly(302, 302, 302, 302, 200, 404, 302, 302, 200, 302);
        for (var response : seen) {
            assertThat(locations(response)).noneMatch(location -> location.contains(EVIL));
            assertThat(response.body()).doesNotContain(EVIL);
        }
    }

    private static List<String> locations(RawBrowser.Response response) {
        return response.all("Location");
    }
}
