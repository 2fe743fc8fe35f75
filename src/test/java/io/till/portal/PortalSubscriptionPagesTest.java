package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/** A buyer's subscription and plan pages: self-cancel with a reason, keep, and what they never allow. */
@TillIntegrationTest
class PortalSubscriptionPagesTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    Api api;

    @Autowired
    Shops shops;

    @Autowired
    SandboxLedger ledger;

    @Autowired
    io.till.billing.BillingActions billingActions;

    @Test
    void aBuyerCancelsWithAReasonFromTheListAndTheirOwnWordsAndKeepsTheSubscriptionAfterAll() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        var buyer = signIn(shop, order.get("customer_id").asString());
        String page = "/portal/" + shop.accountId() + "/subscriptions/" + subscription;

        var details = buyer.get(page);
        var confirm = buyer.get(page + "/cancel");
        var canceled = buyer.post(page + "/cancel", page + "/cancel",
            "reason=" + encode("It costs too much") + "&reason_text=" + encode("Back in spring."));
        var canceling = buyer.get(canceled.header("Location"));

        assertThat(details.body()).contains("Membership · Monthly", "$19.00", "every month", "Next bill", "4242",
            "Cancel subscription", "/portal/" + shop.accountId() + "/payments/", "/cards#pay-" + subscription);
        assertThat(confirm.body()).contains("It costs too much", "use it enough", "Something else",
            "name=\"reason_text\"", "maxlength=\"500\"");
        assertThat(canceled.header("Location")).isEqualTo(page + "?done=canceled");
        assertThat(canceling.body()).contains("Your subscription is canceling", "Ends on", "Keep my subscription")
            .doesNotContain("Next bill");
        var stored = shops.subscription(shop, subscription);
        assertThat(stored.get("status").asString()).isEqualTo("canceling");
        assertThat(stored.get("cancel_reason").asString()).isEqualTo("It costs too much");
        assertThat(stored.get("cancel_reason_text").asString()).isEqualTo("Back in spring.");
        assertThat(stored.get("canceled_by").asString()).isEqualTo("customer");
        assertThat(stored.get("canceled_by_who").isNull()).as("a buyer is not named").isTrue();
        var event = shops.events(shop, order.get("customer_id").asString()).getLast();
        assertThat(event.get("type").asString()).isEqualTo("subscription.canceling");
        assertThat(event.get("data").get("subscription").get("cancel_reason").asString())
            .isEqualTo("It costs too much");
        assertThat(event.get("data").get("subscription").path("cancel_reason_text").asString())
            .as("the buyer's own words").isEqualTo("Back in spring.");

        var kept = buyer.post(page, page + "/keep", "");
        var active = buyer.get(kept.header("Location"));
        shops.advance(shop, "P32D");

        assertThat(kept.header("Location")).isEqualTo(page + "?done=kept");
        assertThat(active.body()).contains("Glad you're staying", "Next bill", "Cancel subscription")
            .doesNotContain("Keep my subscription");
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("active");
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(2);
    }

    /** Canceled during its free trial, nothing was ever charged: no page says "charged again", or keeping it is free. */
    @Test
    void cancelingDuringTheFreeTrialSaysNothingIsChargedAndWhatKeepingItCosts() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_visa", "ada@example.com");
        String page = "/portal/" + shop.accountId() + "/subscriptions/" + order.get("subscription_id").asString();
        var buyer = signIn(shop, order.get("customer_id").asString());

        var confirm = text(buyer.get(page + "/cancel").body());
        var canceled = buyer.post(page + "/cancel", page + "/cancel", "reason=other");
        var canceling = text(buyer.get(canceled.header("Location")).body());

        assertThat(confirm).contains("and you won't be charged at all.").doesNotContain("charged again");
        assertThat(canceling).contains("Your free trial goes on until it ends, and you won't be charged at all.",
            "You canceled during your free trial.", "Keep it and your first bill of $19.00 comes when the trial "
                + "ends.")
            .doesNotContain("charged again");
    }

    /** Seed 003: canceling "change[s] the status of the subscription from Active to Canceling", on every page alike. */
    @Test
    void aSubscriptionTheBuyerCanceledIsCancelingOnEveryPageUntilItsPeriodEndsThenCanceled() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        var buyer = signIn(shop, order.get("customer_id").asString());
        String portal = "/portal/" + shop.accountId();
        String page = portal + "/subscriptions/" + subscription;

        var canceled = buyer.post(page + "/cancel", page + "/cancel", "reason=other");
        var canceling = buyer.get(canceled.header("Location")).body();
        String overview = buyer.get(portal + "/").body();
        String cards = buyer.get(portal + "/cards").body();

        for (String shown : List.of(canceling, overview, cards)) {
            assertThat(shown).contains("status-canceling\">canceling<").doesNotContain("ends soon");
        }
        assertThat(text(canceling)).contains("Your subscription is canceling.", "Ends on", "Keep my subscription")
            .doesNotContain("is canceled");

        shops.advance(shop, "P32D");

        assertThat(buyer.get(page).body()).contains("status-canceled\">canceled<");
    }

    @Test
    void cancelingAPastDueSubscriptionSaysItsUnpaidInvoiceIsStillCollected() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        shops.advance(shop, "P14DT1H");
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("past_due");
        var buyer = signIn(shop, order.get("customer_id").asString());
        String page = "/portal/" + shop.accountId() + "/subscriptions/" + subscription;

        var details = buyer.get(page);
        var confirm = buyer.get(page + "/cancel");
        var canceled = buyer.post(page + "/cancel", page + "/cancel", "reason=other");
        var canceling = buyer.get(canceled.header("Location"));

        for (var response : List.of(details, confirm, canceling)) {
            assertThat(text(response.body()))
                .contains("$19.00 is still due for the current period; we'll keep trying your card for it.")
                .doesNotContain("won't be charged again");
        }
        assertThat(text(canceling.body())).contains("Your subscription is canceling");
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("canceling");
    }

    @Test
    void aConfirmationInTheAddressIsShownOnlyWhenTheSubscriptionIsReallyThere() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        var buyer = signIn(shop, order.get("customer_id").asString());
        String page = "/portal/" + shop.accountId() + "/subscriptions/" + subscription;

        var forgedCancel = buyer.get(page + "?done=canceled");
        buyer.post(page + "/cancel", page + "/cancel", "reason=other");
        var forgedKeep = buyer.get(page + "?done=kept");

        assertThat(text(forgedCancel.body())).doesNotContain("Your subscription is cancel");
        assertThat(text(forgedKeep.body())).doesNotContain("Glad you're staying");
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("canceling");
    }

    @Test
    void cancelingASubscriptionTheSellerAlreadyEndsDoesNotSayTheBuyerCanceledIt() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        var buyer = signIn(shop, order.get("customer_id").asString());
        String page = "/portal/" + shop.accountId() + "/subscriptions/" + subscription;
        String token = PortalClient.csrf(buyer.get(page + "/cancel").body());
        var staff = api.post("/api/v1/subscriptions/" + subscription + "/cancel", shop.apiKey(),
            "{\"at_period_end\": true, \"reason\": \"Contract ended\"}");
        assertThat(staff.status()).as(staff.text()).isEqualTo(200);

        var answer = buyer.postRaw(page + "/cancel", "reason=other&_csrf=" + token);
        var shown = answer.status() == 302 ? buyer.get(answer.header("Location")) : answer;

        assertThat(text(shown.body())).doesNotContain("Your subscription is cancel", "You canceled")
            .contains("This subscription won't renew");
        var stored = shops.subscription(shop, subscription);
        assertThat(stored.get("canceled_by").asString()).isNotEqualTo("customer");
        assertThat(stored.get("cancel_reason").asString()).isEqualTo("Contract ended");
    }

    /** A probe saw "This subscription has ended" on a subscription that runs to its period's end, as its seller set. */
    @Test
    void keepingASubscriptionTheSellerEndsSaysTheSellerEndsItNotThatItEnded() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        var buyer = signIn(shop, order.get("customer_id").asString());
        String page = "/portal/" + shop.accountId() + "/subscriptions/" + subscription;
        buyer.post(page + "/cancel", page + "/cancel", "reason=other");
        String token = PortalClient.csrf(buyer.get(page).body());
        assertThat(api.post("/api/v1/subscriptions/" + subscription + "/keep", shop.apiKey(), null).status())
            .isEqualTo(200);
        var staff = api.post("/api/v1/subscriptions/" + subscription + "/cancel", shop.apiKey(),
            "{\"at_period_end\": true}");
        assertThat(staff.status()).as(staff.text()).isEqualTo(200);

        var kept = buyer.postRaw(page + "/keep", "_csrf=" + token);

        assertThat(kept.header("Location")).isEqualTo(page + "?refused=keep");
        assertThat(text(buyer.get(kept.header("Location")).body()))
            .contains("This subscription was canceled by the shop, so only they can keep it going.")
            .doesNotContain("has ended");
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("canceling");
    }

    @Test
    void aCardChangeIsOfferedOnlyForWhatACardStillPays() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String subscription = order.get("subscription_id").asString();
        var plan = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer_id": "%s", "token": "pm_card_visa", "option_id": "%s"}""".formatted(customer, shop.plan()));
        assertThat(plan.status()).as(plan.text()).isEqualTo(201);
        String planId = plan.json().get("payment_plan_id").asString();
        shops.advance(shop, "P70D");
        assertThat(api.post("/api/v1/subscriptions/" + subscription + "/cancel", shop.apiKey(), "{}").status())
            .isEqualTo(200);
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("canceled");
        assertThat(api.get("/api/v1/payment_plans/" + planId, shop.apiKey()).json().get("status").asString())
            .isEqualTo("completed");
        var buyer = signIn(shop, customer);
        String base = "/portal/" + shop.accountId();

        for (String path : List.of(base + "/?show=all", base + "/subscriptions/" + subscription,
            base + "/payment_plans/" + planId)) {
            var page = buyer.get(path);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(text(page.body())).as(path).doesNotContain("Change card", "Update card to pay");
        }
    }

    @Test
    void aSecondClickOnCancelOrKeepShowsWhatTheFirstDid() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        var buyer = signIn(shop, order.get("customer_id").asString());
        String page = "/portal/" + shop.accountId() + "/subscriptions/" + subscription;
        String cancelToken = PortalClient.csrf(buyer.get(page + "/cancel").body());

        var first = buyer.postRaw(page + "/cancel", "reason=other&_csrf=" + cancelToken);
        var second = buyer.postRaw(page + "/cancel", "reason=other&_csrf=" + cancelToken);
        String keepToken = PortalClient.csrf(buyer.get(page).body());
        var kept = buyer.postRaw(page + "/keep", "_csrf=" + keepToken);
        var keptAgain = buyer.postRaw(page + "/keep", "_csrf=" + keepToken);

        assertThat(first.header("Location")).isEqualTo(page + "?done=canceled");
        assertThat(second.status()).isEqualTo(302);
        assertThat(second.header("Location")).isEqualTo(page + "?done=canceled");
        assertThat(kept.header("Location")).isEqualTo(page + "?done=kept");
        assertThat(keptAgain.status()).isEqualTo(302);
        assertThat(keptAgain.header("Location")).isEqualTo(page + "?done=kept");
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("active");
    }

    @Test
    void aFormStillWorksAfterItsPageLoadedTheSellersStylesheet() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        var buyer = signIn(shop, order.get("customer_id").asString());
        String page = "/portal/" + shop.accountId() + "/subscriptions/" + subscription;
        String token = PortalClient.csrf(buyer.get(page + "/cancel").body());

        buyer.get("/portal/" + shop.accountId() + "/brand.css");
        var canceled = buyer.postRaw(page + "/cancel", "reason=other&_csrf=" + token);

        assertThat(canceled.status()).as("a browser loads the stylesheet before the buyer sends the form")
            .isEqualTo(302);
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("canceling");
    }

    @Test
    void aSubscriptionCanceledInThePortalIsNotChargedAndCannotBeKeptOnceItsPeriodEnded() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        var buyer = signIn(shop, order.get("customer_id").asString());
        String page = "/portal/" + shop.accountId() + "/subscriptions/" + subscription;
        buyer.post(page + "/cancel", page + "/cancel", "reason=other");
        String token = PortalClient.csrf(buyer.get(page).body());

        shops.advance(shop, "P32D");
        var kept = buyer.postRaw(page + "/keep", "_csrf=" + token);
        var ended = buyer.get(page);

        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("canceled");
        // Answered by a redirect to the subscription's page, where a reload sends nothing again, and in the buyer's
        // words: no date in the server's format (a probe saw "ended on 2027-03-05 (UTC)").
        assertThat(kept.status()).isEqualTo(302);
        assertThat(kept.header("Location")).isEqualTo(page + "?refused=keep");
        var told = buyer.get(kept.header("Location"));
        assertThat(told.body()).contains("This subscription has ended, so it can no longer be kept.")
            .doesNotContain("(UTC)");
        assertThat(ended.body()).contains("Ended").doesNotContain("Keep my subscription", "Cancel subscription")
            .doesNotContain("can no longer be kept");
    }

    @Test
    void withSelfCancelOffTheButtonIsHiddenAndACancelIsRefused() {
        var shop = shops.open();
        api.send("PUT", "/api/v1/portal_settings", shop.apiKey(), "{\"self_cancel\": false}",
            List.of("Content-Type", "application/json"));
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        var buyer = signIn(shop, order.get("customer_id").asString());
        String page = "/portal/" + shop.accountId() + "/subscriptions/" + subscription;

        var details = buyer.get(page);
        var confirm = buyer.get(page + "/cancel");
        var refused = buyer.post(page, page + "/cancel", "reason=other");

        assertThat(details.status()).isEqualTo(200);
        assertThat(details.body()).doesNotContain("Cancel subscription");
        assertThat(confirm.status()).isEqualTo(302);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("be canceled here", "Test store");
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("active");
    }

    @Test
    void aPaymentPlanShowsItsInstallmentsAndCanNeverBeCanceled() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String plan = order.get("payment_plan_id").asString();
        var buyer = signIn(shop, order.get("customer_id").asString());
        String page = "/portal/" + shop.accountId() + "/payment_plans/" + plan;

        var details = buyer.get(page);
        var asSubscription = buyer.post(page, "/portal/" + shop.accountId() + "/subscriptions/" + plan + "/cancel",
            "reason=other");
        var planCancel = buyer.post(page, page + "/cancel", "reason=other");

        assertThat(details.status()).isEqualTo(200);
        assertThat(details.body())
            .contains("Membership · 3 payments", "1 of 3 paid", "$200.00 left to pay", "Next payment", "4242",
                "be canceled here")
            .doesNotContain("Cancel subscription");
        assertThat(asSubscription.status()).isEqualTo(404);
        assertThat(planCancel.status()).isIn(404, 405);
        assertThat(api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json().get("status").asString())
            .isEqualTo("active");
    }

    /**
     * A reviewer's: a buyer whose subscription ran out of retries saw neither a way to end it nor that paying what it
     * owes starts it again, a new period charged at once (the cards page said so; the subscription page did not).
     */
    @Test
    void anUnpaidSubscriptionSaysPayingStartsItAgainAndWhomToAskToEndIt() {
        var shop = shops.open();
        api.send("PUT", "/api/v1/account/branding", shop.apiKey(), """
            {"company_name": "Lumen Yoga", "support_email": "help@lumen.example"}""",
            List.of("Content-Type", "application/json"));
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        shops.advance(shop, "P45D");
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("unpaid");
        var buyer = signIn(shop, order.get("customer_id").asString());

        String page = text(buyer.get("/portal/" + shop.accountId() + "/subscriptions/" + subscription).body());

        assertThat(page).contains("We stopped trying your card for this subscription.",
            "Paying the $19.00 it owes starts it again: a new period begins and is charged then.",
            "To end it instead, write to help@lumen.example.")
            .doesNotContain("we'll keep trying your card");
    }

    /** A reviewer's: credit already taken by an open installment was still counted as left to pay. */
    @Test
    void creditAlreadyTakenByAnOpenInstallmentIsNotLeftToPay() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String plan = order.get("payment_plan_id").asString();
        String customer = order.get("customer_id").asString();
        var failing = api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(),
            "{\"token\": \"pm_card_chargeCustomerFail\", \"make_default\": true}");
        assertThat(failing.status()).as(failing.text()).isEqualTo(201);
        var credit = api.post("/api/v1/customers/" + customer + "/credits", shop.apiKey(),
            "{\"amount\": 4000, \"currency\": \"usd\", \"reason\": \"goodwill\"}");
        assertThat(credit.status()).as(credit.text()).isEqualTo(201);
        // The second installment takes the $40.00 of credit; the card declines the $60.00 left of it.
        shops.advance(shop, "P1M");
        var buyer = signIn(shop, customer);

        var details = buyer.get("/portal/" + shop.accountId() + "/payment_plans/" + plan);
        var staff = api.get("/api/v1/payment_plans/" + plan, shop.apiKey());

        assertThat(staff.json().get("installments_paid").asInt()).isEqualTo(1);
        assertThat(details.body()).contains("$160.00 left to pay").doesNotContain("$200.00 left to pay");
    }

    /** A probe saw a green "Active" beside a red "Unpaid $200.00" on a plan whose installment had failed. */
    @Test
    void aPlanWhoseInstallmentFailedReadsPastDueAsASubscriptionDoes() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String plan = order.get("payment_plan_id").asString();
        String customer = order.get("customer_id").asString();
        var failing = api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(),
            "{\"token\": \"pm_card_chargeCustomerFail\", \"make_default\": true}");
        assertThat(failing.status()).as(failing.text()).isEqualTo(201);
        shops.advance(shop, "P1M");
        assertThat(api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json().get("status").asString())
            .isEqualTo("active");
        var buyer = signIn(shop, customer);

        var details = buyer.get("/portal/" + shop.accountId() + "/payment_plans/" + plan);
        var overview = buyer.get("/portal/" + shop.accountId() + "/");

        assertThat(details.body()).contains("status-past_due\">past due<");
        assertThat(overview.body()).contains("status-past_due\">past due<").doesNotContain("status-active");
    }

    /**
     * An installment the store wrote off is not money left to pay, and a plan completed without it was not paid in
     * full: a review found its page counting it as owed and calling the plan "Paid in full: $200.00 over 3 payments".
     */
    @Test
    void anInstallmentWrittenOffIsNeitherLeftToPayNorCountedAsPaid() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String plan = order.get("payment_plan_id").asString();
        String customer = order.get("customer_id").asString();
        String visa = api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json().get("card_id").asString();
        var failing = api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(),
            "{\"token\": \"pm_card_chargeCustomerFail\", \"make_default\": true}");
        assertThat(failing.status()).as(failing.text()).isEqualTo(201);
        changePlanCard(shop, plan, failing.json().get("id").asString());
        shops.advance(shop, "P40D");
        String second = api.get("/api/v1/invoices?status=issued", shop.apiKey()).json().get("data").get(0).get("id")
            .asString();
        billingActions.markUncollectible(shop.accountId(), second);
        var buyer = signIn(shop, customer);
        String page = "/portal/" + shop.accountId() + "/payment_plans/" + plan;

        String unpaid = text(buyer.get(page).body());
        assertThat(api.patch("/api/v1/payment_plans/" + plan, shop.apiKey(), "{\"status\": \"active\"}").status())
            .isEqualTo(200);
        changePlanCard(shop, plan, visa);
        shops.advance(shop, "P31D");
        assertThat(api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json().get("status").asString())
            .isEqualTo("completed");
        String completed = text(buyer.get(page).body());
        String overview = text(buyer.get("/portal/" + shop.accountId() + "/?show=all").body());

        assertThat(unpaid).contains("1 of 3 paid, 1 written off").contains("$100.00 left to pay");
        assertThat(completed).doesNotContain("left to pay").doesNotContain("Paid in full")
            .contains("Completed: $200.00 over 2 payments, 1 written off");
        assertThat(overview).doesNotContain("Paid in full").contains("Completed: $200.00 over 2 payments");
    }

    private void changePlanCard(Shops.Shop shop, String plan, String card) {
        var changed = api.post("/api/v1/payment_plans/" + plan + "/change_card", shop.apiKey(),
            "{\"payment_method_id\": \"%s\"}".formatted(card));
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
    }

    @Test
    void anotherCustomersSubscriptionOrPlanIsNotFoundAndStaysAsItWas() {
        var shop = shops.open();
        var ada = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        var bo = shops.buy(shop, shop.monthly(), "pm_card_visa", "bo@example.com");
        var bosPlan = shops.buy(shop, shop.plan(), "pm_card_visa", "bo@example.com");
        var other = shops.open();
        var stranger = shops.buy(other, other.monthly(), "pm_card_visa", "cy@example.com");
        var buyer = signIn(shop, ada.get("customer_id").asString());
        String base = "/portal/" + shop.accountId();
        String own = base + "/subscriptions/" + ada.get("subscription_id").asString();

        var theirs = buyer.get(base + "/subscriptions/" + bo.get("subscription_id").asString());
        var theirPlan = buyer.get(base + "/payment_plans/" + bosPlan.get("payment_plan_id").asString());
        var otherAccounts = buyer.get(base + "/subscriptions/" + stranger.get("subscription_id").asString());
        var cancelTheirs = buyer.post(own, base + "/subscriptions/" + bo.get("subscription_id").asString()
            + "/cancel", "reason=other");

        assertThat(List.of(theirs, theirPlan, otherAccounts, cancelTheirs)).allSatisfy(response -> {
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.body()).contains("We could not find that", "Test store")
                .doesNotContain("bo@example.com");
        });
        assertThat(shops.subscription(shop, bo.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("active");
    }

    @Test
    void aReasonThatIsNotOnTheListOrTooLongIsAskedAgain() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        var buyer = signIn(shop, order.get("customer_id").asString());
        String page = "/portal/" + shop.accountId() + "/subscriptions/" + subscription;

        var unknown = buyer.post(page + "/cancel", page + "/cancel", "reason=" + encode("Made up"));
        var tooLong = buyer.post(page + "/cancel", page + "/cancel", "reason=other&reason_text=" + "x".repeat(501));

        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("Please choose one of the reasons listed");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body()).contains("500 characters");
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("active");
    }

    /**
     * A daily subscription and a daily plan, each with more payments than one page holds: every payment is on one of
     * their pages, 20 to a page, newest first, as on the payments list (were: the newest 50, the rest out of reach).
     */
    @Test
    void aLongRunningSubscriptionOrPlanPagesThroughEveryOneOfItsPayments() {
        var shop = shops.open();
        var daily = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Daily", "options": [
              {"name": "News", "kind": "subscription", "amount": 100, "currency": "usd", "interval": "day"},
              {"name": "Course", "kind": "payment_plan", "amount": 6000, "currency": "usd", "interval": "day",
               "installments": 60}]}""").json();
        var checkout = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Daily", "product_id": "%s"}""".formatted(daily.get("id").asString())).json();
        var purchases = "/api/v1/checkouts/" + checkout.get("id").asString() + "/purchases";
        var order = api.post(purchases, shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(daily.get("options").get(0).get("id").asString())).json();
        String customer = order.get("customer_id").asString();
        var plan = api.post(purchases, shop.apiKey(), """
            {"customer_id": "%s", "token": "pm_card_visa", "option_id": "%s"}""".formatted(customer, daily.get(
            "options").get(1).get("id").asString())).json();
        assertThat(shops.advance(shop, "P56DT1H").status()).isEqualTo(200);
        var buyer = signIn(shop, customer);
        String portal = "/portal/" + shop.accountId();

        for (String page : List.of(portal + "/subscriptions/" + order.get("subscription_id").asString(),
            portal + "/payment_plans/" + plan.get("payment_plan_id").asString())) {
            var first = buyer.get(page);
            var links = new java.util.LinkedHashSet<>(receiptLinks(first.body()));
            assertThat(links).as(page).hasSize(20);
            assertThat(text(first.body())).as(page).contains("1–20 of 57", "Page 1 of 3", "Older")
                .doesNotContain("Newer");
            for (int number = 2; number <= 3; number++) {
                var next = buyer.get(page + "?page=" + number);
                assertThat(next.status()).isEqualTo(200);
                assertThat(text(next.body())).as(page).contains("Page " + number + " of 3", "Newer");
                links.addAll(receiptLinks(next.body()));
            }
            assertThat(links).as("every payment, each once").hasSize(57)
                .contains(portal + "/payments/" + (page.contains("/subscriptions/") ? order : plan).get("payment_id")
                    .asString() + "/receipt");
            assertThat(buyer.get(page + "?page=4").status()).as("past the last page").isEqualTo(404);
        }
    }

    private static List<String> receiptLinks(String html) {
        return java.util.regex.Pattern.compile("href=\"(/portal/acct_[a-z0-9]+/payments/[a-z0-9_]+/receipt)\"")
            .matcher(html)
            .results()
            .map(match -> match.group(1))
            .toList();
    }

    /** A plan whose first installment a promo code paid in full has no card payment yet: its page says where it is. */
    @Test
    void aPlanWhoseFirstInstallmentAPromoCodePaidSaysItCameWithTheOrder() {
        var shop = shops.open();
        assertThat(api.post("/api/v1/promo_codes", shop.apiKey(), "{\"code\": \"FIRSTFREE\", \"percent_off\": "
            + "100}").status()).isEqualTo(201);
        var order = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "promo_code": "FIRSTFREE"}""".formatted(shop.plan()));
        assertThat(order.status()).as(order.text()).isEqualTo(201);
        assertThat(order.json().get("total").asLong()).isZero();

        String page = signIn(shop, order.json().get("customer_id").asString()).get("/portal/" + shop.accountId()
            + "/payment_plans/" + order.json().get("payment_plan_id").asString()).body();

        assertThat(text(page)).contains("No card payments yet: the first installment came with your order.")
            .doesNotContain("No payments yet.");
        assertThat(page).contains("/portal/" + shop.accountId() + "/orders/" + order.json().get("id").asString());
    }

    /** A plan paid off read "3 of 3 paid" with no total, and still said it "can't be canceled here". */
    @Test
    void aPlanPaidInFullSaysSoWithWhatItCameTo() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "paid@example.com");
        shops.advance(shop, "P32D");
        shops.advance(shop, "P32D");
        String plan = order.get("payment_plan_id").asString();
        assertThat(api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json().get("status").asString())
            .isEqualTo("completed");
        var buyer = signIn(shop, order.get("customer_id").asString());

        String page = text(buyer.get("/portal/" + shop.accountId() + "/payment_plans/" + plan).body());

        assertThat(page).contains("Paid in full: $300.00 over 3 payments").doesNotContain("can't be canceled here")
            .doesNotContain("3 of 3 paid");
    }

    /** A reviewer saw a plan whose first installment was half off read "Paid in full: $300.00": it came to $250.00. */
    @Test
    void aPlanPaidInFullCountsWhatAPromoCodeTookOffItsFirstInstallment() {
        var shop = shops.open();
        var order = shops.buyPlanHalfOff(shop);
        shops.advance(shop, "P32D");
        shops.advance(shop, "P32D");
        String plan = order.get("payment_plan_id").asString();
        var buyer = signIn(shop, order.get("customer_id").asString());

        String page = text(buyer.get("/portal/" + shop.accountId() + "/payment_plans/" + plan).body());
        String overview = text(buyer.get("/portal/" + shop.accountId() + "/?show=all").body());

        assertThat(page).contains("Paid in full: $250.00 over 3 payments");
        assertThat(overview).contains("Paid in full: $250.00 over 3 payments");
    }

    /** A probe found no tab marked current on a subscription's, a plan's and the payments' pages. */
    @Test
    void everyPageMarksTheTabItIsIn() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "tab@example.com");
        var buyer = signIn(shop, order.get("customer_id").asString());
        var plan = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer_id": "%s", "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(order.get("customer_id").asString(), shop.plan())).json().get("payment_plan_id").asString();
        String portal = "/portal/" + shop.accountId();

        for (var page : java.util.Map.of(portal + "/subscriptions/" + order.get("subscription_id").asString(),
            "Overview", portal + "/payment_plans/" + plan, "Overview", portal + "/payments", "Orders",
            portal + "/refunds", "Orders", portal + "/orders", "Orders", portal + "/cards", "Cards").entrySet()) {
            String body = buyer.get(page.getKey()).body();
            assertThat(body).as(page.getKey()).containsOnlyOnce("aria-current=\"page\"")
                .containsPattern("aria-current=\"page\"[^>]*>" + page.getValue() + "<");
        }
    }

    /** The card named as the buyer's receipts and cards page name it: "American Express", not "Amex". */
    @Test
    void aCardIsNamedByItsBrandAsTheReceiptsNameIt() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_amex", "amex@example.com");
        var buyer = signIn(shop, order.get("customer_id").asString());
        String portal = "/portal/" + shop.accountId();

        String payments = text(buyer.get(portal + "/payments").body());
        String subscription = text(buyer.get(portal + "/subscriptions/" + order.get("subscription_id").asString())
            .body());

        assertThat(payments).contains("American Express •••• 8431").doesNotContain("Amex");
        assertThat(subscription).contains("American Express").doesNotContain("Amex");
    }

    private PortalClient signIn(Shops.Shop shop, String customerId) {
        String url = api.post("/api/v1/portal_sessions", shop.apiKey(), "{\"customer_id\": \"%s\"}"
            .formatted(customerId)).json().get("url").asString();
        var buyer = new PortalClient(port);
        assertThat(buyer.get(url).status()).isEqualTo(302);
        return buyer;
    }

    /** The page's words as a buyer reads them: tags dropped, entities and spaces as the browser shows them. */
    static String text(String html) {
        return html.replaceAll("<[^>]+>", "").replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&")
            .replaceAll("\\s+", " ");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
