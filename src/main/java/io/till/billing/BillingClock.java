package io.till.billing;

import io.till.event.EventType;
import io.till.payment.PaymentGateway;
import io.till.shared.Agenda;
import io.till.shared.DatabaseOutage;
import io.till.shared.TestClockSync;
import io.till.shared.TillClock;
import io.till.shared.Timestamps;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs the billing agenda: every few seconds each node claims the jobs that fell due, earliest first, and does them.
 * Any number of nodes may run it at once; after downtime it catches up, doing each missed job once, in order.
 */
@Component
@EnableConfigurationProperties(BillingSettings.class)
public class BillingClock implements Agenda {

    private static final Logger log = LoggerFactory.getLogger(BillingClock.class);
    private static final int BATCH = 50;

    private final BillingJobs jobs;
    private final Renewals renewals;
    private final InvoiceCharges charges;
    private final Invoices invoices;
    private final Notices notices;
    private final TillClock clock;
    private final TestClockSync testClock;
    private final CheckoutFlows flows;
    private final RefundSettlements refundSettlements;
    private final InvoiceChargeSettlements settlements;

    BillingClock(BillingJobs jobs, Renewals renewals, InvoiceCharges charges, Invoices invoices, Notices notices,
        TillClock clock, TestClockSync testClock, CheckoutFlows flows, RefundSettlements refundSettlements,
        InvoiceChargeSettlements settlements) {
        this.settlements = settlements;
        this.flows = flows;
        this.refundSettlements = refundSettlements;
        this.jobs = jobs;
        this.renewals = renewals;
        this.charges = charges;
        this.invoices = invoices;
        this.notices = notices;
        this.clock = clock;
        this.testClock = testClock;
    }

    @Override
    public Optional<Instant> nextDue() {
        return jobs.nextDue();
    }

    /** The account's billing jobs not done yet, for the sandbox test clock to show. */
    public long pending(String accountId) {
        return jobs.pending(accountId);
    }

    /** Does every job due by now; returns how many were done. */
    @Override
    public int runDue() {
        testClock.catchUp();
        int done = 0;
        while (true) {
            var batch = jobs.claimDue(Timestamps.now(clock), BATCH);
            if (batch.isEmpty()) {
                return done;
            }
            done += runClaimed(batch);
        }
    }

    /**
     * Does now the due jobs of one kind for one subject that no node holds, exactly as the clock would, and answers how
     * many were done: 0 when there were none, or another node (or a test clock advance) holds them.
     */
    int runDueNow(BillingJobs.Kind kind, String subjectId) {
        return runDueNow(kind, subjectId, null);
    }

    /**
     * As {@link #runDueNow(BillingJobs.Kind, String)}, saying why it runs now: {@code chargedBy} (see {@link
     * ChargedBy}) is kept with a charge it makes, for the invoice's page to say who made it; null for the schedule.
     */
    int runDueNow(BillingJobs.Kind kind, String subjectId, String chargedBy) {
        return testClock.round(() -> {
            testClock.catchUp();
            return runClaimed(jobs.claimDueFor(kind, subjectId, Timestamps.now(clock)), chargedBy);
        });
    }

    int runClaimed(java.util.List<BillingJobs.Job> batch) {
        return runClaimed(batch, null);
    }

