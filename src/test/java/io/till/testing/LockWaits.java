package io.till.testing;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Sessions of the test database waiting for a row lock, as seen now: how race tests hold one request at a lock while
 * another goes on, and know the first has reached it.
 */
public final class LockWaits {

    private LockWaits() {}

    /** How many sessions wait for a lock in a statement whose text contains {@code statementPart}. */
    public static long in(JdbcClient db, String statementPart) {
        // In a transaction, pg_stat_activity shows what it showed first unless told to look again.
        db.sql("SELECT pg_stat_clear_snapshot()").query().singleValue();
        return db.sql("""
            SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE :pattern""")
            .param("pattern", "%" + statementPart + "%")
            .query(Long.class)
            .single();
    }
}
