package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.till.testing.TillIntegrationTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * The matcher takes a batch from an inbox that filled in a moment as it takes one from an inbox that was always full:
 * its statement is planned for the inbox as it is, not for the empty inbox it met while all was quiet. (With the plan
 * PostgreSQL keeps for a statement reused on a connection, a batch of 500 read the whole of a 100,000-event inbox to
 * delete its rows: 700-850 ms a batch, and every other account's event waited behind it, until the next ANALYZE.)
 *
 * <p>The inbox here is a temporary table of the same shape on one of the background loops' connections, which the
 * engine's statement then reads in its place, so that no other test's events are touched and no ANALYZE comes between.
 */
@TillIntegrationTest
class FloodedInboxPlanTest {

    @Autowired
    ApplicationContext context;

    @Test
    void aBatchIsTakenFromAFloodedInboxByIndexAndPlaceWhenItsStatementWasLastPlannedForAnEmptyOne()
        throws SQLException {
        var workers = context.getBean("workerPool", HikariDataSource.class);
        try (Connection connection = workers.getConnection(); Statement sql = connection.createStatement()) {
            connection.setAutoCommit(false);
            try {
                sql.execute(
                    "CREATE TEMPORARY TABLE event_inbox (LIKE public.event_inbox INCLUDING ALL) ON COMMIT DROP");
                sql.execute("PREPARE take_batch (text[], int, tid[]) AS " + Triggers.TAKE
                    .replace(":fair", "$1").replace(":rest", "$2").replace(":places", "$3"));
                // Quiet: the batch is planned, again and again, for an empty inbox.
                for (int i = 0; i < 10; i++) {
                    plan(sql);
                }
                // A flood.
                sql.execute("""
                    INSERT INTO event_inbox (event_id, account_id, type)
                    SELECT 'evt_flood' || lpad(g::text, 12, '0'), 'acct_flood', 'acme.flood'
                      FROM generate_series(1, 20000) AS g
                    """);

                assertThat(plan(sql)).contains("Index Scan using").contains("Tid Scan on event_inbox")
                    .doesNotContain("Seq Scan");
            } finally {
                connection.rollback();
                sql.execute("DEALLOCATE take_batch");
                connection.setAutoCommit(true);
            }
        }
    }

    private static String plan(Statement sql) throws SQLException {
        var plan = new StringBuilder();
        try (var rows = sql.executeQuery("EXPLAIN EXECUTE take_batch ('{}', 500, '{}')")) {
            while (rows.next()) {
                plan.append(rows.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }
}
