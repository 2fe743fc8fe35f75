package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.CardSetups;
import io.till.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The add-card page of a live store, viewed again and again: a review found each view opening a Stripe Customer and a
 * SetupIntent of its own, left empty in the seller's Stripe account by every reload.
 */
class OpenCardSetupsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
    private final OpenCardSetups setups = new OpenCardSetups(clock.realTime());
    private final AtomicInteger opened = new AtomicInteger();

    private CardSetups.Started open() {
        int n = opened.incrementAndGet();
        return new CardSetups.Started("seti_" + n, "seti_" + n + "_secret", "pk_test");
    }

    @Test
    void aBuyerViewingThePageAgainIsGivenTheSetupOpenForThemAndAnotherBuyerTheirOwn() {
        var first = setups.openFor("acct_1", "cus_1", this::open);
        var again = setups.openFor("acct_1", "cus_1", this::open);
        var other = setups.openFor("acct_1", "cus_2", this::open);

        assertThat(again).isEqualTo(first);
        assertThat(other.setupId()).isNotEqualTo(first.setupId());
        assertThat(opened.get()).isEqualTo(2);
    }

    @Test
    void aFinishedOrOldSetupIsNotGivenAgain() {
        var first = setups.openFor("acct_1", "cus_1", this::open);
        setups.finished("acct_1", "cus_1");
        var afterFinishing = setups.openFor("acct_1", "cus_1", this::open);
        clock.passRealTime(OpenCardSetups.REUSED_FOR.plus(Duration.ofSeconds(1)));
        var afterHalfAnHour = setups.openFor("acct_1", "cus_1", this::open);

        assertThat(afterFinishing.setupId()).isNotEqualTo(first.setupId());
        assertThat(afterHalfAnHour.setupId()).isNotEqualTo(afterFinishing.setupId());
        assertThat(opened.get()).isEqualTo(3);
    }
}
