package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.GatewayFaults;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * What an invoice owes does not change under a charge at the gateway. A probe of pay now beside other requests found
 * credit applied while the card was being charged the amount read before it (a $20 invoice collected $34: $14 credit
 * and $20 card), and a subscription canceled, its invoice voided, while pay now took the money for it: a payment on a
 * void invoice that no event told anyone about. Each of these now waits for the charge, answering 409
 * {@code charge_in_progress}, and goes through once it has ended.
 */
@TillIntegrationTest
class ChangesDuringAChargeTest {

    @Autowired
    Shops shops;
    @Autowired
    Api api;
    @Autowired
    GatewayFaults faults;
    @Autowired
    JdbcClient db;
    @Autowired
    InvoiceCharges charges;
    @Autowired
    BillingActions billingActions;
    @Autowired
    BillingJobs jobs;
    @Autowired
    io.till.testing.MutableClock clock;
    @Autowired
    InvoiceChargeHolds holds;
    @Autowired
    InvoiceChargeSettlements settlements;

    /** A subscription whose first invoice failed, and a working card its customer has saved since. */
    private record Unpaid(Shops.Shop shop, String customer, String subscription, String invoice, String visa) {}

    private Unpaid unpaid() {
        var shop = shops.open();
        JsonNode order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        shops.advance(shop, "P14DT12H");
        String customer = order.get("customer_id").asString();
        String invoice = db.sql("SELECT id FROM invoices WHERE account_id = :a AND status = 'issued'")
            .param("a", shop.accountId())
            .query(String.class)
            .single();
        var card = api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(),
            "{\"token\": \"pm_card_visa\"}");
        assertThat(card.status()).as(card.text()).isEqualTo(201);
        return new Unpaid(shop, customer, order.get("subscription_id").asString(), invoice, card.json().get("id")
            .asString());
    }

    /** Pay now with the visa, held at the gateway's door until the test lets it in. */
    private CompletableFuture<Api.Response> payNowHeld(Unpaid unpaid, GatewayFaults.Hold hold)
        throws InterruptedException {
        var paying = CompletableFuture.supplyAsync(() -> api.post("/api/v1/invoices/" + unpaid.invoice() + "/pay",
            unpaid.shop().apiKey(), "{\"payment_method_id\": \"" + unpaid.visa() + "\"}"));
        hold.awaitEntered();
        return paying;
    }

    private long collected(Unpaid unpaid) {
        return db.sql("""
            SELECT amount_credited + (SELECT coalesce(sum(amount), 0) FROM payments
                                       WHERE invoice_id = i.id AND status = 'succeeded')
              FROM invoices i WHERE id = :id""")
            .param("id", unpaid.invoice())
            .query(Long.class)
            .single();
    }

    private static void refusedWhileCharging(Api.Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(409);
        assertThat(response.json().get("code").asString()).isEqualTo("charge_in_progress");
    }

    private long succeededCharges(Unpaid unpaid) {
        return db.sql("SELECT count(*) FROM sandbox_charges WHERE account_id = :a AND outcome = 'succeeded'")
            .param("a", unpaid.shop().accountId())
            .query(Long.class)
            .single();
    }

    /**
     * A reviewer found a pay now that stalled between writing what it asks and sending it (a long pause, a machine put
     * to sleep) able to charge after its settlement had found nothing at the gateway and let the invoice go: the
     * invoice, paid by another charge meanwhile, would have been collected twice. A request a minute past its ask is
     * not sent, and the settlement takes the gateway's silence for "never made" only once that minute is over.
     */
    @Test
    void aPayNowThatStalledOnItsWayToTheGatewayUntilItsSettlementLetTheInvoiceGoIsNotSent() throws Exception {
        var unpaid = unpaid();
        String key = unpaid.shop().apiKey();
        var hold = faults.holdNextCharge(unpaid.shop().accountId());
        var stalled = payNowHeld(unpaid, hold);
        assertThat(shops.advance(unpaid.shop(), "PT6M").status()).isEqualTo(200);
        var paid = api.post("/api/v1/invoices/" + unpaid.invoice() + "/pay", key,
            "{\"payment_method_id\": \"" + unpaid.visa() + "\"}");
        assertThat(paid.status()).as(paid.text()).isEqualTo(200);

        hold.release();
        var late = stalled.get(30, TimeUnit.SECONDS);

        assertThat(late.status()).as(late.text()).isEqualTo(502);
        assertThat(late.json().get("detail").asString()).contains("not sent");
        var invoice = api.get("/api/v1/invoices/" + unpaid.invoice(), key).json();
        assertThat(invoice.get("status").asString()).isEqualTo("paid");
        assertThat(succeededCharges(unpaid)).isEqualTo(1);
        assertThat(collected(unpaid)).isEqualTo(invoice.get("amount_due").asLong());
    }

    /**
     * A settlement that comes while the charge could still be sent (its claim, taken long before, ran out a moment
     * after the ask) waits: the gateway's silence means nothing before the request's time to be sent is over, and a
     * minute more for one that passed its check to have left.
     */
    @Test
    void aSettlementWaitsUntilTheChargeAskedCanNoLongerBeSent() {
        var unpaid = unpaid();
        String account = unpaid.shop().accountId();
        Instant now = io.till.shared.Timestamps.now(clock);
        String attempt = "invoice:" + unpaid.invoice() + ":attempt:9";
        assertThat(holds.claim(account, unpaid.invoice(), attempt, now, now.plusSeconds(5))).isTrue();
        holds.asking(account, unpaid.invoice(), attempt, unpaid.visa(), 1900, null, null, now, now.plusSeconds(5))
            .orElseThrow();

        clock.passRealTime(Duration.ofSeconds(30));
        settlements.settle(account, unpaid.invoice());
        assertThat(holds.asked(account, unpaid.invoice())).as("held while the request may still leave").isPresent();

        clock.passRealTime(Duration.ofSeconds(60));
        settlements.settle(account, unpaid.invoice());
        assertThat(holds.asked(account, unpaid.invoice())).as("held while one that passed its check may be leaving")
            .isPresent();

        clock.passRealTime(Duration.ofSeconds(31));
        settlements.settle(account, unpaid.invoice());
        assertThat(holds.asked(account, unpaid.invoice())).as("let go once none can").isEmpty();
    }

    /**
     * A reviewer found a charge whose answer was lost (the node died, or the record failed, after the gateway took the
     * money) never recorded: the next scheduled attempt, under the same key with the subscription's own card, was
     * refused by the gateway as another charge and waited for good, the invoice unpaid and locked against void and
     * credit while the buyer's money sat unbooked. What the gateway did under the key is recorded first.
     */
    @Test
    void aChargeWhoseAnswerWasLostIsRecordedFromTheGatewaysWordAndTheInvoiceIsNotChargedAgain() {
        var unpaid = unpaid();
        String key = unpaid.shop().apiKey();
        faults.afterNextCharge(unpaid.shop().accountId(), new IllegalStateException("the answer was lost"));
        var lost = api.post("/api/v1/invoices/" + unpaid.invoice() + "/pay", key,
            "{\"payment_method_id\": \"" + unpaid.visa() + "\"}");
        assertThat(lost.status()).isEqualTo(500);
        assertThat(succeededCharges(unpaid)).isEqualTo(1);
        refusedWhileCharging(api.post("/api/v1/invoices/" + unpaid.invoice() + "/void", key, null));

        assertThat(shops.advance(unpaid.shop(), "P1D").status()).isEqualTo(200);

        var invoice = api.get("/api/v1/invoices/" + unpaid.invoice(), key).json();
        assertThat(invoice.get("status").asString()).isEqualTo("paid");
        assertThat(succeededCharges(unpaid)).isEqualTo(1);
        assertThat(collected(unpaid)).isEqualTo(invoice.get("amount_due").asLong());
        var paid = db.sql("""
            SELECT card_id || ' ' || idempotency_key FROM payments WHERE invoice_id = :id AND status = 'succeeded'""")
            .param("id", unpaid.invoice())
            .query(String.class)
            .list();
        assertThat(paid).containsExactly(unpaid.visa() + " invoice:" + unpaid.invoice() + ":attempt:2");
    }

    /**
     * A reviewer found a lost charge never recorded once the buyer removed the card it took the money from: each run of
     * the schedule's retry (every few seconds, its card gone) claimed the invoice again for five more minutes, so the
     * settlement found the hold alive every time it looked, and the money stayed unbooked, the invoice held for good.
     * A resumed charge now keeps the hold's end, and the settlement looks at the gateway when it comes.
     */
    @Test
    void aLostChargeIsRecordedWhenItsHoldRunsOutThoughItsCardWasRemovedAndRetriesKeepComing() {
        var unpaid = unpaid();
        String key = unpaid.shop().apiKey();
        faults.afterNextCharge(unpaid.shop().accountId(), new IllegalStateException("the answer was lost"));
        assertThat(api.post("/api/v1/invoices/" + unpaid.invoice() + "/pay", key,
            "{\"payment_method_id\": \"" + unpaid.visa() + "\"}").status()).isEqualTo(500);
        var removed = api.delete("/api/v1/customers/" + unpaid.customer() + "/payment_methods/" + unpaid.visa(), key);
        assertThat(removed.status()).as(removed.text()).isEqualTo(204);
        jobs.schedule(unpaid.shop().accountId(), BillingJobs.Kind.INVOICE_RETRY, unpaid.invoice(),
            io.till.shared.Timestamps.now(clock));

        for (int minute = 0; minute < 8; minute++) {
            assertThat(shops.advance(unpaid.shop(), "PT1M").status()).isEqualTo(200);
        }

        var invoice = api.get("/api/v1/invoices/" + unpaid.invoice(), key).json();
        assertThat(invoice.get("status").asString()).isEqualTo("paid");
        assertThat(succeededCharges(unpaid)).isEqualTo(1);
        assertThat(collected(unpaid)).isEqualTo(invoice.get("amount_due").asLong());
    }

    /** An automation's retry whose answer was lost holds the invoice as well, until its decline is recorded. */
    @Test
    void anAutomationsRetryWhoseAnswerWasLostHoldsTheInvoiceUntilItsOutcomeIsRecorded() {
        var unpaid = unpaid();
        String account = unpaid.shop().accountId();
        faults.afterNextCharge(account, new IllegalStateException("the answer was lost"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> billingActions.retryPayment(account,
            unpaid.invoice(), "exe_lost:retry", "exe_lost")).hasMessageContaining("the answer was lost");

        var another = billingActions.retryPayment(account, unpaid.invoice(), "exe_other:retry", "exe_other");
        assertThat(another.status()).isEqualTo("in_progress");
        assertThat(shops.advance(unpaid.shop(), "PT6M").status()).isEqualTo(200);

        var recorded = db.sql("SELECT status FROM payments WHERE account_id = :a AND idempotency_key = :k")
            .param("a", account)
            .param("k", "automation:exe_lost:retry")
            .query(String.class)
            .list();
        assertThat(recorded).containsExactly("failed");
        var voided = api.post("/api/v1/invoices/" + unpaid.invoice() + "/void", unpaid.shop().apiKey(), null);
        assertThat(voided.status()).as(voided.text()).isEqualTo(200);
    }

    @Test
    void creditAppliedWhileTheCardIsChargedIsRefusedAndTheInvoiceCollectsWhatItOwesOnce() throws Exception {
        var unpaid = unpaid();
        String key = unpaid.shop().apiKey();
        assertThat(api.post("/api/v1/customers/" + unpaid.customer() + "/credits", key,
            "{\"amount\": 1500, \"currency\": \"usd\"}").status()).isEqualTo(201);
        var hold = faults.holdNextCharge(unpaid.shop().accountId());
        var paying = payNowHeld(unpaid, hold);

        var applied = api.post("/api/v1/invoices/" + unpaid.invoice() + "/apply_credits", key, "{\"amount\": 700}");
        hold.release();

        refusedWhileCharging(applied);
        assertThat(paying.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        var invoice = api.get("/api/v1/invoices/" + unpaid.invoice(), key).json();
        assertThat(invoice.get("status").asString()).isEqualTo("paid");
        assertThat(collected(unpaid)).isEqualTo(invoice.get("amount_due").asLong());
        assertThat(api.get("/api/v1/customers/" + unpaid.customer() + "/credits", key).json().toString())
            .contains("1500");
    }

    @Test
    void aSubscriptionCanceledWhileItsInvoiceIsChargedWaitsAndNoMoneyComesInForAVoidInvoice() throws Exception {
        var unpaid = unpaid();
        String key = unpaid.shop().apiKey();
        var hold = faults.holdNextCharge(unpaid.shop().accountId());
        var paying = payNowHeld(unpaid, hold);

        var canceled = api.post("/api/v1/subscriptions/" + unpaid.subscription() + "/cancel", key, "{}");
        var voided = api.post("/api/v1/invoices/" + unpaid.invoice() + "/void", key, null);
        hold.release();

        refusedWhileCharging(canceled);
        refusedWhileCharging(voided);
        assertThat(paying.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/invoices/" + unpaid.invoice(), key).json().get("status").asString())
            .isEqualTo("paid");
        // Once the charge has ended, the cancel goes through: there is nothing left to void.
        var again = api.post("/api/v1/subscriptions/" + unpaid.subscription() + "/cancel", key, "{}");
        assertThat(again.status()).as(again.text()).isEqualTo(200);
        assertThat(again.json().get("status").asString()).isEqualTo("canceled");
        assertThat(api.get("/api/v1/invoices/" + unpaid.invoice(), key).json().get("status").asString())
            .isEqualTo("paid");
    }

    /**
     * A reviewer found a pause answered 200 while pay now was at the gateway, the money then taken for a subscription
     * the seller had just been told was paused ("nothing is charged while paused"). A pause waits for the charge, as
     * a cancel does, and goes through once it has ended.
     */
    @Test
    void aSubscriptionPausedWhileItsInvoiceIsChargedWaitsForTheCharge() throws Exception {
        var unpaid = unpaid();
        String key = unpaid.shop().apiKey();
        var hold = faults.holdNextCharge(unpaid.shop().accountId());
        var paying = payNowHeld(unpaid, hold);

        var paused = api.post("/api/v1/subscriptions/" + unpaid.subscription() + "/pause", key, null);
        hold.release();

        refusedWhileCharging(paused);
        assertThat(api.get("/api/v1/subscriptions/" + unpaid.subscription(), key).json().get("status").asString())
            .isNotEqualTo("paused");
        assertThat(paying.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        var again = api.post("/api/v1/subscriptions/" + unpaid.subscription() + "/pause", key, null);
        assertThat(again.status()).as(again.text()).isEqualTo(200);
        assertThat(again.json().get("status").asString()).isEqualTo("paused");
        assertThat(succeededCharges(unpaid)).isEqualTo(1);
    }

    @Test
    void aSecondClickThatReadTheAttemptBeforeTheFirstWasRecordedAnswersItsOutcomeThoughCreditChangedTheAmount() {
        var unpaid = unpaid();
        String key = unpaid.shop().apiKey();
        int attempt = db.sql("SELECT attempt_count FROM invoices WHERE id = :id").param("id", unpaid.invoice())
            .query(Integer.class).single() + 1;
        long before = db.sql("SELECT count(*) FROM sandbox_charges WHERE account_id = :a").param("a", unpaid.shop()
            .accountId()).query(Long.class).single();
        // The first click: declined with the card that fails.
        charges.attempt(unpaid.shop().accountId(), unpaid.invoice(), attempt);
        assertThat(api.post("/api/v1/customers/" + unpaid.customer() + "/credits", key,
            "{\"amount\": 500, \"currency\": \"usd\"}").status()).isEqualTo(201);
        assertThat(api.post("/api/v1/invoices/" + unpaid.invoice() + "/apply_credits", key, "{}").status())
            .isEqualTo(200);

        // The second click made the same attempt, now for less: it is the first one's, not a new charge.
        charges.attempt(unpaid.shop().accountId(), unpaid.invoice(), attempt);

        assertThat(db.sql("SELECT count(*) FROM sandbox_charges WHERE account_id = :a").param("a", unpaid.shop()
            .accountId()).query(Long.class).single()).isEqualTo(before + 1);
    }

    /**
     * A probe clicked pay now with two cards at once: both made the same attempt, with one gateway key, and the gateway
     * refused the second card under that key; the click answered 500. Now it answers with the attempt that was made.
     */
    @Test
    void payNowClickedWithTwoCardsAtOnceChargesOnceAndAnswersBoth() throws Exception {
        var unpaid = unpaid();
        var mastercard = api.post("/api/v1/customers/" + unpaid.customer() + "/payment_methods", unpaid.shop()
            .apiKey(), "{\"token\": \"pm_card_mastercard\"}").json().get("id").asString();
        var hold = faults.holdNextCharge(unpaid.shop().accountId());

        var first = payNowHeld(unpaid, hold);
        var second = api.post("/api/v1/invoices/" + unpaid.invoice() + "/pay", unpaid.shop().apiKey(),
            "{\"payment_method_id\": \"" + mastercard + "\"}");
        hold.release();
        var firstAnswer = first.get(30, TimeUnit.SECONDS);

        assertThat(second.status()).as(second.text()).isEqualTo(200);
        assertThat(firstAnswer.status()).as(firstAnswer.text()).isEqualTo(200);
        assertThat(firstAnswer.json().get("status").asString()).isEqualTo("paid");
        assertThat(collected(unpaid)).isEqualTo(1900);
        assertThat(db.sql("SELECT count(*) FROM sandbox_charges WHERE account_id = :a AND outcome = 'succeeded' "
            + "AND description = :d")
            .param("a", unpaid.shop().accountId())
            .param("d", "Invoice " + unpaid.invoice())
            .query(Long.class)
            .single()).isEqualTo(1);
    }
}
