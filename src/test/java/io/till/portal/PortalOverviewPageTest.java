package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The overview in a real Chromium, on a phone and on a laptop. */
@TillIntegrationTest
class PortalOverviewPageTest {

    static Chromium chromium;

    @Autowired
    Api api;

    @Autowired
    Shops shops;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    @Test
    void aBuyerOpeningAPortalSessionSeesTheirSubscriptionsPlansAndPayments() {
        var shop = shops.open();
        api.send("PUT", "/api/v1/account/branding", shop.apiKey(), """
            {"company_name": "Lumen Yoga", "support_email": "help@lumen.example", "brand_color": "#0f766e"}""",
            List.of("Content-Type", "application/json"));
        String customerId = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com")
            .get("customer_id")
            .asString();
        shops.buy(shop, shop.plan(), "pm_card_mastercard", "ada@example.com");

        for (int width : new int[]{390, 1280}) {
            String url = api.post("/api/v1/portal_sessions", shop.apiKey(), """
                {"customer_id": "%s", "return_url": "https://lumen.example/account"}""".formatted(customerId))
                .json()
                .get("url")
                .asString();
            var page = chromium.page(width);
            page.navigate(url);

            assertThat(page.locator("h1").textContent()).isEqualTo("Subscriptions and plans");
            assertThat(page.locator(".item").allTextContents()).hasSize(2)
                .anySatisfy(item -> assertThat(item).contains("Membership · Monthly", "$19.00", "every month", "4242"))
                .anySatisfy(item -> assertThat(item).contains("Membership · 3 payments", "1 of 3 paid"));
            assertThat(page.locator(".back a").textContent()).contains("Back to Lumen Yoga");
            assertThat(page.locator("footer").textContent()).contains("help@lumen.example");
            Chromium.screenshot(page, "portal-overview-" + width);
        }
    }
}
