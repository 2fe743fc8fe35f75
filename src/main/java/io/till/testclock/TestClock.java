package io.till.testclock;

import io.till.account.Accounts;
import io.till.account.Mode;
import io.till.billing.BillingClock;
import io.till.shared.Agenda;
import io.till.shared.ErrorCode;
import io.till.shared.FieldErrors;
import io.till.shared.TestClockSync;
import io.till.shared.TillClock;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The sandbox's time machine. Advancing moves Till's clock forward step by step through every billing job that falls
 * due on the way, running each at its own time, so that a renewal, its failed charge and each retry happen in the order
 * and at the moments they would in real life. The clock is Till-wide, so a Till that holds a live account refuses it.
 */
@Component
class TestClock {

    /** The longest jump one call may make. */
    static final Duration MAX_ADVANCE = Duration.ofDays(3660);

    private static final Logger log = LoggerFactory.getLogger(TestClock.class);
    private static final Duration OTHER_NODE_POLL = Duration.ofMillis(10);
    private static final int OTHER_NODE_PATIENCE = 100;

    private final TillClock clock;
    private final TestClockSync workers;
    private final List<Agenda> agendas;
    private final BillingClock billingClock;
    private final Accounts accounts;
    private final JdbcClient db;
    private final TransactionTemplate transactions;

    TestClock(TillClock clock, TestClockSync workers, List<Agenda> agendas, BillingClock billingClock,
        Accounts accounts, JdbcClient db, TransactionTemplate transactions) {
        this.clock = clock;
        this.workers = workers;
        this.agendas = agendas;
        this.billingClock = billingClock;
        this.accounts = accounts;
        this.db = db;
        this.transactions = transactions;
    }

    /** @param pendingJobs the account's own billing jobs not done yet (the clock is shared, its work is not) */
    record State(Instant now, Duration offset, long pendingJobs) {}

    record Advanced(Instant from, Instant now, int jobsRun) {}

    State state(String accountId) {
        ensureSandbox(accountId);
        // Like a worker's round: skipped while an advance runs, which does this work itself at each due time.
        workers.round(billingClock::runDue);
        return new State(Timestamps.now(clock), clock.offset(), billingClock.pending(accountId));
    }

    /**
     * Where an advance asked {@code by} a duration or {@code to} a time ends, checked: exactly one of them, forward only
     * and at most {@link #MAX_ADVANCE}; every bad field is reported.
     */
    Instant target(String accountId, String by, String to) {
        var errors = new FieldErrors();
        Instant now = state(accountId).now();
        Instant target = null;
        if (by == null && to == null) {
            errors.add("by", "required", "give either by (an ISO-8601 duration such as P3D) or to (a time)");
        } else if (by != null && to != null) {
            errors.add("by", "not_allowed", "give either by or to, not both");
        } else if (by != null) {
            Instant stepped = stepped(now, by);
            if (stepped == null) {
                errors.add("by", "invalid_format", "must be an ISO-8601 duration such as P3D, PT2H or P1M");
            } else if (!stepped.isAfter(now) || Duration.between(now, stepped).compareTo(MAX_ADVANCE) > 0) {
                errors.add("by", "out_of_range", "must be positive and at most " + MAX_ADVANCE.toDays()
                    + " days; the clock only moves forward");
            } else {
                target = stepped;
            }
        } else {
            try {
                target = Instant.parse(to);
                if (!target.isAfter(now)) {
                    errors.add("to", "out_of_range", "must be after the clock's time, " + now.truncatedTo(
                        java.time.temporal.ChronoUnit.SECONDS));
                } else if (Duration.between(now, target).compareTo(MAX_ADVANCE) > 0) {
                    errors.add("to", "out_of_range", "is more than " + MAX_ADVANCE.toDays() + " days ahead");
                }
            } catch (DateTimeParseException e) {
                errors.add("to", "invalid_format", "must be an ISO-8601 time such as 2027-01-01T00:00:00Z");
            }
        }
        errors.throwIfAny();
        return target;
    }

