package io.till.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL 17 run by Till itself when no database URL is configured, with its data kept in the data directory so
 * that it survives restarts. A watchdog starts the server again, on the same files and port, when its process dies.
 */
final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration LEFTOVER_WAIT = Duration.ofSeconds(10);
    private static final Duration MAX_RESTART_BACKOFF = Duration.ofSeconds(30);

    /**
     * zonky's defaults are for throwaway test databases: it starts the server with {@code -F} (no fsync) and
     * {@code synchronous_commit=off}, so a crash loses commits already acknowledged and a power loss can corrupt the
     * files. Till's embedded server holds a shop's real data, so it asks for every safeguard back; {@code -c} options
     * come after {@code -F} on the command line and win.
     */
    private static final Map<String, String> DURABLE = Map.of("fsync", "on", "synchronous_commit", "on",
        "full_page_writes", "on");
    /** For tests only: a throwaway database need not survive a crash, and skipping the flushes makes it faster. */
    private static final Map<String, String> THROWAWAY = Map.of("fsync", "off", "synchronous_commit", "off",
        "full_page_writes", "off");

    /**
     * Either way: autovacuum visits each database every 5 s instead of every minute. The engine's queues (the event
     * inbox, the execution queue) take a row and delete it for every execution; between two visits a minute apart a
     * flood left 120,000 dead rows beside 2,000 live ones in the queue and 110,000 in the inbox, which every claim and
     * match walks past. Measured with bench/automation-engine's flood after its other sections: account A drained at
     * 3,485 and 3,781 runs/s, the matcher's rounds 251 ms, with the default; at 5,933/s, rounds 123 ms, dead rows under
     * 25,000 and 43,000, with 5 s (docs/BENCHMARKS.md). A database Till is given by URL keeps its own settings.
     */
    private static final Map<String, String> EITHER = Map.of("autovacuum_naptime", "5s");

    private final DataDirectory directory;
    private final boolean durable;
    private final int port;
    private final Thread watchdog;
    private volatile EmbeddedPostgres postgres;
    /** Whether Till stops {@link #postgres} itself, after the pools, rather than zonky's shutdown hook (ZonkyServer). */
    private volatile boolean keptFromHook;
    private volatile ProcessHandle postmaster;
    private volatile boolean closed;
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    /**
     * How long the JVM's shutdown waits for Spring to close this (after its graceful shutdown, up to 30 s a phase, and
     * the pools) before stopping the server itself: one never closed (a context left open) does not outlive Till.
     */
    private static final Duration CLOSE_AT_EXIT_WAIT = Duration.ofSeconds(75);

    private EmbeddedDatabase(DataDirectory directory, boolean durable, EmbeddedPostgres postgres,
        Duration watchInterval) {
        this.directory = directory;
        this.durable = durable;
        this.postgres = postgres;
        this.port = postgres.getPort();
        this.postmaster = PostgresProcesses.postmaster(directory.postgres()).orElse(null);
        this.watchdog = Thread.ofVirtual().name("till-postgres-watchdog").start(() -> watch(watchInterval));
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("till-postgres-at-exit").unstarted(() -> {
            try {
                if (!stopped.await(CLOSE_AT_EXIT_WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
                    log.warn("Till was not closed within {} of being asked to stop; stopping the embedded PostgreSQL",
                        CLOSE_AT_EXIT_WAIT);
                    close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        // Only once that hook is there: asked to stop before it (a start cut short), zonky's own still stops it.
        this.keptFromHook = ZonkyServer.keepFromShutdownHook(postgres);
    }

    static EmbeddedDatabase start(Path dataDir, int port, boolean durable, Duration watchInterval) {
        DataDirectory directory = DataDirectory.claim(dataDir);
        try {
            PostgresProcesses.stopOrphan(directory.postgres());
            setAsideUnfinished(directory.postgres());
            EmbeddedPostgres postgres = launch(directory, port, durable);
            log.info("Embedded PostgreSQL 17 is running on port {} with its data in {}", postgres.getPort(),
                directory.postgres());
            if (!durable) {
                log.warn("Embedded PostgreSQL runs without fsync: a crash may lose data (meant for tests only)");
            }
            return new EmbeddedDatabase(directory, durable, postgres, watchInterval);
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw new IllegalStateException("Could not start the embedded PostgreSQL in " + directory.postgres() + " ("
                + e.getMessage() + "); its log is " + directory.postgresLog(), e);
        }
    }

    /**
     * zonky creates the database files (initdb) only where there is no {@code postgresql.conf}, which initdb writes
     * before it has finished: a first start cut off then (killed, a power cut) left files no server can start on, and
     * every later start failed. Files without {@code global/pg_control}, written last, never held a database: they
     * are set aside (kept, renamed) and made afresh.
     */
    private static void setAsideUnfinished(Path postgres) throws IOException {
        if (Files.exists(postgres.resolve("postgresql.conf")) && !Files.exists(postgres.resolve("global")
            .resolve("pg_control"))) {
            Path aside = postgres.resolveSibling(postgres.getFileName() + ".unfinished-"
                + io.till.shared.Ids.randomToken(8));
            log.warn("The database files in {} were never finished (the first start was cut off); setting them aside "
                + "as {} and creating them again", postgres, aside);
            Files.move(postgres, aside);
        }
    }

    private static EmbeddedPostgres launch(DataDirectory directory, int port, boolean durable) throws IOException {
        var logFile = directory.postgresLog().toFile();
        var builder = EmbeddedPostgres.builder()
            .setDataDirectory(directory.postgres())
            .setCleanDataDirectory(false)
            .setPort(port)
            .setLocaleConfig("encoding", "UTF8")
            .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile))
            .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile))
            .setPGStartupWait(STARTUP_WAIT);
        (durable ? DURABLE : THROWAWAY).forEach(builder::setServerConfig);
        EITHER.forEach(builder::setServerConfig);
        return builder.start();
    }

    /** zonky's server, for tests: what its shutdown hook would close. */
    EmbeddedPostgres zonky() {
        return postgres;
    }

    String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /**
     * Starts the server again if its process is gone (killed, crashed, stopped by hand), on the same data directory and
     * port so that the connection pool finds it where it was. Returns whether it had to.
     */
    synchronized boolean restartIfGone() throws IOException {
        // Without a process to watch (no readable pid file) the server is never second-guessed.
        if (closed || postmaster == null || postmaster.isAlive() || shuttingDown()) {
            return false;
        }
        log.warn("Embedded PostgreSQL (process {}) has stopped; starting it again on port {}", postmaster.pid(),
            port);
        // Releases zonky's lock on the data directory; its attempt to stop the dead server fails and says so.
        ZonkyServer.stop(postgres, keptFromHook);
        PostgresProcesses.awaitLeftovers(directory.postgres(), LEFTOVER_WAIT);
        postgres = launch(directory, port, durable);
        keptFromHook = ZonkyServer.keepFromShutdownHook(postgres);
        postmaster = PostgresProcesses.postmaster(directory.postgres()).orElse(null);
        log.info("Embedded PostgreSQL is running again on port {} (process {})", port,
            postmaster == null ? "unknown" : postmaster.pid());
        return true;
    }

    private void watch(Duration interval) {
        Duration wait = interval;
        while (!closed) {
            LockSupport.parkNanos(wait.toNanos());
            if (closed || Thread.currentThread().isInterrupted()) {
                return;
            }
            try {
                restartIfGone();
                wait = interval;
            } catch (IOException | RuntimeException e) {
                wait = wait.multipliedBy(2).compareTo(MAX_RESTART_BACKOFF) > 0
                    ? MAX_RESTART_BACKOFF
                    : wait.multipliedBy(2);
                log.error("Embedded PostgreSQL could not be started again ({}); trying again in {}; its log is {}",
                    e.getMessage(), wait, directory.postgresLog());
            }
        }
    }

    /**
     * While the JVM shuts down the server is stopped (by {@link #close} after the pools, or by zonky's own shutdown
     * hook where it could not be kept from it): that is no reason to start it again (and a server started now would
     * outlive Till).
     */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> {
        });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
        synchronized (this) {
            try {
                ZonkyServer.stop(postgres, keptFromHook);
            } catch (IOException e) {
                log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
            } finally {
                directory.close();
                stopped.countDown();
            }
        }
    }
}
