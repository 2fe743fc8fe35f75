package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.billing.BillingJobs;
import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** One-click upsells after a purchase, and when the checkout flow counts as complete. */
@TillIntegrationTest
class UpsellFlowTest {

    @Autowired
    Api api;
    @Autowired
    io.till.testing.MutableClock clock;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;
    @Autowired
    io.till.testing.GatewayFaults faults;
    @Autowired
    BillingJobs jobs;

    record Flow(Shops.Shop shop, String checkoutId, String bonus, String membership) {}

    @Test
    void completesTheFlowWhenEveryUpsellIsAnswered() {
        var flow = flow();
        var order = buy(flow);
        String customer = order.get("customer_id").asString();
        assertThat(shops.types(flow.shop(), customer)).doesNotContain("checkout.flow_completed");

        var accepted = api.post(upsell(order, flow.bonus(), "accept"), flow.shop().apiKey(), null);
        var declined = api.post(upsell(order, flow.membership(), "decline"), flow.shop().apiKey(), null);
        var again = api.post(upsell(order, flow.bonus(), "accept"), flow.shop().apiKey(), null);

        assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
        assertThat(accepted.json().get("total").asLong()).isEqualTo(4900 + 2900);
        assertThat(accepted.json().get("items")).hasSize(2);
        assertThat(declined.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(409);
        var types = shops.types(flow.shop(), customer);
        assertThat(types.subList(types.indexOf("order.created") + 1, types.size())).containsExactly(
            "payment.succeeded", "checkout.upsell_purchased", "upsell.purchased", "product.purchased",
            "payment.succeeded",
            "checkout.flow_completed");
        assertThat(ledger.successfulCharges(flow.shop().accountId())).isEqualTo(2);
    }

    /**
     * An accept cut off after its charge (the node died at the gateway's answer) whose buyer never retried: the money
     * was taken and nothing booked it. The billing clock now settles it from the gateway's word ten minutes on.
     */
    @Test
    void anAcceptCutOffAfterItsChargeIsBookedByTheBillingClockWithoutARetry() {
        var flow = flow();
        var order = buy(flow);
        String customer = order.get("customer_id").asString();
        faults.afterNextCharge(flow.shop().accountId(), new IllegalStateException("connection reset after the charge"));

        var cutOff = api.post(upsell(order, flow.bonus(), "accept"), flow.shop().apiKey(), null);
        assertThat(cutOff.status()).as(cutOff.text()).isEqualTo(500);
        assertThat(ledger.successfulCharges(flow.shop().accountId())).isEqualTo(2);
        assertThat(orderOf(flow, order).get("items")).hasSize(1);

        assertThat(shops.advance(flow.shop(), "PT11M").status()).isEqualTo(200);

        var settled = orderOf(flow, order);
        assertThat(settled.get("items")).hasSize(2);
        assertThat(settled.get("total").asLong()).isEqualTo(4900 + 2900);
        assertThat(shops.types(flow.shop(), customer)).contains("upsell.purchased");
        assertThat(ledger.successfulCharges(flow.shop().accountId())).isEqualTo(2);
        // Booked once: a late retry of the accept finds it bought.
        var again = api.post(upsell(order, flow.bonus(), "accept"), flow.shop().apiKey(), null);
        assertThat(again.status()).as(again.text()).isEqualTo(409);
        assertThat(api.get("/api/v1/payments?customer_id=" + customer, flow.shop().apiKey()).json().get("data"))
            .hasSize(2);
    }

    /** An accept cut off before its charge reached the gateway: the clock lets the offer go, nothing charged. */
    @Test
    void anAcceptCutOffBeforeItsChargeLeavesTheOfferOpenOnceItsHoldIsSettled() {
        var flow = flow();
        var order = buy(flow);
        // What a node that died between claiming the offer and asking the gateway leaves behind.
        String key = "order:" + order.get("id").asString() + ":upsell:" + flow.bonus() + ":attempt:1";
        Instant now = Instant.parse(api.get("/api/v1/test_clock", flow.shop().apiKey()).json().get("now")
            .asString());
        db.sql("""
            UPDATE order_upsells SET charging_key = :key, charging_until = :until
             WHERE order_id = :orderId AND upsell_id = :upsellId
            """)
            .param("key", key)
            .param("until", java.sql.Timestamp.from(now.plus(java.time.Duration.ofMinutes(5))))
            .param("orderId", order.get("id").asString())
            .param("upsellId", flow.bonus())
            .update();
        jobs.schedule(flow.shop().accountId(), BillingJobs.Kind.UPSELL_SETTLEMENT, key, now.plus(java.time.Duration
            .ofMinutes(10)));
        var held = api.post(upsell(order, flow.bonus(), "decline"), flow.shop().apiKey(), null);
        assertThat(held.status()).as(held.text()).isEqualTo(409);

        assertThat(shops.advance(flow.shop(), "PT11M").status()).isEqualTo(200);

        assertThat(ledger.successfulCharges(flow.shop().accountId())).isEqualTo(1);
        assertThat(db.sql("SELECT charging_key FROM order_upsells WHERE order_id = :orderId AND upsell_id = :id")
            .param("orderId", order.get("id").asString())
            .param("id", flow.bonus())
            .query(String.class)
            .optional()).isEmpty();
        var declined = api.post(upsell(order, flow.bonus(), "decline"), flow.shop().apiKey(), null);
        assertThat(declined.status()).as(declined.text()).isEqualTo(200);
    }

    private JsonNode orderOf(Flow flow, JsonNode order) {
        return api.get("/api/v1/orders/" + order.get("id").asString(), flow.shop().apiKey()).json();
    }

    /**
     * A probe sent accept and decline at once: the decline answered while the accept's charge was at the gateway, and
     * the charge was then left off the order (money taken, nothing recorded). Now the decline waits for that charge.
     */
    @Test
    void aDeclineSentWhileTheAcceptsChargeIsAtTheGatewayIsRefusedAndTheChargeIsBooked() throws Exception {
        var flow = flow();
        var order = buy(flow);
        var hold = faults.holdNextCharge(flow.shop().accountId());

        var accepting = CompletableFuture.supplyAsync(() -> api.post(upsell(order, flow.bonus(), "accept"),
            flow.shop().apiKey(), null));
        hold.awaitEntered();
        var declined = api.post(upsell(order, flow.bonus(), "decline"), flow.shop().apiKey(), null);
        hold.release();
        var accepted = accepting.get(30, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(declined.status()).as(declined.text()).isEqualTo(409);
        assertThat(declined.json().get("code").asString()).isEqualTo("charge_in_progress");
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
        assertThat(accepted.json().get("total").asLong()).isEqualTo(4900 + 2900);
        assertThat(ledger.successfulCharges(flow.shop().accountId())).isEqualTo(2);
        var again = api.post(upsell(order, flow.bonus(), "decline"), flow.shop().apiKey(), null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("code").asString()).isNotEqualTo("charge_in_progress");
    }

    @Test
    void anUpsellWhoseChargeWasDeclinedCanStillBeDeclined() {
        var flow = flow();
        var order = buy(flow);
        // The order's card fails from now on (as if the buyer's bank started refusing it).
        db.sql("UPDATE cards SET gateway_reference = replace(gateway_reference, 'pm_card_visa', "
            + "'pm_card_chargeCustomerFail') WHERE account_id = :a")
            .param("a", flow.shop().accountId())
            .update();

        var failed = api.post(upsell(order, flow.bonus(), "accept"), flow.shop().apiKey(), null);
        var declined = api.post(upsell(order, flow.bonus(), "decline"), flow.shop().apiKey(), null);

        assertThat(failed.status()).as(failed.text()).isEqualTo(402);
        assertThat(declined.status()).as(declined.text()).isEqualTo(200);
    }

    @Test
    void startsASubscriptionSoldAsAnUpsell() {
        var flow = flow();
        var order = buy(flow);

        var accepted = api.post(upsell(order, flow.membership(), "accept"), flow.shop().apiKey(), null).json();

        assertThat(accepted.get("subscription_id").isNull()).isFalse();
        // The order's line says what was bought, product and option, not the offer's headline.
        assertThat(accepted.get("items").get(1).get("name").asString()).isEqualTo("Membership — Monthly");
        var upsellEvent = shops.events(flow.shop(), order.get("customer_id").asString()).stream()
            .filter(event -> event.get("type").asString().equals("upsell.purchased")).findFirst().orElseThrow();
        assertThat(upsellEvent.get("data").get("upsell").get("id").asString()).isEqualTo(flow.membership());
        assertThat(upsellEvent.get("data").get("checkout").get("id").asString()).isEqualTo(flow.checkoutId());
    }

    /**
     * A reviewer's: the last two offers declined at once ("No thanks to all", two tabs) each counted the other as still
     * unanswered, and the flow completed only when its two-hour timer ran. Answers of one order are counted one after
     * the other: every order's flow completes at the second answer.
     */
    @Test
    void theLastTwoOffersDeclinedAtOnceCompleteTheFlowAtOnce() throws Exception {
        var flow = flow();
        var orders = new java.util.ArrayList<JsonNode>();
        for (int i = 0; i < 8; i++) {
            orders.add(buy(flow));
        }

        for (JsonNode order : orders) {
            var start = new java.util.concurrent.CountDownLatch(1);
            var answers = java.util.stream.Stream.of(flow.bonus(), flow.membership())
                .map(upsell -> java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return api.post(upsell(order, upsell, "decline"), flow.shop().apiKey(), null);
                }))
                .toList();
            start.countDown();
            for (var answer : answers) {
                var declined = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(declined.status()).as(declined.text()).isEqualTo(200);
            }
        }

        for (JsonNode order : orders) {
            assertThat(db.sql("SELECT count(*) FROM events WHERE account_id = :account AND type = "
                + "'checkout.flow_completed' AND data -> 'order' ->> 'id' = :order")
                .param("account", flow.shop().accountId())
                .param("order", order.get("id").asString())
                .query(Long.class)
                .single()).as(order.get("id").asString()).isEqualTo(1);
        }
    }

