package io.till.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

@ExtendWith(OutputCaptureExtension.class)
class DatabaseOutageTest {

    private static final SQLException REFUSED = new SQLException("Connection refused", "08001");

    @Test
    void tellsTheLogOnceWhenAnOutageBeginsAndOnceWhenItEnds(CapturedOutput output) {
        var outage = new DatabaseOutage("The test loop");
        long turnBeforeTheEnd = System.nanoTime();
        for (int turn = 0; turn < 50; turn++) {
            outage.noticed(REFUSED, System.nanoTime());
        }
        outage.over();
        outage.over();
        // A turn that was already waiting when the database came back fails late: the same outage, not a new one.
        outage.noticed(REFUSED, turnBeforeTheEnd);

        assertThat(output.getOut().lines().filter(line -> line.contains("The test loop cannot reach the database")))
            .hasSize(1);
        assertThat(output.getOut().lines().filter(line -> line.contains("The test loop reaches the database again")))
            .hasSize(1);

        outage.noticed(REFUSED, System.nanoTime());
        assertThat(output.getOut().lines().filter(line -> line.contains("The test loop cannot reach the database")))
            .hasSize(2);
    }

    @Test
    void recognisesThePoolGivingUpOnAnUnreachableServer() {
        var refused = new PSQLException("Connection to localhost:5432 refused", PSQLState.CONNECTION_UNABLE_TO_CONNECT);
        var timedOut = new SQLTransientConnectionException("till - Connection is not available", "08001", refused);

        assertThat(DatabaseOutage.explains(new CannotGetJdbcConnectionException("Failed", timedOut))).isTrue();
        assertThat(DatabaseOutage.explains(new CannotCreateTransactionException("Could not open", timedOut))).isTrue();
        assertThat(DatabaseOutage.explains(new SQLTransientConnectionException("pool exhausted"))).isTrue();
    }

    @Test
    void recognisesAConnectionLostOrAServerShuttingDown() {
        assertThat(DatabaseOutage.explains(new DataAccessResourceFailureException("I/O",
            new PSQLException("An I/O error occurred while sending to the backend", PSQLState.CONNECTION_FAILURE))))
            .isTrue();
        assertThat(DatabaseOutage.explains(new DataAccessResourceFailureException("shutdown",
            new SQLException("terminating connection due to administrator command", "57P01")))).isTrue();
        assertThat(DatabaseOutage.explains(new SQLException("the database system is starting up", "57P03")))
            .isTrue();
    }

    @Test
    void leavesAQueryTheDatabaseRefusedToTheCaller() {
        assertThat(DatabaseOutage.explains(new DataIntegrityViolationException("duplicate",
            new SQLException("duplicate key value violates unique constraint", "23505")))).isFalse();
        // Spring files "program limit exceeded" under resource failures, but trying again will not help.
        assertThat(DatabaseOutage.explains(new DataAccessResourceFailureException("too complex",
            new SQLException("statement is too complex", "54001")))).isFalse();
        assertThat(DatabaseOutage.explains(new IllegalStateException("a bug"))).isFalse();
    }
}
