package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.shared.TillException;
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
 * A refund and a credit note of one invoice together never give back more than was paid for it. A probe sending both
 * at once had a $20 invoice give back $30 ($15 refunded, $15 as credit): the refund waited for the credit note's lock
 * on the invoice, then counted what its snapshot from before the wait said had gone back, which was nothing.
 */
@TillIntegrationTest
class RefundBesideCreditNoteTest {

    @Autowired
    Shops shops;
    @Autowired
    Credits credits;
    @Autowired
    Refunds refunds;
    @Autowired
    JdbcClient db;
    @Autowired
    PlatformTransactionManager transactions;

    /** Whether a session waits for a lock on an invoice, as another sees it now. */
    private boolean someoneWaitsForTheInvoice() {
        return LockWaits.in(db, "invoices") > 0;
    }

    @Test
    void aRefundThatWaitedForACreditNoteCountsItAndIsRefusedWhatIsNoLongerLeft() throws Exception {
        var shop = shops.open();
        String subscription = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com")
            .get("subscription_id").asString();
        // Its first renewal: an invoice paid by card.
        shops.advance(shop, "P31D");
        record Paid(String invoice, String payment, long amount) {}
        var paid = db.sql("""
            SELECT i.id, p.id, p.amount FROM invoices i JOIN payments p ON p.invoice_id = i.id
             WHERE i.subscription_id = :s AND i.status = 'paid' AND p.status = 'succeeded'""")
            .param("s", subscription)
            .query((rs, row) -> new Paid(rs.getString(1), rs.getString(2), rs.getLong(3)))
            .single();
        long note = paid.amount() - 400;

        CompletableFuture<Object> refund = new TransactionTemplate(transactions).execute(status -> {
            // The credit note holds the invoice, not yet committed, while the refund comes.
            credits.creditNote(shop.accountId(), paid.invoice(), note, "goodwill");
            var refunding = CompletableFuture.supplyAsync(() -> {
                try {
                    return refunds.refund(shop.accountId(), paid.payment(), note, null);
                } catch (RuntimeException e) {
                    return e;
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!someoneWaitsForTheInvoice()) {
                assertThat(refunding).as("the refund waits for the invoice").isNotDone();
                assertThat(System.nanoTime()).as("the refund waits for the invoice").isLessThan(deadline);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            return refunding;
        });

        assertThat(refund.get(30, TimeUnit.SECONDS)).isInstanceOfSatisfying(TillException.class, refused -> assertThat(
            refused.errors().getFirst().message()).contains("$4.00 left to refund"));
        long refunded = db.sql("SELECT amount_refunded FROM payments WHERE id = :id").param("id", paid.payment())
            .query(Long.class).single();
        assertThat(refunded).isZero();
    }
}
