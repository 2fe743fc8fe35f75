package io.till.billing;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import io.till.payment.PaymentGateway;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.GatewayFaults;
import io.till.testing.Shops;
import io.till.testing.StaffBrowser;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import tools.jackson.databind.JsonNode;

/** The order record in a real browser: what the order holds, and refunds that move money once and never too much. */
@TillIntegrationTest
class OrderPagesTest {

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

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    private JsonNode buy(Shops.Shop shop) {
        var order = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada Lovelace", "email": "ada@example.com"}, "token": "pm_card_visa",
             "option_id": "%s", "billing_address": {"name": "Ada Lovelace", "line1": "12 St James's Square",
             "city": "London", "postal_code": "SW1Y 4JH", "country": "GB"}}""".formatted(shop.monthly()));
        assertThat(order.status()).as(order.text()).isEqualTo(201);
        return order.json();
    }

    private Page signedIn(Shops.Shop shop, int width) {
        return StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(width));
    }

    private Page signedIn(Shops.Shop shop, int width, String path) {
        return StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(width), path);
    }

    private int refunds(Shops.Shop shop) {
        return db.sql("SELECT count(*) FROM refunds WHERE account_id = :accountId")
            .param("accountId", shop.accountId())
            .query(Integer.class)
            .single();
    }

    @Test
    void theOrderPageShowsItsLinesAddressPaymentsAndWhatItStarted() {
        var shop = shops.open();
        var order = buy(shop);
        String id = order.get("id").asString();

        for (int width : new int[]{1280, 390}) {
            var page = signedIn(shop, width, "/admin/orders/" + id);

            assertThat(page.getByRole(AriaRole.HEADING, named("Order #1"))).isVisible();
            var main = page.locator("main");
            assertThat(main).containsText(id);
            assertThat(main).containsText("Membership — Monthly");
            assertThat(main).containsText("$19.00");
            assertThat(page.locator(".billing-address")).containsText("12 St James's Square");
            assertThat(page.locator(".billing-address")).containsText("United Kingdom");
            assertThat(main).containsText("By the customer at checkout");
            assertThat(page.locator("#payments")).containsText("Visa ending in 4242");
            assertThat(page.locator("#payments")).containsText("succeeded");
            assertThat(page.getByRole(AriaRole.LINK, named(order.get("subscription_id").asString())))
                .hasAttribute("href", "/admin/subscriptions/" + order.get("subscription_id").asString());
            assertThat(page.getByRole(AriaRole.LINK, named("Ada Lovelace")).first())
                .hasAttribute("href", "/admin/customers/" + order.get("customer_id").asString());
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
                .isLessThanOrEqualTo(width);
            assertThat((Integer) page.evaluate("document.querySelectorAll('input:not([type=hidden]):not([id])')"
                + ".length")).as("every input has a label").isZero();
            Chromium.screenshot(page, "order-" + width);

            var receipt = page.request().get(api.uri("/admin/orders/" + id + "/receipt.pdf").toString());
            assertThat(receipt.status()).isEqualTo(200);
            assertThat(receipt.headers().get("content-type")).isEqualTo("application/pdf");
        }
    }

    @Test
    void anOrderThatBoughtAPaymentPlanLinksToThePlanAndNoSubscription() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String plan = order.get("payment_plan_id").asString();
        var page = signedIn(shop, 1280, "/admin/orders/" + order.get("id").asString());

        var facts = page.locator("[aria-labelledby=about-title] dl.facts");
        assertThat(facts.locator("dt:text-is('Payment plan') + dd a")).hasAttribute("href",
            "/admin/payment-plans/" + plan);
        assertThat(facts.locator("dt:text-is('Payment plan') + dd a")).hasText(plan);
        assertThat(facts.locator("dt:text-is('Subscription')")).hasCount(0);

        page.getByRole(AriaRole.LINK, named(plan)).click();
        assertThat(page).hasURL(api.uri("/admin/payment-plans/" + plan).toString());
        assertThat(page.locator("h1")).containsText("Membership");
        assertThat(page.locator("main")).containsText("3 payments");
    }

    @Test
    void staffRefundHalfAnOrderAfterConfirmingAndASecondSubmitOfTheSameFormRefundsNothingMore() {
        var shop = shops.open();
        var order = buy(shop);
        var page = signedIn(shop, 1280, "/admin/orders/" + order.get("id").asString());
        var form = page.locator("form.refund-form");
        String formKey = form.locator("input[name=form_key]").inputValue();
        String csrf = form.locator("input[name=_csrf]").inputValue();

        page.getByLabel("Amount (USD)").fill("9.50");
        page.getByLabel("Reason (optional)").fill("Goodwill");
        page.getByRole(AriaRole.BUTTON, named("Refund…")).click();
        var confirm = page.getByRole(AriaRole.DIALOG);
        assertThat(confirm).containsText("Refund $9.50 to Ada Lovelace?");
        Chromium.screenshot(page, "order-refund-confirm-1280");
        confirm.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Refund")).click();

        assertThat(page.locator(".flash")).containsText("Refunded $9.50 of the $19.00 payment by Visa ending in 4242");
        assertThat(page.locator("#refund")).not().containsText("pay_");
        var row = page.locator("#refunds tbody tr");
        assertThat(row).hasCount(1);
        assertThat(row).containsText("$9.50");
        assertThat(row).containsText("Goodwill");
        assertThat(page.locator("#payments")).containsText("$9.50 refunded");
        assertThat(page.getByLabel("Amount (USD)")).hasValue("9.50");
        Chromium.screenshot(page, "order-refunded-1280");

        // The same form sent again (a double click, a resubmitted page) answers as the first time and moves nothing.
        var again = page.request().post(api.uri("/admin/orders/" + order.get("id").asString() + "/refund").toString(),
            RequestOptions.create().setForm(FormData.create().set("_csrf", csrf).set("form_key", formKey)
                .set("payment_id", order.get("payment_id").asString()).set("amount", "9.50")
                .set("reason", "Goodwill")).setMaxRedirects(0));
        assertThat(again.status()).isEqualTo(302);
        assertThat(refunds(shop)).isEqualTo(1);
        page.reload();
        assertThat(page.locator("#refunds tbody tr")).hasCount(1);
    }

    /** The form starts at all that is left: refunding it as it stands gives the whole payment back. */
    @Test
    void staffRefundAWholePaymentFromTheFormAndThePageShowsTheOrderRefundedInFull() {
        var shop = shops.open();
        var order = buy(shop);
        String paymentId = order.get("payment_id").asString();
        var page = signedIn(shop, 1280, "/admin/orders/" + order.get("id").asString());
        assertThat(page.getByLabel("Amount (USD)")).hasValue("19.00");

        page.getByRole(AriaRole.BUTTON, named("Refund…")).click();
        var confirm = page.getByRole(AriaRole.DIALOG);
        assertThat(confirm).containsText("Refund $19.00 to Ada Lovelace?");
        confirm.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Refund")).click();

        assertThat(page.locator(".flash")).containsText("Refunded $19.00 of the $19.00 payment by Visa ending in 4242");
        assertThat(page.locator(".order-heading .pill")).hasText("refunded");
        assertThat(page.locator("[aria-labelledby=about-title] dl.facts")).containsText("Refunded in full: $19.00");
        assertThat(page.locator("#payments")).containsText("$19.00 refunded");
        assertThat(page.locator("#payments tbody tr .pill")).hasText("refunded");
        assertThat(page.locator("#refunds tbody tr")).hasCount(1);
        assertThat(page.locator("#refunds tbody tr")).containsText("succeeded");
        // Nothing is left to refund, so no form offers to.
        assertThat(page.locator("form.refund-form")).hasCount(0);
        var payment = api.get("/api/v1/payments/" + paymentId, shop.apiKey()).json();
        assertThat(payment.get("amount_refunded").asLong()).isEqualTo(1900);
        assertThat(payment.get("status").asString()).isEqualTo("refunded");
        assertThat(api.get("/api/v1/orders/" + order.get("id").asString(), shop.apiKey()).json().get("status")
            .asString()).isEqualTo("refunded");
        assertThat(refunds(shop)).isEqualTo(1);
    }

    @Test
    void refundingMoreThanIsLeftIsRefusedNextToTheFormKeepingWhatWasTypedAndChangesNothing() {
        var shop = shops.open();
        var order = buy(shop);
        String id = order.get("id").asString();
        var page = signedIn(shop, 390, "/admin/orders/" + id);
        var amount = page.getByLabel("Amount (USD)");
        var confirm = page.getByRole(AriaRole.DIALOG);

        // The browser says it beside the field, and no dialog asks to refund what cannot be: more than is left, a
        // field emptied (a probe's blank refunded all of it), nothing.
        var refusedInTheBrowser = java.util.Map.of("25", "At most $19.00 of this payment can be refunded; $25.00 is "
            + "more.", "   ", "Type the amount to refund.", "0.00", "must be more than $0.00");
        refusedInTheBrowser.forEach((typed, said) -> {
            amount.fill(typed);
            page.getByRole(AriaRole.BUTTON, named("Refund…")).click();
            assertThat(confirm).isHidden();
            assertThat((String) amount.evaluate("input => input.validationMessage")).as(typed).contains(said);
        });

        // The server refuses the same when a form reaches it as typed (no script, an old page): beside the form,
        // keeping what was typed, refunding nothing.
        var form = page.locator("form.refund-form");
        var refusedByTheServer = java.util.Map.of("25", "is more than the $19.00 left to refund of this payment",
            " ", "Type the amount to refund.", "0", "The amount to refund must be more than $0.00.");
        refusedByTheServer.forEach((typed, said) -> {
            var sent = page.request().post(api.uri("/admin/orders/" + id + "/refund").toString(), RequestOptions
                .create().setForm(FormData.create().set("_csrf", form.locator("input[name=_csrf]").inputValue())
                    .set("form_key", form.locator("input[name=form_key]").inputValue())
                    .set("payment_id", order.get("payment_id").asString()).set("amount", typed)
                    .set("reason", "Broken on arrival"))
                .setMaxRedirects(0));
            assertThat(sent.status()).isEqualTo(302);
            String location = sent.headers().get("location");
            // From elsewhere: the same page with only its #refund added would not load again.
            page.navigate("about:blank");
            page.navigate(location.startsWith("http") ? location : api.uri(location).toString());
            var refused = page.locator("#refund [role=alert]");
            assertThat(refused).containsText("Nothing changed.");
            assertThat(refused).containsText(said);
            assertThat(refused).not().containsText("1900");
            assertThat(refused).not().containsText("minor units");
            // The page opens where it says so, beside the form, screens below the top on a phone.
            assertThat(refused).isInViewport();
            // What was typed stays: not the full amount left, which one more click would refund.
            assertThat(amount).hasValue(typed);
            assertThat(page.getByLabel("Reason (optional)")).hasValue("Broken on arrival");
        });
        assertThat(page.locator("#refunds")).containsText("No refunds.");
        assertThat(refunds(shop)).isZero();
        // Measured once the page after the redirect has its stylesheets: under load the alert can show before.
        page.waitForLoadState();
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(page, "order-refund-refused-390");
    }

    @Test
    void theRefundDialogNamesExactlyWhatTheServerReadsAndNoFigureForWhatIsNotAnAmount() {
        var shop = shops.open();
        var order = buy(shop);
        var page = signedIn(shop, 1280, "/admin/orders/" + order.get("id").asString());
        var amount = page.getByLabel("Amount (USD)");
        var confirm = page.getByRole(AriaRole.DIALOG);

        for (String typed : new String[]{"2e1", "-5", "5,5", "\uFF11\uFF10", ".5"}) {
            amount.fill(typed);
            page.getByRole(AriaRole.BUTTON, named("Refund…")).click();
            assertThat(confirm).isHidden();
            assertThat((String) amount.evaluate("input => input.validationMessage")).as(typed)
                .contains("not an amount");
        }
        Chromium.screenshot(page, "order-refund-not-an-amount-1280");

        amount.fill(" $1,0.5");
        page.getByRole(AriaRole.BUTTON, named("Refund…")).click();
        assertThat(confirm).isHidden();
        amount.fill(" $10.5 ");
        page.getByRole(AriaRole.BUTTON, named("Refund…")).click();
        assertThat(confirm).containsText("Refund $10.50 to Ada Lovelace?");
        confirm.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Refund")).click();
        assertThat(page.locator(".flash")).containsText("Refunded $10.50");
        assertThat(refunds(shop)).isEqualTo(1);
    }

    @Test
    void aRefundTheGatewayDeclinesIsShownNextToTheFormAndGivesNothingBack() {
        var shop = shops.open();
        var order = buy(shop);
        var page = signedIn(shop, 1280, "/admin/orders/" + order.get("id").asString());
        faults.afterNextRefund(shop.accountId(), new TillException(ErrorCode.REFUND_DECLINED,
            "The payment gateway declined the refund (charge_disputed); nothing was given back."));

        page.getByRole(AriaRole.BUTTON, named("Refund…")).click();
        var confirm = page.getByRole(AriaRole.DIALOG);
        assertThat(confirm).containsText("Refund $19.00 to Ada Lovelace?");
        confirm.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Refund")).click();

        var refused = page.locator("#refund [role=alert]");
        assertThat(refused).containsText("The payment gateway declined the refund (charge_disputed)");
        assertThat(page.locator("#payments")).not().containsText("refunded");
        assertThat(page.getByLabel("Amount (USD)")).hasValue("19.00");
        assertThat(page.locator("#refunds tbody tr")).containsText("failed");
        Chromium.screenshot(page, "order-refund-declined-1280");
    }

    @Test
    void aRefundThatNeverReachedTheGatewaySaysNoMoneyMovedAndCanBeSentAgainAtOnce() {
        var shop = shops.open();
        var order = buy(shop);
        var page = signedIn(shop, 390, "/admin/orders/" + order.get("id").asString());
        faults.beforeNextRefund(shop.accountId(),
            new PaymentGateway.NotSent("Stripe could not be reached: Connection refused."));

        page.getByRole(AriaRole.BUTTON, named("Refund…")).click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Refund"))
            .click();

        var refused = page.locator("#refund [role=alert]");
        assertThat(refused).containsText("The payment processor was not reached.");
        assertThat(refused).containsText("Stripe could not be reached: Connection refused. No money moved.");
        assertThat(refused).not().containsText("may have gone through");
        assertThat(page.locator("#refunds tbody tr")).containsText("failed");
        assertThat(page.locator("#payments")).not().containsText("refunded");
        Chromium.screenshot(page, "order-refund-not-sent-390");

        page.getByRole(AriaRole.BUTTON, named("Refund…")).click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Refund"))
            .click();
        assertThat(page.locator(".flash")).containsText("Refunded $19.00");
        assertThat(page.locator("#refunds tbody tr").filter(new Locator.FilterOptions().setHasText("succeeded")))
            .hasCount(1);
        assertThat(refunds(shop)).as("the one not sent, failed, and the one made").isEqualTo(2);
    }

    @Test
    void aRefundWhoseAnswerWasLostShowsPendingUntilTheBillingClockSettlesIt() {
        var shop = shops.open();
        var order = buy(shop);
        faults.afterNextRefund(shop.accountId(), new TillException(ErrorCode.GATEWAY_UNAVAILABLE,
            "The payment gateway did not answer."));
        var lost = api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"" + order.get("payment_id")
            .asString() + "\", \"amount\": 500}");
        assertThat(lost.status()).isEqualTo(502);
        var page = signedIn(shop, 390, "/admin/orders/" + order.get("id").asString());

        var row = page.locator("#refunds tbody tr");
        assertThat(page.locator("[aria-labelledby=about-title] dl.facts"))
            .containsText("Partly refunded: $5.00 of $19.00 ($5.00 of it waiting for the gateway's answer)");
        assertThat(row).containsText("pending");
        assertThat(row).containsText("The gateway has not answered; within 10 minutes of the refund Till asks it what "
            + "it did.");
        Chromium.screenshot(page, "order-refund-pending-390");

        shops.advance(shop, "PT11M");
        page.reload();
        assertThat(row).containsText("succeeded");
        assertThat(row).not().containsText("has not answered");
        assertThat(page.locator("[aria-labelledby=about-title] dl.facts")).not().containsText("waiting");
    }

    @Test
    void anOrderSaysInWordsHowMuchWasRefundedAndThatItWasRefundedInFull() {
        var shop = shops.open();
        var order = buy(shop);
        String id = order.get("id").asString();
        String payment = order.get("payment_id").asString();
        api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"" + payment + "\", \"amount\": 500}");
        var page = signedIn(shop, 1280, "/admin/orders/" + id);

        assertThat(page.locator(".order-heading .pill")).hasText("paid");
        assertThat(page.locator("[aria-labelledby=about-title] dl.facts"))
            .containsText("Partly refunded: $5.00 of $19.00");

        api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"" + payment + "\"}");
        for (int width : new int[]{1280, 390}) {
            page = signedIn(shop, width, "/admin/orders/" + id);

            assertThat(page.locator(".order-heading .pill")).hasText("refunded");
            assertThat(page.locator("[aria-labelledby=about-title] dl.facts")).containsText("Refunded in full: $19.00");
            assertThat(page.getByRole(AriaRole.LINK, named("Receipt (PDF)"))).isVisible();
            Chromium.screenshot(page, "order-refunded-in-full-" + width);
        }
        page.navigate(api.uri("/admin/orders?status=refunded").toString());
        assertThat(page.locator("main a[href='/admin/orders/" + id + "']")).hasCount(1);
    }

    @Test
    void anotherAccountsOrderAndPaymentAreAFriendlyNotFound() {
        var shop = shops.open();
        var other = shops.open();
        var order = buy(other);
        var page = signedIn(shop, 1280);

        for (String path : new String[]{"/admin/orders/" + order.get("id").asString(),
                "/admin/payments/" + order.get("payment_id").asString(),
                "/admin/orders/" + order.get("id").asString() + "/receipt.pdf"}) {
            var response = page.navigate(api.uri(path).toString());
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(page.locator("main")).not().containsText("Ada");
            assertThat(page.locator("main")).not().containsText("Exception");
        }
        Chromium.screenshot(page, "order-not-found-1280");

        var own = buy(shop);
        page.navigate(api.uri("/admin/payments/" + own.get("payment_id").asString()).toString());
        assertThat(page).hasURL(api.uri("/admin/orders/" + own.get("id").asString()).toString() + "#payments");
    }
}
