package io.till.checkout;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import com.microsoft.playwright.options.SelectOption;
import io.till.payment.SandboxLedger;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.GatewayFaults;
import io.till.testing.Shops;
import io.till.testing.StaffBrowser;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import tools.jackson.databind.JsonNode;

/**
 * Seed 004's "New order" in a real browser: staff charge a card on file from the customer record after a review that
 * names the amount; submitting the same form twice places one order; a declined card shows the bank's reason.
 */
@TillIntegrationTest
class InternalOrderPagesTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    JdbcClient db;
    @Autowired
    PasswordEncoder passwords;
    @Autowired
    GatewayFaults faults;
    @Autowired
    SandboxLedger ledger;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    private record Buyer(Shops.Shop shop, String customerId) {}

    private Buyer buyerWithCard(String token) {
        var shop = shops.open();
        var created = api.post("/api/v1/customers", shop.apiKey(),
            "{\"name\": \"Ada Lovelace\", \"email\": \"ada@analytical.example\"}");
        String id = created.json().get("id").asString();
        var card = api.post("/api/v1/customers/" + id + "/payment_methods", shop.apiKey(),
            "{\"token\": \"" + token + "\"}");
        assertThat(card.status()).as(card.text()).isEqualTo(201);
        return new Buyer(shop, id);
    }

    private List<JsonNode> orders(Buyer buyer) {
        var orders = new ArrayList<JsonNode>();
        api.get("/api/v1/orders?customer_id=" + buyer.customerId(), buyer.shop().apiKey()).json().get("data")
            .forEach(orders::add);
        return orders;
    }

    private static Locator.GetByRoleOptions named(String name) {
        return new Locator.GetByRoleOptions().setName(name);
    }

    private void chooseMonthly(Page page) {
        page.getByLabel("Product option").selectOption(new SelectOption().setLabel(
            "Membership — Monthly · $19.00 / month"));
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Review order")).click();
    }

    /**
     * A reviewer's: only the newest hundred products' options were offered, so an older product could not be sold
     * from the dashboard (nor a checkout whose upsell sold one saved again). Every product's are, trials said.
     */
    @Test
    void theNewOrderFormOffersTheOptionsOfEveryProductNotOnlyTheNewestHundred() {
        var buyer = buyerWithCard("pm_card_visa");
        for (int i = 0; i < 100; i++) {
            var made = api.post("/api/v1/products", buyer.shop().apiKey(), """
                {"name": "Print %d", "options": [{"name": "Once", "kind": "one_time", "amount": 500,
                 "currency": "usd"}]}""".formatted(i));
            assertThat(made.status()).as(made.text()).isEqualTo(201);
        }
        var page = StaffBrowser.of(db, passwords, buyer.shop().accountId()).signIn(api, chromium.page(1280),
            "/admin/customers/" + buyer.customerId());
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("New order")).first().click();

        var labels = page.getByLabel("Product option").locator("option").allTextContents();
        assertThat(labels).contains("Print 0 — Once · $5.00 once", "Print 99 — Once · $5.00 once",
            "Membership — Monthly · $19.00 / month", "Membership — Trial · $19.00 / month · 14-day free trial");
        chooseMonthly(page);
        assertThat(page.locator("main")).containsText("Total charged now");
    }

    @Test
    void staffPlaceAnInternalOrderFromTheRecordAndTheSameFormSubmittedTwiceMakesOneOrder() {
        var buyer = buyerWithCard("pm_card_visa");
        var page = StaffBrowser.of(db, passwords, buyer.shop().accountId()).signIn(api, chromium.page(1280),
            "/admin/customers/" + buyer.customerId());
        assertThat(page.locator("#orders")).containsText("No orders yet.");

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("New order")).first().click();
        assertThat(page.getByLabel("Card on file")).containsText("Visa ending in 4242 · expires");
        assertThat(page.locator(".sandbox-banner")).containsText("Test clock");
        Chromium.screenshot(page, "dashboard-new-order-1280");
        chooseMonthly(page);
        assertThat(page.locator("main")).containsText("Total charged now");
        assertThat(page.locator("main")).containsText("$19.00");
        Chromium.screenshot(page, "dashboard-new-order-review-1280");

        // What the browser would send again on a double click or a reload: the same fields, the same key.
        var form = page.locator("#main form[data-confirm]");
        var fields = FormData.create();
        for (String name : List.of("_csrf", "form_key", "option_id", "payment_method_id", "promo_code")) {
            fields.set(name, form.locator("input[name=" + name + "]").inputValue());
        }
        String action = form.getAttribute("action");

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Place order and charge $19.00")).click();
        var confirm = page.getByRole(AriaRole.DIALOG);
        assertThat(confirm).containsText("Charge $19.00 to Visa ending in 4242");
        assertThat(confirm).containsText("for Ada Lovelace?");
        confirm.getByRole(AriaRole.BUTTON, named("Charge and place order")).click();

        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("placed")))
            .hasText(
                java.util.regex.Pattern.compile("^Order #\\d+ placed: \\$19\\.00 charged to Visa ending in 4242\\.$"));
        assertThat(page).hasURL(api.uri("/admin/customers/" + buyer.customerId() + "#orders").toString());
        String orderId = orders(buyer).getFirst().get("id").asString();
        long number = orders(buyer).getFirst().get("number").asLong();
        assertThat(page.locator(".flash")).containsText("Order #" + number + " placed");
        assertThat(page.locator("#orders a[href='/admin/orders/" + orderId + "']").first()).isVisible();
        assertThat(page.locator("#orders")).containsText("#" + number);
        assertThat(page.locator("#subscriptions")).containsText("$19.00 / month");
        assertThat(page.locator("#timeline")).containsText("order.created");

        var again = page.request().post(api.uri(action).toString(),
            RequestOptions.create().setForm(fields).setMaxRedirects(0));

        assertThat(again.status()).isEqualTo(302);
        assertThat(again.headers().get("location")).endsWith("/admin/customers/" + buyer.customerId() + "#orders");
        assertThat(orders(buyer)).as("one order for two submits").hasSize(1);
        assertThat(orders(buyer).getFirst().get("status").asString()).isEqualTo("paid");

        // A trial's review says why nothing is charged now and what is billed after it. (The record first, whose
        // visit shows the second submit's note, kept for it since that answer's redirect was not followed.)
        page.navigate(api.uri("/admin/customers/" + buyer.customerId()).toString());
        page.navigate(api.uri("/admin/customers/" + buyer.customerId() + "/orders/new").toString());
        page.getByLabel("Product option").selectOption(buyer.shop().trial());
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Review order")).click();
        assertThat(page.locator("main")).containsText("$0.00 · the free trial comes first");
        assertThat(page.locator("main")).containsText("$19.00 / month · 14-day free trial");
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(
            "Place order and start the trial"))).isVisible();
        Chromium.screenshot(page, "dashboard-new-order-review-trial-1280");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Place order and start the trial"))
            .click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, named("Start the trial")).click();
        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("placed")))
            .hasText(java.util.regex.Pattern.compile( // not "$0.00 charged"

                "^Order #\\d+ placed: nothing was charged now\\. Visa ending in 4242 pays its next charge\\.$"));

        var phone = StaffBrowser.of(db, passwords, buyer.shop().accountId()).signIn(api, chromium.page(390),
            "/admin/customers/" + buyer.customerId() + "/orders/new");
        Chromium.screenshot(phone, "dashboard-new-order-390");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        chooseMonthly(phone);
        Chromium.screenshot(phone, "dashboard-new-order-review-390");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(390);
    }

    /**
     * A promo code of the store on an internal order: the review shows its discount and the discounted total (the
     * renewals at the full price), and the order placed charges the card that total, as the review said.
     */
    @Test
    void aValidPromoCodeIsShownOnTheReviewAndTheOrderIsChargedTheDiscountedTotal() {
        var buyer = buyerWithCard("pm_card_visa");
        var promo = api.post("/api/v1/promo_codes", buyer.shop().apiKey(),
            "{\"code\": \"SAVE10\", \"percent_off\": 10}");
        assertThat(promo.status()).as(promo.text()).isEqualTo(201);
        var page = StaffBrowser.of(db, passwords, buyer.shop().accountId()).signIn(api, chromium.page(1280),
            "/admin/customers/" + buyer.customerId() + "/orders/new");

        page.getByLabel("Promo code").fill("SAVE10");
        chooseMonthly(page);

        var summary = page.locator("section[aria-labelledby=summary] .facts");
        assertThat(summary.locator("dt", new Locator.LocatorOptions().setHasText("Subtotal")).locator("+ dd"))
            .hasText("$19.00");
        assertThat(summary.locator("dt", new Locator.LocatorOptions().setHasText("Promo SAVE10")).locator("+ dd"))
            .hasText("−$1.90");
        assertThat(summary.locator("dt", new Locator.LocatorOptions().setHasText("Total charged now")).locator(
            "+ dd")).containsText("$17.10");
        assertThat(summary.locator("dt", new Locator.LocatorOptions().setHasText("Then")).locator("+ dd"))
            .containsText("$19.00 / month");
        Chromium.screenshot(page, "dashboard-new-order-review-promo-1280");
        var phone = StaffBrowser.of(db, passwords, buyer.shop().accountId()).signIn(api, chromium.page(390),
            "/admin/customers/" + buyer.customerId() + "/orders/new");
        phone.getByLabel("Promo code").fill("SAVE10");
        chooseMonthly(phone);
        assertThat(phone.locator("main")).containsText("−$1.90");
        Chromium.screenshot(phone, "dashboard-new-order-review-promo-390");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(390);

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Place order and charge $17.10")).click();
        assertThat(page.getByRole(AriaRole.DIALOG)).containsText("Charge $17.10 to Visa ending in 4242");
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, named("Charge and place order")).click();

        assertThat(page.locator(".flash")).containsText("$17.10 charged to Visa ending in 4242.");
        var order = orders(buyer).getFirst();
        assertThat(order.get("status").asString()).isEqualTo("paid");
        assertThat(order.get("subtotal").asLong()).isEqualTo(1900);
        assertThat(order.get("discount").asLong()).isEqualTo(190);
        assertThat(order.get("total").asLong()).isEqualTo(1710);
        assertThat(order.get("promo_code_id").asString()).isEqualTo(promo.json().get("id").asString());
        var payments = api.get("/api/v1/payments?customer_id=" + buyer.customerId(), buyer.shop().apiKey()).json()
            .get("data");
        assertThat(payments).hasSize(1);
        assertThat(payments.get(0).get("amount").asLong()).as("charged as reviewed").isEqualTo(1710);
        assertThat(payments.get(0).get("status").asString()).isEqualTo("succeeded");
    }

    @Test
    void theFormStartsAtTheCustomersDefaultCardWhereverTheListHasIt() {
        var buyer = buyerWithCard("pm_card_visa");
        String visa = api.get("/api/v1/customers/" + buyer.customerId(), buyer.shop().apiKey()).json().get(
            "default_card").get("id").asString();
        var other = api.post("/api/v1/customers/" + buyer.customerId() + "/payment_methods", buyer.shop().apiKey(),
            "{\"token\": \"pm_card_mastercard\"}");
        assertThat(other.status()).as(other.text()).isEqualTo(201);
        var page = StaffBrowser.of(db, passwords, buyer.shop().accountId()).signIn(api, chromium.page(390),
            "/admin/customers/" + buyer.customerId() + "/orders/new");

        assertThat(page.getByLabel("Card on file")).hasValue(visa);
        assertThat(page.getByLabel("Card on file").locator("option:checked")).containsText("(default)");
    }

    /**
     * Staff may charge any saved card, not only the default: the card chosen on the form is the one the gateway
     * charges, and the default card is left alone.
     */
    @Test
    void aSavedCardOtherThanTheDefaultChosenOnTheFormIsTheOneCharged() {
        var buyer = buyerWithCard("pm_card_visa");
        String mastercard = shops.saveCard(buyer.shop(), buyer.customerId(), "pm_card_mastercard");
        var page = StaffBrowser.of(db, passwords, buyer.shop().accountId()).signIn(api, chromium.page(1280),
            "/admin/customers/" + buyer.customerId() + "/orders/new");
        assertThat(page.getByLabel("Card on file").locator("option:checked")).containsText("(default)");

        page.getByLabel("Card on file").selectOption(mastercard);
        chooseMonthly(page);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Place order and charge $19.00")).click();
        assertThat(page.getByRole(AriaRole.DIALOG)).containsText("Charge $19.00 to Mastercard ending in 4444");
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, named("Charge and place order")).click();

        assertThat(page.locator(".flash")).containsText("$19.00 charged to Mastercard ending in 4444.");
        var payments = api.get("/api/v1/payments?customer_id=" + buyer.customerId(), buyer.shop().apiKey()).json()
            .get("data");
        assertThat(payments).hasSize(1);
        assertThat(payments.get(0).get("card_id").asString()).isEqualTo(mastercard);
        assertThat(payments.get(0).get("status").asString()).isEqualTo("succeeded");
        // The gateway's own books: one charge, on the Mastercard's reference, none on the default Visa's.
        var charged = db.sql("""
            SELECT c.id FROM sandbox_charges s
              JOIN cards c ON c.account_id = s.account_id AND c.gateway_reference = s.card_reference
             WHERE s.account_id = :accountId AND s.outcome = 'succeeded'
            """).param("accountId", buyer.shop().accountId()).query(String.class).list();
        assertThat(charged).containsExactly(mastercard);
        page.navigate(api.uri("/admin/orders/" + orders(buyer).getFirst().get("id").asString()).toString());
        assertThat(page.locator("#payments")).containsText("Mastercard ending in 4444");
        assertThat(page.locator("#payments")).not().containsText("Visa");
    }

    /**
     * The processor took the charge and its answer was lost: the review says the card may have been charged and keeps
     * its key, so that placing it again finishes that order; it was the problem page, from which staff went back to a
     * review with a new key and a second order charged the card again.
     */
    @Test
    void anOrderWhoseChargeWasNotAnsweredIsFinishedByPlacingItAgainAndChargedOnce() {
        var buyer = buyerWithCard("pm_card_visa");
        var page = StaffBrowser.of(db, passwords, buyer.shop().accountId()).signIn(api, chromium.page(1280),
            "/admin/customers/" + buyer.customerId() + "/orders/new");
        chooseMonthly(page);
        faults.afterNextCharge(buyer.shop().accountId(), new TillException(ErrorCode.GATEWAY_UNAVAILABLE,
            "Stripe could not be reached: connection reset."));
        // The processor's search does not find the charge yet, as Stripe's lags behind a charge just made.
        faults.searchLags(buyer.shop().accountId(), java.time.Duration.ofMinutes(2));

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Place order and charge $19.00")).click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, named("Charge and place order")).click();

        var alert = page.getByRole(AriaRole.ALERT);
        assertThat(alert).containsText("The payment processor did not answer.");
        assertThat(alert).containsText("The card may have been charged");
        assertThat(alert).containsText("Placing this order again finishes it, never twice.");
        assertThat(page.locator("main")).containsText("Total charged now");
        Chromium.screenshot(page, "dashboard-new-order-in-doubt-1280");
        assertThat(ledger.charges(buyer.shop().accountId())).as("the processor took the charge").isEqualTo(1);

        // The same order placed anew (another review, another key) waits for that answer rather than charging again.
        var anew = chromium.page(1280);
        anew.context().addCookies(page.context().cookies());
        anew.navigate(api.uri("/admin/customers/" + buyer.customerId() + "/orders/new").toString());
        chooseMonthly(anew);
        anew.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Place order and charge $19.00")).click();
        anew.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, named("Charge and place order")).click();
        long number = orders(buyer).getFirst().get("number").asLong();
        assertThat(anew.getByRole(AriaRole.ALERT).first()).containsText("Order #" + number + " for this customer is "
            + "waiting for the payment processor's answer about its charge");
        assertThat(anew.getByLabel("Product option")).hasValue(shopMonthly(buyer));
        Chromium.screenshot(anew, "dashboard-new-order-beside-doubt-1280");
        assertThat(orders(buyer)).hasSize(1);
        assertThat(ledger.charges(buyer.shop().accountId())).isEqualTo(1);

        // Placed again while the processor cannot tell yet: still the review, still its key, nothing charged.
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Place order and charge $19.00")).click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, named("Charge and place order")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("The payment is still being confirmed.");
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("Place this order again in a minute");
        assertThat(ledger.charges(buyer.shop().accountId())).isEqualTo(1);
        faults.searchCatchesUp(buyer.shop().accountId());

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Place order and charge $19.00")).click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, named("Charge and place order")).click();

        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("placed")))
            .containsText("$19.00 charged to Visa ending in 4242.");
        assertThat(orders(buyer)).as("the order placed again is the first one").hasSize(1);
        assertThat(orders(buyer).getFirst().get("status").asString()).isEqualTo("paid");
        assertThat(ledger.charges(buyer.shop().accountId())).as("charged once").isEqualTo(1);
    }

    /**
     * The charge never left for the processor (no connection to it): the review says nothing was charged, not that the
     * card may have been, and placing it again charges the card once.
     */
    @Test
    void anOrderWhoseChargeNeverReachedTheProcessorSaysNothingWasChargedAndIsPlacedAgainOnce() {
        var buyer = buyerWithCard("pm_card_visa");
        var page = StaffBrowser.of(db, passwords, buyer.shop().accountId()).signIn(api, chromium.page(1280),
            "/admin/customers/" + buyer.customerId() + "/orders/new");
        chooseMonthly(page);
        faults.beforeNextCharge(buyer.shop().accountId(), new io.till.payment.PaymentGateway.NotSent(
            "Stripe could not be reached: connection refused."));

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Place order and charge $19.00")).click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, named("Charge and place order")).click();

        var alert = page.getByRole(AriaRole.ALERT);
        assertThat(alert).containsText("The payment processor was not reached.");
        assertThat(alert).containsText("Stripe could not be reached: connection refused. Nothing was charged");
        assertThat(alert).not().containsText("may have been charged");
        Chromium.screenshot(page, "dashboard-new-order-not-sent-1280");
        assertThat(ledger.charges(buyer.shop().accountId())).isZero();

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Place order and charge $19.00")).click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, named("Charge and place order")).click();

        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("placed")))
            .containsText("$19.00 charged to Visa ending in 4242.");
        // The first order, never charged, is failed; the one placed again is paid.
        assertThat(orders(buyer)).extracting(order -> order.get("status").asString()).containsExactly("paid",
            "failed");
        assertThat(ledger.charges(buyer.shop().accountId())).as("charged once").isEqualTo(1);
    }

    @Test
    void aDeclinedCardShowsTheBanksReasonOnTheFormAndNothingIsCharged() {
        var buyer = buyerWithCard("pm_card_chargeCustomerFail");
        var page = StaffBrowser.of(db, passwords, buyer.shop().accountId()).signIn(api, chromium.page(1280),
            "/admin/customers/" + buyer.customerId() + "/orders/new");

        // An unknown promo code: the service's refusal stands next to the field, and the choices stay as they were.
        page.getByLabel("Promo code").fill("NOPE");
        chooseMonthly(page);
        assertThat(page.locator("#promo-error")).containsText("not a promo code of this store");
        assertThat(page.getByLabel("Promo code")).hasValue("NOPE");
        assertThat(page.getByLabel("Product option")).hasValue(shopMonthly(buyer));
        page.getByLabel("Promo code").fill("");

        chooseMonthly(page);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Place order and charge $19.00")).click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, named("Charge and place order")).click();

        assertThat(page.getByRole(AriaRole.ALERT)).containsText("The bank declined the card:");
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("Nothing was charged");
        // The failed order by its number, as the record lists it, not by its id.
        long failed = orders(buyer).getFirst().get("number").asLong();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("(order #" + failed + " stays on the record as "
            + "failed)");
        assertThat(page.getByRole(AriaRole.ALERT)).not().containsText("ord_");
        assertThat(page.locator(".side")).containsText("Customers");
        assertThat(page.getByLabel("Product option")).hasValue(shopMonthly(buyer));
        Chromium.screenshot(page, "dashboard-new-order-declined-1280");
        assertThat(orders(buyer)).noneMatch(order -> order.get("status").asString().equals("paid"));

        // A new card saved since (the customer's own, from the portal): the form starts at it, and says why it is not
        // the default, which has just declined.
        var mastercard = api.post("/api/v1/customers/" + buyer.customerId() + "/payment_methods", buyer.shop()
            .apiKey(), "{\"token\": \"pm_card_mastercard\"}");
        assertThat(mastercard.status()).as(mastercard.text()).isEqualTo(201);
        // The day is the store's, fourteen hours ahead of UTC here: a reviewer found it said in UTC.
        var kiritimati = java.time.ZoneId.of("Pacific/Kiritimati");
        assertThat(api.send("PUT", "/api/v1/account/branding", buyer.shop().apiKey(), """
            {"time_zone": "Pacific/Kiritimati"}""", List.of("Content-Type", "application/json")).status())
            .isEqualTo(200);
        var declinedAt = java.time.Instant.parse(api.get("/api/v1/payments?customer_id=" + buyer.customerId(), buyer
            .shop().apiKey()).json().get("data").get(0).get("created_at").asString());
        String declinedDay = java.time.format.DateTimeFormatter.ofPattern("MMM d, yyyy", java.util.Locale.US)
            .format(declinedAt.atZone(kiritimati));
        page.navigate(api.uri("/admin/customers/" + buyer.customerId() + "/orders/new").toString());
        assertThat(page.getByLabel("Card on file")).hasValue(mastercard.json().get("id").asString());
        assertThat(page.getByLabel("Card on file").locator("option", new Locator.LocatorOptions().setHasText(
            "(default)")))
            .containsText(java.util.regex.Pattern.compile("\\(default\\) · declined on \\w+ \\d+, \\d{4}$"));
        assertThat(page.getByLabel("Card on file").locator("option", new Locator.LocatorOptions().setHasText(
            "(default)"))).containsText("declined on " + declinedDay);
        assertThat(page.locator("#card-passed-over"))
            .containsText("Visa ending in 0341, the default card, was declined on ");
        assertThat(page.locator("#card-passed-over")).containsText(": Mastercard ending in 4444 is chosen instead.");
        Chromium.screenshot(page, "dashboard-new-order-default-declined-1280");
    }

    @Test
    void staffGiveTheOrderABillingAddressWhichTheReviewShowsAndTheOrderKeeps() {
        var buyer = buyerWithCard("pm_card_visa");
        var page = StaffBrowser.of(db, passwords, buyer.shop().accountId()).signIn(api, chromium.page(390),
            "/admin/customers/" + buyer.customerId() + "/orders/new");
        assertThat(page.locator("details.address-fields")).hasJSProperty("open", false);

        page.getByText("Billing address (optional)").click();
        page.getByLabel("Name or company").fill("Babbage & Lovelace+Co");
        page.getByLabel("Address line 1").fill("Unter den Linden 1");
        page.getByLabel("City", new Page.GetByLabelOptions().setExact(true)).fill("Berlin");
        page.getByLabel("Postal code").fill("10117");
        // No country: refused by the same check as the API's, beside the field, with what was typed kept.
        chooseMonthly(page);
        assertThat(page.locator("#address-country-error")).hasText("Choose a country.");
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("Nothing was charged: correct the fields");
        assertThat(page.locator("details.address-fields")).hasJSProperty("open", true);
        assertThat(page.getByLabel("City", new Page.GetByLabelOptions().setExact(true))).hasValue("Berlin");
        assertThat(page.getByLabel("Product option")).hasValue(shopMonthly(buyer));
        Chromium.screenshot(page, "dashboard-new-order-address-refused-390");
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(390);

        page.getByLabel("Country").selectOption("DE");
        chooseMonthly(page);
        assertThat(page.locator("address.billing-address")).containsText("Babbage & Lovelace+Co");
        assertThat(page.locator("address.billing-address")).containsText("Berlin, 10117");
        assertThat(page.locator("address.billing-address")).containsText("Germany");
        // The address was posted: it is in no address bar, nor in the browser's history.
        assertThat(page.url()).doesNotContain("Linden").doesNotContain("10117");

        // "Change" comes back to the form as filled in, unasked (it charges nothing).
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Change")).click();
        assertThat(page.getByRole(AriaRole.DIALOG)).isHidden();
        assertThat(page.url()).doesNotContain("Linden");
        assertThat(page.getByLabel("Address line 1")).hasValue("Unter den Linden 1");
        assertThat(page.getByLabel("Name or company")).hasValue("Babbage & Lovelace+Co");
        assertThat(page.getByLabel("Country")).hasValue("DE");
        chooseMonthly(page);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Place order and charge $19.00")).click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, named("Charge and place order")).click();
        assertThat(page.locator(".flash")).containsText("placed");

        var order = orders(buyer).getFirst();
        assertThat(order.get("billing_address").get("line1").asString()).isEqualTo("Unter den Linden 1");
        assertThat(order.get("billing_address").get("postal_code").asString()).isEqualTo("10117");
        assertThat(order.get("billing_address").get("name").asString()).isEqualTo("Babbage & Lovelace+Co");
        assertThat(order.get("billing_address").get("country").asString()).isEqualTo("DE");
        assertThat(order.get("billing_address").get("line2").isNull()).isTrue();
        page.navigate(api.uri("/admin/orders/" + order.get("id").asString()).toString());
        assertThat(page.locator("address.billing-address")).containsText("Unter den Linden 1");
        assertThat(page.locator("main")).containsText("As an internal order");
    }

    private static String shopMonthly(Buyer buyer) {
        return buyer.shop().monthly();
    }
}
