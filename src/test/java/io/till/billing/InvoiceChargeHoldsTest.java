package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.shared.Timestamps;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The hold an invoice's charge takes, at the moments a reviewer found it let a second collection through: a holder
 * that stalled past its hold, a second request of the same attempt with another card, a settlement that looked at the
 * gateway before the charge was asked again.
 */
@TillIntegrationTest
class InvoiceChargeHoldsTest {

    private static final Duration HOLD = InvoiceCharges.CHARGE_HOLD;

    @Autowired
    Shops shops;
    @Autowired
    InvoiceChargeHolds holds;
    @Autowired
    JdbcClient db;
    @Autowired
    Clock clock;

    private record Held(String account, String invoice, Instant now) {}

    private Held taken;

    /**
     * The holds here are taken by hand, without the settlement a charge puts on the agenda as it asks: let go, or the
     * invoice's scheduled retries would wait for them on every later advance of the shared test clock.
     */
    @AfterEach
    void letGo() {
        if (taken != null) {
            db.sql("""
                UPDATE invoices SET charging_key = NULL, charging_until = NULL, charging_card_id = NULL,
                       charging_amount = NULL, charging_asked_at = NULL, charging_asks = 0, status = 'issued'
                 WHERE id = :id""")
                .param("id", taken.invoice())
                .update();
        }
    }

    private Held unpaidInvoice() {
        var shop = shops.open();
        shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        shops.advance(shop, "P14DT12H");
        String invoice = db.sql("SELECT id FROM invoices WHERE account_id = :a AND status = 'issued'")
            .param("a", shop.accountId())
            .query(String.class)
            .single();
        taken = new Held(shop.accountId(), invoice, Timestamps.now(clock));
        return taken;
    }

    private InvoiceChargeHolds.Asked ask(Held held, String key, String card, long amount, Instant at) {
        return holds.asking(held.account(), held.invoice(), key, card, amount, null, null, at, at.plus(HOLD))
            .orElseThrow();
    }

    /**
     * A charge that claimed the invoice, then stalled (a long pause, a stopped node) past its hold before it asked,
     * may find credit applied or the invoice voided meanwhile: it no longer asks the gateway for what it read before.
     */
    @Test
    void aHolderThatStalledPastItsHoldBeforeAskingMayNotAsk() {
        var held = unpaidInvoice();
        assertThat(holds.claim(held.account(), held.invoice(), "invoice:stalled", held.now(), held.now().plus(HOLD)))
            .isTrue();

        Instant resumed = held.now().plus(HOLD).plusSeconds(1);

        assertThat(holds.asking(held.account(), held.invoice(), "invoice:stalled", "card_a", 1900, null, null,
            resumed, resumed.plus(HOLD))).isEmpty();
        assertThat(holds.asked(held.account(), held.invoice())).isEmpty();
    }

    @Test
    void aVoidedInvoiceIsNotAskedForThoughItsClaimIsAlive() {
        var held = unpaidInvoice();
        assertThat(holds.claim(held.account(), held.invoice(), "invoice:void", held.now(), held.now().plus(HOLD)))
            .isTrue();
        db.sql("UPDATE invoices SET status = 'void' WHERE id = :id").param("id", held.invoice()).update();

        assertThat(holds.asking(held.account(), held.invoice(), "invoice:void", "card_a", 1900, null, null,
            held.now(), held.now().plus(HOLD))).isEmpty();
    }

    /** Two requests of one attempt ask one thing: the first one's card and amount, whichever reaches the gateway. */
    @Test
    void aSecondRequestOfTheSameAttemptAsksWhatTheFirstAsked() {
        var held = unpaidInvoice();
        holds.claim(held.account(), held.invoice(), "invoice:twice", held.now(), held.now().plus(HOLD));

        var first = ask(held, "invoice:twice", "card_visa", 1900, held.now());
        var second = ask(held, "invoice:twice", "card_mastercard", 1400, held.now());

        assertThat(first.cardId()).isEqualTo("card_visa");
        assertThat(second.cardId()).isEqualTo("card_visa");
        assertThat(second.amount()).isEqualTo(1900);
        assertThat(holds.asked(held.account(), held.invoice()).orElseThrow().cardId()).isEqualTo("card_visa");
    }

    /**
     * A settlement that found nothing at the gateway under the key lets the invoice go only if the charge was not
     * asked again meanwhile: a request resumed under the key may be at the gateway now.
     */
    @Test
    void aSettlementDoesNotLetGoAHoldAskedAgainSinceItLooked() {
        var held = unpaidInvoice();
        holds.claim(held.account(), held.invoice(), "invoice:resumed", held.now(), held.now().plus(HOLD));
        var looked = ask(held, "invoice:resumed", "card_visa", 1900, held.now());

        // Resumed after its hold ran out: its claim keeps the hold's end, and asking again holds it longer.
        Instant later = held.now().plus(HOLD).plusSeconds(30);
        assertThat(holds.claim(held.account(), held.invoice(), "invoice:resumed", later, later.plus(HOLD))).isTrue();
        assertThat(holds.asked(held.account(), held.invoice()).orElseThrow().until()).isEqualTo(looked.until());
        var again = ask(held, "invoice:resumed", "card_visa", 1900, later);

        assertThat(holds.releaseUnasked(held.account(), held.invoice(), looked)).isFalse();
        assertThat(again.until()).isEqualTo(later.plus(HOLD));
        assertThat(holds.asked(held.account(), held.invoice())).isPresent();
        assertThat(holds.releaseUnasked(held.account(), held.invoice(), again)).isTrue();
        assertThat(holds.asked(held.account(), held.invoice())).isEmpty();
    }
}
