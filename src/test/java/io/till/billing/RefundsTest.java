package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.testing.Api;
import io.till.testing.GatewayFaults;
import io.till.testing.Shops;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

@TillIntegrationTest
class RefundsTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;
    @Autowired
    GatewayFaults faults;

    @Test
    void refundsAPaymentInFullAndRaisesTheRefundEvents() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String payment = order.get("payment_id").asString();

        var refund = api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"" + payment + "\"}");

        assertThat(refund.status()).as(refund.text()).isEqualTo(201);
        assertThat(refund.json().get("amount").asLong()).isEqualTo(1900);
        assertThat(refund.json().get("status").asString()).isEqualTo("succeeded");
        var refunded = api.get("/api/v1/payments/" + payment, shop.apiKey()).json();
        assertThat(refunded.get("status").asString()).isEqualTo("refunded");
        assertThat(refunded.get("amount_refunded").asLong()).isEqualTo(1900);
        assertThat(shops.typesAfterPurchase(shop, order.get("customer_id").asString()))
            .containsExactly("payment.refunded", "subscription.payment_refunded");
        assertThat(sandboxRefunds(shop.accountId())).isEqualTo(1900);
    }

    /** An integrating developer can find every refund, as every other record: a list, newest first, with filters. */
    @Test
    void refundsAreListedNewestFirstByPaymentCustomerAndStatus() {
        var shop = shops.open();
        var plan = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        var monthly = shops.buy(shop, shop.monthly(), "pm_card_visa", "grace@example.com");
        String first = refund(shop.apiKey(), plan.get("payment_id").asString(), 1000).json().get("id").asString();
        String second = refund(shop.apiKey(), plan.get("payment_id").asString(), 2000).json().get("id").asString();
        String third = refund(shop.apiKey(), monthly.get("payment_id").asString(), 500).json().get("id").asString();

        assertThat(ids(api.get("/api/v1/refunds", shop.apiKey()))).containsExactly(third, second, first);
        assertThat(ids(api.get("/api/v1/refunds?payment_id=" + plan.get("payment_id").asString(), shop.apiKey())))
            .containsExactly(second, first);
        assertThat(ids(api.get("/api/v1/refunds?customer_id=" + monthly.get("customer_id").asString(), shop
            .apiKey()))).containsExactly(third);
        assertThat(ids(api.get("/api/v1/refunds?status=failed", shop.apiKey()))).isEmpty();
        var page = api.get("/api/v1/refunds?limit=2", shop.apiKey()).json();
        assertThat(page.get("has_more").asBoolean()).isTrue();
        assertThat(ids(api.get("/api/v1/refunds?limit=2&cursor=" + page.get("next_cursor").asString(), shop
            .apiKey()))).containsExactly(first);
        var refused = api.get("/api/v1/refunds?payment_id=nope&status=gone", shop.apiKey());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("errors").findValuesAsString("field")).containsExactlyInAnyOrder("payment_id",
            "status");
        assertThat(ids(api.get("/api/v1/refunds", accounts.create().apiKey()))).as("another account's").isEmpty();
    }

    private static java.util.List<String> ids(Api.Response list) {
        assertThat(list.status()).as(list.text()).isEqualTo(200);
        var ids = new ArrayList<String>();
        list.json().get("data").forEach(refund -> ids.add(refund.get("id").asString()));
        return ids;
    }

    @Test
    void refundsInPartsButNeverMoreThanWasPaid() {
        var shop = shops.open();
        String payment = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com").get("payment_id").asString();

        var first = refund(shop.apiKey(), payment, 4000);
        var second = refund(shop.apiKey(), payment, 4000);
        var tooMuch = refund(shop.apiKey(), payment, 2001);

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(201);
        assertThat(tooMuch.status()).isEqualTo(400);
        assertThat(tooMuch.json().get("errors").get(0).get("message").asString())
            .isEqualTo("is more than the $20.00 left to refund of this payment");
        var after = api.get("/api/v1/payments/" + payment, shop.apiKey()).json();
        assertThat(after.get("amount_refunded").asLong()).isEqualTo(8000);
        assertThat(after.get("status").asString()).isEqualTo("succeeded");
        assertThat(sandboxRefunds(shop.accountId())).isEqualTo(8000);
    }

    @Test
    void anOrderSaysHowMuchWentBackAndIsRefundedOnceAllOfItDid() {
        var shop = shops.open();
        var bought = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String order = bought.get("id").asString();
        String payment = bought.get("payment_id").asString();

        refund(shop.apiKey(), payment, 4000);
        var partly = api.get("/api/v1/orders/" + order, shop.apiKey()).json();
        assertThat(refund(shop.apiKey(), payment, null).status()).isEqualTo(201);
        var refunded = api.get("/api/v1/orders/" + order, shop.apiKey()).json();

        assertThat(partly.get("status").asString()).isEqualTo("paid");
        assertThat(partly.get("amount_refunded").asLong()).isEqualTo(4000);
        assertThat(refunded.get("status").asString()).isEqualTo("refunded");
        assertThat(refunded.get("amount_refunded").asLong()).isEqualTo(refunded.get("total").asLong());
        assertThat(orderIds(shop, "refunded")).containsExactly(order);
        assertThat(orderIds(shop, "paid")).isEmpty();
    }

    @Test
    void aRefundTheGatewayDeclinesLeavesTheOrderPaidWithNothingRefunded() {
        var shop = shops.open();
        var bought = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        faults.afterNextRefund(shop.accountId(), new TillException(ErrorCode.REFUND_DECLINED,
            "The payment gateway declined the refund (charge_disputed); nothing was given back."));

        var declined = refund(shop.apiKey(), bought.get("payment_id").asString(), null);

        assertThat(declined.status()).isNotEqualTo(201);
        var order = api.get("/api/v1/orders/" + bought.get("id").asString(), shop.apiKey()).json();
        assertThat(order.get("status").asString()).isEqualTo("paid");
        assertThat(order.get("amount_refunded").asLong()).isZero();
    }

    /**
     * Only refunds give an order's money back. A credit note is written on a paid invoice, and invoices bill the
     * periods and installments after the one the order paid (PRODUCT.md §2): a renewal credited back in full leaves the
     * order that started the subscription paid with nothing refunded, and its own payment refundable in full.
     */
    @Test
    void aCreditNoteOnARenewalGivesNothingOfTheOrderBackSoOnlyItsRefundMakesItRefunded() {
        var shop = shops.open();
        var bought = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String order = bought.get("id").asString();
        shops.advance(shop, "P32D");
        var renewal = api.get("/api/v1/invoices?customer_id=" + bought.get("customer_id").asString(), shop.apiKey())
            .json().get("data").get(0);
        assertThat(renewal.get("status").asString()).isEqualTo("paid");

        var note = api.post("/api/v1/invoices/" + renewal.get("id").asString() + "/credit_note", shop.apiKey(),
            "{\"amount\": " + renewal.get("amount_due").asLong() + "}");

        assertThat(note.status()).as(note.text()).isEqualTo(201);
        var noted = api.get("/api/v1/orders/" + order, shop.apiKey()).json();
        assertThat(noted.get("status").asString()).isEqualTo("paid");
        assertThat(noted.get("amount_refunded").asLong()).isZero();
        assertThat(orderIds(shop, "refunded")).isEmpty();

        var refund = refund(shop.apiKey(), bought.get("payment_id").asString(), null);

        assertThat(refund.status()).as(refund.text()).isEqualTo(201);
        assertThat(refund.json().get("amount").asLong()).isEqualTo(noted.get("total").asLong());
        var refunded = api.get("/api/v1/orders/" + order, shop.apiKey()).json();
        assertThat(refunded.get("status").asString()).isEqualTo("refunded");
        assertThat(orderIds(shop, "refunded")).containsExactly(order);
    }

    private java.util.List<String> orderIds(Shops.Shop shop, String status) {
        var listed = api.get("/api/v1/orders?status=" + status, shop.apiKey());
        assertThat(listed.status()).as(listed.text()).isEqualTo(200);
        var ids = new ArrayList<String>();
        listed.json().get("data").forEach(o -> ids.add(o.get("id").asString()));
        return ids;
    }

    @Test
    void givesBackAtMostThePaymentWhenRefundsRace() throws Exception {
        var shop = shops.open();
        String payment = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com").get("payment_id")
            .asString();
        var start = new CountDownLatch(1);
        var results = new ArrayList<CompletableFuture<Api.Response>>();
        try (var pool = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 4; i++) {
                results.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return refund(shop.apiKey(), payment, 1000);
                }, pool));
            }
            start.countDown();
        }

        long succeeded = results.stream().map(CompletableFuture::join).filter(r -> r.status() == 201).count();
        assertThat(succeeded).isEqualTo(1);
        assertThat(sandboxRefunds(shop.accountId())).isEqualTo(1000);
    }

    @Test
    void refusesToRefundAFailedPaymentOrAForeignOne() {
        var shop = shops.open();
        var declined = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_chargeCustomerFail",
             "option_id": "%s"}""".formatted(shop.monthly()));
        assertThat(declined.status()).isEqualTo(402);
        String failedPayment = api.get("/api/v1/payments", shop.apiKey()).json().get("data").get(0).get("id")
            .asString();
        var stranger = accounts.create();

        var refused = refund(shop.apiKey(), failedPayment, null);
        var foreign = refund(stranger.apiKey(), failedPayment, null);
        var negative = refund(shop.apiKey(), failedPayment, -5L);

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("code").asString()).isEqualTo("invalid_state");
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(negative.status()).isEqualTo(400);
    }

    @Test
    void simulatesADisputeThatBlocksRefunds() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String payment = order.get("payment_id").asString();

        var disputed = api.post("/api/v1/payments/" + payment + "/dispute", shop.apiKey(), null);
        var refund = refund(shop.apiKey(), payment, null);

        assertThat(disputed.json().get("status").asString()).isEqualTo("disputed");
        assertThat(refund.status()).isEqualTo(409);
        assertThat(shops.typesAfterPurchase(shop, order.get("customer_id").asString()))
            .containsExactly("payment.disputed");
    }

    private Api.Response refund(String apiKey, String payment, Number amount) {
        return api.post("/api/v1/refunds", apiKey, "{\"payment_id\": \"" + payment + "\""
            + (amount == null ? "" : ", \"amount\": " + amount) + "}");
    }

    /**
     * While a refund whose answer was lost waits, another refund of the payment (a new key: staff pressing Refund
     * again on a fresh page, a client that gave up on the first) is refused, naming the one that waits: the first may
     * have given the money back already, and the second would give it twice. The first's own request finishes it.
     */
    @Test
    void anotherRefundWaitsForOneWhoseAnswerWasLost() {
        var shop = shops.open();
        String payment = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com").get("payment_id").asString();
        String key = UUID.randomUUID().toString();
        String body = "{\"payment_id\": \"" + payment + "\", \"amount\": 1000}";
        faults.afterNextRefund(shop.accountId(), new TillException(ErrorCode.GATEWAY_UNAVAILABLE,
            "The payment gateway did not answer."));
        var lost = api.post("/api/v1/refunds", shop.apiKey(), body, "Idempotency-Key", key);

        var again = api.post("/api/v1/refunds", shop.apiKey(), body, "Idempotency-Key", UUID.randomUUID().toString());
        var finished = api.post("/api/v1/refunds", shop.apiKey(), body, "Idempotency-Key", key);
        var more = api.post("/api/v1/refunds", shop.apiKey(), body, "Idempotency-Key", UUID.randomUUID().toString());

        assertThat(lost.status()).isEqualTo(502);
        assertThat(again.status()).as(again.text()).isEqualTo(409);
        assertThat(again.json().get("detail").asString()).contains("waiting for the payment processor's answer");
        assertThat(finished.status()).as(finished.text()).isEqualTo(201);
        assertThat(more.status()).as("once settled, more may be refunded").isEqualTo(201);
        assertThat(sandboxRefunds(shop.accountId())).isEqualTo(2000);
    }

    @Test
    void aRefundWhoseAnswerWasLostIsFinishedOnceWhenRetried() {
        var shop = shops.open();
        String payment = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com").get("payment_id").asString();
        String key = UUID.randomUUID().toString();
        String body = "{\"payment_id\": \"" + payment + "\", \"amount\": 1000}";
        faults.afterNextRefund(shop.accountId(), new TillException(ErrorCode.GATEWAY_UNAVAILABLE,
            "The payment gateway did not answer."));

        var lost = api.post("/api/v1/refunds", shop.apiKey(), body, "Idempotency-Key", key);
        var retried = api.post("/api/v1/refunds", shop.apiKey(), body, "Idempotency-Key", key);

        assertThat(lost.status()).isEqualTo(502);
        assertThat(retried.status()).as(retried.text()).isEqualTo(201);
        assertThat(retried.json().get("status").asString()).isEqualTo("succeeded");
        assertThat(retried.json().get("amount").asLong()).isEqualTo(1000);
        assertThat(sandboxRefunds(shop.accountId())).isEqualTo(1000);
        assertThat(api.get("/api/v1/payments/" + payment, shop.apiKey()).json().get("amount_refunded").asLong())
            .isEqualTo(1000);
    }

    @Test
    void aRefundWhoseAnswerWasLostIsSettledByTheBillingClockFromWhatTheGatewayDid() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String payment = order.get("payment_id").asString();
        faults.afterNextRefund(shop.accountId(), new TillException(ErrorCode.GATEWAY_UNAVAILABLE,
            "The payment gateway did not answer."));

        var lost = refund(shop.apiKey(), payment, 1000);

        assertThat(lost.status()).isEqualTo(502);
        assertThat(refundStatuses(shop.accountId(), payment)).containsExactly("pending");
        shops.advance(shop, "PT11M");

        assertThat(refundStatuses(shop.accountId(), payment)).containsExactly("succeeded");
        assertThat(sandboxRefunds(shop.accountId())).isEqualTo(1000);
        assertThat(api.get("/api/v1/payments/" + payment, shop.apiKey()).json().get("amount_refunded").asLong())
            .isEqualTo(1000);
        assertThat(shops.typesAfterPurchase(shop, order.get("customer_id").asString()))
            .containsExactly("payment.refunded", "payment_plan.payment_refunded");
        shops.advance(shop, "P1D");
        assertThat(shops.typesAfterPurchase(shop, order.get("customer_id").asString()))
            .as("settled once").containsOnlyOnce("payment.refunded");
    }

    @Test
    void aRefundThatNeverReachedTheGatewayFailsAtSettlementAndItsAmountCanBeRefundedAgain() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String payment = order.get("payment_id").asString();
        faults.beforeNextRefund(shop.accountId(), new TillException(ErrorCode.GATEWAY_UNAVAILABLE,
            "The payment gateway did not answer."));

        assertThat(refund(shop.apiKey(), payment, null).status()).isEqualTo(502);
        assertThat(api.get("/api/v1/payments/" + payment, shop.apiKey()).json().get("status").asString())
            .as("reserved while nobody knows").isEqualTo("refunded");
        shops.advance(shop, "PT11M");

        assertThat(refundStatuses(shop.accountId(), payment)).containsExactly("failed");
        var freed = api.get("/api/v1/payments/" + payment, shop.apiKey()).json();
        assertThat(freed.get("status").asString()).isEqualTo("succeeded");
        assertThat(freed.get("amount_refunded").asLong()).isZero();
        assertThat(sandboxRefunds(shop.accountId())).isZero();
        assertThat(shops.typesAfterPurchase(shop, order.get("customer_id").asString())).isEmpty();

        var again = refund(shop.apiKey(), payment, null);
        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(sandboxRefunds(shop.accountId())).isEqualTo(1900);
    }

    @Test
    void aFaultAfterTheGatewayWasAskedLeavesTheRefundPendingForSettlementNotFailed() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String payment = order.get("payment_id").asString();
        faults.afterNextRefund(shop.accountId(), new IllegalStateException("the answer could not be read"));

        assertThat(refund(shop.apiKey(), payment, null).status()).isEqualTo(500);
        assertThat(refundStatuses(shop.accountId(), payment)).containsExactly("pending");
        shops.advance(shop, "PT11M");

        assertThat(refundStatuses(shop.accountId(), payment)).containsExactly("succeeded");
        assertThat(sandboxRefunds(shop.accountId())).isEqualTo(1900);
    }

    @Test
    void aRetryThatAsksTheGatewayAgainPutsOffTheSettlementUntilThatAskIsAsOld() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String payment = order.get("payment_id").asString();
        String key = UUID.randomUUID().toString();
        String body = "{\"payment_id\": \"" + payment + "\", \"amount\": 1000}";
        var unanswered = new TillException(ErrorCode.GATEWAY_UNAVAILABLE, "The payment gateway did not answer.");
        faults.beforeNextRefund(shop.accountId(), unanswered);
        assertThat(api.post("/api/v1/refunds", shop.apiKey(), body, "Idempotency-Key", key).status()).isEqualTo(502);
        shops.advance(shop, "PT9M");

        faults.beforeNextRefund(shop.accountId(), unanswered);
        assertThat(api.post("/api/v1/refunds", shop.apiKey(), body, "Idempotency-Key", key).status()).isEqualTo(502);
        shops.advance(shop, "PT2M");

        assertThat(refundStatuses(shop.accountId(), payment)).as("the first settlement waits for the retry's ask")
            .containsExactly("pending");
        shops.advance(shop, "PT9M");
        assertThat(refundStatuses(shop.accountId(), payment)).as("neither ask reached the gateway")
            .containsExactly("failed");
        assertThat(api.get("/api/v1/payments/" + payment, shop.apiKey()).json().get("amount_refunded").asLong())
            .isZero();
    }

    @Test
    void aRefundAnsweredInTimeIsLeftAloneBySettlement() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String payment = order.get("payment_id").asString();
        assertThat(refund(shop.apiKey(), payment, 500).status()).isEqualTo(201);

        shops.advance(shop, "PT11M");

        assertThat(refundStatuses(shop.accountId(), payment)).containsExactly("succeeded");
        assertThat(shops.typesAfterPurchase(shop, order.get("customer_id").asString()))
            .containsExactly("payment.refunded", "subscription.payment_refunded");
    }

    private java.util.List<String> refundStatuses(String accountId, String payment) {
        return db.sql("SELECT status FROM refunds WHERE account_id = :accountId AND payment_id = :payment "
            + "ORDER BY created_at, id")
            .param("accountId", accountId)
            .param("payment", payment)
            .query(String.class)
            .list();
    }

    private long sandboxRefunds(String accountId) {
        return db.sql("SELECT coalesce(sum(amount), 0) FROM sandbox_refunds WHERE account_id = :accountId")
            .param("accountId", accountId)
            .query(Long.class)
            .single();
    }
}
