package io.till.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/** A round's write-back tries again what nothing was written of, and only that. */
class WriteBackTest {

    @Test
    void aWriteThatLostADeadlockIsTriedAgainAndItsResultKept() {
        var tries = new AtomicInteger();

        String written = WriteBack.onceConnected(Duration.ofSeconds(30), "2 executions", () -> {
            if (tries.incrementAndGet() == 1) {
                throw new PessimisticLockingFailureException("deadlock detected");
            }
            return "written";
        });

        assertThat(written).isEqualTo("written");
        assertThat(tries).hasValue(2);
    }

    @Test
    void aWriteThatFoundNoConnectionIsTriedAgain() {
        var tries = new AtomicInteger();

        int written = WriteBack.onceConnected(Duration.ofSeconds(30), "1 execution", () -> {
            if (tries.incrementAndGet() < 3) {
                throw new CannotGetJdbcConnectionException("pool exhausted");
            }
            return tries.get();
        });

        assertThat(written).isEqualTo(3);
    }

    /** A restart or failover of the database drops the connection under the write: nothing was written. */
    @Test
    void aWriteWhoseConnectionWasLostIsTriedAgain() {
        var tries = new AtomicInteger();

        int written = WriteBack.onceConnected(Duration.ofSeconds(30), "1 execution", () -> {
            if (tries.incrementAndGet() == 1) {
                throw new DataAccessResourceFailureException("terminating connection due to administrator command");
            }
            return tries.get();
        });

        assertThat(written).isEqualTo(2);
    }

    /**
     * A node stopping interrupts its workers: the round's write-back still happens (the pool refused an interrupted
     * thread a connection, and the write gave up, so what its steps did was done again by another node), and the
     * interrupt is kept for after.
     */
    @Test
    void aWriteOnAnInterruptedThreadIsStillTriedAgainAndTheInterruptKept() {
        var tries = new AtomicInteger();
        Thread.currentThread().interrupt();
        try {
            int written = WriteBack.onceConnected(Duration.ofSeconds(30), "1 execution", () -> {
                if (tries.incrementAndGet() == 1) {
                    Thread.currentThread().interrupt();
                    throw new CannotGetJdbcConnectionException("Interrupted during connection acquisition");
                }
                assertThat(Thread.currentThread().isInterrupted()).as("written without the interrupt").isFalse();
                return tries.get();
            });

            assertThat(written).isEqualTo(2);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aWriteTheDatabaseRefusesIsNotTriedAgain() {
        var tries = new AtomicInteger();

        assertThatThrownBy(() -> WriteBack.onceConnected(Duration.ofSeconds(30), "1 execution", () -> {
            tries.incrementAndGet();
            throw new DataIntegrityViolationException("value too long");
        })).isInstanceOf(DataIntegrityViolationException.class);
        assertThat(tries).hasValue(1);
    }

    @Test
    void itGivesUpOnceTheLeaseWouldEndBeforeTheNextTry() {
        var tries = new AtomicInteger();

        assertThatThrownBy(() -> WriteBack.onceConnected(Duration.ofMillis(120), "1 execution", () -> {
            tries.incrementAndGet();
            throw new PessimisticLockingFailureException("deadlock detected");
        })).isInstanceOf(PessimisticLockingFailureException.class);
        assertThat(tries.get()).isBetween(1, 3);
    }
}
