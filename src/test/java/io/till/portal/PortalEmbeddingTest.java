package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/** Only the origins an account allows may frame its portal; nobody may frame anyone else's, or the dashboard. */
@TillIntegrationTest
class PortalEmbeddingTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    Api api;

    @Autowired
    Shops shops;

    @Test
    void thePortalMayBeFramedByTheAccountsAllowedOriginsOnly() {
        var embedding = shops.open();
        var closed = shops.open();
        var saved = api.send("PUT", "/api/v1/portal_settings", embedding.apiKey(), """
            {"allowed_embed_origins": ["https://shop.example", "https://www.shop.example:8443"]}""",
            List.of("Content-Type", "application/json"));
        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        var browser = new PortalClient(port);

        var framed = browser.get("/portal/" + embedding.accountId());
        var notFramed = browser.get("/portal/" + closed.accountId());

        assertThat(framed.header("Content-Security-Policy"))
            .contains("frame-ancestors https://shop.example https://www.shop.example:8443")
            .contains("default-src 'self'", "script-src 'self'");
        assertThat(framed.header("X-Frame-Options")).isNull();
        assertThat(notFramed.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(notFramed.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(browser.get("/admin/login").header("Content-Security-Policy")).contains("frame-ancestors 'none'");
    }
}
