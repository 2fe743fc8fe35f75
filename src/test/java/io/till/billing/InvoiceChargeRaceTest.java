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
    @Autowired
    BillingJobs jobs;
    @Autowired
    BillingClock billingClock;
    @Autowired
    java.time.Clock clock;
    @Autowired
    io.till.testing.Api api;

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

    /** An automation's retry with {@code key}, held at the gateway's door until {@code hold} is released. */
    private CompletableFuture<BillingActions.Charge> heldRetry(Shops.Shop shop, String invoice, String key,
        GatewayFaults.Hold hold) throws InterruptedException {
        var retry = CompletableFuture.supplyAsync(() -> billing.retryPayment(shop.accountId(), invoice, key,
            "exe_race"));
        hold.awaitEntered();
        return retry;
    }

    @Test
    void anAutomationsRetryWhileAnotherChargeOfTheInvoiceIsAtTheGatewayWaitsItsTurnAndChargesNothing()
        throws Exception {
        var shop = shops.open();
        String invoice = failedInvoice(shop);
        long before = gatewayCharges(shop, invoice);
        var hold = faults.holdNextCharge(shop.accountId());

        var first = heldRetry(shop, invoice, "race-a", hold);
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

        var retry = heldRetry(shop, invoice, "race-c", hold);
        Throwable scheduled = org.assertj.core.api.Assertions.catchThrowable(() -> charges.attempt(shop.accountId(),
            invoice, 2));
        hold.release();

        assertThat(retry.get(30, TimeUnit.SECONDS).status()).isEqualTo("declined");
        assertThat(scheduled).hasMessageContaining("Another charge of this invoice is in progress");
        assertThat(gatewayCharges(shop, invoice) - before).isEqualTo(1);
        assertThat(db.sql("SELECT attempt_count FROM invoices WHERE id = :id").param("id", invoice)
            .query(Integer.class).single()).isEqualTo(attempts + 1);
    }

    @Test
    void aScheduledAttemptThatFindsAnotherChargeAtTheGatewayIsTakenAgainInSecondsAndCountsNoFailure()
        throws Exception {
        var shop = shops.open();
        String invoice = failedInvoice(shop);
        long before = gatewayCharges(shop, invoice);
        var hold = faults.holdNextCharge(shop.accountId());
        var retry = heldRetry(shop, invoice, "race-d", hold);
        var now = io.till.shared.Timestamps.now(clock);
        jobs.schedule(shop.accountId(), BillingJobs.Kind.INVOICE_RETRY, invoice, now);

        int done = billingClock.runDueNow(BillingJobs.Kind.INVOICE_RETRY, invoice);
        hold.release();

        assertThat(retry.get(30, TimeUnit.SECONDS).status()).isEqualTo("declined");
        assertThat(done).isZero();
        assertThat(gatewayCharges(shop, invoice) - before).isEqualTo(1);
        var job = db.sql("""
            SELECT attempts, last_error, locked_until FROM billing_jobs
             WHERE kind = 'INVOICE_RETRY' AND subject_id = :id AND due_at = :due""")
            .param("id", invoice)
            .param("due", io.till.shared.Timestamps.of(now))
            .query((rs, row) -> new Object[]{rs.getInt(1), rs.getString(2), io.till.shared.Timestamps.read(rs,
                "locked_until")})
            .single();
        assertThat(job[0]).as("a wait is no attempt").isEqualTo(0);
        assertThat(job[1]).as("nor a failure").isNull();
        assertThat((java.time.Instant) job[2]).isBetween(now.plusSeconds(2), now.plusSeconds(12));

        // Its time come, the attempt charges as it always did.
        shops.advance(shop, "PT15S");
        assertThat(gatewayCharges(shop, invoice) - before).isEqualTo(2);
    }

    /**
     * A reviewer found a card chosen while the schedule's attempt was at the gateway never tried: the retry it asked
     * for made the same attempt, under the same key, and so answered the old card's decline. It now waits for that
     * attempt to end and makes the next one, on the card chosen.
     */
    @Test
    void aCardChosenWhileTheScheduledAttemptIsAtTheGatewayIsTriedOnceThatAttemptEnds() throws Exception {
        var shop = shops.open();
        String invoice = failedInvoice(shop);
        var row = db.sql("SELECT customer_id, subscription_id, attempt_count FROM invoices WHERE id = :id")
            .param("id", invoice)
            .query((rs, n) -> new String[]{rs.getString(1), rs.getString(2), rs.getString(3)})
            .single();
        String visa = api.post("/api/v1/customers/" + row[0] + "/payment_methods", shop.apiKey(),
            "{\"token\": \"pm_card_visa\"}").json().get("id").asString();
        var hold = faults.holdNextCharge(shop.accountId());
        var scheduled = CompletableFuture.runAsync(() -> charges.attempt(shop.accountId(), invoice,
            Integer.parseInt(row[2]) + 1));
        hold.awaitEntered();

        var changed = api.post("/api/v1/subscriptions/" + row[1] + "/change_card", shop.apiKey(),
            "{\"payment_method_id\": \"" + visa + "\"}");
        // The retry the change asked for comes due while the attempt is still at the gateway: it waits.
        int ranWhileHeld = billingClock.runDueNow(BillingJobs.Kind.INVOICE_RETRY, invoice);
        hold.release();
        scheduled.get(30, TimeUnit.SECONDS);
        shops.advance(shop, "PT15S");

        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        assertThat(ranWhileHeld).isZero();
        assertThat(db.sql("SELECT status FROM invoices WHERE id = :id").param("id", invoice).query(String.class)
            .single()).as(
                db.sql("SELECT string_agg(idempotency_key || ' ' || card_id || ' ' || status, '; ') FROM "
                    + "payments WHERE invoice_id = :id").param("id", invoice).query(String.class).single() + " / "
                    + db.sql("SELECT string_agg(kind || ' ' || due_at || ' ' || coalesce(done_at::text, '-') || ' '"
                        + " || coalesce(last_error, ''), '; ') FROM billing_jobs WHERE subject_id = :id")
                        .param("id", invoice)
                        .query(String.class).single())
            .isEqualTo("paid");
        assertThat(db.sql("SELECT card_id FROM payments WHERE invoice_id = :id AND status = 'succeeded'")
            .param("id", invoice)
            .query(String.class)
            .list()).containsExactly(visa);
    }

    private void holdFor(String invoice, String key) {
        db.sql("UPDATE invoices SET charging_key = :key, charging_until = :until WHERE id = :id")
            .param("key", key)
            .param("until", io.till.shared.Timestamps.of(io.till.shared.Timestamps.now(clock).plusSeconds(300)))
            .param("id", invoice)
            .update();
    }

    @Test
    void aHoldWhoseChargeIsRecordedIsOverThoughItsHolderNeverLetItGo() {
        var shop = shops.open();
        String invoice = failedInvoice(shop);
        assertThat(billing.retryPayment(shop.accountId(), invoice, "race-e", "exe_race").status())
            .isEqualTo("declined");
        long before = gatewayCharges(shop, invoice);

        // A node stopped past its lease took the invoice again for the same step after another node had charged and
        // recorded it, and was cut off before it let it go.
        holdFor(invoice, ChargeKeys.retry("race-e"));
        assertThat(billing.retryPayment(shop.accountId(), invoice, "race-f", "exe_race").status())
            .isEqualTo("declined");
        assertThat(gatewayCharges(shop, invoice) - before).isEqualTo(1);

        // A charge whose outcome nobody has recorded holds the invoice until it runs out, or its own key goes on.
        holdFor(invoice, ChargeKeys.retry("race-g"));
        assertThat(billing.retryPayment(shop.accountId(), invoice, "race-h", "exe_race").status())
            .isEqualTo("in_progress");
        assertThat(billing.retryPayment(shop.accountId(), invoice, "race-g", "exe_race").status())
            .isEqualTo("declined");
        assertThat(billing.retryPayment(shop.accountId(), invoice, "race-h", "exe_race").status())
            .isEqualTo("declined");
        assertThat(gatewayCharges(shop, invoice) - before).isEqualTo(3);
    }
}
