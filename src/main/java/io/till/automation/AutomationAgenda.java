package io.till.automation;

import io.till.shared.Agenda;
import io.till.shared.TestClockSync;
import io.till.shared.TillClock;
import io.till.shared.Timestamps;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The automation engine's work as one agenda: events to match, schedules and timers that fell due, and executions to
 * run. The background workers do the same work continuously; the sandbox test clock and tests call {@link #runDue}.
 */
@Component
public class AutomationAgenda implements Agenda {

    static final int EVENT_BATCH = 500;
    static final int TIMER_BATCH = 1000;

    private final Triggers triggers;
    private final DirectStarts starts;
    private final ExecutionQueue queue;
    private final Executor executor;
    private final TillClock clock;
    private final JdbcClient db;
    private final TestClockSync testClock;

    AutomationAgenda(Triggers triggers, DirectStarts starts, ExecutionQueue queue, Executor executor, TillClock clock,
        JdbcClient db,
        TestClockSync testClock) {
        this.testClock = testClock;
        this.triggers = triggers;
        this.starts = starts;
        this.queue = queue;
        this.executor = executor;
        this.clock = clock;
        this.db = db;
    }

    @Override
    public Optional<Instant> nextDue() {
        boolean eventsWaiting = db.sql("SELECT EXISTS (SELECT 1 FROM event_inbox)").query(Boolean.class).single();
        // A paused automation's schedule has no times: the test clock would stop at each of them for nothing.
        Optional<Instant> schedule = db.sql("""
            SELECT min(s.next_fire_at) AS next
              FROM automation_schedules s
              JOIN automations a ON a.id = s.automation_id
             WHERE NOT a.paused
            """)
            .query((rs, row) -> Optional.ofNullable(Timestamps.read(rs, "next")))
            .single();
        return Stream.of(eventsWaiting ? Optional.of(clock.instant()) : Optional.<Instant>empty(), schedule,
            queue.nextDue(clock.instant())).flatMap(Optional::stream).min(Instant::compareTo);
    }

    @Override
    public void clockMoved(Instant from, Instant to) {
        queue.keepLeases(from, to);
    }

    /** Matches, fires, promotes and runs until nothing more is due now; returns how much was done. */
    @Override
    public int runDue() {
        testClock.catchUp();
        int total = 0;
        while (true) {
            int done = StepsAtStart.orWithout(atStart -> triggers.matchEvents(EVENT_BATCH, null, atStart)).events()
                + starts.fireSchedules(TIMER_BATCH)
                + queue.promoteTimers(Timestamps.now(clock), TIMER_BATCH)
                + executor.runRound();
            total += done;
            if (done == 0) {
                return total;
            }
        }
    }
}
