package io.till.shared;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * The write that records what a worker's round did outside the database (a message sent, a webhook delivered): when
 * no connection can be had (every one busy past the pool's timeout, or the database restarting), its connection was
 * lost under it, or its transaction was rolled back for a moment's reason (it lost a deadlock to a cancel locking the
 * same runs), nothing was written, so the same write is tried again, with growing pauses, for as long as the round's
 * lease holds. What was done is then kept rather than left to be done again once the lease runs out; the writes it
 * serves are fenced by their lease, so one tried again never lands twice. A node stopping (its workers interrupted)
 * writes back all the same, and keeps the interrupt for after. Past the lease it gives up: the work comes back with
 * its lease and is done again under the same keys.
 */
public final class WriteBack {

    private static final Logger log = LoggerFactory.getLogger(WriteBack.class);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(50);
    private static final Duration LAST_PAUSE = Duration.ofSeconds(1);

    private WriteBack() {}

    /**
     * Runs {@code write}, trying it again while it finds no connection or is rolled back for a passing reason, for at
     * most {@code lease}.
     *
     * @param what what is written, for the log ("12 executions")
     */
    public static <T> T onceConnected(Duration lease, String what, Supplier<T> write) {
        long giveUp = System.nanoTime() + lease.toNanos();
        Duration pause = FIRST_PAUSE;
        // An interrupt (the node stopping) would make the pool refuse a connection and end every pause at once.
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    return write.get();
                } catch (DataAccessResourceFailureException | CannotCreateTransactionException
                    | TransientDataAccessException noConnection) {
                    interrupted |= Thread.interrupted();
                    if (System.nanoTime() + pause.toNanos() - giveUp > 0) {
                        throw noConnection;
                    }
                    log.warn("Could not write back {}; trying again in {} ms: {}", what, pause.toMillis(),
                        noConnection.getMessage());
                    LockSupport.parkNanos(pause.toNanos());
                    interrupted |= Thread.interrupted();
                    pause = pause.multipliedBy(2).compareTo(LAST_PAUSE) > 0 ? LAST_PAUSE : pause.multipliedBy(2);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
