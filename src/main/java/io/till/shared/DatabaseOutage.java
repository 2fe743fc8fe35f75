package io.till.shared;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * A time when the database cannot be reached (down, restarting, refusing connections). {@link #explains} tells such a
 * failure from a bad query, so that a request is answered 503 and a background loop waits and tries again instead of
 * failing work for good. An instance tells one background loop's log about an outage once when it begins and once when
 * it ends, not on every turn.
 */
public final class DatabaseOutage {

    /** What a client told the database is unavailable should wait before trying again. */
    public static final int RETRY_AFTER_SECONDS = 5;

    private static final Logger log = LoggerFactory.getLogger(DatabaseOutage.class);
    /** PostgreSQL's "admin shutdown", "crash shutdown", "cannot connect now" and "too many connections". */
    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300");

    private final String what;
    private final AtomicBoolean ongoing = new AtomicBoolean();
    private volatile long endedAt = System.nanoTime();

    /** @param what who waits, for the log ("The automation engine") */
    public DatabaseOutage(String what) {
        this.what = what;
    }

    /** Whether this failure means the database could not be reached, rather than that it refused what was asked. */
    public static boolean explains(Throwable failure) {
        boolean resourceFailure = false;
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof CannotGetJdbcConnectionException) {
                return true;
            }
            // A rollback that failed on a lost connection hides the failure that made it roll back.
            if (cause instanceof TransactionSystemException rollback && rollback.getApplicationException() != null
                && explains(rollback.getApplicationException())) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                // The driver's or the server's own word decides: class 08 is "connection exception".
                return sql.getSQLState().startsWith("08") || UNAVAILABLE_STATES.contains(sql.getSQLState());
            }
            // Hikari's "connection is not available" when no server answered at all carries no state.
            if (cause instanceof SQLTransientConnectionException) {
                return true;
            }
            resourceFailure |= cause instanceof DataAccessResourceFailureException;
        }
        return resourceFailure;
    }

    /**
     * A turn of the loop that began at {@code turnStarted} ({@link System#nanoTime}) hit an outage: logged when it is the
     * first failure since the database was seen back. A turn that began before then failed in the outage already told.
     */
    public void noticed(Throwable failure, long turnStarted) {
        if (turnStarted - endedAt < 0) {
            return;
        }
        if (ongoing.compareAndSet(false, true)) {
            log.warn("{} cannot reach the database ({}); it waits and tries again until the database is back", what,
                rootMessage(failure));
        }
    }

    /** The loop reached the database: logged when an outage had been noticed. */
    public void over() {
        if (ongoing.get() && ongoing.compareAndSet(true, false)) {
            endedAt = System.nanoTime();
            log.info("{} reaches the database again", what);
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