    @Test
    void completesTheFlowAfterTwoHoursOfSilenceOnce() {
        var flow = flow();
        var order = buy(flow);
        String customer = order.get("customer_id").asString();

        shops.advance(flow.shop(), "PT2H");
        api.post(upsell(order, flow.bonus(), "decline"), flow.shop().apiKey(), null);
        api.post(upsell(order, flow.membership(), "decline"), flow.shop().apiKey(), null);

        assertThat(shops.types(flow.shop(), customer)).filteredOn(type -> type.equals("checkout.flow_completed"))
            .hasSize(1);
    }

    /**
     * An accept whose charge was made at the gateway, its answer on its way back as the two hours end: the flow
     * completes once that charge is booked, and its checkout.flow_completed tells of the upsell bought. The timer
     * expired the offer under the charge and completed the flow without it; the charge was booked after, so automations
     * on the flow's end never heard of it.
     */
    @Test
    void anAcceptWhoseChargeIsAtTheGatewayAsTheTwoHoursEndCompletesTheFlowOnceBooked() throws Exception {
        var flow = flow();
        var order = buy(flow);
        String customer = order.get("customer_id").asString();
        shops.advance(flow.shop(), "PT1H59M");
        var hold = faults.holdAnswerOfNextCharge(flow.shop().accountId());

        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var accepting = threads.submit(() -> api.post(upsell(order, flow.bonus(), "accept"), flow.shop().apiKey(),
                null));
            hold.awaitEntered();
            shops.advance(flow.shop(), "PT2M");
            assertThat(shops.types(flow.shop(), customer)).as("not while the bonus is being bought")
                .doesNotContain("checkout.flow_completed");
            hold.release();
            var accepted = accepting.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
        }

