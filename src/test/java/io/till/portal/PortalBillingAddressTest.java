package io.till.portal;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import io.till.receipt.ReceiptPdfs;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** A buyer sees the billing address of an order in the portal, and gives or corrects it for the receipts. */
@TillIntegrationTest
class PortalBillingAddressTest {

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

    private JsonNode buy(Shops.Shop shop, String email, String address) {
        var order = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Grace Hopper", "email": "%s"}, "token": "pm_card_visa", "option_id": "%s"
             %s}""".formatted(email, shop.monthly(), address == null ? "" : ", \"billing_address\": " + address));
        assertThat(order.status()).as(order.text()).isEqualTo(201);
        return order.json();
    }

    private Page orderPage(Shops.Shop shop, JsonNode order, int width) {
        var session = api.post("/api/v1/portal_sessions", shop.apiKey(), """
            {"customer_id": "%s"}""".formatted(order.get("customer_id").asString()));
        var page = chromium.page(width);
        page.navigate(session.json().get("url").asString());
        page.navigate(api.uri("/portal/" + shop.accountId() + "/orders/" + order.get("id").asString()).toString());
        return page;
    }

    /**
     * A declined purchase leaves a failed order: nothing was billed, so its page offers no billing address (nor a
     * receipt), says the payment did not go through, and an address sent for it anyway is refused.
     */
    @Test
    void aFailedOrderOffersNoBillingAddressAndRefusesOne() {
        var shop = shops.open();
        var declined = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Grace Hopper", "email": "grace@example.com"}, "token": "pm_card_chargeCustomerFail",
             "option_id": "%s"}""".formatted(shop.monthly()));
        assertThat(declined.status()).as(declined.text()).isEqualTo(402);
        var order = api.get("/api/v1/orders", shop.apiKey()).json().get("data").get(0);
        assertThat(order.get("status").asString()).isEqualTo("failed");
        Page page = null;

        for (int width : new int[]{390, 1280}) {
            page = orderPage(shop, order, width);

            assertThat(page.locator(".section-head .status")).hasText("failed");
            assertThat(page.locator("main")).containsText("Your payment for this order did not go through, so "
                + "nothing was charged.");
            assertThat(page.getByText("billing address")).hasCount(0);
            assertThat(page.locator("#billed-title")).hasCount(0);
            assertThat(page.getByText("View receipt")).hasCount(0);
            Chromium.screenshot(page, "portal-order-failed-" + width);
        }
        String csrf = page.locator("input[name=_csrf]").first().inputValue();
        var refused = page.request().post(api.uri("/portal/" + shop.accountId() + "/orders/" + order.get("id")
            .asString() + "/billing-address").toString(), RequestOptions.create()
                .setForm(FormData.create().set("_csrf", csrf).set("line1", "1 Navy Way").set("city", "Arlington")
                    .set("postal_code", "22202").set("country", "US"))
                .setMaxRedirects(0));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.text()).contains("This order&#39;s payment did not go through, so nothing is billed");
        assertThat(api.get("/api/v1/orders/" + order.get("id").asString(), shop.apiKey()).json()
            .get("billing_address").isNull()).isTrue();
    }

    @Test
    void theBuyerSeesTheAddressTheyGaveAndCorrectsItForTheReceipts() {
        var shop = shops.open();
        var order = buy(shop, "grace@example.com", """
            {"line1": "1 Navy Way", "city": "Arlington", "region": "VA", "postal_code": "22202", "country": "US"}""");
        var page = orderPage(shop, order, 390);
        var billed = page.locator(".buyer");
        assertThat(billed).containsText("1 Navy Way");
        assertThat(billed).containsText("Arlington, VA 22202");
        assertThat(billed).containsText("United States");

        page.getByText("Change the billing address").click();
        assertThat(page.getByLabel("Address line 1")).hasValue("1 Navy Way");
        page.getByLabel("Country").selectOption("");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save billing address")).click();

        assertThat(page.locator("#address-country-error")).hasText("Choose a country.");
        // Listed by name as a reader looks for it: accents are no reason to be last.
        var names = page.getByLabel("Country").locator("option").allInnerTexts();
        assertThat(names).contains("Åland Islands", "Albania", "Türkiye", "Tuvalu");
        assertThat(names.indexOf("Åland Islands")).isLessThan(names.indexOf("Albania"));
        assertThat(names.indexOf("Türkiye")).isLessThan(names.indexOf("Tuvalu"));
        assertThat(page.getByLabel("Country")).hasAttribute("aria-invalid", "true");
        assertThat(page.getByLabel("City")).hasValue("Arlington");
        assertThat(billed).containsText("Arlington, VA 22202");
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(page, "portal-order-address-refused-390");

        page.getByLabel("Name or company").fill("Hopper Consulting LLC");
        page.getByLabel("Country").selectOption("US");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save billing address")).click();

        assertThat(page.getByRole(AriaRole.STATUS)).hasText("Billing address saved. Your receipts show it.");
        assertThat(billed).containsText("Hopper Consulting LLC");
        var pdf = page.request().get(api.uri("/portal/" + shop.accountId() + "/orders/" + order.get("id").asString()
            + "/receipt.pdf").toString());
        assertThat(ReceiptPdfs.text(pdf.body())).contains("Hopper Consulting LLC", "1 Navy Way", "United States");
        assertThat(api.get("/api/v1/orders/" + order.get("id").asString(), shop.apiKey()).json()
            .get("billing_address").get("name").asString()).isEqualTo("Hopper Consulting LLC");
    }

    @Test
    void aBuyerWithoutAnAddressMayAddOneButNeverToAnotherCustomersOrder() {
        var shop = shops.open();
        var mine = buy(shop, "grace@example.com", null);
        var theirs = buy(shop, "neighbour@example.com", """
            {"line1": "2 Elm St", "country": "US"}""");
        var page = orderPage(shop, mine, 1280);
        assertThat(page.locator(".buyer")).not().containsText("Elm");

        page.getByText("Add a billing address").click();
        String csrf = page.locator(".address-form input[name=_csrf]").inputValue();
        Chromium.screenshot(page, "portal-order-address-form-1280");
        var foreign = page.request().post(api.uri("/portal/" + shop.accountId() + "/orders/"
            + theirs.get("id").asString() + "/billing-address").toString(), RequestOptions.create()
                .setForm(FormData.create().set("_csrf", csrf).set("line1", "Mine now").set("country", "FR"))
                .setMaxRedirects(0));

        assertThat(foreign.status()).isEqualTo(404);
        assertThat(api.get("/api/v1/orders/" + theirs.get("id").asString(), shop.apiKey()).json()
            .get("billing_address").get("line1").asString()).isEqualTo("2 Elm St");

        page.getByLabel("Address line 1").fill("3 Oak Ave");
        page.getByLabel("Country").selectOption("DE");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save billing address")).click();
        assertThat(page.locator(".buyer")).containsText("Germany");
    }

    /** A probe saved an empty form and was told "Billing address saved." with no address anywhere. */
    @Test
    void anEmptyFormSavesNothingAndEmptyingAGivenAddressSaysItIsRemoved() {
        var shop = shops.open();
        var bare = buy(shop, "grace@example.com", null);
        var page = orderPage(shop, bare, 390);
        page.getByText("Add a billing address").click();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save billing address")).click();

        assertThat(page.locator(".notice.success")).hasCount(0);
        assertThat(page.locator(".address-form")).containsText("choose at least your country");

        var addressed = buy(shop, "ada@example.com", """
            {"line1": "2 Elm St", "country": "US"}""");
        var other = orderPage(shop, addressed, 390);
        other.getByText("Change the billing address").click();
        other.getByLabel("Address line 1").fill("");
        other.getByLabel("Country").selectOption("");
        other.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save billing address")).click();

        assertThat(other.locator(".notice.success")).hasText("Billing address removed. Your receipts show none.");
        assertThat(api.get("/api/v1/orders/" + addressed.get("id").asString(), shop.apiKey()).json()
            .get("billing_address").isNull()).isTrue();
    }
}
