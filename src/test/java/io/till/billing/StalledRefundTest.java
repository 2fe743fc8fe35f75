package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.testing.Api;
import io.till.testing.GatewayFaults;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A refund whose request stalls (a long GC pause, a stopped process) past its settlement, which finds nothing at the
 * gateway and frees its amount: the money goes back at most once, and what went back is always counted.
 */
@TillIntegrationTest
class StalledRefundTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    Refunds refunds;
    @Autowired
    GatewayFaults faults;
    @Autowired
    JdbcClient db;

    @Test
    void aRefundThatStalledBeforeAskingUntilItWasGivenUpGivesNothingBack() {
        var shop = shops.open();
        String payment = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com").get("payment_id").asString();
        var cut = refunds.cut(shop.accountId(), payment, 1000L, null);
        shops.advance(shop, "PT11M");
        assertThat(statuses(shop, payment)).as("nothing found at the gateway").containsExactly("failed");
        var again = refund(shop, payment, 1000);
        assertThat(again.status()).as(again.text()).isEqualTo(201);

        assertThatThrownBy(() -> cut.goesOn().get()).isInstanceOfSatisfying(TillException.class,
            refused -> assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_STATE));

        assertThat(sandboxRefunds(shop)).isEqualTo(1000);
        assertThat(statuses(shop, payment)).containsExactly("failed", "succeeded");
        assertThat(refunded(shop, payment)).isEqualTo(1000);
    }

    /**
     * A refund that stalled between writing its ask and sending it (a long pause, a machine put to sleep) until its
     * settlement found nothing at the gateway and freed its amount, which a credit note then gave back: the refund is
     * not sent, and what went back never exceeds what was paid. (Sent then, it would have given the money back twice.)
     */
    @Test
    void aRefundThatStalledOnItsWayUntilItWasGivenUpIsNotSentThoughACreditNoteTookItsAmount() throws Exception {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        shops.advance(shop, "P32D");
        var renewal = db.sql("""
            SELECT id, invoice_id FROM payments
             WHERE account_id = ? AND customer_id = ? AND id <> ? AND invoice_id IS NOT NULL""")
            .params(shop.accountId(), order.get("customer_id").asString(), order.get("payment_id").asString())
            .query((rs, row) -> List.of(rs.getString("id"), rs.getString("invoice_id")))
            .single();
        var hold = faults.holdNextRefund(shop.accountId());
        var refunding = CompletableFuture.supplyAsync(() -> refund(shop, renewal.get(0), null));
        hold.awaitEntered();
        shops.advance(shop, "PT11M");
        assertThat(statuses(shop, renewal.get(0))).as("nothing found at the gateway").containsExactly("failed");
        var note = api.post("/api/v1/invoices/" + renewal.get(1) + "/credit_note", shop.apiKey(),
            "{\"amount\": 1900, \"reason\": \"Refund never arrived\"}");
        assertThat(note.status()).as(note.text()).isEqualTo(201);

        hold.release();
        var late = refunding.get(30, TimeUnit.SECONDS);

        assertThat(late.status()).as(late.text()).isEqualTo(502);
        assertThat(late.json().get("detail").asString()).contains("not sent");
        assertThat(sandboxRefunds(shop)).isZero();
        assertThat(refunded(shop, renewal.get(0))).isZero();
        assertThat(statuses(shop, renewal.get(0))).containsExactly("failed");
    }

    /**
     * A refund whose only ask never left for the gateway (it stalled past its time to be sent; the same holds when the
     * gateway cannot be connected to) gave nothing back for certain: it fails at once and frees its amount, so the
     * seller can refund again now instead of waiting for its settlement.
     */
    @Test
    void aRefundThatWasNeverSentFailsAtOnceAndTheSellerCanRefundAgain() throws Exception {
        var shop = shops.open();
        String payment = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com").get("payment_id").asString();
        var hold = faults.holdNextRefund(shop.accountId());
        var refunding = CompletableFuture.supplyAsync(() -> refund(shop, payment, 1000));
        hold.awaitEntered();
        shops.advance(shop, "PT2M");
        hold.release();
        var notSent = refunding.get(30, TimeUnit.SECONDS);
        assertThat(notSent.status()).as(notSent.text()).isEqualTo(502);
        assertThat(notSent.json().get("detail").asString()).contains("not sent");
        assertThat(statuses(shop, payment)).as("nothing went back under it").containsExactly("failed");
        assertThat(refunded(shop, payment)).isZero();

        var again = refund(shop, payment, 1000);

        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(statuses(shop, payment)).containsExactly("failed", "succeeded");
        assertThat(refunded(shop, payment)).isEqualTo(1000);
        assertThat(sandboxRefunds(shop)).isEqualTo(1000);
    }

    /**
     * A refund that left in time and reached the gateway late (a slow network), after its settlement had found nothing
     * there and given it up: made after all, it is counted as made.
     */
    @Test
    void aRefundMadeAfterItWasGivenUpSucceedsAfterAll() throws Exception {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String payment = order.get("payment_id").asString();
        var hold = faults.delayNextRefundInTransit(shop.accountId());
        var refunding = CompletableFuture.supplyAsync(() -> refund(shop, payment, 1000));
        hold.awaitEntered();
        shops.advance(shop, "PT11M");
        assertThat(statuses(shop, payment)).as("nothing found at the gateway").containsExactly("failed");
        assertThat(refunded(shop, payment)).isZero();

        hold.release();
        var answered = refunding.get(30, TimeUnit.SECONDS);

        assertThat(answered.status()).as(answered.text()).isEqualTo(201);
        assertThat(answered.json().get("status").asString()).isEqualTo("succeeded");
        assertThat(statuses(shop, payment)).containsExactly("succeeded");
        assertThat(refunded(shop, payment)).isEqualTo(1000);
        assertThat(sandboxRefunds(shop)).isEqualTo(1000);
        assertThat(shops.typesAfterPurchase(shop, order.get("customer_id").asString()))
            .containsExactly("payment.refunded", "payment_plan.payment_refunded");
    }

    /**
     * The refund given up frees its amount, which another refund reserves before the first (delayed on its way) is
     * made after all: the
     * first is counted once the other is settled (the gateway refuses it: the charge has no more to give back), never
     * as more given back than was paid.
     */
    @Test
    void aRefundMadeAfterAnotherTookItsAmountIsCountedOnceThatOneIsSettled() throws Exception {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String payment = order.get("payment_id").asString();
        var hold = faults.delayNextRefundInTransit(shop.accountId());
        var refunding = CompletableFuture.supplyAsync(() -> refund(shop, payment, null));
        hold.awaitEntered();
        shops.advance(shop, "PT11M");
        var other = refunds.cut(shop.accountId(), payment, null, null);

        hold.release();
        var answered = refunding.get(30, TimeUnit.SECONDS);
        assertThat(answered.status()).as(answered.text()).isEqualTo(409);
        assertThat(answered.json().get("detail").asString()).contains("went back", "after refund "
            + other.refund().id() + " is settled");
        assertThat(statuses(shop, payment)).as("not yet counted").containsExactly("failed", "pending");
        assertThat(refunded(shop, payment)).isEqualTo(1900);
        assertThatThrownBy(() -> other.goesOn().get()).as("the gateway refuses to give back more than it took")
            .hasMessageContaining("exceeds");
        // The other is settled ten minutes after it asked; the first is counted at its next look, at most ten on.
        shops.advance(shop, "PT21M");

        assertThat(statuses(shop, payment)).containsExactly("succeeded", "failed");
        assertThat(refunded(shop, payment)).isEqualTo(1900);
        assertThat(sandboxRefunds(shop)).isEqualTo(1900);
        assertThat(shops.typesAfterPurchase(shop, order.get("customer_id").asString()))
            .containsOnlyOnce("payment.refunded");
    }

    private Api.Response refund(Shops.Shop shop, String payment, Integer amount) {
        return api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"" + payment + "\""
            + (amount == null ? "" : ", \"amount\": " + amount) + "}");
    }

    private List<String> statuses(Shops.Shop shop, String payment) {
        return db.sql("SELECT status FROM refunds WHERE account_id = :accountId AND payment_id = :payment "
            + "ORDER BY created_at, id")
            .param("accountId", shop.accountId())
            .param("payment", payment)
            .query(String.class)
            .list();
    }

    private long refunded(Shops.Shop shop, String payment) {
        return api.get("/api/v1/payments/" + payment, shop.apiKey()).json().get("amount_refunded").asLong();
    }

    private long sandboxRefunds(Shops.Shop shop) {
        return db.sql("SELECT coalesce(sum(amount), 0) FROM sandbox_refunds WHERE account_id = :accountId")
            .param("accountId", shop.accountId())
            .query(Long.class)
            .single();
    }
}
