package io.till.shared;

import java.sql.SQLException;
import java.util.Set;
import org.springframework.dao.ConcurrencyFailureException;

/**
 * A transaction PostgreSQL stopped because another changed the same rows at the same moment (a deadlock, a
 * serialization failure): nothing of it was saved, and the same request sent again goes through. Told apart from a
 * bad query, so that a client is answered 503 with Retry-After rather than 500.
 */
public final class ConcurrentChange {

    /** What a client stopped by a concurrent change should wait before sending its request again. */
    public static final int RETRY_AFTER_SECONDS = 1;

    /** PostgreSQL's "serialization failure" and "deadlock detected". */
    private static final Set<String> STATES = Set.of("40001", "40P01");

    private ConcurrentChange() {}

    public static boolean explains(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ConcurrencyFailureException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null && STATES.contains(sql
                .getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
