package io.till.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * A page names its stylesheets and scripts by their content, so a browser keeps them for a year and asks again only
 * when Till ships a changed file; the page itself is never kept.
 */
@TillIntegrationTest
class StaticAssetCachingTest {

    /** The files a page loads: {@code <link href>} and {@code <script src>} of Till's own. */
    private static final Pattern ASSET = Pattern.compile("<(?:link[^>]*href|script[^>]*src)=\"(/[^\"]+)\"");
    /** A name with the MD5 of its content before the extension, as Spring's content version strategy writes it. */
    private static final Pattern CONTENT_NAMED = Pattern.compile(".*-[0-9a-f]{32}\\.(css|js|ico)$");

    @Value("${local.server.port}")
    int port;

    @Autowired
    TestAccounts accounts;

    @Test
    void theDashboardsAndThePortalsFilesAreNamedByContentAndKeptForAYearWhileThePagesAreNotKept() {
        var staff = new RawBrowser(port);
        staff.signIn("owner@till.test", "correct horse battery");
        var dashboard = staff.get("/admin/customers");
        var portal = new RawBrowser(port).get("/portal/" + accounts.create().id());
        assertThat(dashboard.status()).isEqualTo(200);
        assertThat(portal.status()).as(portal.body()).isEqualTo(200);

        for (var page : List.of(dashboard, portal)) {
            assertThat(page.header("Cache-Control")).contains("no-store");
            List<String> assets = assets(page.body());
            assertThat(assets).as("the files a page loads").isNotEmpty().allMatch(a -> CONTENT_NAMED.matcher(a)
                .matches(), "named by content");
            for (String asset : assets) {
                var file = new RawBrowser(port).get(asset);
                assertThat(file.status()).as(asset).isEqualTo(200);
                assertThat(file.header("Cache-Control")).as(asset).contains("max-age=31536000").contains("public")
                    .doesNotContain("no-store");
                assertThat(file.header("Content-Security-Policy")).as(asset).contains("default-src 'self'");
            }
        }
        assertThat(assets(dashboard.body())).anyMatch(a -> a.startsWith("/webjars/htmx.org/"))
            .anyMatch(a -> a.startsWith("/admin/assets/till-"));
    }

    @Test
    void aFileAskedForByAnotherContentsNameIsNotFoundRatherThanServedAsIfItWereThatContent() {
        var staff = new RawBrowser(port);
        staff.signIn("owner@till.test", "correct horse battery");
        String stylesheet = assets(staff.get("/admin/customers").body()).stream()
            .filter(a -> a.startsWith("/admin/assets/till-"))
            .findFirst()
            .orElseThrow();
        String stale = stylesheet.replaceAll("-[0-9a-f]{32}\\.css$", "-" + "0".repeat(32) + ".css");

        assertThat(new RawBrowser(port).get(stale).status()).isEqualTo(404);
    }

    private static List<String> assets(String html) {
        var found = new ArrayList<String>();
        var matcher = ASSET.matcher(html);
        while (matcher.find()) {
            if (matcher.group(1).matches("/(admin/assets|portal/assets|webjars)/.*")) {
                found.add(matcher.group(1));
            }
        }
        return found;
    }
}
