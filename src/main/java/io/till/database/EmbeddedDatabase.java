package io.till.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL 17 run by Till itself when no database URL is configured, with its data kept in the data directory so
 * that it survives restarts.
 */
final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final Duration ORPHAN_SHUTDOWN_WAIT = Duration.ofSeconds(30);

    private final DataDirectory directory;
    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(DataDirectory directory, EmbeddedPostgres postgres) {
        this.directory = directory;
        this.postgres = postgres;
    }

    static EmbeddedDatabase start(Path dataDir, int port) {
        DataDirectory directory = DataDirectory.claim(dataDir);
        try {
            stopOrphanedServer(directory.postgres());
            var log = directory.postgresLog().toFile();
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(directory.postgres())
                .setCleanDataDirectory(false)
                .setPort(port)
                .setLocaleConfig("encoding", "UTF8")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log))
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
            EmbeddedDatabase.log.info("Embedded PostgreSQL 17 is running on port {} with its data in {}",
                postgres.getPort(),
                directory.postgres());
            return new EmbeddedDatabase(directory, postgres);
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw new IllegalStateException("Could not start the embedded PostgreSQL in " + directory.postgres() + " ("
                + e.getMessage() + "); its log is " + directory.postgresLog(), e);
        }
    }

    String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        } finally {
            directory.close();
        }
    }

    /**
     * A Till killed without a chance to shut down leaves its PostgreSQL running. Holding the data directory lock proves
     * no Till owns that server any more, so it is stopped before a new one starts on the same files.
     */
    private static void stopOrphanedServer(Path postgresDir) throws IOException {
        Path pidFile = postgresDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.getFirst().strip());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> orphan = ProcessHandle.of(pid)
            .filter(ProcessHandle::isAlive)
            .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false))
            // A stale pid file (after a reboot) may name an unrelated process: only a server on our files is ours.
            .filter(p -> p.info().commandLine().map(line -> line.contains(postgresDir.toString())).orElse(false));
        if (orphan.isEmpty()) {
            return;
        }
        log.warn("Stopping PostgreSQL process {} left running by a Till that did not shut down", pid);
        ProcessHandle process = orphan.get();
        process.destroy();
        try {
            process.onExit().get(ORPHAN_SHUTDOWN_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the orphaned PostgreSQL " + pid, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the orphaned PostgreSQL " + pid + " did not stop within " + ORPHAN_SHUTDOWN_WAIT
                + "; stop it by hand", e);
        }
    }
}
