package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.GatewayFaults;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A charge whose answer was lost, resumed under its key more than a day later (every node down over a weekend, a
 * record failing for that long): the gateway has forgotten the key by then, as Stripe does after 24 hours, so the
 * resumed request would be a second charge. What the gateway did under the key is read first, as refunds do.
 */
@TillIntegrationTest
class KeyForgottenByTheGatewayTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    GatewayFaults faults;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    BillingActions billingActions;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient db;

    private record Unpaid(Shops.Shop shop, String invoice, String visa) {}

    /** A subscription whose first invoice was declined, and a working card its customer saved since. */
    private Unpaid unpaid() {
        var shop = shops.open();
        JsonNode order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        shops.advance(shop, "P14DT12H");
        String invoice = db.sql("SELECT id FROM invoices WHERE account_id = :a AND status = 'issued'")
            .param("a", shop.accountId())
            .query(String.class)
            .single();
        var card = api.post("/api/v1/customers/" + order.get("customer_id").asString() + "/payment_methods",
            shop.apiKey(), "{\"token\": \"pm_card_visa\"}");
        assertThat(card.status()).as(card.text()).isEqualTo(201);
        return new Unpaid(shop, invoice, card.json().get("id").asString());
    }

    @Test
    void payNowResumedADayAfterItsAnswerWasLostRecordsTheFirstChargeRatherThanMakingASecond() {
        var unpaid = unpaid();
        String account = unpaid.shop().accountId();
        long before = ledger.successfulCharges(account);
        faults.afterNextCharge(account, new IllegalStateException("the answer was lost"));
        var lost = api.post("/api/v1/invoices/" + unpaid.invoice() + "/pay", unpaid.shop().apiKey(),
            "{\"payment_method_id\": \"" + unpaid.visa() + "\"}");
        assertThat(lost.status()).as(lost.text()).isGreaterThanOrEqualTo(500);
        faults.forgetsKeys(account);
        clock.advance(Duration.ofHours(25));

        var again = api.post("/api/v1/invoices/" + unpaid.invoice() + "/pay", unpaid.shop().apiKey(),
            "{\"payment_method_id\": \"" + unpaid.visa() + "\"}");

        assertThat(again.status()).as(again.text()).isEqualTo(200);
        assertThat(ledger.successfulCharges(account) - before).as("charged once").isEqualTo(1);
        assertThat(api.get("/api/v1/invoices/" + unpaid.invoice(), unpaid.shop().apiKey()).json().get("status")
            .asString()).isEqualTo("paid");
    }

    /** The retry charges the subscription's own card, which declines: one decline, not two at the card's bank. */
    @Test
    void anAutomationsRetryResumedADayAfterItsAnswerWasLostRecordsTheFirstCharge() {
        var unpaid = unpaid();
        String account = unpaid.shop().accountId();
        long before = charges(account);
        faults.afterNextCharge(account, new IllegalStateException("the answer was lost"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> billingActions.retryPayment(account,
            unpaid.invoice(), "exe_weekend:retry", "exe_weekend")).hasMessageContaining("the answer was lost");
        faults.forgetsKeys(account);
        clock.advance(Duration.ofHours(25));

        var retried = billingActions.retryPayment(account, unpaid.invoice(), "exe_weekend:retry", "exe_weekend");

        assertThat(retried.status()).isEqualTo("declined");
        assertThat(charges(account) - before).as("asked of the gateway once").isEqualTo(1);
    }

    private long charges(String accountId) {
        return db.sql("SELECT count(*) FROM sandbox_charges WHERE account_id = :a")
            .param("a", accountId)
            .query(Long.class)
            .single();
    }
}
