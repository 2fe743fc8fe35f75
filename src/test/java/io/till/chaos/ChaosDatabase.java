package io.till.chaos;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The PostgreSQL 17 server that the chaos suite's nodes share and that the suite owns: zonky's binaries, a data
 * directory of its own, a fixed port, and a stop as abrupt as a crash (SIGKILL of the postmaster and of every backend),
 * after which it starts again on the same files and port and recovers from its write-ahead log.
 */
final class ChaosDatabase implements AutoCloseable {

    private final Path dataDir;
    private final Path log;
    private int port;
    private EmbeddedPostgres server;

    private ChaosDatabase(Path dataDir, Path log) {
        this.dataDir = dataDir;
        this.log = log;
    }

    /** Creates the cluster in {@code dataDir} (on a free port) and starts it. */
    static ChaosDatabase create(Path dataDir, Path log) throws IOException {
        Files.createDirectories(dataDir);
        var database = new ChaosDatabase(dataDir, log);
        database.start();
        return database;
    }

    /** Starts the server on the data directory and port it had, recovering from its WAL after a crash. */
    void start() throws IOException {
        server = EmbeddedPostgres.builder()
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(false)
            .setPort(port)
            // What a crash tests is the write-ahead log: a commit is acknowledged only once its WAL is written
            // (zonky's default is off). zonky keeps fsync off; the kernel outlives a killed process, so fsync would
            // add time and no truth here.
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("max_connections", "200")
            // A SIGSTOPped node keeps its connections, and any row lock it holds (an invoice in the middle of a
            // charge) would stall every other node for as long as it is stopped: PostgreSQL ends a transaction left
            // idle that long, as it should in production too (see the notes of the chaos suite).
            .setServerConfig("idle_in_transaction_session_timeout", "10s")
            .setPGStartupWait(Duration.ofMinutes(1))
            .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
        port = server.getPort();
    }

    /** Kills the postmaster and all its backends with SIGKILL, as a crash would, and waits until they are gone. */
    void crash() throws IOException {
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).getFirst().strip());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> backends = postmaster.descendants().toList();
        // The postmaster first: killed after a backend, it would notice and reset the others in an orderly way.
        postmaster.destroyForcibly();
        backends.forEach(ProcessHandle::destroyForcibly);
        postmaster.onExit().completeOnTimeout(postmaster, 30, TimeUnit.SECONDS).join();
        for (ProcessHandle backend : backends) {
            backend.onExit().completeOnTimeout(backend, 30, TimeUnit.SECONDS).join();
        }
        // Releases zonky's lock on the data directory; its clean stop finds nothing left to stop.
        server.close();
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    /** Connections for the suite's own checks, opened one per query so that they survive a restart. */
    DataSource dataSource() {
        return new DriverManagerDataSource(jdbcUrl(), "postgres", "");
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
