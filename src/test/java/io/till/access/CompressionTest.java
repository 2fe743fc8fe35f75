package io.till.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.TillIntegrationTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/**
 * Pages, stylesheets and API answers of some size go gzipped to a client that asks for it (a builder redraw is about
 * 150 KB of HTML, a tenth of that compressed), and as they are to one that does not; small answers are never packed.
 */
@TillIntegrationTest
class CompressionTest {

    @Value("${local.server.port}")
    int port;

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

    private HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private void signIn() throws IOException, InterruptedException {
        String token = RawBrowser.csrf(new String(get("/admin/login").body(), StandardCharsets.UTF_8));
        var form = "username=" + URLEncoder.encode("owner@till.test", StandardCharsets.UTF_8)
            + "&password=" + URLEncoder.encode("correct horse battery", StandardCharsets.UTF_8) + "&_csrf=" + token;
        var signedIn = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(), HttpResponse.BodyHandlers.discarding());
        assertThat(signedIn.statusCode()).isEqualTo(302);
    }

    private static String gunzip(byte[] packed) throws IOException {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(packed))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aDashboardPageGoesGzippedToABrowserThatAsksAndAsItIsToOneThatDoesNot() throws Exception {
        signIn();

        var packed = get("/admin/automations/templates", "Accept-Encoding", "gzip");
        var plain = get("/admin/automations/templates");

        assertThat(packed.statusCode()).isEqualTo(200);
        assertThat(packed.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(packed.headers().allValues("Vary")).anyMatch(vary -> vary.equalsIgnoreCase("accept-encoding"));
        String page = gunzip(packed.body());
        assertThat(page).contains("Welcome Series").contains("</html>");
        assertThat(packed.body().length).isLessThan(page.length() / 3);
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(new String(plain.body(), StandardCharsets.UTF_8)).contains("Welcome Series").contains("</html>");
    }

    @Test
    void theDashboardsStylesheetGoesGzippedAndASmallAnswerAsItIs() throws Exception {
        signIn();
        String page = new String(get("/admin/customers").body(), StandardCharsets.UTF_8);
        var stylesheet = java.util.regex.Pattern.compile("href=\"(/admin/assets/till-[0-9a-f]{32}\\.css)\"").matcher(
            page);
        assertThat(stylesheet.find()).isTrue();

        var css = get(stylesheet.group(1), "Accept-Encoding", "gzip");
        var health = get("/actuator/health/liveness", "Accept-Encoding", "gzip");

        assertThat(css.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(gunzip(css.body())).contains("{");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(new String(health.body(), StandardCharsets.UTF_8)).contains("UP");
    }
}
