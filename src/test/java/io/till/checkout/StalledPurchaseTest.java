package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.till.payment.SandboxLedger;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.testing.Api;
import io.till.testing.GatewayFaults;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A purchase whose request stalls (a long GC pause, a stopped process) past the moment its order is settled without
 * it, or past its Idempotency-Key's lease: the card is charged at most once, and money taken is always recorded.
 */
@TillIntegrationTest
class StalledPurchaseTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    Purchases purchases;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    GatewayFaults faults;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient db;

    @Test
    void aPurchaseThatStalledBeforeChargingUntilItsOrderWasGivenUpChargesNothing() {
        var shop = shops.open();
        var cut = purchases.cutAtCheckout(shop.accountId(), shop.checkoutId(), new PurchaseRequest(null,
            new PurchaseRequest.NewCustomer("Ada", "ada@example.com"), null, "pm_card_visa", shop.monthly(), List.of(),
            null, null));
        shops.advance(shop, "PT11M");
        assertThat(status(shop, cut.order().id())).as("nothing found at the gateway").isEqualTo("failed");

        assertThatThrownBy(() -> cut.goesOn().get()).isInstanceOfSatisfying(TillException.class,
            refused -> assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_STATE));

        assertThat(ledger.charges(shop.accountId())).isZero();
        assertThat(status(shop, cut.order().id())).isEqualTo("failed");
    }

    /**
     * A declined purchase takes the card it saved off the wallet again; one removed meanwhile (by the buyer, while the
     * charge was at the gateway) is already off it, and the decline is recorded all the same: the buyer is told so, the
     * order fails, and a failed payment is kept.
     */
    @Test
    void aDeclinedPurchaseWhoseNewCardWasRemovedWhileItWasChargedIsStillRecordedAsDeclined() {
        var shop = shops.open();
        var cut = purchases.cutAtCheckout(shop.accountId(), shop.checkoutId(), new PurchaseRequest(null,
            new PurchaseRequest.NewCustomer("Ada", "ada@example.com"), null, "pm_card_chargeCustomerFail",
            shop.monthly(), List.of(), null, null));
        String customerId = cut.order().customerId();
        String cardId = cut.order().cardId();
        assertThat(api.delete("/api/v1/customers/" + customerId + "/payment_methods/" + cardId, shop.apiKey())
            .status()).isEqualTo(204);

        assertThatThrownBy(() -> cut.goesOn().get()).isInstanceOf(OrderNotPaidException.class);

        assertThat(status(shop, cut.order().id())).isEqualTo("failed");
        assertThat(db.sql("SELECT count(*) FROM payments WHERE account_id = :a AND status = 'failed'")
            .param("a", shop.accountId()).query(Integer.class).single()).isEqualTo(1);
    }

    /**
     * A purchase that stalled on its way to the gateway (a long pause, a machine put to sleep) past the settlement that
     * gave its order up: its request is not sent, for the buyer may have bought again meanwhile.
     */
    @Test
    void aPurchaseThatStalledOnItsWayToTheGatewayUntilItsOrderWasGivenUpIsNotSent() throws Exception {
        var shop = shops.open();
        var hold = faults.holdNextCharge(shop.accountId());
        var buying = CompletableFuture.supplyAsync(() -> purchase(shop, UUID.randomUUID().toString(), null));
        hold.awaitEntered();
        shops.advance(shop, "PT11M");
        assertThat(statuses(shop)).as("nothing found at the gateway").containsExactly("failed");

        hold.release();
        var late = buying.get(30, TimeUnit.SECONDS);

        assertThat(late.status()).as(late.text()).isEqualTo(502);
        assertThat(late.json().get("detail").asString()).contains("not sent");
        assertThat(ledger.charges(shop.accountId())).isZero();
        assertThat(statuses(shop)).containsExactly("failed");
    }

    /**
     * The order was failed because the gateway's search knew no charge of it; the charge's answer then arrived. The
     * buyer paid for this order: it is paid after all, with what it starts, and the promo code's use it gave back is
     * counted again.
     */
    @Test
    void aChargeWhoseAnswerCameAfterItsOrderWasGivenUpPaysTheOrderAfterAll() throws Exception {
        var shop = shops.open();
        assertThat(api.post("/api/v1/promo_codes", shop.apiKey(), """
            {"code": "LATE", "percent_off": 10, "max_redemptions": 1}""").status()).isEqualTo(201);
        faults.searchLags(shop.accountId(), Duration.ofMinutes(2));
        var hold = faults.holdAnswerOfNextCharge(shop.accountId());
        var buying = CompletableFuture.supplyAsync(() -> purchase(shop, UUID.randomUUID().toString(), "LATE"));
        hold.awaitEntered();
        shops.advance(shop, "PT11M");
        assertThat(statuses(shop)).as("nothing found at the gateway").containsExactly("failed");
        assertThat(redeemed(shop)).isZero();

        hold.release();
        var bought = buying.get(30, TimeUnit.SECONDS);

        assertThat(bought.status()).as(bought.text()).isEqualTo(201);
        assertThat(bought.json().get("status").asString()).isEqualTo("paid");
        assertThat(bought.json().get("subscription_id").isNull()).isFalse();
        assertThat(statuses(shop)).containsExactly("paid");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
        assertThat(redeemed(shop)).isEqualTo(1);
        assertThat(shops.types(shop, bought.json().get("customer_id").asString()))
            .containsOnlyOnce("order.created", "payment.succeeded", "subscription.started");
    }

    /**
     * The first attempt is at the gateway's door when its Idempotency-Key's lease runs out and the client retries: the
     * retry is told to come again rather than taking the order for never charged and buying anew. The first, stalled
     * past the time its request may be sent, is not sent; the retry after it charges the card, once (its order the
     * buyer's one paid order, the first one failed, never charged).
     */
    @Test
    void aRetryWhileTheFirstAttemptIsOnItsWayToTheGatewayChargesTheCardOnce() throws Exception {
        var shop = shops.open();
        String key = UUID.randomUUID().toString();
        var race = retriedPastTheLease(shop, key, faults.holdNextCharge(shop.accountId()));
        var retried = race.retried();
        var answered = race.answered();

        assertThat(retried.status()).as(retried.text()).isEqualTo(409);
        assertThat(retried.json().get("code").asString()).isEqualTo("charge_in_progress");
        assertThat(answered.status()).as(answered.text()).isEqualTo(502);
        assertThat(ledger.charges(shop.accountId())).isZero();
        var again = purchase(shop, key, null);
        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(again.json().get("status").asString()).isEqualTo("paid");
        assertThat(purchase(shop, key, null).json().get("id")).isEqualTo(again.json().get("id"));
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
        assertThat(statuses(shop)).containsExactly("failed", "paid");
    }

    /**
     * The first attempt charged the card and its answer is on its way back when its Idempotency-Key's lease runs out
     * and the client retries: the retry asks the gateway under the same charge key, which answers with that charge,
     * and both answer the one paid order.
     */
    @Test
    void aRetryWhileTheFirstAttemptsAnswerIsOnItsWayBackAnswersTheSameOrderChargedOnce() throws Exception {
        var shop = shops.open();
        var race = retriedPastTheLease(shop, UUID.randomUUID().toString(),
            faults.holdAnswerOfNextCharge(shop.accountId()));
        var retried = race.retried();
        var answered = race.answered();

        assertThat(retried.status()).as(retried.text()).isEqualTo(201);
        assertThat(answered.status()).as(answered.text()).isEqualTo(201);
        assertThat(answered.json().get("id")).isEqualTo(retried.json().get("id"));
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
        assertThat(statuses(shop)).containsExactly("paid");
    }

    private record Race(Api.Response retried, Api.Response answered) {}

    /**
     * A purchase under {@code key} held by {@code hold}, sent again once its Idempotency-Key's lease ran out: the
     * retry's answer, then the first attempt's once let go.
     */
    private Race retriedPastTheLease(Shops.Shop shop, String key, GatewayFaults.Hold hold) throws Exception {
        var first = CompletableFuture.supplyAsync(() -> purchase(shop, key, null));
        hold.awaitEntered();
        clock.passRealTime(Duration.ofMinutes(5).plusSeconds(1));

        var retried = purchase(shop, key, null);
        hold.release();
        return new Race(retried, first.get(30, TimeUnit.SECONDS));
    }

    private Api.Response purchase(Shops.Shop shop, String key, String promo) {
        return api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"%s}"""
            .formatted(shop.monthly(), promo == null ? "" : ", \"promo_code\": \"" + promo + "\""),
            "Idempotency-Key", key);
    }

    private String status(Shops.Shop shop, String orderId) {
        return api.get("/api/v1/orders/" + orderId, shop.apiKey()).json().get("status").asString();
    }

    private List<String> statuses(Shops.Shop shop) {
        return db.sql("SELECT status FROM orders WHERE account_id = :accountId ORDER BY number")
            .param("accountId", shop.accountId())
            .query(String.class)
            .list();
    }

    private int redeemed(Shops.Shop shop) {
        return db.sql("SELECT times_redeemed FROM promo_codes WHERE account_id = :accountId")
            .param("accountId", shop.accountId())
            .query(Integer.class)
            .single();
    }
}
