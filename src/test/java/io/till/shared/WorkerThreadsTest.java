package io.till.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * A loop whose turns fail or succeed as each test says, one at a time; its waits are recorded instead of waited, so the
 * tests see how long it would wait after each turn.
 */
class WorkerThreadsTest {

    /** What a turn gets from the pool while the server is down: Hikari gave up on it. */
    private static final WorkerThreads.Step DATABASE_AWAY = () -> {
        throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
            new SQLTransientConnectionException("till-workers - Connection is not available, request timed out after "
                + "5000ms", "08001",
                new PSQLException("Connection to localhost:5432 refused", PSQLState.CONNECTION_UNABLE_TO_CONNECT)));
    };
    private static final WorkerThreads.Step BAD_QUERY = () -> {
        throw new BadSqlGrammarException("counting", "SELECT count(*) FROM nowhere",
            new SQLException("relation \"nowhere\" does not exist", "42P01"));
    };
    private static final WorkerThreads.Step SUCCEEDS = () -> {
    };

    private final BlockingQueue<Duration> waits = new LinkedBlockingQueue<>();
    private final WorkerThreads loops = new WorkerThreads("The test loop", waits::add);
    private final Turns turns = new Turns();

    @BeforeEach
    void start() {
        loops.start("test-loop", turns);
    }

    @AfterEach
    void stop() {
        loops.stop();
        assertThat(loops.running()).isFalse();
    }

    @Test
    void aLoopThatCannotReachTheDatabaseWaitsTwiceAsLongEachTimeUpToFiveSeconds() throws Exception {
        turns.play(DATABASE_AWAY, DATABASE_AWAY, DATABASE_AWAY, DATABASE_AWAY, DATABASE_AWAY, DATABASE_AWAY,
            DATABASE_AWAY, DATABASE_AWAY);

        assertThat(waits).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofSeconds(5),
            Duration.ofSeconds(5));
    }

    @Test
    void aLoopThatReachesTheDatabaseAgainGoesOnAtOnceAndWaitsAQuarterSecondAgainAtTheNextOutage() throws Exception {
        turns.play(DATABASE_AWAY, DATABASE_AWAY, DATABASE_AWAY, DATABASE_AWAY, DATABASE_AWAY, DATABASE_AWAY);
        turns.play(SUCCEEDS, SUCCEEDS);
        turns.play(DATABASE_AWAY, DATABASE_AWAY);

        assertThat(waits).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(5),
            Duration.ofMillis(250), Duration.ofMillis(500));
    }

    @Test
    void aLoopWhoseTurnFailsForAnotherReasonWaitsOneSecondEachTime() throws Exception {
        turns.play(BAD_QUERY, BAD_QUERY, BAD_QUERY, SUCCEEDS, BAD_QUERY);

        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(1));
    }

    /** The loop's step: each turn does what the test handed it next, and waits for the test while it has nothing. */
    private static final class Turns implements WorkerThreads.Step {

        private final BlockingQueue<WorkerThreads.Step> next = new LinkedBlockingQueue<>();
        /** Released as a turn begins for each one before it: that one has ended, and its wait is recorded. */
        private final Semaphore ended = new Semaphore(0);
        private boolean first = true;

        @Override
        public void run() throws InterruptedException {
            if (!first) {
                ended.release();
            }
            first = false;
            next.take().run();
        }

        /** Hands the loop these turns and returns once the last of them has ended, its wait included. */
        void play(WorkerThreads.Step... turns) throws InterruptedException {
            next.addAll(List.of(turns));
            // A bound only so that a loop that died shows as a failure rather than a hung build.
            assertThat(ended.tryAcquire(turns.length, 30, TimeUnit.SECONDS)).as("the loop asked for every turn")
                .isTrue();
        }
    }
}
