package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.till.billing.CardChoices;
import io.till.billing.CardChoices.Kind;
import io.till.billing.CardChoices.Outcome;
import io.till.payment.SandboxLedger;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.testing.Api;
import io.till.testing.AtOnce;
import io.till.testing.ClockDatabase;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The buyer's cards in the portal (issue 11 item 4, seed 003): a card chosen for one subscription pays that one only,
 * its unpaid balance is retried at once with exactly one charge, and the outcome is told, paid or declined with the
 * processor's reason.
 */
@TillIntegrationTest
@ClockDatabase
class PortalCardsTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    PortalCards portalCards;
    @Autowired
    org.springframework.core.env.Environment environment;
    @Autowired
    io.till.testing.GatewayFaults faults;

    private TwoSubscriptions buyer() {
        return TwoSubscriptions.open(api, shops);
    }

    private String cardOf(TwoSubscriptions buyer, String subscription) {
        return buyer.cardOf(shops, subscription);
    }

    @Test
    void theWalletTellsWhatEachCardPaysAndWhatIsOwedWithTheProcessorsReason() {
        var buyer = buyer();

        var wallet = portalCards.wallet(buyer.account(), buyer.customer());

        assertThat(wallet.card(buyer.failingCard()).orElseThrow().pays()).extracting(CardChoices.Billed::id)
            .containsExactly(buyer.pastDue());
        assertThat(wallet.card(buyer.otherCard()).orElseThrow().pays()).extracting(CardChoices.Billed::id)
            .containsExactly(buyer.other());
        var pastDue = wallet.billed().stream().filter(item -> item.id().equals(buyer.pastDue())).findFirst()
            .orElseThrow();
        assertThat(pastDue.unpaid()).isEqualTo(1900);
        assertThat(pastDue.status()).isEqualTo("past_due");
        assertThat(pastDue.declineReason()).isEqualTo("Your card was declined.");
        // Its period goes on: paying what it owes is all that is charged.
        assertThat(pastDue.dueOnceSettled()).isZero();
        assertThat(PortalCardText.name(pastDue)).isEqualTo("Membership · Trial");
    }

    /**
     * A reviewer's: a buyer left with no card at all (staff removed it) and two subscriptions owing. The card saved to
     * pay one became the default because there was none, and the other, which follows the default, was charged too,
     * while the page said only the first would be. A card saved in the portal pays what the buyer chooses it for.
     */
    @Test
    void aCardSavedForOneSubscriptionOfABuyerWithNoCardLeavesTheOtherOwingUntilChosen() {
        var shop = shops.open();
        String customer = shops.customer(shop);
        String visa = shops.saveCard(shop, customer, "pm_card_visa");
        String first = subscribe(shop, customer);
        String second = subscribe(shop, customer);
        var removed = api.delete(Shops.cards(customer) + "/" + visa, shop.apiKey());
        assertThat(removed.status()).as(removed.text()).isEqualTo(204);
        shops.advance(shop, "P32D");
        assertThat(shops.subscription(shop, second).get("status").asString()).isEqualTo("past_due");
        long chargesBefore = ledger.charges(shop.accountId());

        var mastercard = portalCards.addTestCard(shop.accountId(), customer, "5555 5555 5555 4444", false);
        var outcome = portalCards.choose(shop.accountId(), customer, Kind.SUBSCRIPTION, first, mastercard.id());
        shops.advance(shop, "PT1M");

        assertThat(outcome).isEqualTo(new Outcome.Paid(1900, "usd"));
        assertThat(ledger.charges(shop.accountId())).isEqualTo(chargesBefore + 1);
        assertThat(shops.subscription(shop, first).get("status").asString()).isEqualTo("active");
        assertThat(shops.subscription(shop, second).get("status").asString()).isEqualTo("past_due");
        assertThat(shops.subscription(shop, second).get("card_id").isNull()).isTrue();
    }

    private String subscribe(Shops.Shop shop, String customer) {
        var subscription = api.post("/api/v1/subscriptions", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s"}""".formatted(customer, shop.monthly()));
        assertThat(subscription.status()).as(subscription.text()).isEqualTo(201);
        return subscription.json().get("id").asString();
    }

    @Test
    void aNewCardChosenForThePastDueSubscriptionPaysItAtOnceWithOneChargeAndLeavesTheOtherAlone() {
        var buyer = buyer();
        var visa = portalCards.addTestCard(buyer.account(), buyer.customer(), "4242 4242 4242 4242", true);
        assertThat(portalCards.wallet(buyer.account(), buyer.customer()).card(visa.id()).orElseThrow().pays())
            .isEmpty();
        long chargesBefore = ledger.charges(buyer.account());

        var outcome = portalCards.choose(buyer.account(), buyer.customer(), Kind.SUBSCRIPTION, buyer.pastDue(),
            visa.id());

        assertThat(outcome).isEqualTo(new Outcome.Paid(1900, "usd"));
        assertThat(ledger.charges(buyer.account())).isEqualTo(chargesBefore + 1);
        assertThat(shops.subscription(buyer.shop(), buyer.pastDue()).get("status").asString()).isEqualTo("active");
        assertThat(cardOf(buyer, buyer.pastDue())).isEqualTo(visa.id());
        assertThat(cardOf(buyer, buyer.other())).isEqualTo(buyer.otherCard());
        assertThat(shops.types(buyer.shop(), buyer.customer())).contains("card.updated", "invoice.paid");

        // The billing clock's own retry job was done by the request: running the clock charges nothing more.
        shops.advance(buyer.shop(), "PT1M");
        assertThat(ledger.charges(buyer.account())).isEqualTo(chargesBefore + 1);
    }

    /**
     * A second tab's choice while the first tab's charge is at the gateway: the invoice is still unpaid and its retry
     * is put off for a few seconds (another charge holds it), which read as "declined" in a full build's eight-tab
     * race. A charge under way is told as one: trying.
     */
    @Test
    void aChoiceWhileAnotherTabsChargeIsAtTheGatewayIsToldTheChargeIsUnderWay() throws Exception {
        var buyer = buyer();
        var visa = portalCards.addTestCard(buyer.account(), buyer.customer(), "4242 4242 4242 4242", true);
        long chargesBefore = ledger.charges(buyer.account());
        var hold = faults.holdNextCharge(buyer.account());
        var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> portalCards.choose(buyer.account(),
            buyer.customer(), Kind.SUBSCRIPTION, buyer.pastDue(), visa.id()));
        hold.awaitEntered();

        var second = portalCards.choose(buyer.account(), buyer.customer(), Kind.SUBSCRIPTION, buyer.pastDue(),
            visa.id());
        hold.release();

        assertThat(second).isEqualTo(new Outcome.Trying());
        assertThat(first.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(new Outcome.Paid(1900, "usd"));
        assertThat(ledger.charges(buyer.account())).isEqualTo(chargesBefore + 1);
    }

    @Test
    void theSameCardChosenFromEightTabsAtOnceChargesWhatIsOwedOnceAndEachTabGetsAnAnswer() throws Exception {
        var buyer = buyer();
        var visa = portalCards.addTestCard(buyer.account(), buyer.customer(), "4242 4242 4242 4242", true);
        long chargesBefore = ledger.charges(buyer.account());
        var tabs = new ArrayList<Callable<Object>>();
        for (int tab = 0; tab < 8; tab++) {
            tabs.add(() -> {
                try {
                    return portalCards.choose(buyer.account(), buyer.customer(), Kind.SUBSCRIPTION, buyer.pastDue(),
                        visa.id());
                } catch (TillException refused) {
                    return refused.code();
                }
            });
        }

        var told = AtOnce.call(tabs);

        // Every tab is answered: paid by its choice, paid since it looked (another tab's charge), or that charge
        // still at the bank. None is declined, refused or an error the buyer cannot read.
        System.out.println("PORTAL EIGHT TABS " + told);
        assertThat(told).allSatisfy(outcome -> assertThat(outcome).isInstanceOfAny(Outcome.Paid.class,
            Outcome.NothingDue.class, Outcome.Trying.class));

        assertThat(ledger.charges(buyer.account())).isEqualTo(chargesBefore + 1);
        assertThat(shops.subscription(buyer.shop(), buyer.pastDue()).get("status").asString()).isEqualTo("active");
        assertThat(told).contains(new Outcome.Paid(1900, "usd"));
        shops.advance(buyer.shop(), "PT1M");
        assertThat(ledger.charges(buyer.account())).isEqualTo(chargesBefore + 1);
    }

    @Test
    void aNewCardThatIsDeclinedTooIsToldWithTheProcessorsReason() {
        var buyer = buyer();
        // Another card that saves fine and then declines (the portal's own form would give back the one alike it).
        String insufficient = shops.saveCard(buyer.shop(), buyer.customer(), "pm_card_chargeCustomerFail");
        long chargesBefore = ledger.charges(buyer.account());

        var outcome = portalCards.choose(buyer.account(), buyer.customer(), Kind.SUBSCRIPTION, buyer.pastDue(),
            insufficient);

        assertThat(outcome).isEqualTo(new Outcome.Declined("Your card was declined."));
        assertThat(ledger.charges(buyer.account())).isEqualTo(chargesBefore + 1);
        assertThat(shops.subscription(buyer.shop(), buyer.pastDue()).get("status").asString()).isEqualTo("past_due");

        // The attempt was the clock's own retry job: the clock does not make it a second time.
        shops.advance(buyer.shop(), "PT1M");
        assertThat(ledger.charges(buyer.account())).isEqualTo(chargesBefore + 1);
    }

    @Test
    void choosingTheCardThatJustFailedChargesNothingAndSaysWhyItFailed() {
        var buyer = buyer();
        long chargesBefore = ledger.charges(buyer.account());

        var outcome = portalCards.choose(buyer.account(), buyer.customer(), Kind.SUBSCRIPTION, buyer.pastDue(),
            buyer.failingCard());

        assertThat(outcome).isEqualTo(new Outcome.Declined("Your card was declined."));
        assertThat(ledger.charges(buyer.account())).isEqualTo(chargesBefore);
    }

    private String defaultCard(TwoSubscriptions buyer) {
        var customer = api.get("/api/v1/customers/" + buyer.customer(), buyer.shop().apiKey()).json();
        return customer.get("default_card").get("id").asString();
    }

    @Test
    void aCardChosenInPlaceOfTheFailedOneBecomesTheCardOnFileOnceTheOldOnePaysNothing() {
        var buyer = buyer();
        assertThat(defaultCard(buyer)).isEqualTo(buyer.failingCard());
        var visa = portalCards.addTestCard(buyer.account(), buyer.customer(), "4242424242424242", true);

        portalCards.choose(buyer.account(), buyer.customer(), Kind.SUBSCRIPTION, buyer.pastDue(), visa.id());

        assertThat(defaultCard(buyer)).isEqualTo(visa.id());
        assertThat(cardOf(buyer, buyer.other())).as("the other subscription keeps its own card")
            .isEqualTo(buyer.otherCard());
        // One card.updated for the choice (the card and what it now pays); becoming the card on file says no more.
        var updates = shops.events(buyer.shop(), buyer.customer()).stream()
            .filter(event -> event.get("type").asString().equals("card.updated"))
            .filter(event -> event.get("data").get("card").get("id").asString().equals(visa.id()))
            .toList();
        assertThat(updates).hasSize(2);
        assertThat(updates).filteredOn(event -> event.get("data").has("subscription")).singleElement()
            .satisfies(event -> assertThat(event.at("/data/subscription/id").asString()).isEqualTo(buyer.pastDue()));
    }

    /**
     * "Save card and pay" is one action of the buyer: the card saved, chosen for the subscription that owes, and made
     * the card on file raise one card.updated between them, so an automation or webhook on it runs once.
     */
    @Test
    void aCardSavedToPayWhatIsOwedRaisesOneCardUpdated() {
        var buyer = buyer();
        long before = updates(buyer);

        var visa = portalCards.addTestCard(buyer.account(), buyer.customer(), "4242424242424242", false);
        portalCards.choose(buyer.account(), buyer.customer(), Kind.SUBSCRIPTION, buyer.pastDue(), visa.id());

        assertThat(defaultCard(buyer)).isEqualTo(visa.id());
        assertThat(updates(buyer)).isEqualTo(before + 1);
    }

    private long updates(TwoSubscriptions buyer) {
        return shops.types(buyer.shop(), buyer.customer()).stream().filter("card.updated"::equals).count();
    }

    @Test
    void aDefaultCardThatStillPaysSomethingStaysTheDefault() {
        var buyer = buyer();
        var visa = portalCards.addTestCard(buyer.account(), buyer.customer(), "4242424242424242", true);

        portalCards.choose(buyer.account(), buyer.customer(), Kind.SUBSCRIPTION, buyer.other(), visa.id());

        assertThat(defaultCard(buyer)).as("it still pays the past-due subscription").isEqualTo(buyer.failingCard());
        assertThat(cardOf(buyer, buyer.pastDue())).isEqualTo(buyer.failingCard());
    }

    @Test
    void choosingACardForASubscriptionThatOwesNothingOnlyChangesItsCard() {
        var buyer = buyer();
        var visa = portalCards.addTestCard(buyer.account(), buyer.customer(), "4242424242424242", true);
        long chargesBefore = ledger.charges(buyer.account());

        var outcome = portalCards.choose(buyer.account(), buyer.customer(), Kind.SUBSCRIPTION, buyer.other(),
            visa.id());

        assertThat(outcome).isEqualTo(new Outcome.NothingDue());
        assertThat(cardOf(buyer, buyer.other())).isEqualTo(visa.id());
        assertThat(cardOf(buyer, buyer.pastDue())).isEqualTo(buyer.failingCard());
        assertThat(ledger.charges(buyer.account())).isEqualTo(chargesBefore);
    }

    /**
     * An unpaid subscription whose period ended meanwhile starts a new one, billed at once, when its balance is paid:
     * the cards page says so before the buyer pays (a buyer told "pay $19.00" saw $38.00 go), and the charge that
     * follows is exactly the one it said.
     */
    @Test
    void paidUpAfterItsPeriodEndedASubscriptionIsBilledAgainAtOnceAndTheWalletSaysSoBefore() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String account = shop.accountId();
        String customer = order.get("customer_id").asString();
        String subscription = order.get("subscription_id").asString();
        // The trial's 14 days and a month: unpaid, and its renewal due meanwhile.
        shops.advance(shop, "P45D");
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("unpaid");

        var owing = portalCards.wallet(account, customer).billed().getFirst();
        assertThat(owing.unpaid()).isEqualTo(1900);
        assertThat(owing.dueOnceSettled()).isEqualTo(1900);
        assertThat(owing.dueSince()).isNotNull();
        var session = api.post("/api/v1/portal_sessions", shop.apiKey(), """
            {"customer_id": "%s"}""".formatted(customer)).json().get("url").asString();
        var client = new PortalClient(Integer.parseInt(environment.getProperty("local.server.port")));
        client.get(session);
        assertThat(client.get("/portal/" + account + "/cards").body().replaceAll("\\s+", " ")).contains(
            "Once this is paid, the <span>renewal</span> of <strong>$19.00</strong> due since");

        var visa = portalCards.addTestCard(account, customer, "4242424242424242", true);
        long before = ledger.successfulCharges(account);
        assertThat(portalCards.choose(account, customer, Kind.SUBSCRIPTION, subscription, visa.id()))
            .isEqualTo(new Outcome.Paid(1900, "usd"));
        shops.advance(shop, "PT1M");
        assertThat(ledger.successfulCharges(account)).isEqualTo(before + 2);
        assertThat(portalCards.wallet(account, customer).billed().getFirst().dueOnceSettled()).isZero();
    }

    /**
     * A reviewer's: the cards page promised an unpaid plan's next bill on a date when nothing is billed (a plan out of
     * retries bills nothing on its own, as an unpaid subscription renews nothing); its own page shows none.
     */
    @Test
    void anUnpaidPlanShowsNoNextBill() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String plan = order.get("payment_plan_id").asString();
        var failing = api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(),
            "{\"token\": \"pm_card_chargeCustomerFail\", \"make_default\": true}");
        assertThat(failing.status()).as(failing.text()).isEqualTo(201);
        shops.advance(shop, "P1M");
        shops.advance(shop, "P20D");
        assertThat(api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json().get("status").asString())
            .isEqualTo("unpaid");

        var billed = portalCards.wallet(shop.accountId(), customer).billed().getFirst();

        assertThat(billed.unpaid()).isEqualTo(10000);
        assertThat(billed.nextBillAt()).isNull();
    }

    @Test
    void aCardChosenForAPaymentPlanPaysThatPlanOnly() {
        var buyer = buyer();
        var plan = api.post("/api/v1/checkouts/" + buyer.shop().checkoutId() + "/purchases", buyer.shop().apiKey(), """
            {"customer_id": "%s", "token": "pm_card_amex", "option_id": "%s"}"""
            .formatted(buyer.customer(), buyer.shop().plan())).json();
        String planId = plan.get("payment_plan_id").asString();
        var visa = portalCards.addTestCard(buyer.account(), buyer.customer(), "4242424242424242", true);

        var outcome = portalCards.choose(buyer.account(), buyer.customer(), Kind.PAYMENT_PLAN, planId, visa.id());

        assertThat(outcome).isEqualTo(new Outcome.NothingDue());
        assertThat(api.get("/api/v1/payment_plans/" + planId, buyer.shop().apiKey()).json().get("card_id").asString())
            .isEqualTo(visa.id());
        assertThat(portalCards.wallet(buyer.account(), buyer.customer()).card(visa.id()).orElseThrow().pays())
            .extracting(CardChoices.Billed::id)
            .containsExactly(planId);
        assertThat(cardOf(buyer, buyer.other())).isEqualTo(buyer.otherCard());
        assertThat(cardOf(buyer, buyer.pastDue())).isEqualTo(buyer.failingCard());
    }

    @Test
    void aCardThatPaysSomethingIsNotRemovedAndTheRefusalNamesWhatItPays() {
        var buyer = buyer();

        assertThatThrownBy(() -> portalCards.remove(buyer.account(), buyer.customer(), buyer.otherCard()))
            .isInstanceOfSatisfying(TillException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE);
                assertThat(e.getMessage()).isEqualTo("This Mastercard ending in 4444 pays Membership · Monthly. "
                    + "Choose another card for it first.");
            });
        assertThat(portalCards.wallet(buyer.account(), buyer.customer()).card(buyer.otherCard())).isPresent();
    }

    @Test
    void aCardThatPaysNothingAnyMoreIsRemoved() {
        var buyer = buyer();
        var visa = portalCards.addTestCard(buyer.account(), buyer.customer(), "4242424242424242", true);
        portalCards.choose(buyer.account(), buyer.customer(), Kind.SUBSCRIPTION, buyer.pastDue(), visa.id());

        portalCards.remove(buyer.account(), buyer.customer(), buyer.failingCard());

        assertThat(portalCards.wallet(buyer.account(), buyer.customer()).cards())
            .extracting(saved -> saved.card().id())
            .containsExactlyInAnyOrder(visa.id(), buyer.otherCard());
    }

    @Test
    void anUnknownNumberAndACardTheIssuerDeclinesAreRefusedWithoutSavingAnything() {
        var buyer = buyer();

        assertThatThrownBy(
            () -> portalCards.addTestCard(buyer.account(), buyer.customer(), "4111 1111 1111 1111", true))
            .isInstanceOfSatisfying(TillException.class, e -> assertThat(e.errors().getFirst().code())
                .isEqualTo("unknown_test_card"));
        assertThatThrownBy(() -> portalCards.addTestCard(buyer.account(), buyer.customer(), "4000000000009995", true))
            .isInstanceOfSatisfying(TillException.class, e -> assertThat(e.code()).isEqualTo(
                ErrorCode.CARD_DECLINED));
        assertThat(portalCards.wallet(buyer.account(), buyer.customer()).cards()).hasSize(2);
    }

    @Test
    void anotherCustomersSubscriptionOrCardIsNotFound() {
        var buyer = buyer();
        var stranger = shops.buy(buyer.shop(), buyer.shop().monthly(), "pm_card_visa", "eve@example.com");
        String strangersCard = stranger.get("card_id").asString();
        String strangersSubscription = stranger.get("subscription_id").asString();

        assertThatThrownBy(() -> portalCards.choose(buyer.account(), buyer.customer(), Kind.SUBSCRIPTION,
            buyer.pastDue(), strangersCard))
            .isInstanceOfSatisfying(TillException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> portalCards.choose(buyer.account(), buyer.customer(), Kind.SUBSCRIPTION,
            strangersSubscription, buyer.otherCard()))
            .isInstanceOfSatisfying(TillException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> portalCards.remove(buyer.account(), buyer.customer(), strangersCard))
            .isInstanceOfSatisfying(TillException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(shops.subscription(buyer.shop(), strangersSubscription).get("card_id").asString())
            .isEqualTo(strangersCard);
    }
}
