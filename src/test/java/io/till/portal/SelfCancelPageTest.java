package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Self-cancel in a real Chromium, on a phone and on a laptop: cancel with a reason, see when it ends, keep it. */
@TillIntegrationTest
class SelfCancelPageTest {

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
    void aBuyerCancelsWithAReasonSeesWhenItEndsAndKeepsItAfterAll() {
        var shop = shops.open();
        api.send("PUT", "/api/v1/account/branding", shop.apiKey(), """
            {"company_name": "Lumen Yoga", "support_email": "help@lumen.example", "brand_color": "#0f766e"}""",
            List.of("Content-Type", "application/json"));
        for (int width : new int[]{390, 1280}) {
            var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada" + width + "@example.com");
            String subscription = order.get("subscription_id").asString();
            var page = signIn(shop, order.get("customer_id").asString(), width);

            page.getByRole(com.microsoft.playwright.options.AriaRole.LINK,
                new Page.GetByRoleOptions().setName("Details")).first().click();
            assertThat(page.locator("h1").textContent()).isEqualTo("Membership · Monthly");
            Chromium.screenshot(page, "portal-subscription-" + width);
            page.getByText("Cancel subscription").click();
            page.getByLabel("It costs too much").check();
            page.getByLabel("Anything you'd like to tell us?").fill("Back in spring, promise.");
            Chromium.screenshot(page, "portal-subscription-cancel-" + width);
            page.locator("button.danger").click();

            assertThat(page.locator(".notice.success").textContent()).contains("Your subscription is canceling");
            assertThat(page.locator(".ending h2").textContent()).startsWith("Ends on");
            assertThat(page.locator(".detail-head .status").textContent()).isEqualTo("canceling");
            Chromium.screenshot(page, "portal-subscription-canceling-" + width);
            var stored = shops.subscription(shop, subscription);
            assertThat(stored.get("cancel_reason").asString()).isEqualTo("It costs too much");
            assertThat(stored.get("cancel_reason_text").asString()).isEqualTo("Back in spring, promise.");
            // The overview says when it ends too, where it used to show no date at all.
            page.getByText("← Your subscriptions").click();
            com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(page.locator(".item .facts").first())
                .containsText("Ends on");
            page.getByRole(com.microsoft.playwright.options.AriaRole.LINK,
                new Page.GetByRoleOptions().setName("Details")).first().click();

            page.getByText("Keep my subscription").click();

            assertThat(page.locator(".notice.success").textContent()).contains("Glad you're staying");
            assertThat(page.locator(".detail-head .status").textContent()).isEqualTo("active");
            Chromium.screenshot(page, "portal-subscription-kept-" + width);
            assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("active");
        }
    }

    @Test
    void aPaymentPlanPageOnAPhoneAndALaptop() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_mastercard", "plan@example.com");
        for (int width : new int[]{390, 1280}) {
            var page = signIn(shop, order.get("customer_id").asString(), width);
            page.navigate(page.url() + "payment_plans/" + order.get("payment_plan_id").asString());

            assertThat(page.locator("h1").textContent()).isEqualTo("Membership · 3 payments");
            assertThat(page.locator("main").textContent()).contains("1 of 3 paid", "can't be canceled here");
            Chromium.screenshot(page, "portal-payment-plan-" + width);
        }
    }

    @Test
    void aLongUnbrokenProductNameWrapsOnAPhoneInsteadOfWideningThePage() {
        var shop = shops.open();
        String product = api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id")
            .asString();
        String name = "Supercalifragilisticexpialidocious".repeat(5);
        assertThat(api.send("PATCH", "/api/v1/products/" + product, shop.apiKey(), "{\"name\": \"" + name + "\"}",
            List.of("Content-Type", "application/json")).status()).isEqualTo(200);
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "long@example.com");
        var page = signIn(shop, order.get("customer_id").asString(), 390);
        String home = page.url();

        for (String path : new String[]{"", "subscriptions/" + order.get("subscription_id").asString(),
                "subscriptions/" + order.get("subscription_id").asString() + "/cancel"}) {
            page.navigate(home + path);
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as(path)
                .isLessThanOrEqualTo(390);
            assertThat(page.locator("main").textContent()).contains(name.substring(0, 40));
        }
        Chromium.screenshot(page, "portal-long-name-cancel-390");
    }

    private Page signIn(Shops.Shop shop, String customerId, int width) {
        String url = api.post("/api/v1/portal_sessions", shop.apiKey(), "{\"customer_id\": \"%s\"}"
            .formatted(customerId)).json().get("url").asString();
        var page = chromium.page(width);
        page.navigate(url);
        return page;
    }
}
