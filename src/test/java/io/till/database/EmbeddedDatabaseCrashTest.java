package io.till.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL killed the hard way, the way an OOM killer or a crash would. */
class EmbeddedDatabaseCrashTest {

    private static final Duration NEVER = Duration.ofHours(1);

    @TempDir
    Path dataDir;

    @Test
    void everyAcknowledgedInsertSurvivesTheServerBeingKilled() throws Exception {
        try (var database = EmbeddedDatabase.start(dataDir, 0, true, NEVER)) {
            try (var connection = DriverManager.getConnection(database.jdbcUrl())) {
                connection.createStatement().execute("CREATE TABLE acknowledged (n int PRIMARY KEY)");
                for (int n = 1; n <= 201; n++) {
                    connection.createStatement().executeUpdate("INSERT INTO acknowledged VALUES (" + n + ")");
                }
                killServer(dataDir);
            }

            assertThat(database.restartIfGone()).isTrue();

            try (var connection = DriverManager.getConnection(database.jdbcUrl())) {
                var rows = connection.createStatement().executeQuery("SELECT count(*) FROM acknowledged");
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(201);
            }
        }
    }

    @Test
    void theWatchdogStartsAKilledServerAgainOnTheSamePortAndFiles() throws Exception {
        try (var database = EmbeddedDatabase.start(dataDir, 0, false, Duration.ofMillis(100))) {
            try (var connection = DriverManager.getConnection(database.jdbcUrl())) {
                connection.createStatement().execute("CREATE TABLE kept (n int)");
                connection.createStatement().execute("INSERT INTO kept VALUES (1)");
                connection.createStatement().execute("CHECKPOINT");
            }
            long killed = killServer(dataDir);

            try (var connection = awaitConnection(database.jdbcUrl(), Duration.ofSeconds(60))) {
                var rows = connection.createStatement().executeQuery("SELECT count(*) FROM kept");
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(1);
            }
            assertThat(PostgresProcesses.postmaster(dataDir.resolve("postgres").toAbsolutePath()))
                .hasValueSatisfying(postmaster -> assertThat(postmaster.pid()).isNotEqualTo(killed));
        }
    }

    /**
     * A Till killed without shutting down leaves its server running, perhaps with a client still connected (a psql
     * taking a dump): the next start stops it at once, where PostgreSQL's smart shutdown waited for that client and
     * the start failed after 30 s.
     */
    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void anOrphanedServerWithAClientConnectedIsStoppedAtOnce(
        org.springframework.boot.test.system.CapturedOutput output) throws Exception {
        try (var database = EmbeddedDatabase.start(dataDir, 0, false, NEVER);
            var client = DriverManager.getConnection(database.jdbcUrl())) {
            assertThat(client.isValid(5)).isTrue();

            PostgresProcesses.stopOrphan(dataDir.resolve("postgres").toAbsolutePath());

            assertThat(PostgresProcesses.postmaster(dataDir.resolve("postgres").toAbsolutePath())).isEmpty();
            assertThat(output.getOut()).as("stopped by its fast shutdown, not after waiting for the client")
                .doesNotContain("did not stop within");
        }
    }

    /**
     * The server died with Till (a container killed), and its pid file names a process that is alive again as
     * something else: PostgreSQL, finding it alive, refused to start, at every start.
     */
    @Test
    void aPidFileNamingAnotherLiveProcessDoesNotKeepTheServerFromStarting() throws Exception {
        try (var database = EmbeddedDatabase.start(dataDir, 0, false, NEVER)) {
            assertThat(database.jdbcUrl()).isNotBlank();
        }
        Process other = new ProcessBuilder("sleep", "120").start();
        try {
            java.nio.file.Files.writeString(dataDir.resolve("postgres").resolve("postmaster.pid"), other.pid()
                + "\n" + dataDir.resolve("postgres").toAbsolutePath() + "\n");

            try (var database = EmbeddedDatabase.start(dataDir, 0, false, NEVER);
                var connection = DriverManager.getConnection(database.jdbcUrl())) {
                assertThat(connection.isValid(5)).isTrue();
            }
            assertThat(other.isAlive()).as("the other process left alone").isTrue();
        } finally {
            other.destroyForcibly();
        }
    }

    /** A first start cut off while the database files were being made left files no server could start on. */
    @Test
    void databaseFilesThatWereNeverFinishedAreSetAsideAndMadeAgain() throws Exception {
        var postgres = java.nio.file.Files.createDirectories(dataDir.resolve("postgres"));
        java.nio.file.Files.writeString(postgres.resolve("postgresql.conf"), "# initdb was cut off here\n");

        try (var database = EmbeddedDatabase.start(dataDir, 0, false, NEVER);
            var connection = DriverManager.getConnection(database.jdbcUrl())) {
            assertThat(connection.isValid(5)).isTrue();
        }
        try (var siblings = java.nio.file.Files.list(dataDir)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).anyMatch(name -> name.startsWith(
                "postgres.unfinished-"));
        }
    }

    /** SIGKILLs the server and every one of its processes at once, so nothing gets to flush; returns its pid. */
    static long killServer(Path dataDir) throws Exception {
        var postmaster = PostgresProcesses.postmaster(dataDir.resolve("postgres").toAbsolutePath()).orElseThrow();
        var children = postmaster.descendants().toList();
        postmaster.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        postmaster.onExit().get(30, TimeUnit.SECONDS);
        return postmaster.pid();
    }

    private static Connection awaitConnection(String url, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        SQLException last = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                return DriverManager.getConnection(url);
            } catch (SQLException e) {
                last = e;
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        throw new AssertionError("the embedded PostgreSQL did not come back within " + bound, last);
    }
}
