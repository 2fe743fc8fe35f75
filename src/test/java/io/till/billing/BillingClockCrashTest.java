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
        assertThat(billingClock.runDue()).as("node B waits while A's leases hold").isZero();

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
}
