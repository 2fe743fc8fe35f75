package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Purchases at a checkout, seen through the API: the records they leave, the charges and the events, in order. */
@TillIntegrationTest
class PurchaseScenarioTest {

    @Autowired
    JdbcClient db;
    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    Purchases purchases;

    /** A store selling a course once, monthly, in three payments, or monthly after a trial; with a bump and a code. */
    record Store(String apiKey, String accountId, String checkoutId, String oneTime, String monthly, String plan,
        String trial, String addon, String upsellCheckoutId) {}

    /**
     * An email past any address's length is refused as one, at once: read by the address pattern first, a megabyte
     * of dots took the pattern minutes (its time grows with the text's square), holding one of the request slots.
     */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void anEmailPastAnyAddressesLengthIsRefusedAtOnce() {
        var store = store("SAVE20");

        var response = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(), """
            {"customer": {"name": "Ada", "email": "a@%s "}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(".".repeat(400_000), store.monthly()));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("customer.email");
        assertThat(ledger.charges(store.accountId())).isZero();
    }

    @Test
    void recordsAPurchaseWithAddonPromoCodeAndSubscriptionAndItsEventsInOrder() {
        var store = store("SAVE20");

        var response = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(), """
            {"customer": {"name": "Ada Lovelace", "email": "ada@example.com"}, "token": "pm_card_visa",
             "option_id": "%s", "addon_ids": ["%s"], "promo_code": "save20"}""".formatted(store.monthly(),
            store.addon()));

        assertThat(response.status()).isEqualTo(201);
        var order = response.json();
        assertThat(order.get("status").asString()).isEqualTo("paid");
        assertThat(order.get("subtotal").asLong()).isEqualTo(1900 + 500);
        assertThat(order.get("discount").asLong()).isEqualTo(480);
        assertThat(order.get("total").asLong()).isEqualTo(1920);
        assertThat(order.get("items")).hasSize(2);
        String customerId = order.get("customer_id").asString();
        assertThat(typesOf(customerId, store)).containsExactly("customer.created", "checkout.purchased",
            "addon.purchased", "option.selected", "promo_code.applied", "product.purchased", "order.created",
            "payment.succeeded", "subscription.started", "checkout.flow_completed");
        assertThat(ledger.successfulCharges(store.accountId())).isEqualTo(1);

        var payment = api.get("/api/v1/payments/" + order.get("payment_id").asString(), store.apiKey()).json();
        assertThat(payment.get("amount").asLong()).isEqualTo(1920);
        assertThat(payment.get("status").asString()).isEqualTo("succeeded");
        var subscription = api.get("/api/v1/subscriptions/" + order.get("subscription_id").asString(), store.apiKey())
            .json();
        assertThat(subscription.get("status").asString()).isEqualTo("active");
        assertThat(subscription.get("amount").asLong()).isEqualTo(1900);
        assertThat(payment.get("subscription_id").asString()).isEqualTo(subscription.get("id").asString());
        var customer = api.get("/api/v1/customers/" + customerId, store.apiKey()).json();
        assertThat(customer.get("default_card").get("last4").asString()).isEqualTo("4242");
    }

    /**
     * A seller's 15% off a 9.99 course takes 1.50 (1.4985 rounded half up, as Stripe rounds percent_off), and the
     * order, the charge and the receipt all say so: it took 1.49, the fraction cut off.
     */
    @Test
    void fifteenPercentOffA999CourseTakes150OffTheOrderTheChargeAndTheReceipt() throws Exception {
        var account = accounts.create();
        String key = account.apiKey();
        var product = api.post("/api/v1/products", key, """
            {"name": "Short course", "options": [
              {"name": "Lifetime", "kind": "one_time", "amount": 999, "currency": "usd"}]}""");
        assertThat(product.status()).as(product.text()).isEqualTo(201);
        var checkout = api.post("/api/v1/checkouts", key, """
            {"name": "Short course", "product_id": "%s"}""".formatted(product.json().get("id").asString()));
        var promo = api.post("/api/v1/promo_codes", key, "{\"code\": \"FIFTEEN\", \"percent_off\": 15}");
        assertThat(promo.status()).as(promo.text()).isEqualTo(201);

        var response = api.post("/api/v1/checkouts/" + checkout.json().get("id").asString() + "/purchases", key, """
            {"customer": {"name": "Ada Lovelace", "email": "ada@example.com"}, "token": "pm_card_visa",
             "option_id": "%s", "promo_code": "FIFTEEN"}""".formatted(product.json().get("options").get(0).get("id")
            .asString()));

        assertThat(response.status()).as(response.text()).isEqualTo(201);
        var order = response.json();
        assertThat(order.get("subtotal").asLong()).isEqualTo(999);
        assertThat(order.get("discount").asLong()).isEqualTo(150);
        assertThat(order.get("total").asLong()).isEqualTo(849);
        var payment = api.get("/api/v1/payments/" + order.get("payment_id").asString(), key).json();
        assertThat(payment.get("amount").asLong()).isEqualTo(849);
        var pdf = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(api.uri(
            "/api/v1/orders/" + order.get("id").asString() + "/receipt.pdf")).header("Authorization", "Bearer " + key)
            .build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(io.till.receipt.ReceiptPdfs.text(pdf.body())).contains("$9.99", "-$1.50", "$8.49");
    }

    @Test
    void carriesWhatScopingNeedsInPurchaseEvents() {
        var store = store("SCOPE10");

        String customerId = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa",
             "option_id": "%s", "addon_ids": ["%s"], "promo_code": "SCOPE10"}""".formatted(store.oneTime(),
            store.addon())).json().get("customer_id").asString();