    private int runClaimed(java.util.List<BillingJobs.Job> batch, String chargedBy) {
        int done = 0;
        for (var claimed : batch) {
            // Each job as it comes to run: a job done meanwhile (its invoice paid, or charged by staff) or taken over
            // by another node is not run again.
            var held = jobs.stillHeld(claimed, Timestamps.now(clock));
            if (held.isEmpty()) {
                continue;
            }
            var job = held.get();
            try {
                run(job, chargedBy);
                jobs.complete(job, Timestamps.now(clock));
                done++;
            } catch (ChargeInProgress e) {
                // Not a failure: another charge of the invoice is at the gateway, and this attempt waits its turn.
                log.info("Billing job {} ({} of {}) waits for another charge of the invoice to end", job.id(),
                    job.kind(), job.subjectId());
                jobs.later(job, Timestamps.now(clock).plus(BillingActions.IN_PROGRESS_ASK_AGAIN));
            } catch (PaymentGateway.ChargeProcessing e) {
                // Not a failure either: the bank has not answered yet. Asked again later, less often as it stays so.
                log.info("Billing job {} ({} of {}) waits for the bank: {}", job.id(), job.kind(), job.subjectId(),
                    e.getMessage());
                jobs.fail(job, e.getMessage(), Timestamps.now(clock));
            } catch (RuntimeException e) {
                if (DatabaseOutage.explains(e)) {
                    // Not the job's fault: its lease runs out and it is claimed again once the database is back.
                    throw e;
                }
                log.error("Billing job {} ({} of {}) failed; it will be tried again", job.id(), job.kind(),
                    job.subjectId(), e);
                jobs.fail(job, e.toString(), Timestamps.now(clock));
            }
        }
        return done;
    }

    private void run(BillingJobs.Job job, String chargedBy) {
        String account = job.accountId();
        switch (job.kind()) {
            case SUBSCRIPTION_RENEWAL -> renewals.renewSubscription(account, job.subjectId(), job.dueAt());
            case PLAN_INSTALLMENT -> renewals.chargeInstallment(account, job.subjectId(), job.dueAt());
            case INVOICE_RETRY -> charges.attempt(account, job.subjectId(),
                invoices.scheduleAttempts(account, job.subjectId()) + 1, chargedBy);
            case INVOICE_OVERDUE -> notices.overdue(account, job.subjectId());
            case SUBSCRIPTION_RENEWAL_UPCOMING -> notices.renewalUpcoming(account, job.subjectId(), job.dueAt());
            case SUBSCRIPTION_TRIAL_ENDING -> notices.trialEnding(account, job.subjectId(), job.dueAt());
            case SUBSCRIPTION_ENDING_SOON -> notices.endingSoon(account, job.subjectId(), job.dueAt());
            case PLAN_PAYMENT_UPCOMING -> notices.paymentUpcoming(account, job.subjectId(), job.dueAt());
            case CARD_EXPIRING -> notices.cardExpiry(account, job.subjectId(), EventType.CARD_EXPIRING, job.dueAt());
            case CARD_EXPIRED -> notices.cardExpiry(account, job.subjectId(), EventType.CARD_EXPIRED, job.dueAt());
            case CHECKOUT_FLOW_GRACE -> flows.graceOver(account, job.subjectId());
            case ORDER_SETTLEMENT -> flows.settlePending(account, job.subjectId());
            case REFUND_SETTLEMENT -> refundSettlements.settlePending(account, job.subjectId());
            case UPSELL_SETTLEMENT -> flows.settleUpsellCharge(account, job.subjectId());
            case INVOICE_CHARGE_SETTLEMENT -> settlements.settle(account, job.subjectId());
        }
    }

    /** The background tick; tests turn it off and drive the clock through the test clock instead. */
    @Component
    @ConditionalOnProperty(name = "till.billing.clock-enabled", havingValue = "true", matchIfMissing = true)
    static class Tick {

        private final BillingClock billingClock;
        private final TestClockSync testClock;
        private final DatabaseOutage outage = new DatabaseOutage("The billing clock");

        Tick(BillingClock billingClock, TestClockSync testClock) {
            this.billingClock = billingClock;
            this.testClock = testClock;
        }

        @Scheduled(initialDelayString = "${till.billing.clock-initial-delay:PT10S}", fixedDelayString = "${till.billing.clock-interval:PT5S}")
        void tick() {
            long started = System.nanoTime();
            try {
                testClock.round(billingClock::runDue);
                outage.over();
            } catch (RuntimeException e) {
                if (!DatabaseOutage.explains(e)) {
                    throw e;
                }
                // The next tick tries again: the fixed delay between ticks already bounds how often.
                outage.noticed(e, started);
            }
        }
    }

}
