package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.LockWaits;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What changes an invoice takes its subscription first, as a cancel does (the subscription, then its invoices): a
 * void and a cancel at the same moment wait for each other. A reviewer found the void (and the recording of a charge,
 * a settlement by credit) taking the invoice first, then the subscription: beside a cancel, each held the row the
 * other wanted, and PostgreSQL broke the deadlock by failing one of them.
 */
@TillIntegrationTest
class InvoiceBesideItsSubscriptionTest {

    @Autowired
    Shops shops;
    @Autowired
    BillingActions actions;
    @Autowired
    JdbcClient db;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void aVoidWaitsForTheSubscriptionBeforeItTakesTheInvoice() throws Exception {
        var shop = shops.open();
        String subscription = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com")
            .get("subscription_id").asString();
        shops.advance(shop, "P14DT12H");
        String invoice = db.sql("SELECT id FROM invoices WHERE account_id = :a AND status = 'issued'")
            .param("a", shop.accountId())
            .query(String.class)
            .single();

        CompletableFuture<Invoice> voided = new TransactionTemplate(transactions).execute(status -> {
            // A cancel under way: it holds the subscription, and takes its invoices next.
            db.sql("SELECT id FROM subscriptions WHERE id = :id FOR NO KEY UPDATE").param("id", subscription).query()
                .singleValue();
            var voiding = CompletableFuture.supplyAsync(() -> actions.voidInvoice(shop.accountId(), invoice));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (LockWaits.in(db, "subscriptions") == 0) {
                assertThat(voiding).as("the void waits for the subscription").isNotDone();
                assertThat(System.nanoTime()).as("the void waits for the subscription").isLessThan(deadline);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            // The cancel's next step: the invoice is free, the void has not taken it while it waits.
            assertThat(db.sql("SELECT id FROM invoices WHERE id = :id FOR NO KEY UPDATE NOWAIT").param("id", invoice)
                .query(String.class).single()).isEqualTo(invoice);
            return voiding;
        });

        assertThat(voided.get(30, TimeUnit.SECONDS).status()).isEqualTo("void");
    }
}
