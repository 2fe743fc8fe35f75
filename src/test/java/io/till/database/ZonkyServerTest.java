package io.till.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * zonky's shutdown hook stopped the embedded server the moment the JVM was asked to stop, beside Spring's graceful
 * shutdown: running requests lost their database. The server now stops when Till closes it, after the pools.
 */
class ZonkyServerTest {

    private static final Duration NEVER = Duration.ofHours(1);

    @TempDir
    Path dataDir;

    @Test
    void whatZonkysShutdownHookRunsLeavesTheServerRunningUntilTillClosesIt() throws Exception {
        try (var database = EmbeddedDatabase.start(dataDir, 0, false, NEVER)) {
            // Exactly what zonky's hook thread runs when the JVM is asked to stop.
            database.zonky().close();

            try (var connection = DriverManager.getConnection(database.jdbcUrl())) {
                var one = connection.createStatement().executeQuery("SELECT 1");
                assertThat(one.next()).isTrue();
            }
        }

        assertThat(PostgresProcesses.postmaster(dataDir.resolve("postgres").toAbsolutePath()))
            .as("stopped when Till closed it").isEmpty();
        // And its lock on the data directory released: the next start takes it.
        try (var again = EmbeddedDatabase.start(dataDir, 0, false, NEVER);
            var connection = DriverManager.getConnection(again.jdbcUrl())) {
            assertThat(connection.isValid(5)).isTrue();
        }
    }
}