    /**
     * {@code now} moved by {@code by}: a duration of days and hours ({@code P3D}, {@code PT2H}), or of calendar months
     * and years ({@code P1M}, counted in UTC as billing counts a monthly period, so that "a month" reaches a monthly
     * renewal: from Dec 4, Jan 4, where 30 days end on Jan 3); null when it is neither.
     */
    private static Instant stepped(Instant now, String by) {
        try {
            return now.plus(Duration.parse(by));
        } catch (DateTimeParseException notADuration) {
            try {
                return now.atZone(ZoneOffset.UTC).plus(Period.parse(by)).toInstant();
            } catch (DateTimeParseException notAPeriod) {
                return null;
            } catch (java.time.DateTimeException | ArithmeticException pastTheLastYear) {
                return Instant.MAX; // P1000000000Y: refused as out of range, not a 500
            }
        } catch (java.time.DateTimeException | ArithmeticException pastTheLastInstant) {
            return Instant.MAX;
        }
    }

    /**
     * Moves the clock to {@code target}, stopping at each time some agenda has work due (a billing job, an automation
     * timer or schedule) and running all of it there. This node's background workers wait meanwhile: a due item one of
     * them held at the moment the clock stopped could not run here, and the advance would move on without it.
     */
    synchronized Advanced advanceTo(String accountId, Instant target) {
        ensureSandbox(accountId);
        return workers.whileWorkersWait(() -> advanceAlone(target));
    }

    /**
     * Moves the clock {@code by} a duration or {@code to} a time ({@link #target}), read from where the clock is once
     * any advance under way has ended: three advances of three days at once move it nine days, in turn (they moved it
     * three, read all from the same start).
     */
    synchronized Advanced advance(String accountId, String by, String to) {
        return advanceTo(accountId, target(accountId, by, to));
    }

    private Advanced advanceAlone(Instant target) {
        Instant from = Timestamps.now(clock);
        int run = runAllDue();
        while (true) {
            var next = nextDue();
            if (next.isEmpty() || next.get().isAfter(target)) {
                break;
            }
            if (next.get().isAfter(clock.instant())) {
                move(next.get());
            }
            int done = runAllDue();
            run += done;
            if (done == 0) {
                var waited = awaitOtherNode();
                run += waited.ran();
                done = waited.cleared() ? 1 : 0;
            }
            if (done == 0) {
                // Still held by another node after a second: that node died mid-transaction, or hangs.
                log.warn("The test clock moves on to {} while work due at {} is held elsewhere", target, next.get());
                break;
            }
        }
        move(target);
        run += runAllDue();
        return new Advanced(from, Timestamps.now(clock), run);
    }

    /**
     * Work due now that none of this node's workers holds, yet cannot be claimed, is held for a moment by another node
     * (in a transaction that has not committed yet): the clock stays until that node is done with it.
     */
    private Waited awaitOtherNode() {
        for (int attempt = 0; attempt < OTHER_NODE_PATIENCE; attempt++) {
            var next = nextDue();
            if (next.isEmpty() || next.get().isAfter(clock.instant())) {
                // Nothing is due now after all (what ran failed and waits out its backoff): move on.
                return new Waited(true, 0);
            }
            LockSupport.parkNanos(OTHER_NODE_POLL.toNanos());
            int done = runAllDue();
            if (done > 0) {
                return new Waited(true, done);
            }
        }
        return new Waited(false, 0);
    }

    private record Waited(boolean cleared, int ran) {}

    private Optional<Instant> nextDue() {
        return agendas.stream().map(Agenda::nextDue).flatMap(Optional::stream).min(Comparator.naturalOrder());
    }

    /** Runs every agenda until none has anything due: a billing job's event may start an automation, and so on. */
    private int runAllDue() {
        int total = 0;
        for (int pass = 0; pass < 100; pass++) {
            int done = 0;
            for (Agenda agenda : agendas) {
                done += agenda.runDue();
            }
            total += done;
            if (done == 0) {
                break;
            }
        }
        return total;
    }

    /**
     * Moves this node's clock, then, in one transaction, the leases held under the old time and the time other nodes
     * read: a node that sees the new time also sees its leases moved, never one without the other.
     */
    private void move(Instant to) {
        Instant from = clock.instant();
        Duration offset = clock.moveTo(to);
        transactions.executeWithoutResult(status -> {
            if (to.isAfter(from)) {
                agendas.forEach(agenda -> agenda.clockMoved(from, to));
            }
            db.sql("UPDATE test_clock SET offset_ms = greatest(offset_ms, :offset) WHERE id = 1")
                .param("offset", offset.toMillis())
                .update();
        });
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