        var completed = shops.events(flow.shop(), customer).stream()
            .filter(event -> event.get("type").asString().equals("checkout.flow_completed"))
            .toList();
        assertThat(completed).hasSize(1);
        assertThat(completed.getFirst().get("data").get("order").get("items")).hasSize(2);
        assertThat(db.sql("SELECT status FROM order_upsells WHERE order_id = :o ORDER BY status")
            .param("o", order.get("id").asString())
            .query(String.class)
            .list()).containsExactly("accepted", "expired");
    }

    @Test
    void chargesOnceForADoubleClick() throws Exception {
        var flow = flow();
        var order = buy(flow);

        try (var pool = Executors.newFixedThreadPool(2)) {
            var first = CompletableFuture.supplyAsync(
                () -> api.post(upsell(order, flow.bonus(), "accept"), flow.shop().apiKey(), null), pool);
            var second = CompletableFuture.supplyAsync(
                () -> api.post(upsell(order, flow.bonus(), "accept"), flow.shop().apiKey(), null), pool);
            first.join();
            second.join();
        }

        assertThat(ledger.successfulCharges(flow.shop().accountId())).isEqualTo(2);
        assertThat(api.get("/api/v1/orders/" + order.get("id").asString(), flow.shop().apiKey()).json().get("items"))
            .hasSize(2);
    }

    @Test
    void hidesAnotherAccountsOrders() {
        var flow = flow();
        var order = buy(flow);
        var stranger = accounts.create();

        assertThat(api.post(upsell(order, flow.bonus(), "accept"), stranger.apiKey(), null).status()).isEqualTo(404);
        assertThat(ledger.charges(flow.shop().accountId())).isEqualTo(1);
    }

    @Test
    void refusesACheckoutWhoseUpsellOrAddonIsPricedInACurrencyTheProductIsNotSoldIn() {
        var flow = flow();
        String course = api.get("/api/v1/checkouts/" + flow.checkoutId(), flow.shop().apiKey()).json()
            .get("product_id").asString();

        var refused = api.post("/api/v1/checkouts", flow.shop().apiKey(), """
            {"name": "Course", "product_id": "%s", "addons": [{"name": "Guide", "amount": 900, "currency": "JPY"}],
             "upsells": [{"name": "Yen pack", "option_id": "%s"}]}""".formatted(course, yenOption(flow)));

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().get("errors").toString())
            .contains("{\"field\":\"addons[0].currency\",\"code\":\"currency_mismatch\","
                + "\"message\":\"is priced in jpy, the product in usd\"}")
            .contains("{\"field\":\"upsells[0].option_id\",\"code\":\"currency_mismatch\","
                + "\"message\":\"is priced in jpy, the product in usd\"}");
    }

    @Test
    void acceptsAnUpsellInAnyCurrencyTheProductIsSoldIn() {
        var flow = flow();
        var product = api.post("/api/v1/products", flow.shop().apiKey(), """
            {"name": "Course", "options": [{"name": "USD", "kind": "one_time", "amount": 4900, "currency": "usd"},
              {"name": "JPY", "kind": "one_time", "amount": 5000, "currency": "jpy"}]}""").json();

        var created = api.post("/api/v1/checkouts", flow.shop().apiKey(), """
            {"name": "Course", "product_id": "%s", "addons": [{"name": "Guide", "amount": 900, "currency": "jpy"}],
             "upsells": [{"name": "Yen pack", "option_id": "%s"}]}"""
            .formatted(product.get("id").asString(), yenOption(flow)));

        assertThat(created.status()).as(created.text()).isEqualTo(201);
    }

    /**
     * A product sold in dollars and in yen, whose checkout upsells a yen pack: a buyer paying in dollars is offered
     * nothing they could not buy, and their flow completes with the purchase; one paying in yen is offered the pack.
     */
    @Test
    void offersOnlyTheUpsellsSoldInTheOrdersCurrency() {
        var flow = flow();
        var product = api.post("/api/v1/products", flow.shop().apiKey(), """
            {"name": "Course", "options": [{"name": "USD", "kind": "one_time", "amount": 4900, "currency": "usd"},
              {"name": "JPY", "kind": "one_time", "amount": 5000, "currency": "jpy"}]}""").json();
        String yenPack = yenOption(flow);
        var checkout = api.post("/api/v1/checkouts", flow.shop().apiKey(), """
            {"name": "Course", "product_id": "%s", "upsells": [{"name": "Yen pack", "option_id": "%s"}]}"""
            .formatted(product.get("id").asString(), yenPack)).json();
        String checkoutId = checkout.get("id").asString();
        String upsellId = checkout.get("upsells").get(0).get("id").asString();

        var inDollars = buyAt(flow, checkoutId, product.get("options").get(0).get("id").asString(), "ada@example.com");
        var inYen = buyAt(flow, checkoutId, product.get("options").get(1).get("id").asString(), "bea@example.com");

        assertThat(shops.types(flow.shop(), inDollars.get("customer_id").asString()))
            .as("nothing to answer: the flow completes with the purchase").contains("checkout.flow_completed");
        var refused = api.post(upsell(inDollars, upsellId, "accept"), flow.shop().apiKey(), null);
        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.json().get("detail").asString()).contains("is priced in jpy, the order in usd",
            "not offered on this order");
        assertThat(shops.types(flow.shop(), inYen.get("customer_id").asString()))
            .doesNotContain("checkout.flow_completed");
        var accepted = api.post(upsell(inYen, upsellId, "accept"), flow.shop().apiKey(), null);
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
        assertThat(shops.types(flow.shop(), inYen.get("customer_id").asString())).contains("checkout.flow_completed");
    }

    @Test
    void refusesToChargeAnUpsellPricedInAnotherCurrencyThanTheOrder() {
        var flow = flow();
        // A checkout saved before checkouts refused this: its bonus pack now sells a yen option.
        db.sql("UPDATE checkout_upsells SET option_id = :option WHERE id = :id")
            .param("option", yenOption(flow))
            .param("id", flow.bonus())
            .update();
        var order = buy(flow);

        var refused = api.post(upsell(order, flow.bonus(), "accept"), flow.shop().apiKey(), null);

        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.json().get("code").asString()).isEqualTo("currency_mismatch");
        assertThat(refused.json().get("detail").asString()).contains("is priced in jpy, the order in usd");
        assertThat(ledger.charges(flow.shop().accountId())).isEqualTo(1);
        var unchanged = api.get("/api/v1/orders/" + order.get("id").asString(), flow.shop().apiKey()).json();
        assertThat(unchanged.get("total").asLong()).isEqualTo(4900);
        assertThat(unchanged.get("items")).hasSize(1);
    }

    /**
     * An offer's two hours end when they end, whether or not the billing clock has run the timer yet (a backlog of due
     * work, a node restarting): an accept after them is refused as expired, and nothing is charged. It once went
     * through until the timer ran, minutes or more later.
     */
    @Test
    void anAcceptAfterTheOffersWindowIsRefusedEvenBeforeTheTimerRuns() {
        var flow = flow();
        var order = buy(flow);
        clock.advance(java.time.Duration.ofHours(2).plusMinutes(20));

        var accepted = api.post(upsell(order, flow.bonus(), "accept"), flow.shop().apiKey(), null);

        assertThat(accepted.status()).as(accepted.text()).isEqualTo(409);
        assertThat(accepted.json().get("detail").asString()).contains("expired when the checkout flow completed");
        assertThat(ledger.charges(flow.shop().accountId())).isEqualTo(1);
    }

    @Test
    void expiresTheUnansweredUpsellsWhenTheFlowCompletes() {
        var flow = flow();
        var order = buy(flow);

        shops.advance(flow.shop(), "PT3H");
        var accepted = api.post(upsell(order, flow.bonus(), "accept"), flow.shop().apiKey(), null);
        var declined = api.post(upsell(order, flow.membership(), "decline"), flow.shop().apiKey(), null);

        assertThat(accepted.status()).as(accepted.text()).isEqualTo(409);
        assertThat(accepted.json().get("code").asString()).isEqualTo("invalid_state");
        assertThat(accepted.json().get("detail").asString()).contains("expired when the checkout flow completed");
        assertThat(declined.status()).as(declined.text()).isEqualTo(409);
        assertThat(ledger.charges(flow.shop().accountId())).isEqualTo(1);
        assertThat(api.get("/api/v1/orders/" + order.get("id").asString(), flow.shop().apiKey()).json().get("items"))
            .hasSize(1);
    }

    @Test
    void linksTheFirstPaymentOfASubscriptionOrPaymentPlanSoldAsAnUpsell() {
        var flow = flow();
        String course = api.get("/api/v1/checkouts/" + flow.checkoutId(), flow.shop().apiKey()).json()
            .get("product_id").asString();
        var checkout = api.post("/api/v1/checkouts", flow.shop().apiKey(), """
            {"name": "Course", "product_id": "%s", "upsells": [{"name": "Membership", "option_id": "%s"},
              {"name": "Membership in 3", "option_id": "%s"}]}"""
            .formatted(course, flow.shop().monthly(), flow.shop().plan())).json();
        var withPlan = new Flow(flow.shop(), checkout.get("id").asString(), checkout.get("upsells").get(0).get("id")
            .asString(), checkout.get("upsells").get(1).get("id").asString());
        var order = buy(withPlan);

        var monthly = api.post(upsell(order, withPlan.bonus(), "accept"), flow.shop().apiKey(), null).json();
        String monthlyPayment = newestPayment(flow, order);
        var plan = api.post(upsell(order, withPlan.membership(), "accept"), flow.shop().apiKey(), null).json();
        String planPayment = newestPayment(flow, order);

        var first = api.get("/api/v1/payments/" + monthlyPayment, flow.shop().apiKey()).json();
        assertThat(first.get("amount").asLong()).isEqualTo(1900);
        assertThat(first.get("subscription_id").asString()).isEqualTo(monthly.get("subscription_id").asString());
        var installment = api.get("/api/v1/payments/" + planPayment, flow.shop().apiKey()).json();
        assertThat(installment.get("amount").asLong()).isEqualTo(10000);
        assertThat(installment.get("payment_plan_id").asString()).isEqualTo(plan.get("payment_plan_id").asString());
        var refund = api.post("/api/v1/refunds", flow.shop().apiKey(), "{\"payment_id\": \"" + monthlyPayment + "\"}");
        assertThat(refund.status()).as(refund.text()).isEqualTo(201);
        assertThat(shops.types(flow.shop(), order.get("customer_id").asString()))
            .contains("subscription.payment_refunded");
    }

    @Test
    void refusesAnUpsellOnAnOrderThatWasNotPaid() {
        var flow = flow();
        var checkout = api.get("/api/v1/checkouts/" + flow.checkoutId(), flow.shop().apiKey()).json();
        String option = api.get("/api/v1/products/" + checkout.get("product_id").asString(), flow.shop().apiKey())
            .json().get("options").get(0).get("id").asString();
        var declined = api.post("/api/v1/checkouts/" + flow.checkoutId() + "/purchases", flow.shop().apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_chargeCustomerFail",
             "option_id": "%s"}""".formatted(option));
        assertThat(declined.status()).isEqualTo(402);
        var order = api.get("/api/v1/orders", flow.shop().apiKey()).json().get("data").get(0);

        var refused = api.post(upsell(order, flow.bonus(), "accept"), flow.shop().apiKey(), null);

        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.json().get("code").asString()).isEqualTo("invalid_state");
        assertThat(refused.json().get("detail").asString()).contains("was not paid");
        assertThat(ledger.successfulCharges(flow.shop().accountId())).isZero();
    }

    private String yenOption(Flow flow) {
        return api.post("/api/v1/products", flow.shop().apiKey(), """
            {"name": "Yen pack", "options": [{"name": "Once", "kind": "one_time", "amount": 1000, "currency": "jpy"}]}
            """).json().get("options").get(0).get("id").asString();
    }

    /** The id of the order's customer's newest payment. */
    private String newestPayment(Flow flow, JsonNode order) {
        return api.get("/api/v1/payments?customer_id=" + order.get("customer_id").asString(), flow.shop().apiKey())
            .json().get("data").get(0).get("id").asString();
    }

    private Flow flow() {
        var store = shops.openWithUpsells();
        return new Flow(store.shop(), store.checkoutId(), store.bonus(), store.membership());
    }

    private JsonNode buy(Flow flow) {
        var checkout = api.get("/api/v1/checkouts/" + flow.checkoutId(), flow.shop().apiKey()).json();
        String option = api.get("/api/v1/products/" + checkout.get("product_id").asString(), flow.shop().apiKey())
            .json().get("options").get(0).get("id").asString();
        var response = api.post("/api/v1/checkouts/" + flow.checkoutId() + "/purchases", flow.shop().apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(option));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    private JsonNode buyAt(Flow flow, String checkoutId, String optionId, String email) {
        var response = api.post("/api/v1/checkouts/" + checkoutId + "/purchases", flow.shop().apiKey(), """
            {"customer": {"name": "Buyer", "email": "%s"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(email, optionId));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    private static String upsell(JsonNode order, String upsellId, String answer) {
        return "/api/v1/orders/" + order.get("id").asString() + "/upsells/" + upsellId + "/" + answer;
    }
}
