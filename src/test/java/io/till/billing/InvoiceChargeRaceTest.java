package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.GatewayFaults;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One invoice is charged by one caller at a time. A newcomer's walk through payment dunning found the template's
 * retry (3 days after the failure) and the retry schedule's second attempt (3 days after it too) charging one card
 * within a second; had the card worked by then, both charges would have gone through, and the second one paid for
 * nothing. Now a charge that finds another of the same invoice at the gateway waits its turn.
 */
@TillIntegrationTest
class InvoiceChargeRaceTest {

    @Autowired
    Shops shops;
    @Autowired
    BillingActions billing;
    @Autowired
    InvoiceCharges charges;
    @Autowired
    GatewayFaults faults;
    @Autowired
    JdbcClient db;

    private String failedInvoice(Shops.Shop shop) {
        shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        shops.advance(shop, "P14DT12H");
        return db.sql("SELECT id FROM invoices WHERE account_id = :a AND status = 'issued'")
            .param("a", shop.accountId())
            .query(String.class)
            .single();
    }

    private long gatewayCharges(Shops.Shop shop, String invoice) {
        return db.sql("SELECT count(*) FROM sandbox_charges WHERE account_id = :a AND description = :d")
            .param("a", shop.accountId())
            .param("d", "Invoice " + invoice)
            .query(Long.class)
            .single();
    }

    @Test
    void anAutomationsRetryWhileAnotherChargeOfTheInvoiceIsAtTheGatewayWaitsItsTurnAndChargesNothing()
        throws Exception {
        var shop = shops.open();
        String invoice = failedInvoice(shop);
        long before = gatewayCharges(shop, invoice);
        var hold = faults.holdNextCharge(shop.accountId());

        var first = CompletableFuture.supplyAsync(() -> billing.retryPayment(shop.accountId(), invoice, "race-a",
            "exe_race"));
        hold.awaitEntered();
        var second = billing.retryPayment(shop.accountId(), invoice, "race-b", "exe_race");
        hold.release();

        assertThat(second.status()).isEqualTo("in_progress");
        assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo("declined");
        assertThat(gatewayCharges(shop, invoice) - before).isEqualTo(1);
        // Its turn come, the retry charges as it always did.
        assertThat(billing.retryPayment(shop.accountId(), invoice, "race-b", "exe_race").status())
            .isEqualTo("declined");
        assertThat(gatewayCharges(shop, invoice) - before).isEqualTo(2);
    }

    @Test
    void aScheduledAttemptWhileAnAutomationsChargeIsAtTheGatewayIsRefusedForItsJobToTryAgain() throws Exception {
        var shop = shops.open();
        String invoice = failedInvoice(shop);
        long before = gatewayCharges(shop, invoice);
        int attempts = db.sql("SELECT attempt_count FROM invoices WHERE id = :id").param("id", invoice)
            .query(Integer.class).single();
        var hold = faults.holdNextCharge(shop.accountId());

        var retry = CompletableFuture.supplyAsync(() -> billing.retryPayment(shop.accountId(), invoice, "race-c",
            "exe_race"));
        hold.awaitEntered();
        Throwable scheduled = org.assertj.core.api.Assertions.catchThrowable(() -> charges.attempt(shop.accountId(),
            invoice, 2));
        hold.release();

        assertThat(retry.get(30, TimeUnit.SECONDS).status()).isEqualTo("declined");
        assertThat(scheduled).hasMessageContaining("Another charge of this invoice is in progress");
        assertThat(gatewayCharges(shop, invoice) - before).isEqualTo(1);
        assertThat(db.sql("SELECT attempt_count FROM invoices WHERE id = :id").param("id", invoice)
            .query(Integer.class).single()).isEqualTo(attempts + 1);
    }
}
