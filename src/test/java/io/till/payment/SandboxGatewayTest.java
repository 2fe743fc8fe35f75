package io.till.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@TillIntegrationTest
class SandboxGatewayTest {

    @Autowired
    SandboxGateway gateway;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    TestAccounts accounts;
    @Autowired
    MutableClock clock;

    @Test
    void chargesAGoodCard() {
        var store = accounts.create();
        var card = gateway.attach(new PaymentGateway.CardToken("pm_card_visa", null, null));

        var result = gateway.charge(charge(store.id(), "inv_1:attempt:1", card.reference(), 1999));

        assertThat(card.brand()).isEqualTo("visa");
        assertThat(card.last4()).isEqualTo("4242");
        assertThat(result).isInstanceOf(PaymentGateway.ChargeResult.Succeeded.class);
        assertThat(result.reference()).startsWith("ch_");
        assertThat(ledger.successfulCharges(store.id())).isEqualTo(1);
    }

    /**
     * A request that stalled on its way past the time it may be sent (its ask's time plus a minute) is not sent: its
     * settlement may have taken the gateway's silence for "never made" and let another charge go ahead.
     */
    @Test
    void aChargeWhoseTimeToBeSentHasPassedIsNotSent() {
        var store = accounts.create();
        var card = gateway.attach(new PaymentGateway.CardToken("pm_card_visa", null, null));
        java.time.Instant now = io.till.shared.Timestamps.now(clock);

        assertThatThrownBy(() -> gateway.charge(new PaymentGateway.ChargeRequest(store.id(), "inv_late:attempt:1",
            card.reference(), 1999, "usd", "late", now.minusSeconds(1))))
            .isInstanceOf(PaymentGateway.NotSent.class)
            .hasMessageContaining("not sent");

        assertThat(ledger.charges(store.id())).isZero();
        assertThat(gateway.findCharge(store.id(), "inv_late:attempt:1")).isEmpty();
        assertThat(gateway.charge(new PaymentGateway.ChargeRequest(store.id(), "inv_late:attempt:1",
            card.reference(), 1999, "usd", "in time", PaymentGateway.sendBy(now))))
            .isInstanceOf(PaymentGateway.ChargeResult.Succeeded.class);
    }

    @Test
    void answersARepeatedKeyWithTheFirstChargeInsteadOfChargingAgain() {
        var store = accounts.create();
        var card = gateway.attach(new PaymentGateway.CardToken("pm_card_mastercard", null, null));

        var first = gateway.charge(charge(store.id(), "inv_2:attempt:1", card.reference(), 500));
        var again = gateway.charge(charge(store.id(), "inv_2:attempt:1", card.reference(), 500));

        assertThat(again).isEqualTo(first);
        assertThat(ledger.charges(store.id())).isEqualTo(1);
    }

    @Test
    void chargesOnceWhenManyAttemptsRaceWithOneKey() throws Exception {
        var store = accounts.create();
        var card = gateway.attach(new PaymentGateway.CardToken("pm_card_visa", null, null));
        var start = new CountDownLatch(1);
        var results = new ArrayList<CompletableFuture<PaymentGateway.ChargeResult>>();
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                results.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return gateway.charge(charge(store.id(), "inv_3:attempt:1", card.reference(), 700));
                }, pool));
            }
            start.countDown();
        }

        assertThat(results.stream().map(CompletableFuture::join).distinct()).hasSize(1);
        assertThat(ledger.charges(store.id())).isEqualTo(1);
    }

    @Test
    void refusesToReuseAKeyForADifferentCharge() {
        var store = accounts.create();
        var card = gateway.attach(new PaymentGateway.CardToken("pm_card_visa", null, null));
        gateway.charge(charge(store.id(), "inv_4:attempt:1", card.reference(), 100));

        assertThatThrownBy(() -> gateway.charge(charge(store.id(), "inv_4:attempt:1", card.reference(), 200)))
            .hasMessageContaining("different charge");
        assertThat(ledger.charges(store.id())).isEqualTo(1);
    }

    @Test
    void failsEveryChargeOfTheCustomerFailCard() {
        var store = accounts.create();
        var card = gateway.attach(new PaymentGateway.CardToken("pm_card_chargeCustomerFail", null, null));

        var first = gateway.charge(charge(store.id(), "a", card.reference(), 100));
        var second = gateway.charge(charge(store.id(), "b", card.reference(), 100));

        assertThat(first).isInstanceOfSatisfying(PaymentGateway.ChargeResult.Declined.class, declined -> {
            assertThat(declined.code()).isEqualTo("card_declined");
            assertThat(declined.hard()).isFalse();
        });
        assertThat(second).isInstanceOf(PaymentGateway.ChargeResult.Declined.class);
        assertThat(ledger.successfulCharges(store.id())).isZero();
    }

    @Test
    void declinesACardOnceItsExpiryMonthHasEnded() {
        var store = accounts.create();
        var thisMonth = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
        var card = gateway.attach(
            new PaymentGateway.CardToken("pm_card_visa", thisMonth.getMonthValue(), thisMonth.getYear()));
        var stillValid = gateway.charge(charge(store.id(), "before", card.reference(), 100));

        clock.advance(java.time.Duration.ofDays(32));
        var expired = gateway.charge(charge(store.id(), "after", card.reference(), 100));

        assertThat(stillValid).isInstanceOf(PaymentGateway.ChargeResult.Succeeded.class);
        assertThat(expired).isInstanceOfSatisfying(PaymentGateway.ChargeResult.Declined.class, declined -> {
            assertThat(declined.code()).isEqualTo("expired_card");
            assertThat(declined.hard()).isTrue();
        });
    }

    @Test
    void refusesDecliningTokensWhenSaved() {
        assertThatThrownBy(() -> gateway.attach(
            new PaymentGateway.CardToken("pm_card_chargeDeclinedExpiredCard", null, null)))
            .isInstanceOfSatisfying(CardDeclinedException.class,
                e -> assertThat(e.errors().getFirst().code()).isEqualTo("expired_card"));
    }

    private static PaymentGateway.ChargeRequest charge(String accountId, String key, String card, long amount) {
        return new PaymentGateway.ChargeRequest(accountId, key, card, amount, "usd", "test charge",
            java.time.Instant.MAX);
    }
}