        var events = eventsOf(customerId, store);
        var purchased = find(events, "checkout.purchased").get("data");
        assertThat(purchased.get("checkout").get("id").asString()).isEqualTo(store.checkoutId());
        assertThat(purchased.get("option").get("id").asString()).isEqualTo(store.oneTime());
        assertThat(purchased.get("product").get("id").asString()).startsWith("prod_");
        assertThat(find(events, "addon.purchased").get("data").get("addon").get("id").asString())
            .isEqualTo(store.addon());
        assertThat(find(events, "promo_code.applied").get("data").get("promo_code").get("code").asString())
            .isEqualTo("SCOPE10");
        assertThat(find(events, "promo_code.applied").get("data").get("promo_code").get("times_redeemed").asInt())
            .isEqualTo(1);
    }

    @Test
    void recordsADeclinedPurchaseAsAFailedOrderWithoutStartingAnything() {
        var store = store("LIMITED");

        var response = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_chargeCustomerFail",
             "option_id": "%s", "promo_code": "LIMITED"}""".formatted(store.monthly()));

        assertThat(response.status()).isEqualTo(402);
        assertThat(response.json().get("code").asString()).isEqualTo("card_declined");
        var orders = api.get("/api/v1/orders", store.apiKey()).json().get("data");
        assertThat(orders).hasSize(1);
        assertThat(orders.get(0).get("status").asString()).isEqualTo("failed");
        assertThat(orders.get(0).get("subscription_id").isNull()).isTrue();
        String customerId = orders.get(0).get("customer_id").asString();
        assertThat(typesOf(customerId, store)).containsExactly("customer.created", "payment.failed");
        var failed = find(eventsOf(customerId, store), "payment.failed").get("data").get("payment");
        assertThat(failed.get("failure_code").asString()).isEqualTo("card_declined");
        assertThat(failed.get("hard_decline").asBoolean()).isFalse();
        // What a client needs to act on the decline, as fields, not only in the prose: the failed order and payment,
        // the processor's code, and the field of the request that named the card.
        var problem = response.json();
        assertThat(problem.get("order_id").asString()).isEqualTo(orders.get(0).get("id").asString());
        assertThat(problem.get("payment_id").asString()).isEqualTo(failed.get("id").asString());
        assertThat(problem.get("decline_code").asString()).isEqualTo("card_declined");
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("token");
        assertThat(api.get("/api/v1/promo_codes", store.apiKey()).json().get("data").get(0).get("times_redeemed")
            .asInt()).isZero();
        assertThat(ledger.successfulCharges(store.accountId())).isZero();
    }

    @Test
    void aCardDeclinedAtThePurchaseThatSavedItIsNotKeptOnFile() {
        var store = store("LIMITED");
        String purchase = """
            {"customer": {"name": "Zoë", "email": "zoe@example.com"}, "token": "%s", "option_id": "%s"}""";

        var declined = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            purchase.formatted("pm_card_chargeCustomerFail", store.monthly()));
        var again = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            purchase.formatted("pm_card_chargeCustomerFail", store.monthly()));
        var otherCard = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            purchase.formatted("pm_card_visa", store.monthly()));

        assertThat(declined.status()).isEqualTo(402);
        assertThat(again.status()).isEqualTo(402);
        assertThat(otherCard.status()).as(otherCard.text()).isEqualTo(201);
        String customerId = otherCard.json().get("customer_id").asString();
        var cards = api.get("/api/v1/customers/" + customerId + "/payment_methods", store.apiKey()).json()
            .get("data");
        var saved = new java.util.ArrayList<String>();
        cards.forEach(card -> saved.add(card.get("last4").asString() + (card.get("is_default").asBoolean()
            ? " (default)"
            : "")));
        // A card declined at the purchase that saved it is not kept: the card that paid is the one on file.
        assertThat(saved).containsExactly("4242 (default)");
    }

    /** A customer whose card works tries another at a second purchase, declined: the working one stays on file. */
    @Test
    void aDeclinedNewCardLeavesTheCustomersWorkingCardOnFile() {
        var store = store("LIMITED");
        String purchase = """
            {"customer": {"name": "Zoë", "email": "zoe@example.com"}, "token": "%s", "option_id": "%s"}""";
        var first = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            purchase.formatted("pm_card_visa", store.monthly()));
        assertThat(first.status()).as(first.text()).isEqualTo(201);

        var declined = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            purchase.formatted("pm_card_chargeCustomerFail", store.monthly()));

        assertThat(declined.status()).isEqualTo(402);
        String customerId = first.json().get("customer_id").asString();
        var cards = api.get("/api/v1/customers/" + customerId + "/payment_methods", store.apiKey()).json()
            .get("data");
        assertThat(cards).hasSize(1);
        assertThat(cards.get(0).get("last4").asString()).isEqualTo("4242");
        assertThat(cards.get(0).get("is_default").asBoolean()).isTrue();
        // The failed payment still names the card it was made with.
        var payment = api.get("/api/v1/payments/" + declined.json().get("payment_id").asString(), store.apiKey());
        assertThat(payment.status()).as(payment.text()).isEqualTo(200);
        assertThat(payment.json().get("card_id").asString()).isNotEqualTo(cards.get(0).get("id").asString())
            .startsWith("card_");
    }

    /**
     * A buyer whose subscription on one card ended comes back with another: that one is their card on file (a probe
     * found the record still naming the old card, which paid nothing any more). While the old one still pays
     * something, it stays the default.
     */
    @Test
    void aReturningBuyersNewCardIsTheirCardOnFileOnceTheOldOnePaysNothing() {
        var store = store("LIMITED");
        String purchase = """
            {"customer": {"name": "Carol", "email": "carol@example.com"}, "token": "%s", "option_id": "%s"}""";
        var first = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            purchase.formatted("pm_card_visa", store.monthly()));
        String customerId = first.json().get("customer_id").asString();
        var second = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            purchase.formatted("pm_card_mastercard", store.monthly()));
        assertThat(second.status()).as(second.text()).isEqualTo(201);
        assertThat(defaultLast4(store, customerId)).as("the first card still pays").isEqualTo("4242");

        for (var order : List.of(first, second)) {
            assertThat(api.post("/api/v1/subscriptions/" + order.json().get("subscription_id").asString()
                + "/cancel", store.apiKey(), "{\"at_period_end\": false}").status()).isEqualTo(200);
        }
        var back = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            purchase.formatted("pm_card_amex", store.monthly()));

        assertThat(back.status()).as(back.text()).isEqualTo(201);
        assertThat(defaultLast4(store, customerId)).isNotEqualTo("4242").isNotEqualTo("4444");
        assertThat(typesOf(customerId, store)).doesNotContain("card.updated");
    }

    private String defaultLast4(Store store, String customerId) {
        for (var card : api.get("/api/v1/customers/" + customerId + "/payment_methods", store.apiKey()).json().get(
            "data")) {
            if (card.get("is_default").asBoolean()) {
                return card.get("last4").asString();
            }
        }
        return null;
    }

    @Test
    void startsATrialWithoutCharging() {
        var store = store("NONE1");

        var order = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(store.trial())).json();

        assertThat(order.get("total").asLong()).isZero();
        assertThat(order.get("payment_id").isNull()).isTrue();
        var subscription = api.get("/api/v1/subscriptions/" + order.get("subscription_id").asString(), store.apiKey())
            .json();
        assertThat(subscription.get("status").asString()).isEqualTo("trialing");
        assertThat(subscription.get("trial_end").asString()).isEqualTo(subscription.get("current_period_end")
            .asString());
        assertThat(typesOf(order.get("customer_id").asString(), store)).doesNotContain("payment.succeeded")
            .contains("subscription.started");
        assertThat(ledger.charges(store.accountId())).isZero();
    }

    /**
     * A product that gives its free trial once: a buyer back after their trialed subscription ended buys it without the
     * trial and is charged at once (a probe got a second trial); a new buyer still gets it, as does a returning one of a
     * product that does not say so.
     */
    @Test
    void aProductThatGivesItsTrialOnceChargesAReturningBuyerAtOnce() {
        var store = store("NONE1");
        String product = api.get("/api/v1/checkouts/" + store.checkoutId(), store.apiKey()).json().get("product_id")
            .asString();
        String purchase = """
            {"customer": {"name": "Carol", "email": "%s"}, "token": "pm_card_visa", "option_id": "%s"}""";
        var first = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            purchase.formatted("carol@example.com", store.trial())).json();
        assertThat(first.get("total").asLong()).isZero();
        assertThat(api.post("/api/v1/subscriptions/" + first.get("subscription_id").asString() + "/cancel",
            store.apiKey(), "{\"at_period_end\": false}").status()).isEqualTo(200);
        var again = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            purchase.formatted("carol@example.com", store.trial())).json();
        assertThat(again.get("total").asLong()).as("a second trial while the product gives many").isZero();

        var once = api.send("PATCH", "/api/v1/products/" + product, store.apiKey(),
            "{\"one_trial_per_customer\": true}", List.of("Content-Type", "application/json"));
        assertThat(once.status()).as(once.text()).isEqualTo(200);
        assertThat(once.json().get("one_trial_per_customer").asBoolean()).isTrue();
        long charges = ledger.successfulCharges(store.accountId());
        var third = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            purchase.formatted("carol@example.com", store.trial()));
        var newcomer = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            purchase.formatted("dora@example.com", store.trial())).json();

        assertThat(third.status()).as(third.text()).isEqualTo(201);
        assertThat(third.json().get("total").asLong()).isEqualTo(1900);
        var subscription = api.get("/api/v1/subscriptions/" + third.json().get("subscription_id").asString(),
            store.apiKey()).json();
        assertThat(subscription.get("status").asString()).isEqualTo("active");
        assertThat(subscription.get("trial_end").isNull()).isTrue();
        assertThat(api.get("/api/v1/payments/" + third.json().get("payment_id").asString(), store.apiKey()).json()
            .get("subscription_id").asString()).isEqualTo(subscription.get("id").asString());
        assertThat(ledger.successfulCharges(store.accountId())).isEqualTo(charges + 1);
        assertThat(newcomer.get("total").asLong()).as("a new buyer's trial").isZero();
    }

    /**
     * Two purchases of a product that gives its trial once, made by one customer at the same moment, both found no
     * trial of theirs before either was written: the one decided second under the customer's lock is refused, not
     * given a second trial. (The first is held here after writing its pending order.)
     */
    @Test
    void aPurchaseMadeWhileAnotherIsStartingTheCustomersOneTrialIsRefusedWithoutCharging() {
        var store = store("NONE1");
        String product = api.get("/api/v1/checkouts/" + store.checkoutId(), store.apiKey()).json().get("product_id")
            .asString();
        assertThat(api.send("PATCH", "/api/v1/products/" + product, store.apiKey(),
            "{\"one_trial_per_customer\": true}", List.of("Content-Type", "application/json")).status())
            .isEqualTo(200);
        var first = purchases.beginAtCheckout(store.accountId(), store.checkoutId(), new PurchaseRequest(null,
            new PurchaseRequest.NewCustomer("Carol", "carol@example.com"), null, "pm_card_visa", store.trial(),
            List.of(), null, null));
        long charges = ledger.charges(store.accountId());

        var second = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(), """
            {"customer": {"name": "Carol", "email": "carol@example.com"}, "token": "pm_card_visa",
             "option_id": "%s"}""".formatted(store.trial()));

        assertThat(first.total()).isZero();
        assertThat(second.status()).as(second.text()).isEqualTo(409);
        assertThat(second.json().get("detail").asString()).contains("one free trial per customer");
        assertThat(ledger.charges(store.accountId())).isEqualTo(charges);
        assertThat(db.sql("SELECT count(*) FROM subscriptions WHERE account_id = :id").param("id", store.accountId())
            .query(Long.class).single()).isZero();
    }

    /** A trial bought with an offer bump charges the bump: the order's payment, not the subscription's first one. */
    @Test
    void aBumpBoughtWithAFreeTrialIsTheOrdersPaymentNotTheSubscriptions() {
        var store = store("NONE1");

        var order = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "addon_ids": ["%s"]}""".formatted(store.trial(), store.addon())).json();

        assertThat(order.get("total").asLong()).isPositive();
        var payment = api.get("/api/v1/payments/" + order.get("payment_id").asString(), store.apiKey()).json();
        assertThat(payment.get("order_id").asString()).isEqualTo(order.get("id").asString());
        assertThat(payment.get("subscription_id").isNull()).as(payment.toString()).isTrue();
    }

    @Test
    void startsAPaymentPlanWithItsFirstInstallmentPaid() {
        var store = store("NONE2");

        var order = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(store.plan())).json();

        assertThat(order.get("total").asLong()).isEqualTo(10000);
        var plan = api.get("/api/v1/payment_plans/" + order.get("payment_plan_id").asString(), store.apiKey()).json();
        assertThat(plan.get("installments").asInt()).isEqualTo(3);
        assertThat(plan.get("installments_paid").asInt()).isEqualTo(1);
        assertThat(plan.get("status").asString()).isEqualTo("active");
        assertThat(typesOf(order.get("customer_id").asString(), store)).contains("payment.succeeded",
            "payment_plan.payment_succeeded");
    }

    @Test
    void chargesAnExistingCustomersDefaultCard() {
        var store = store("NONE3");
        String customer = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Grace", "email": "grace@example.com"}""").json().get("id").asString();
        api.post("/api/v1/customers/" + customer + "/payment_methods", store.apiKey(),
            "{\"token\": \"pm_card_mastercard\"}");

        var order = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(), """
            {"customer_id": "%s", "option_id": "%s"}""".formatted(customer, store.oneTime()));

        assertThat(order.status()).isEqualTo(201);
        assertThat(order.json().get("total").asLong()).isEqualTo(4900);
        assertThat(ledger.successfulCharges(store.accountId())).isEqualTo(1);
    }

    /**
     * A reviewer's: a purchase naming the buyer by email alone, without a card, was charged to the saved card of the
     * customer who has that email. An email proves nothing of who is buying: such a purchase pays with a token, and a
     * saved card is charged only for one naming the customer by id.
     */
    @Test
    void aBuyerNamedByEmailNeverPaysWithTheSavedCardOfTheCustomerWhoHasIt() {
        var store = store("NONE4");
        String customer = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Grace", "email": "grace@example.com"}""").json().get("id").asString();
        String card = api.post("/api/v1/customers/" + customer + "/payment_methods", store.apiKey(),
            "{\"token\": \"pm_card_mastercard\"}").json().get("id").asString();

        var noCard = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(), """
            {"customer": {"name": "Mallory", "email": "GRACE@example.com"}, "option_id": "%s"}"""
            .formatted(store.oneTime()));
        var savedCard = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(), """
            {"customer": {"name": "Mallory", "email": "grace@example.com"}, "payment_method_id": "%s",
             "option_id": "%s"}""".formatted(card, store.oneTime()));

        assertThat(noCard.status()).as(noCard.text()).isEqualTo(400);
        assertThat(noCard.json().get("errors").get(0).get("field").asString()).isEqualTo("token");
        assertThat(savedCard.status()).as(savedCard.text()).isEqualTo(400);
        assertThat(savedCard.json().get("errors").get(0).get("field").asString()).isEqualTo("payment_method_id");
        assertThat(ledger.charges(store.accountId())).isZero();
        assertThat(api.get("/api/v1/orders?customer_id=" + customer, store.apiKey()).json().get("data")).isEmpty();
    }

    @Test
    void numbersEachAccountsOrdersFromOneAFailedOneKeepingItsNumberAndARetryGettingNone() {
        var store = store("NONE5");
        var other = store("NONE6");
        String body = """
            {"customer": {"name": "Ada", "email": "%s"}, "token": "%s", "option_id": "%s"}""";
        String key = UUID.randomUUID().toString();

        var first = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            body.formatted("ada@example.com", "pm_card_visa", store.oneTime()), "Idempotency-Key", key);
        var retried = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            body.formatted("ada@example.com", "pm_card_visa", store.oneTime()), "Idempotency-Key", key);
        var declined = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            body.formatted("bo@example.com", "pm_card_chargeCustomerFail", store.oneTime()));
        var refused = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            body.formatted("cy@example.com", "pm_card_visa", "opt_none"));
        var third = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            body.formatted("cy@example.com", "pm_card_visa", store.oneTime()));
        var elsewhere = api.post("/api/v1/checkouts/" + other.checkoutId() + "/purchases", other.apiKey(),
            body.formatted("ada@example.com", "pm_card_visa", other.oneTime()));

        assertThat(List.of(first.status(), retried.status(), declined.status(), refused.status(), third.status(),
            elsewhere.status())).containsExactly(201, 201, 402, 400, 201, 201);
        assertThat(first.json().get("number").asLong()).isEqualTo(1);
        assertThat(retried.json().get("number").asLong()).isEqualTo(1);
        var orders = api.get("/api/v1/orders", store.apiKey()).json().get("data");
        assertThat(orders).extracting(o -> o.get("number").asLong() + " " + o.get("status").asString())
            .containsExactly("3 paid", "2 failed", "1 paid");
        assertThat(elsewhere.json().get("number").asLong()).isEqualTo(1);
        String thirdId = third.json().get("id").asString();
        assertThat(api.get("/api/v1/orders/" + thirdId, store.apiKey()).json().get("number").asLong()).isEqualTo(3);
        // What the seller reads in the gateway's own dashboard, to find the order in Till.
        assertThat(db.sql("SELECT description FROM sandbox_charges WHERE idempotency_key = :key")
            .param("key", "order:" + thirdId)
            .query(String.class)
            .single()).isEqualTo("Course (order #3, " + thirdId + ")");
    }

    @Test
    void chargesOnceForARetriedPurchaseWithOneIdempotencyKey() {
        var store = store("NONE4");
        String body = """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(store.oneTime());
        String key = UUID.randomUUID().toString();

        var first = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(), body,
            "Idempotency-Key", key);
        var retry = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(), body,
            "Idempotency-Key", key);

        assertThat(retry.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(ledger.charges(store.accountId())).isEqualTo(1);
        assertThat(api.get("/api/v1/orders", store.apiKey()).json().get("data")).hasSize(1);
    }

    @Test
    void refusesBadInputPreciselyAndChangesNothing() {
        var store = store("OLD");
        var other = accounts.create();
        String foreignCustomer = api.post("/api/v1/customers", other.apiKey(), """
            {"name": "Mallory", "email": "mallory@example.com"}""").json().get("id").asString();

        var unknowns = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(), """
            {"customer_id": "%s", "token": "pm_card_visa", "option_id": "opt_nope", "addon_ids": ["addon_nope"],
             "promo_code": "NOSUCHCODE"}""".formatted(foreignCustomer));
        var badToken = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "tok_bogus", "option_id": "%s"}"""
            .formatted(store.oneTime()));
        var noCheckout = api.post("/api/v1/checkouts/chk_nope/purchases", store.apiKey(), "{}");
        // With the request's other fields, before the card is attached: not after, on a field the body has not.
        var badName = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(), """
            {"customer": {"name": "Ada\\nKing", "email": "ada@example.com"}, "token": "pm_card_visa",
             "option_id": "opt_nope"}""");

        assertThat(unknowns.status()).isEqualTo(400);
        assertThat(fields(unknowns.json().get("errors"))).containsExactly("option_id", "addon_ids[0]", "promo_code",
            "customer_id");
        assertThat(badToken.status()).isEqualTo(400);
        assertThat(fields(badToken.json().get("errors"))).containsExactly("token");
        assertThat(noCheckout.status()).isEqualTo(404);
        assertThat(badName.status()).isEqualTo(400);
        assertThat(fields(badName.json().get("errors"))).containsExactlyInAnyOrder("option_id", "customer.name");
        assertThat(api.get("/api/v1/orders", store.apiKey()).json().get("data")).isEmpty();
        assertThat(api.get("/api/v1/customers", store.apiKey()).json().get("data")).isEmpty();
        assertThat(api.get("/api/v1/events", store.apiKey()).json().get("data")).isEmpty();
        assertThat(ledger.charges(store.accountId())).isZero();
    }

    /** A returning buyer keeps the name on record: the one typed this time is not read, so not refused either. */
    @Test
    void aReturningBuyersTypedNameIsNotHeldAgainstThem() {
        var store = store("BACK");
        String purchase = """
            {"customer": {"name": "%s", "email": "ann@example.com"}, "token": "pm_card_visa", "option_id": "%s"}""";
        var first = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            purchase.formatted("Ann Lee", store.oneTime()));
        var again = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            purchase.formatted("Ann\\tLee", store.oneTime()));

        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(again.json().get("customer_id").asString()).isEqualTo(first.json().get("customer_id").asString());
    }

    @Test
    void refusesAPromoCodeOnceItIsUsedUp() {
        var store = store("ONCE");
        api.post("/api/v1/promo_codes", store.apiKey(), "{\"code\": \"SINGLE\", \"amount_off\": 100, "
            + "\"currency\": \"usd\", \"max_redemptions\": 1}");
        String purchase = """
            {"customer": {"name": "Ada", "email": "%s"}, "token": "pm_card_visa", "option_id": "%s",
             "promo_code": "SINGLE"}""";

        var first = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            purchase.formatted("a@example.com", store.oneTime()));
        var second = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(),
            purchase.formatted("b@example.com", store.oneTime()));

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().get("total").asLong()).isEqualTo(4800);
        assertThat(second.status()).isEqualTo(400);
        assertThat(second.json().get("errors").get(0).get("message").asString()).contains("used up");
        assertThat(second.json().get("errors").get(0).get("code").asString())
            .as("the code a purchase losing the race for the last use gets too").isEqualTo("used_up");
    }

    /**
     * A probe bought a 10^12 option with twenty 10^12 addons: one order of 2.1×10^13, past the documented cap. In
     * rupiah, which Stripe charges in more digits than its $999,999.99 elsewhere (a dollar option this large is
     * refused when the product is saved).
     */
    @Test
    void refusesAnOrderWhoseAddonsTakeItPastTheLargestAmountBeforeAnyCharge() {
        var account = accounts.create();
        String key = account.apiKey();
        var product = api.post("/api/v1/products", key, """
            {"name": "Island", "options": [
              {"name": "Whole", "kind": "one_time", "amount": 1000000000000, "currency": "idr"}]}""");
        var checkout = api.post("/api/v1/checkouts", key, """
            {"name": "Island checkout", "product_id": "%s",
             "addons": [{"name": "Lighthouse", "amount": 1000000000000, "currency": "idr"}]}"""
            .formatted(product.json().get("id").asString()));
        assertThat(checkout.status()).as(checkout.text()).isEqualTo(201);

        var bought = api.post("/api/v1/checkouts/" + checkout.json().get("id").asString() + "/purchases", key, """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "addon_ids": ["%s"]}""".formatted(product.json().get("options").get(0).get("id").asString(),
            checkout.json().get("addons").get(0).get("id").asString()));

        assertThat(bought.status()).as(bought.text()).isEqualTo(400);
        assertThat(bought.json().get("errors").get(0).get("field").asString()).isEqualTo("addon_ids");
        assertThat(bought.json().get("errors").get(0).get("code").asString()).isEqualTo("amount_too_large");
        assertThat(api.get("/api/v1/payments", key).json().get("data")).isEmpty();
    }

    private Store store(String promoCode) {
        var account = accounts.create();
        String key = account.apiKey();
        var product = api.post("/api/v1/products", key, """
            {"name": "Course", "options": [
              {"name": "Lifetime", "kind": "one_time", "amount": 4900, "currency": "usd"},
              {"name": "Monthly", "kind": "subscription", "amount": 1900, "currency": "usd", "interval": "month"},
              {"name": "3 payments", "kind": "payment_plan", "amount": 10000, "currency": "usd", "interval": "month",
               "installments": 3},
              {"name": "Trial", "kind": "subscription", "amount": 1900, "currency": "usd", "interval": "month",
               "trial_days": 14}]}""");
        assertThat(product.status()).as(product.text()).isEqualTo(201);
        var options = product.json().get("options");
        var checkout = api.post("/api/v1/checkouts", key, """
            {"name": "Course checkout", "product_id": "%s",
             "addons": [{"name": "Workbook", "amount": 500, "currency": "usd"}]}"""
            .formatted(product.json().get("id").asString()));
        assertThat(checkout.status()).as(checkout.text()).isEqualTo(201);
        var promo = api.post("/api/v1/promo_codes", key, """
            {"code": "%s", "percent_off": 20%s}""".formatted(promoCode,
            promoCode.equals("LIMITED")
                ? ", \"max_redemptions\": 1"
                : promoCode.equals("OLD")
                    ? ", \"expires_at\": \"2999-01-01T00:00:00Z\""
                    : ""));
        assertThat(promo.status()).as(promo.text()).isEqualTo(201);
        if (promoCode.equals("OLD")) {
            // A code that has ended since it was made (one cannot be made ended).
            db.sql("UPDATE promo_codes SET expires_at = '2020-01-01T00:00:00Z' WHERE account_id = :account")
                .param("account", account.id()).update();
        }
        return new Store(key, account.id(), checkout.json().get("id").asString(), options.get(0).get("id").asString(),
            options.get(1).get("id").asString(), options.get(2).get("id").asString(),
            options.get(3).get("id").asString(), checkout.json().get("addons").get(0).get("id").asString(), null);
    }

    private List<JsonNode> eventsOf(String customerId, Store store) {
        var events = new ArrayList<JsonNode>();
        api.get("/api/v1/events?limit=100&customer_id=" + customerId, store.apiKey()).json().get("data")
            .forEach(events::add);
        Collections.reverse(events);
        return events;
    }

    private List<String> typesOf(String customerId, Store store) {
        return eventsOf(customerId, store).stream().map(event -> event.get("type").asString()).toList();
    }

    private static JsonNode find(List<JsonNode> events, String type) {
        return events.stream().filter(event -> event.get("type").asString().equals(type)).findFirst().orElseThrow();
    }

    private static List<String> fields(JsonNode errors) {
        var out = new ArrayList<String>();
        errors.forEach(node -> out.add(node.get("field").asString()));
        return out;
    }
}
