package io.till.portal;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.billing.CardChoices;
import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.GatewayFaults;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The recovery loop in a real browser (issue 11): a buyer whose trial is past due on a failing card adds a test card,
 * chooses it for that subscription only, and sees it paid; the other subscription keeps its card.
 */
@TillIntegrationTest
class PortalCardsPageTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    MutableClock clock;
    @Autowired
    GatewayFaults faults;
    @Autowired
    PortalCards portalCards;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    private Page signedIn(TwoSubscriptions buyer, int width) {
        var session = api.post("/api/v1/portal_sessions", buyer.shop().apiKey(),
            "{\"customer_id\": \"" + buyer.customer() + "\"}");
        assertThat(session.status()).as(session.text()).isEqualTo(201);
        var page = chromium.page(width);
        page.navigate(session.json().get("url").asString());
        page.navigate(api.uri("/portal/" + buyer.account() + "/cards").toString());
        return page;
    }

    private static Locator item(Page page, String id) {
        return page.locator("#pay-" + id);
    }

    /**
     * While the bank has not answered a charge (another tab's choice of the same card, held at the gateway), the page
     * says it is charging and asks again each second; once the bank answers it shows the payment, without a reload.
     */
    @Test
    void whileTheBankHasNotAnsweredThePageSaysItIsChargingAndShowsThePaymentOnceItDoes() throws Exception {
        var buyer = TwoSubscriptions.open(api, shops);
        String visa = saveVisa(buyer).get("id").asString();
        long chargesBefore = ledger.charges(buyer.account());
        var hold = faults.holdNextCharge(buyer.account());
        var otherTab = CompletableFuture.supplyAsync(() -> portalCards.choose(buyer.account(), buyer.customer(),
            CardChoices.Kind.SUBSCRIPTION, buyer.pastDue(), visa));
        hold.awaitEntered();
        var page = signedIn(buyer, 390);
        var pastDue = item(page, buyer.pastDue());

        pastDue.getByLabel("Paid with").selectOption(visa);
        pastDue.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save and pay $19.00")).click();
        assertThat(item(page, buyer.pastDue()).getByRole(AriaRole.STATUS)).containsText(
            "This updates when your bank answers");
        // Nothing to send again meanwhile: the charge under way is the one asked for.
        assertThat(item(page, buyer.pastDue()).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(
            "Charging…"))).isDisabled();
        assertThat(item(page, buyer.pastDue()).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(
            "Save and pay $19.00"))).hasCount(0);
        Chromium.screenshot(page, "portal-cards-390-charging");
        page.evaluate("window.stillThisPage = true");
        hold.release();

        assertThat(item(page, buyer.pastDue()).getByRole(AriaRole.STATUS)).containsText("Paid $19.00");
        // The item then offers what it now can, paid up: its card can be changed, with nothing to pay.
        assertThat(item(page, buyer.pastDue()).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(
            "Save").setExact(true))).isEnabled();
        assertThat(item(page, buyer.pastDue()).getByRole(AriaRole.STATUS)).containsText("Paid $19.00");
        assertThat(page.evaluate("window.stillThisPage === true")).as("put in place without a reload")
            .isEqualTo(true);
        Chromium.screenshot(page, "portal-cards-390-charged");
        assertThat(otherTab.get(30, TimeUnit.SECONDS)).isInstanceOf(CardChoices.Outcome.Paid.class);
        assertThat(ledger.charges(buyer.account())).isEqualTo(chargesBefore + 1);
    }

    /**
     * Two saved cards alike in brand, last 4 and expiry (a card reissued with its number, saved again) are told apart
     * by the day each was added, in the saved cards, in each "Paid with" list and in the name of each Remove button.
     */
    @Test
    void twoCardsAlikeAreToldApartByTheDayEachWasAdded() {
        var buyer = TwoSubscriptions.open(api, shops);
        var first = saveVisa(buyer);
        shops.advance(buyer.shop(), "P3D");
        var second = saveVisa(buyer);
        String older = first.get("id").asString();
        String newer = second.get("id").asString();
        String olderDay = day(java.time.Instant.parse(first.get("created_at").asString()));
        String newerDay = day(java.time.Instant.parse(second.get("created_at").asString()));
        assertThat(olderDay).isNotEqualTo(newerDay);

        for (int width : new int[]{390, 1280}) {
            var page = signedIn(buyer, width);

            var saved = page.locator(".saved-cards .row");
            assertThat(saved.filter(new Locator.FilterOptions().setHasText("added " + olderDay))).hasCount(1);
            assertThat(saved.filter(new Locator.FilterOptions().setHasText("added " + newerDay))).hasCount(1);
            assertThat(saved.filter(new Locator.FilterOptions().setHasText("Mastercard"))).not().containsText(
                "added");
            var picker = item(page, buyer.other()).locator("select");
            assertThat(picker.locator("option[value=\"" + older + "\"]")).containsText("added " + olderDay);
            assertThat(picker.locator("option[value=\"" + newer + "\"]")).containsText("added " + newerDay);
            assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(
                "Remove Visa ending in 4242, added " + olderDay).setExact(true))).hasCount(1);
            assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(
                "Remove Visa ending in 4242, added " + newerDay).setExact(true))).hasCount(1);
            Chromium.screenshot(page, "portal-cards-alike-" + width);
        }

        // Removing one asks first, naming which: Cancel keeps it, OK removes it.
        var page = signedIn(buyer, 390);
        var remove = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(
            "Remove Visa ending in 4242, added " + olderDay).setExact(true));
        var asked = new java.util.ArrayList<String>();
        page.onceDialog(dialog -> {
            asked.add(dialog.message());
            dialog.dismiss();
        });
        remove.click();
        assertThat(remove).isEnabled();
        org.assertj.core.api.Assertions.assertThat(asked).containsExactly("Remove Visa ending in 4242, added "
            + olderDay + "? You can add it again later.");
        assertThat(page.locator(".saved-cards .row").filter(new Locator.FilterOptions().setHasText("added "
            + olderDay))).hasCount(1);
        page.onceDialog(dialog -> dialog.accept());
        remove.click();
        assertThat(page.locator(".saved-cards .row").filter(new Locator.FilterOptions().setHasText("added "
            + olderDay))).hasCount(0);

        // A phone's closed list has room for "Amex", as the card itself says, where "American Express" was cut.
        var amex = api.post("/api/v1/customers/" + buyer.customer() + "/payment_methods", buyer.shop().apiKey(),
            "{\"token\": \"pm_card_amex\"}");
        org.assertj.core.api.Assertions.assertThat(amex.status()).as(amex.text()).isEqualTo(201);
        page.reload();
        assertThat(item(page, buyer.other()).locator("select option[value=\"" + amex.json().get("id").asString()
            + "\"]")).hasText(java.util.regex.Pattern.compile("^Amex •••• 8431 · exp \\d\\d/\\d\\d$"));
    }

    /** A probe removed one of two "Visa ending in 4242" of different expiries, asked and told in the same words. */
    @Test
    void twoCardsOfOneNumberAndDifferentExpiriesAreToldApartByTheirExpiry() {
        var buyer = TwoSubscriptions.open(api, shops);
        for (int year : new int[]{2040, 2041}) {
            var saved = api.post("/api/v1/customers/" + buyer.customer() + "/payment_methods", buyer.shop().apiKey(),
                "{\"token\": \"pm_card_visa\", \"exp_month\": 12, \"exp_year\": " + year + "}");
            org.assertj.core.api.Assertions.assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        }
        var page = signedIn(buyer, 390);
        var remove = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(
            "Remove Visa ending in 4242, expires 12/2040").setExact(true));
        assertThat(remove).hasCount(1);
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(
            "Remove Visa ending in 4242, expires 12/2041").setExact(true))).hasCount(1);

        page.onceDialog(dialog -> dialog.accept());
        remove.click();

        assertThat(page.locator(".notice")).containsText("Visa ending in 4242, expires 12/2040, is removed.");
    }

    private tools.jackson.databind.JsonNode saveVisa(TwoSubscriptions buyer) {
        var saved = api.post("/api/v1/customers/" + buyer.customer() + "/payment_methods", buyer.shop().apiKey(),
            // The same expiry both times, whatever year the clock has reached meanwhile: alike cards.
            "{\"token\": \"pm_card_visa\", \"exp_month\": 12, \"exp_year\": 2040}");
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        return saved.json();
    }

    private static String day(java.time.Instant at) {
        return java.time.format.DateTimeFormatter.ofPattern("MMM d, uuuu", java.util.Locale.US)
            .withZone(java.time.ZoneOffset.UTC)
            .format(at);
    }

    @Test
    void aBuyerAddsACardChoosesItForThePastDueSubscriptionAndSeesItPaidWhileTheOtherKeepsItsCard() {
        var buyer = TwoSubscriptions.open(api, shops);
        var page = signedIn(buyer, 390);
        assertThat(item(page, buyer.pastDue())).containsText("$19.00 unpaid");
        assertThat(item(page, buyer.pastDue())).containsText(
            "The last payment did not go through. Your bank said: “Your card was declined.”");
        Chromium.screenshot(page, "portal-cards-390-past-due");

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("+ Add a card")).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Add a card"))).isVisible();
        Chromium.screenshot(page, "portal-cards-390-add");
        page.getByLabel("Card number").fill("4242 4242 4242 4242");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save card")).click();

        assertThat(page.getByRole(AriaRole.STATUS).first()).containsText(
            "Visa ending in 4242 is saved, and chosen below for what is unpaid: press “Save and pay” to pay with it.");
        long chargesBefore = ledger.charges(buyer.account());
        var pastDue = item(page, buyer.pastDue());
        String visa = page.locator("#card-" + buyer.pastDue() + " option", new Page.LocatorOptions().setHasText(
            "4242")).getAttribute("value");
        // The last payment failed on the card it pays with: the card just added is the one its picker offers.
        assertThat(pastDue.getByLabel("Paid with")).hasValue(visa);
        assertThat(pastDue).containsText("Your newest card is chosen, as the last payment failed on the card this "
            + "pays with.");
        assertThat(item(page, buyer.other()).getByLabel("Paid with")).hasValue(buyer.otherCard());
        pastDue.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save and pay $19.00")).click();

        assertThat(item(page, buyer.pastDue()).getByRole(AriaRole.STATUS)).containsText(
            "Paid $19.00 with Visa ending in 4242. Membership · Trial is paid up.");
        assertThat(item(page, buyer.pastDue()).locator(".status")).hasText("active");
        assertThat(item(page, buyer.other()).getByLabel("Paid with")).hasValue(buyer.otherCard());
        assertThat(buyer.cardOf(shops, buyer.other())).isEqualTo(buyer.otherCard());
        assertThat(ledger.charges(buyer.account())).isEqualTo(chargesBefore + 1);
        Chromium.screenshot(page, "portal-cards-390-paid");

        var wide = signedIn(buyer, 1280);
        Chromium.screenshot(wide, "portal-cards-1280");
        var narrowest = signedIn(buyer, 360);
        assertThat((Integer) narrowest.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(360);
        narrowest.navigate(api.uri("/portal/" + buyer.account() + "/cards/new").toString());
        assertThat((Integer) narrowest.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(360);
    }

    /**
     * From the unpaid box to paid in one step: a walk-through found a buyer had to save a card, come back, then press
     * "Save and pay". A card declined when saved keeps the page's purpose; one that saves but is declined says so.
     */
    /** A tab left open while the subscription was canceled: choosing a card for it says so, not "not found". */
    @Test
    void choosingACardForASubscriptionCanceledSinceThePageOpenedSaysItHasEnded() {
        var buyer = TwoSubscriptions.open(api, shops);
        var page = signedIn(buyer, 390);
        var canceled = api.post("/api/v1/subscriptions/" + buyer.other() + "/cancel", buyer.shop().apiKey(), "{}");
        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);
        long chargesBefore = ledger.charges(buyer.account());

        var other = item(page, buyer.other());
        other.getByLabel("Paid with").selectOption(buyer.failingCard());
        other.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save").setExact(true)).click();

        assertThat(page.getByRole(AriaRole.ALERT)).containsText("has been canceled: there is nothing left for a card "
            + "to pay.");
        assertThat(page.locator("main")).not().containsText("belongs to someone else");
        assertThat(item(page, buyer.pastDue())).isVisible();
        assertThat(ledger.charges(buyer.account())).isEqualTo(chargesBefore);
        Chromium.screenshot(page, "portal-cards-390-choice-for-ended");
    }

    @Test
    void aCancelingSubscriptionSaysWhenItEnds() {
        var buyer = TwoSubscriptions.open(api, shops);
        var canceled = api.post("/api/v1/subscriptions/" + buyer.other() + "/cancel", buyer.shop().apiKey(),
            "{\"at_period_end\": true}");
        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);
        String ends = day(java.time.Instant.parse(canceled.json().get("current_period_end").asString()));

        var page = signedIn(buyer, 390);

        assertThat(item(page, buyer.other()).locator(".status")).hasText("canceling");
        assertThat(item(page, buyer.other()).locator(".price")).containsText("ends " + ends);
    }

    @Test
    void aBuyerPaysWhatIsUnpaidWithANewCardInOneStep() {
        var buyer = TwoSubscriptions.open(api, shops);
        var page = signedIn(buyer, 390);
        long chargesBefore = ledger.charges(buyer.account());

        item(page, buyer.pastDue()).getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(
            "Pay $19.00 with a new card")).click();
        assertThat(page.locator("main"))
            .containsText("Once saved, your new card pays the $19.00 owed for Membership · Trial");
        page.getByLabel("Card number").fill("4000 0000 0000 0002");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save card and pay $19.00")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("Your bank declined this card");
        // The refusal is the field's: announced with it, and the field has the focus to type another number.
        assertThat(page.getByLabel("Card number")).hasAttribute("aria-invalid", "true");
        assertThat(page.getByLabel("Card number")).hasAccessibleDescription(java.util.regex.Pattern.compile(
            "Your bank declined this card"));
        assertThat(page.getByLabel("Card number")).isFocused();
        Chromium.screenshot(page, "portal-cards-390-pay-new-declined");
        // Nothing typed: asked for a number, not told it is no test card; reloaded, the page still pays $19.00.
        page.getByLabel("Card number").fill("");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save card and pay $19.00")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).hasText("Type a card number, or pick a test card from the list.");
        page.navigate(page.url());
        assertThat(page.locator("main"))
            .containsText("Once saved, your new card pays the $19.00 owed for Membership · Trial");

        page.getByLabel("Card number").fill("4242 4242 4242 4242");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save card and pay $19.00")).click();

        assertThat(item(page, buyer.pastDue()).getByRole(AriaRole.STATUS)).containsText(
            "Paid $19.00 with Visa ending in 4242. Membership · Trial is paid up.");
        assertThat(item(page, buyer.pastDue()).locator(".status")).hasText("active");
        assertThat(item(page, buyer.other()).getByLabel("Paid with")).hasValue(buyer.otherCard());
        assertThat(ledger.charges(buyer.account())).isEqualTo(chargesBefore + 1);
        Chromium.screenshot(page, "portal-cards-390-paid-new");
    }

    /**
     * A buyer whose only card is the one that just failed has no card to choose: a walk-through found a "Save and pay"
     * button that could only answer "Please select an item in the list". The way to pay is a new card.
     */
    @Test
    void aBuyerWhoseOnlyCardJustFailedIsOfferedANewCardNotADeadChoice() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "lin@example.com");
        shops.advance(shop, "P14DT1M");
        String subscription = order.get("subscription_id").asString();
        var session = api.post("/api/v1/portal_sessions", shop.apiKey(),
            "{\"customer_id\": \"" + order.get("customer_id").asString() + "\"}");
        var page = chromium.page(390);
        page.navigate(session.json().get("url").asString());
        page.navigate(api.uri("/portal/" + shop.accountId() + "/cards").toString());

        var pastDue = item(page, subscription);
        assertThat(pastDue.getByLabel("Paid with")).hasCount(0);
        assertThat(pastDue.getByRole(AriaRole.BUTTON)).hasCount(0);
        assertThat(pastDue.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(
            "Pay $19.00 with a new card"))).hasCount(1);
        Chromium.screenshot(page, "portal-cards-390-only-card-failed");

        pastDue.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Pay $19.00 with a new card")).click();
        // The declining test card: the card it failed on (when the sandbox gave both one expiry), or a new one that
        // declines too. Typed once more, it is the card saved already that the payment was just declined on: said
        // so, not "declined … nothing was charged" of a charge never tried.
        page.getByLabel("Card number").fill("4000 0000 0000 0341");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save card and pay $19.00")).click();
        page.waitForLoadState();
        long charges = ledger.charges(shop.accountId());
        page.navigate(api.uri("/portal/" + shop.accountId() + "/cards/new?for=subscription:" + subscription)
            .toString());
        page.getByLabel("Card number").fill("4000 0000 0000 0341");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save card and pay $19.00")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).hasText("That is Visa ending in 0341, the card this payment was "
            + "just declined on. Add a different card to pay $19.00.");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(charges);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(
            "Save Visa •••• 4242 and pay $19.00: Every charge succeeds.")).click();

        assertThat(item(page, subscription).getByRole(AriaRole.STATUS)).containsText("Paid $19.00 with Visa ending "
            + "in 4242.");
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("active");
    }

    /**
     * A probe paid a plan's last instalment with a new card and saw no word of it: the outcome was drawn only beside
     * the plan, which, paid in full, had left the list. It is told at the top of the page.
     */
    @Test
    void payingAPlansLastInstalmentSaysSoThoughThePlanLeavesTheList() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ines@example.com");
        String customer = order.get("customer_id").asString();
        String plan = order.get("payment_plan_id").asString();
        shops.advance(shop, "P32D");
        String failing = shops.saveCard(shop, customer, "pm_card_chargeCustomerFail");
        var moved = api.post("/api/v1/payment_plans/" + plan + "/change_card", shop.apiKey(), """
            {"payment_method_id": "%s"}""".formatted(failing));
        assertThat(moved.status()).as(moved.text()).isEqualTo(200);
        shops.advance(shop, "P32D");
        var session = api.post("/api/v1/portal_sessions", shop.apiKey(), "{\"customer_id\": \"" + customer + "\"}");
        var page = chromium.page(390);
        page.navigate(session.json().get("url").asString());
        page.navigate(api.uri("/portal/" + shop.accountId() + "/cards/new?for=payment_plan:" + plan).toString());

        page.getByLabel("Card number").fill("4242 4242 4242 4242");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(java.util.regex.Pattern.compile(
            "^Save card and pay"))).click();

        assertThat(page.locator("main > .outcome")).containsText("with Visa ending in 4242. Membership · 3 payments "
            + "is paid in full.");
        assertThat(item(page, plan)).hasCount(0);
        var paid = api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json();
        assertThat(paid.get("status").asString()).isEqualTo("completed");
        Chromium.screenshot(page, "portal-cards-390-plan-paid-in-full");
        // While a bank is slow to answer the page asks for the outcome again; a plan paid off must still answer it.
        var polled = page.request().get(api.uri("/portal/" + shop.accountId() + "/cards/outcome?"
            + java.net.URI.create(page.url()).getRawQuery() + "&poll=2").toString());
        assertThat(polled.status()).isEqualTo(200);
        assertThat(polled.text()).contains("Membership · 3 payments is paid in full.");
    }

    /**
     * A probe found a subscription the seller paused still asking its buyer to pay ("Update card to pay", "Save and pay
     * $19.00") while nothing could be charged. Paused, every page says what it means; a card is only chosen.
     */
    @Test
    void aPausedSubscriptionSaysNothingIsChargedUntilItResumesAndOffersNoPayment() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "lin@example.com");
        shops.advance(shop, "P14DT1M");
        String subscription = order.get("subscription_id").asString();
        assertThat(api.post("/api/v1/subscriptions/" + subscription + "/pause", shop.apiKey(), null).status())
            .isEqualTo(200);
        long chargesBefore = ledger.charges(shop.accountId());
        var session = api.post("/api/v1/portal_sessions", shop.apiKey(),
            "{\"customer_id\": \"" + order.get("customer_id").asString() + "\"}");
        var page = chromium.page(390);
        page.navigate(session.json().get("url").asString());

        assertThat(page.locator("main")).containsText("Paused: nothing is charged while it is paused, and what it "
            + "owes is charged when it resumes.");
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Update card to pay")))
            .hasCount(0);
        page.navigate(api.uri("/portal/" + shop.accountId() + "/subscriptions/" + subscription).toString());
        assertThat(page.locator("section.paused")).containsText("Nothing is charged while this subscription is "
            + "paused: the $19.00 it owes is charged when it resumes");
        Chromium.screenshot(page, "portal-subscription-390-paused");

        page.navigate(api.uri("/portal/" + shop.accountId() + "/cards").toString());
        var paused = item(page, subscription);
        assertThat(paused).containsText("This subscription is paused: nothing is charged until it resumes.");
        paused.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Add a new card for it")).click();
        assertThat(page.locator("main")).containsText("It is paused: the $19.00 it owes is charged when it resumes, "
            + "not now.");
        page.getByLabel("Card number").fill("4242 4242 4242 4242");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save card").setExact(true)).click();

        assertThat(item(page, subscription).getByRole(AriaRole.STATUS)).isVisible();
        assertThat(ledger.charges(shop.accountId())).isEqualTo(chargesBefore);
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("paused");
        Chromium.screenshot(page, "portal-cards-390-paused");
    }

    @Test
    void aNewCardForSomethingThatIsNotTheBuyersIsOnlySaved() {
        var buyer = TwoSubscriptions.open(api, shops);
        var other = TwoSubscriptions.open(api, shops);
        var page = signedIn(buyer, 1280);
        long chargesBefore = ledger.charges(other.account());

        page.navigate(api.uri("/portal/" + buyer.account() + "/cards/new?for=subscription:" + other.pastDue())
            .toString());
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save card").setExact(true)))
            .isVisible();
        page.getByLabel("Card number").fill("4242 4242 4242 4242");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save card").setExact(true)).click();

        assertThat(page.getByRole(AriaRole.STATUS).first()).containsText("Visa ending in 4242 is saved");
        assertThat(ledger.charges(other.account())).isEqualTo(chargesBefore);
        assertThat(shops.subscription(other.shop(), other.pastDue()).get("status").asString()).isEqualTo("past_due");
    }

    @Test
    void expiredAndExpiringCardsAreMarkedAndAnExpiredOneIsNoChoice() {
        // Bought without moving the clock: the other tests here find the year where they left it.
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        var soon = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(20);
        for (var expiry : new int[][]{{1, 2025}, {soon.getMonthValue(), soon.getYear()}}) {
            var saved = api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(), """
                {"token": "pm_card_mastercard", "exp_month": %d, "exp_year": %d}""".formatted(expiry[0], expiry[1]));
            assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        }
        String soonShort = "%02d/%02d".formatted(soon.getMonthValue(), soon.getYear() % 100);

        for (int width : new int[]{390, 1280}) {
            var page = chromium.page(width);
            page.navigate(api.post("/api/v1/portal_sessions", shop.apiKey(), "{\"customer_id\": \"" + customer
                + "\"}").json().get("url").asString());
            page.navigate(api.uri("/portal/" + shop.accountId() + "/cards").toString());
            var saved = page.locator(".saved-cards");
            assertThat(saved.locator(".card-expiry.expired")).hasText("Expired 01/2025");
            assertThat(saved.locator(".card-expiry.soon")).hasText("Expires soon: %02d/%d".formatted(soon
                .getMonthValue(), soon.getYear()));
            var picker = item(page, order.get("subscription_id").asString()).getByLabel("Paid with");
            assertThat(picker.locator("option", new Locator.LocatorOptions().setHasText("01/25"))).hasCount(0);
            assertThat(picker.locator("option", new Locator.LocatorOptions().setHasText(soonShort))).hasCount(1);
            page.locator("#saved-title").scrollIntoViewIfNeeded();
            Chromium.screenshot(page, "portal-cards-expiry-" + width);
        }
    }

    @Test
    void theCardThatJustFailedIsNoChoiceUntilAnotherIsChosenAndACardInUseCannotBeRemoved() {
        var buyer = TwoSubscriptions.open(api, shops);
        var page = signedIn(buyer, 1280);
        page.navigate(api.uri("/portal/" + buyer.account() + "/cards/new").toString());
        Chromium.screenshot(page, "portal-cards-1280-add");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(
            "Save Visa •••• 0341: Saves fine, then every charge is declined.")).click();

        var pastDue = item(page, buyer.pastDue());
        var picker = pastDue.getByLabel("Paid with");
        // 4000 0000 0000 0341 is the very card already saved for the past-due subscription (the same sandbox card):
        // adding it again gives that card, not a second one. The payment just failed on it, so the picker starts at
        // "Choose another card" and shows that card without offering it; the other saved card is a choice.
        assertThat(picker).hasValue("");
        assertThat(picker.locator("option:checked")).hasText("Choose another card");
        assertThat(picker.locator("option[value=\"" + buyer.failingCard() + "\"]")).isDisabled();
        assertThat(picker.locator("option[value=\"" + buyer.failingCard() + "\"]")).containsText("just declined");
        assertThat(picker.locator("option[value=\"" + buyer.otherCard() + "\"]")).isEnabled();
        assertThat(pastDue).containsText("The last payment failed on the card this pays with: choose another card, "
            + "or add a new one.");
        // From the keyboard: the choice's own Save button comes next in the focus order, and Enter asks for a card
        // rather than sending none.
        long chargesBefore = ledger.charges(buyer.account());
        picker.focus();
        page.keyboard().press("Tab");
        assertThat(pastDue.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save and pay $19.00")))
            .isFocused();
        String before = page.url();
        page.keyboard().press("Enter");
        assertThat((Boolean) picker.evaluate("select => select.validity.valueMissing")).isTrue();
        assertThat(page.url()).isEqualTo(before);
        Chromium.screenshot(page, "portal-cards-1280-choose-another");

        // A page left open from before the payment failed still offers that card: choosing it is refused, and says
        // why, rather than a new decline.
        picker.evaluate("(select, card) => { const o = select.querySelector(`option[value='${card}']`);"
            + " o.disabled = false; select.value = card; }", buyer.failingCard());
        pastDue.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save and pay $19.00")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("Visa ending in 0341 is the card this payment just "
            + "failed on (“Your card was declined.”), so it was not charged again. Choose another card, or add a new "
            + "one.");
        assertThat(ledger.charges(buyer.account())).isEqualTo(chargesBefore);
        Chromium.screenshot(page, "portal-cards-1280-declined");
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(
            "Remove Mastercard ending in 4444"))).hasCount(0);
    }

    @Test
    void aDeclineAtSaveAndPayLeadsOnToPayingWithANewCard() {
        var buyer = TwoSubscriptions.open(api, shops);
        String alsoFailing = shops.saveCard(buyer.shop(), buyer.customer(), "pm_card_chargeCustomerFail");
        var page = signedIn(buyer, 390);
        var pastDue = item(page, buyer.pastDue());

        pastDue.getByLabel("Paid with").selectOption(alsoFailing);
        pastDue.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save and pay $19.00")).click();

        var outcome = item(page, buyer.pastDue()).locator(".outcome");
        assertThat(outcome).containsText("Your bank declined Visa ending in 0341: “Your card was declined.” Nothing "
            + "was charged. Choose another card, or pay with a new one.");
        outcome.scrollIntoViewIfNeeded();
        Chromium.screenshot(page, "portal-cards-390-declined-at-save-and-pay");
        outcome.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Pay $19.00 with a new card")).click();
        assertThat(page.locator(".owed-lead")).containsText("Once saved, your new card pays the $19.00");
    }
}
