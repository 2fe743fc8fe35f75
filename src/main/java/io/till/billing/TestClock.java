package io.till.billing;

import io.till.account.Accounts;
import io.till.account.Mode;
import io.till.shared.ErrorCode;
import io.till.shared.TillClock;
import io.till.shared.TillException;
import java.time.Duration;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The sandbox's time machine. Advancing moves Till's clock forward step by step through every billing job that falls
 * due on the way, running each at its own time, so that a renewal, its failed charge and each retry happen in the order
 * and at the moments they would in real life. The clock is Till-wide, so a Till that holds a live account refuses it.
 */
@Component
class TestClock {

    /** The longest jump one call may make. */
    static final Duration MAX_ADVANCE = Duration.ofDays(3660);

    private final TillClock clock;
    private final BillingClock billingClock;
    private final BillingJobs jobs;
    private final Accounts accounts;
    private final JdbcClient db;

    TestClock(TillClock clock, BillingClock billingClock, BillingJobs jobs, Accounts accounts, JdbcClient db) {
        this.clock = clock;
        this.billingClock = billingClock;
        this.jobs = jobs;
        this.accounts = accounts;
        this.db = db;
    }

    record State(Instant now, Duration offset, long pendingJobs) {}

    record Advanced(Instant from, Instant now, int jobsRun) {}

    State state(String accountId) {
        ensureSandbox(accountId);
        billingClock.runDue();
        return new State(clock.instant(), clock.offset(), jobs.pending());
    }

    /** Moves the clock to {@code target}, running every job due on the way at its due time. */
    synchronized Advanced advanceTo(String accountId, Instant target) {
        ensureSandbox(accountId);
        Instant from = clock.instant();
        int run = billingClock.runDue();
        while (true) {
            var next = jobs.nextDue();
            if (next.isEmpty() || next.get().isAfter(target)) {
                break;
            }
            if (next.get().isAfter(clock.instant())) {
                move(next.get());
            }
            int done = billingClock.runDue();
            run += done;
            if (done == 0) {
                // What is due cannot run now (it failed, or another node holds it): its lease runs out on the way.
                break;
            }
        }
        move(target);
        run += billingClock.runDue();
        return new Advanced(from, clock.instant(), run);
    }

    private void move(Instant to) {
        Duration offset = clock.moveTo(to);
        db.sql("UPDATE test_clock SET offset_ms = greatest(offset_ms, :offset) WHERE id = 1")
            .param("offset", offset.toMillis())
            .update();
    }

    private void ensureSandbox(String accountId) {
        if (accounts.get(accountId).mode() == Mode.LIVE) {
            throw new TillException(ErrorCode.LIVE_MODE, "The test clock exists only in sandbox mode: live billing "
                + "follows real time.");
        }
        long live = db.sql("SELECT count(*) FROM accounts WHERE mode = 'live'").query(Long.class).single();
        if (live > 0) {
            throw new TillException(ErrorCode.LIVE_MODE, "This Till also bills a live account, and its clock is "
                + "shared by all accounts; the test clock works only on a sandbox-only Till.");
        }
    }
}
