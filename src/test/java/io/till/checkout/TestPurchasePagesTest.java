package io.till.checkout;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import com.microsoft.playwright.options.SelectOption;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.Shops;
import io.till.testing.StaffBrowser;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import tools.jackson.databind.JsonNode;

/**
 * "Try a test purchase" on a sandbox checkout's page, in a real browser: a seller buys at their own checkout with a
 * test card, without writing code, and lands on the buyer's record; the same form sent twice buys once; a declining
 * card and a bad email are answered on the form; a live checkout has no such form and refuses the request.
 */
@TillIntegrationTest
class TestPurchasePagesTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    JdbcClient db;
    @Autowired
    PasswordEncoder passwords;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    private Page checkoutPage(Shops.Shop shop, int width) {
        return StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(width),
            "/admin/catalog/checkouts/" + shop.checkoutId());
    }

    private List<JsonNode> orders(Shops.Shop shop) {
        var orders = new ArrayList<JsonNode>();
        api.get("/api/v1/orders", shop.apiKey()).json().get("data").forEach(orders::add);
        return orders;
    }

    private static void buy(Page page) {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Buy with the test card")).click();
    }

    @Test
    void aSellerBuysAtTheirOwnCheckoutWithATestCardAndSeesTheBuyersRecordWithWhatItStarted() {
        var shop = shops.open();
        var page = checkoutPage(shop, 1280);
        assertThat(page.getByLabel("Option", new Page.GetByLabelOptions().setExact(true))).hasValue(shop.monthly());
        assertThat(page.getByLabel("Test card")).hasValue("pm_card_visa");
        page.getByLabel("Buyer's name").fill("Grace Hopper");
        page.getByLabel("Buyer's email").fill("grace@navy.example");
        page.getByLabel("Test card").selectOption(new SelectOption().setLabel(
            "Mastercard ending 4444 — Every charge succeeds."));
        Chromium.screenshot(page, "dashboard-test-purchase-1280");

        // What the browser would send again on a double click or a reload: the same fields, the same key.
        var form = page.locator("form.cat-try");
        var fields = FormData.create();
        for (String name : List.of("_csrf", "form_key", "name", "email", "promo_code")) {
            fields.set(name, form.locator("input[name=" + name + "]").inputValue());
        }
        fields.set("option_id", shop.monthly());
        fields.set("card", "pm_card_mastercard");
        String action = form.getAttribute("action");
        buy(page);

        assertThat(page.locator(".flash")).hasText(Pattern.compile(
            "^Test purchase: order #\\d+ for Grace Hopper, \\$19\\.00 charged to the test card\\. What it started is below\\.$"));
        var bought = orders(shop);
        assertThat(bought).hasSize(1);
        String customer = bought.getFirst().get("customer_id").asString();
        assertThat(page).hasURL(api.uri("/admin/customers/" + customer).toString());
        assertThat(page.locator("h1")).hasText("Grace Hopper");
        assertThat(page.locator("#subscriptions")).containsText("$19.00 / month");
        assertThat(page.locator("#subscriptions")).containsText("active");
        assertThat(page.locator("main")).containsText("Mastercard ending in 4444");
        assertThat(page.locator("#timeline")).containsText("checkout.purchased");

        var again = page.request().post(api.uri(action).toString(),
            RequestOptions.create().setForm(fields).setMaxRedirects(0));
        assertThat(again.status()).isEqualTo(302);
        assertThat(again.headers().get("location")).endsWith("/admin/customers/" + customer);
        assertThat(orders(shop)).as("one order for two submits").hasSize(1);
        assertThat(orders(shop).getFirst().get("status").asString()).isEqualTo("paid");

        var phone = checkoutPage(shop, 390);
        assertThat(phone.getByLabel("Buyer's email")).isVisible();
        Chromium.screenshot(phone, "dashboard-test-purchase-390");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
    }

    @Test
    void aFreeTrialBoughtWithACardThatWillFailSaysNothingWasChargedNowAndStartsTheTrial() {
        var shop = shops.open();
        var page = checkoutPage(shop, 1280);
        page.getByLabel("Buyer's name").fill("Ada Lovelace");
        page.getByLabel("Buyer's email").fill("ada@analytical.example");
        page.getByLabel("Option", new Page.GetByLabelOptions().setExact(true)).selectOption(shop.trial());
        page.getByLabel("Test card").selectOption("pm_card_chargeCustomerFail");

        buy(page);

        assertThat(page.locator(".flash")).hasText(Pattern.compile(
            "^Test purchase: order #\\d+ for Ada Lovelace, nothing charged now\\. What it started is below\\.$"));
        assertThat(page.locator("#subscriptions")).containsText("trialing");
        assertThat(page.locator("main")).containsText("Visa ending in 0341");
    }

    /** The way to see a renewal fail is told as it is for this checkout: only an option with a trial can show it. */
    @Test
    void theHintOnSeeingARenewalFailFitsWhetherTheCheckoutSellsATrial() {
        var store = shops.openWithUpsells();

        var page = checkoutPage(store.shop(), 1280);
        assertThat(page.locator("#try-card-hint")).containsText("buy an option with a free trial on the card "
            + "ending 0341");
        page.navigate(api.uri("/admin/catalog/checkouts/" + store.checkoutId()).toString());

        assertThat(page.locator("main")).not().containsText("buy an option with a free trial");
        assertThat(page.locator("#try-card-hint")).containsText("a purchase here with it is declined at once");
    }

    @Test
    void aDecliningTestCardIsAnsweredWithTheBanksWordAndTheFormAsTyped() {
        var shop = shops.open();
        var page = checkoutPage(shop, 1280);
        page.getByLabel("Buyer's name").fill("Ada Lovelace");
        page.getByLabel("Buyer's email").fill("ada@analytical.example");
        page.getByLabel("Test card").selectOption("pm_card_chargeDeclinedInsufficientFunds");

        buy(page);

        assertThat(page.getByRole(AriaRole.ALERT)).containsText(
            "The bank declined the test card: Your card has insufficient funds. Nothing was charged.");
        assertThat(page.getByLabel("Buyer's email")).hasValue("ada@analytical.example");
        assertThat(page.getByLabel("Test card")).hasValue("pm_card_chargeDeclinedInsufficientFunds");
        assertThat(page.getByLabel("Test card")).hasAttribute("aria-invalid", "true");
        assertThat(orders(shop).stream().filter(o -> o.get("status").asString().equals("paid"))).isEmpty();
        Chromium.screenshot(page, "dashboard-test-purchase-declined-1280");
    }

    @Test
    void aPurchaseDeclinedByACardThatFailsEveryChargeLinksTheFailedOrdersRecordAndSaysItStartsNoDunning() {
        var shop = shops.open();
        var page = checkoutPage(shop, 1280);
        page.getByLabel("Buyer's name").fill("Grace Hopper");
        page.getByLabel("Buyer's email").fill("grace@navy.example");
        page.getByLabel("Test card").selectOption("pm_card_chargeCustomerFail");

        buy(page);

        var alert = page.getByRole(AriaRole.ALERT);
        assertThat(alert).containsText("The bank declined the test card: Your card was declined. Nothing was charged.");
        assertThat(alert).not().containsText("ord_");
        assertThat(alert).containsText("starts no dunning");
        alert.getByRole(AriaRole.LINK, new com.microsoft.playwright.Locator.GetByRoleOptions().setName(
            "Grace Hopper’s record")).click();
        assertThat(page.locator("#orders")).containsText("failed");
    }

    @Test
    void aBuyerWithoutAnEmailAddressIsMarkedAtTheFieldAndNothingIsBought() {
        var shop = shops.open();
        var page = checkoutPage(shop, 1280);
        page.getByLabel("Buyer's name").fill("Ada Lovelace");
        // Past the browser's own check, as a form sent by a script would be.
        page.getByLabel("Buyer's email").evaluate("field => field.type = 'text'");
        page.getByLabel("Buyer's email").fill("ada at home");

        buy(page);

        assertThat(page.locator("#try-email-error")).hasText("Email must be an email address");
        assertThat(page.getByLabel("Buyer's email")).hasAttribute("aria-invalid", "true");
        assertThat(page.getByLabel("Buyer's name")).hasValue("Ada Lovelace");
        assertThat(orders(shop)).isEmpty();
    }

    @Test
    void aLiveCheckoutOffersNoTestPurchaseAndRefusesOneSentAnyway() {
        var shop = shops.open();
        var page = checkoutPage(shop, 1280);
        String csrf = page.locator("form.cat-try input[name=_csrf]").inputValue();
        String key = page.locator("form.cat-try input[name=form_key]").inputValue();
        // Live only for this check: a lasting live account would switch the shared test clock off for other tests.
        db.sql("UPDATE accounts SET mode = 'live' WHERE id = :id").param("id", shop.accountId()).update();
        try {
            page.reload();
            assertThat(page.locator("h1")).hasText("Join");
            assertThat(page.locator("main")).not().containsText("Try a test purchase");
            var sent = page.request().post(api.uri("/admin/catalog/checkouts/" + shop.checkoutId()
                + "/test-purchases").toString(), RequestOptions.create().setMaxRedirects(0).setForm(FormData.create()
                    .set("_csrf", csrf).set("form_key", key).set("name", "Ada").set("email", "ada@analytical.example")
                    .set("option_id", shop.monthly()).set("card", "pm_card_visa")));

            assertThat(sent.status()).isEqualTo(403);
            assertThat(sent.text()).contains("sandbox mode only");
        } finally {
            db.sql("UPDATE accounts SET mode = 'sandbox' WHERE id = :id").param("id", shop.accountId()).update();
        }
        assertThat(orders(shop)).isEmpty();
    }
}
