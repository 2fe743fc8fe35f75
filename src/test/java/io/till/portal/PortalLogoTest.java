package io.till.portal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.till.receipt.ReceiptPdfs;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.awt.Color;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The seller's logo and icon: Till fetches them once through the egress guard, serves its own copy to the portal and
 * draws it on receipts; a logo Till must not or cannot fetch leaves the company name, never a slow or broken page.
 */
@TillIntegrationTest
class PortalLogoTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final byte[] LOGO = png(240, 64);
    static final byte[] ICON = png(64, 64);

    static WireMockServer host;
    static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient db;

    @BeforeAll
    static void start() {
        host = new WireMockServer(options().dynamicPort());
        host.start();
        chromium = Chromium.launch();
    }

    @AfterAll
    static void stop() {
        chromium.close();
        host.stop();
    }

    @Test
    void theSellersLogoIsServedFromTillWithTheTypeItsBytesShowAndFetchedOnce() throws Exception {
        var shop = shops.open();
        String logo = serve(LOGO, "text/plain");
        String icon = serve(ICON, "image/png");
        brand(shop, logo, icon);
        String base = "/portal/" + shop.accountId();

        String page = api.get(base, null).text();
        String again = api.get(base, null).text();

        assertThat(page).contains("<img src=\"" + base + "/logo\" alt=\"Lumen Yoga\" class=\"logo\">")
            .contains("<link rel=\"icon\" href=\"" + base + "/icon\">");
        assertThat(again).contains(base + "/logo");
        var served = download(base + "/logo");
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(LOGO);
        assertThat(served.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(served.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(served.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains(
            "max-age=3600"));
        assertThat(download(base + "/icon").body()).isEqualTo(ICON);
        host.verify(1, getRequestedFor(urlEqualTo(path(logo))));
        host.verify(1, getRequestedFor(urlEqualTo(path(icon))));
    }

    @Test
    void anAccountWithoutALogoShowsItsNameAndItsLogoIsNotFound() throws Exception {
        var shop = shops.open();
        brand(shop, null, null);
        String base = "/portal/" + shop.accountId();

        // No icon of the seller's, and not Till's either: an empty one keeps the browser from asking /favicon.ico.
        assertThat(api.get(base, null).text()).contains("<span>Lumen Yoga</span>").doesNotContain(base + "/logo",
            base + "/icon").contains("<link rel=\"icon\" href=\"data:,\">");
        assertThat(download(base + "/logo").statusCode()).isEqualTo(404);
        assertThat(download(base + "/icon").statusCode()).isEqualTo(404);
    }

    @Test
    void aLogoAtAPrivateAddressIsNeverFetchedAndThePageShowsTheName() throws Exception {
        var shop = shops.open();
        String logo = serve(LOGO, "image/png");
        // 127.0.0.1 is allowed for the test peers (TillIntegrationTest); 127.0.0.2 is loopback too, and refused. The
        // branding API refuses a literal address when saved; a host name resolving there is found only at fetch
        // time, so the URL goes into the table directly, as such a name would pass the API.
        brand(shop, null, null);
        db.sql("UPDATE account_branding SET logo_url = :url WHERE account_id = :account")
            .param("url", logo.replace("127.0.0.1", "127.0.0.2"))
            .param("account", shop.accountId())
            .update();
        String base = "/portal/" + shop.accountId();

        var page = api.get(base, null);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("<span>Lumen Yoga</span>").doesNotContain(base + "/logo");
        assertThat(download(base + "/logo").statusCode()).isEqualTo(404);
        host.verify(0, getRequestedFor(urlEqualTo(path(logo))));
    }

    @Test
    void anSvgOrAFiveMegabyteBodyIsRefusedWhateverItsContentType() throws Exception {
        byte[] svg = """
            <svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>"""
            .getBytes();
        byte[] huge = Arrays.copyOf(LOGO, 5 * 1024 * 1024);
        for (byte[] body : List.of(svg, huge)) {
            var shop = shops.open();
            String logo = serve(body, "image/png");
            brand(shop, logo, null);
            String base = "/portal/" + shop.accountId();

            assertThat(api.get(base, null).text()).contains("<span>Lumen Yoga</span>").doesNotContain(base + "/logo");
            assertThat(download(base + "/logo").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aSlowLogoHostHoldsThePageNoLongerThanTheTimeoutAndIsNotAskedAgainForAWhile() throws Exception {
        var shop = shops.open();
        String logo = "/logos/" + UUID.randomUUID() + ".png";
        String icon = "/logos/" + UUID.randomUUID() + ".png";
        for (String slow : List.of(logo, icon)) {
            host.stubFor(get(urlEqualTo(slow)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png")
                .withBody(LOGO)
                .withFixedDelay(8_000)));
        }
        // Both on the slow host: the page waits for the two side by side, not one after the other.
        brand(shop, url(logo), url(icon));
        String base = "/portal/" + shop.accountId();

        long started = System.nanoTime();
        var first = api.get(base, null);
        long firstMs = (System.nanoTime() - started) / 1_000_000;
        for (int i = 0; i < 3; i++) {
            assertThat(api.get(base, null).text()).contains("<span>Lumen Yoga</span>");
        }

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.text()).contains("<span>Lumen Yoga</span>").doesNotContain(base + "/logo");
        // Waiting for the two one after the other would take 6.5 s, and for the slow answer 8 s; what is left is time
        // for a busy machine to make the page.
        assertThat(firstMs).as("the first page waits for the two fetches' 3 s timeout side by side")
            .isLessThan(6_400);
        host.verify(1, getRequestedFor(urlEqualTo(logo)));
        host.verify(1, getRequestedFor(urlEqualTo(icon)));

        // The failure is remembered for 5 minutes; after them, the host, now quick, is asked again.
        for (String quick : List.of(logo, icon)) {
            host.stubFor(get(urlEqualTo(quick)).willReturn(aResponse().withStatus(200).withBody(LOGO)));
        }
        clock.advance(Duration.ofMinutes(6));
        assertThat(api.get(base, null).text()).contains(base + "/logo");
        host.verify(2, getRequestedFor(urlEqualTo(logo)));
    }

    @Test
    void theReceiptPdfDrawsTheLogoAndKeepsTheCompanyText() throws Exception {
        var shop = shops.open();
        brand(shop, serve(LOGO, "image/png"), null);
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        var plain = shops.open();
        brand(plain, null, null);
        var plainOrder = shops.buy(plain, plain.monthly(), "pm_card_visa", "ada@example.com");

        byte[] pdf = receipt(shop, order.get("id").asString());
        byte[] withoutLogo = receipt(plain, plainOrder.get("id").asString());
        // Kept beside the screenshots, to be looked at.
        java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "screenshots"));
        java.nio.file.Files.write(java.nio.file.Path.of("target", "screenshots", "receipt-with-logo.pdf"), pdf);

        assertThat(ReceiptPdfs.images(pdf)).as("the logo (and its transparency mask)").isPositive();
        assertThat(ReceiptPdfs.text(pdf)).contains("Lumen Yoga", "Receipt", "$19.00");
        assertThat(ReceiptPdfs.images(withoutLogo)).isZero();
        assertThat(ReceiptPdfs.text(withoutLogo)).contains("Lumen Yoga", "$19.00");
    }

    @Test
    void thePortalHeaderShowsTheLogoOnAPhoneAndALaptop() {
        var shop = shops.open();
        brand(shop, serve(LOGO, "image/png"), serve(ICON, "image/png"));
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");

        for (int width : new int[]{390, 1280}) {
            var page = chromium.page(width);
            page.navigate(sessionUrl(shop, order.get("customer_id").asString()));
            page.navigate(api.uri("/portal/" + shop.accountId() + "/orders/" + order.get("id").asString()
                + "/receipt").toString());

            var header = page.locator("header.top img.logo");
            assertThat(header.getAttribute("alt")).isEqualTo("Lumen Yoga");
            // Loaded under the page's CSP (img-src 'self'): a blocked or broken image has no natural width.
            assertThat((Integer) header.evaluate("img => img.naturalWidth")).isEqualTo(240);
            assertThat((Integer) page.locator(".receipt-logo").evaluate("img => img.naturalWidth")).isEqualTo(240);
            Chromium.screenshot(page, "portal-logo-receipt-" + width);
            page.navigate(api.uri("/portal/" + shop.accountId() + "/").toString());
            Chromium.screenshot(page, "portal-logo-overview-" + width);
        }
    }

    String sessionUrl(Shops.Shop shop, String customerId) {
        var session = api.post("/api/v1/portal_sessions", shop.apiKey(), """
            {"customer_id": "%s"}""".formatted(customerId));
        assertThat(session.status()).as(session.text()).isBetween(200, 201);
        return session.json().get("url").asString();
    }

    void brand(Shops.Shop shop, String logoUrl, String iconUrl) {
        var branding = api.send("PUT", "/api/v1/account/branding", shop.apiKey(), """
            {"company_name": "Lumen Yoga", "brand_color": "#0f766e", "logo_url": %s, "icon_url": %s}""".formatted(
            quoted(logoUrl), quoted(iconUrl)), List.of("Content-Type", "application/json"));
        assertThat(branding.status()).as(branding.text()).isEqualTo(200);
    }

    /** Serves {@code body} at a path of its own on the logo host and answers its URL. */
    static String serve(byte[] body, String contentType) {
        String path = "/logos/" + UUID.randomUUID();
        host.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withStatus(200)
            .withHeader("Content-Type", contentType)
            .withBody(body)));
        return url(path);
    }

    /** On 127.0.0.1, the one loopback address the test configuration lets the egress guard reach. */
    static String url(String path) {
        return "http://127.0.0.1:" + host.port() + path;
    }

    static String path(String url) {
        return java.net.URI.create(url).getPath();
    }

    HttpResponse<byte[]> download(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(api.uri(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    byte[] receipt(Shops.Shop shop, String orderId) throws IOException, InterruptedException {
        var answer = HTTP.send(HttpRequest.newBuilder(api.uri("/api/v1/orders/" + orderId + "/receipt.pdf"))
            .header("Authorization", "Bearer " + shop.apiKey())
            .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer.body();
    }

    static String quoted(String value) {
        return value == null ? "null" : "\"" + value + "\"";
    }

    /** A logo as a seller would draw one: a teal band with a white disc and bar. */
    static byte[] png(int width, int height) {
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        var g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(0x0f, 0x76, 0x6e));
        g.fillRoundRect(0, 0, width, height, 16, 16);
        g.setColor(Color.WHITE);
        g.fillOval(height / 4, height / 4, height / 2, height / 2);
        if (width > height) {
            g.fillRoundRect(height, height * 3 / 8, width - height * 5 / 4, height / 4, 8, 8);
        }
        g.dispose();
        var out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
