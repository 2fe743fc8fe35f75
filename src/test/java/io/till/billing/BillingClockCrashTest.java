package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A node that dies holding billing jobs: another finishes them, and nobody is charged twice. */
@TillIntegrationTest
class BillingClockCrashTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    BillingJobs jobs;
    @Autowired
    Renewals renewals;
    @Autowired
    BillingClock billingClock;
    @Autowired
    MutableClock clock;
    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient db;

    @Test
    void finishesTheRenewalsOfANodeThatDiedMidRun() {
        var shop = shops.open();
        for (int i = 0; i < 5; i++) {
            shops.buy(shop, shop.monthly(), "pm_card_visa", "buyer" + i + "@example.com");
        }
        clock.advance(Duration.ofDays(32));

        // Node A claims everything due, renews one subscription completely, and dies before marking any job done.
        var claimed = jobs.claimDue(clock.instant(), 1000);
        var renewal = claimed.stream()
            .filter(job -> job.kind() == BillingJobs.Kind.SUBSCRIPTION_RENEWAL && job.accountId().equals(
                shop.accountId()))
            .findFirst()
            .orElseThrow();
        renewals.renewSubscription(renewal.accountId(), renewal.subjectId(), renewal.dueAt());
        // Other tests' subscriptions in this database fall due too: what B must leave alone is this shop's.
        billingClock.runDue();
        assertThat(ledger.successfulCharges(shop.accountId())).as("node B waits while A's leases hold").isEqualTo(6);

        clock.advance(BillingJobs.LEASE.plusSeconds(1));
        billingClock.runDue();

        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(10);
        assertThat(api.get("/api/v1/invoices?limit=100", shop.apiKey()).json().get("data")).hasSize(5);
    }

    @Test
    void refusesTheLateWriteOfAZombieNode() {
        var shop = shops.open();
        shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        clock.advance(Duration.ofDays(32));
        var zombie = jobs.claimDue(clock.instant(), 1000);

        clock.advance(BillingJobs.LEASE.plusSeconds(1));
        billingClock.runDue();

        assertThat(zombie).isNotEmpty().allSatisfy(job -> assertThat(jobs.complete(job, clock.instant())).isFalse());
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(2);
    }

    @Test
    void backsOffAFailingJobWithoutDroppingIt() {
        var shop = shops.open();
        // A renewal job for a subscription that does not exist fails every time it runs.
        jobs.schedule(shop.accountId(), BillingJobs.Kind.SUBSCRIPTION_RENEWAL, "sub_missing",
            io.till.shared.Timestamps.now(clock));

        billingClock.runDue();
        clock.advance(Duration.ofSeconds(61));
        billingClock.runDue();
        clock.advance(Duration.ofSeconds(61));
        int afterTwoMinutes = attempts();
        clock.advance(Duration.ofSeconds(61));
        billingClock.runDue();

        assertThat(afterTwoMinutes).isEqualTo(2);
        assertThat(attempts()).isEqualTo(3);
        assertThat(db.sql("SELECT done_at IS NULL FROM billing_jobs WHERE subject_id = 'sub_missing'")
            .query(Boolean.class).single()).isTrue();
        // The clock is shared by every test: the broken job must not haunt the others.
        db.sql("DELETE FROM billing_jobs WHERE subject_id = 'sub_missing'").update();
    }

    private int attempts() {
        return db.sql("SELECT attempts FROM billing_jobs WHERE subject_id = 'sub_missing'").query(Integer.class)
            .single();
    }
}
