package io.till.database;

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

/** The operating-system processes of a PostgreSQL server on one data directory. */
final class PostgresProcesses {

    private static final Logger log = LoggerFactory.getLogger(PostgresProcesses.class);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);

    private PostgresProcesses() {}

    /** The server's main process, as named by its {@code postmaster.pid}, if it is alive and runs on these files. */
    static Optional<ProcessHandle> postmaster(Path postgresDir) {
        return pidInFile(postgresDir).flatMap(ProcessHandle::of)
            .filter(ProcessHandle::isAlive)
            .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false))
            // A stale pid file (after a reboot) may name an unrelated process: only a server on our files is ours.
            .filter(p -> p.info().commandLine().map(line -> line.contains(postgresDir.toString())).orElse(false));
    }

    /**
     * A Till killed without a chance to shut down leaves its PostgreSQL running. Holding the data directory lock proves
     * no Till owns that server any more, so it is stopped before a new one starts on the same files.
     */
    static void stopOrphan(Path postgresDir) throws IOException {
        Optional<ProcessHandle> orphan = postmaster(postgresDir);
        if (orphan.isEmpty()) {
            dropStalePidFile(postgresDir);
            return;
        }
        ProcessHandle process = orphan.get();
        log.warn("Stopping PostgreSQL process {} left running by a Till that did not shut down", process.pid());
        // A fast shutdown (SIGINT): the plain SIGTERM of ProcessHandle.destroy is PostgreSQL's smart one, which waits
        // for every client to leave; a psql left connected (to take a dump, say) kept Till from starting.
        if (!signal(process, "INT")) {
            process.destroy();
        }
        if (exited(process, SHUTDOWN_WAIT)) {
            return;
        }
        // Its immediate shutdown (SIGQUIT): every commit is on disk already, and the next start recovers from the log.
        log.warn("PostgreSQL process {} did not stop within {}; stopping it at once", process.pid(), SHUTDOWN_WAIT);
        signal(process, "QUIT");
        if (!exited(process, SHUTDOWN_WAIT)) {
            throw new IOException("the orphaned PostgreSQL " + process.pid() + " did not stop within "
                + SHUTDOWN_WAIT.multipliedBy(2) + "; stop it by hand");
        }
    }

    /**
     * A {@code postmaster.pid} left by a server that died with Till (a container killed, a host that lost power) names
     * a process that may be alive again by then as something else entirely (in a container, a thread of the new
     * Till): PostgreSQL, finding it alive, refuses to start. One that names a live process known not to be PostgreSQL
     * is stale, and goes; any other is left to PostgreSQL's own check.
     */
    private static void dropStalePidFile(Path postgresDir) throws IOException {
        var somethingElse = pidInFile(postgresDir).flatMap(ProcessHandle::of)
            .filter(ProcessHandle::isAlive)
            .filter(p -> p.info().command().filter(command -> !command.contains("postgres")).isPresent());
        if (somethingElse.isPresent()) {
            Path pidFile = postgresDir.resolve("postmaster.pid");
            log.warn("Removing {}: it names process {}, which is no PostgreSQL (its server stopped with Till)", pidFile,
                somethingElse.get().pid());
            Files.delete(pidFile);
        }
    }

    /** The process id on the first line of the server's {@code postmaster.pid}, if it has one to read. */
    private static Optional<Long> pidInFile(Path postgresDir) {
        Path pidFile = postgresDir.resolve("postmaster.pid");
        try {
            List<String> lines = Files.exists(pidFile) ? Files.readAllLines(pidFile) : List.of();
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.getFirst().strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Sends {@code signal} (INT, QUIT) with the system's kill command; answers whether it was sent. */
    private static boolean signal(ProcessHandle process, String signal) {
        try {
            return new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start()
                .waitFor() == 0;
        } catch (IOException e) {
            return false; // no kill command (not a Unix)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean exited(ProcessHandle process, Duration wait) throws IOException {
        try {
            process.onExit().get(wait.toSeconds(), TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the orphaned PostgreSQL " + process.pid(), e);
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /**
     * Waits for the backends of a server whose main process died to notice and exit, and kills those that do not:
     * PostgreSQL refuses to start while a process of the old server still holds its shared memory. The backends are
     * found by their working directory, which every PostgreSQL process sets to its data directory (Linux only; elsewhere
     * there is nothing to find and the start is simply tried).
     */
    static void awaitLeftovers(Path postgresDir, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        List<ProcessHandle> left = leftovers(postgresDir);
        while (!left.isEmpty() && System.nanoTime() - deadline < 0) {
            for (ProcessHandle process : left) {
                try {
                    process.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    break;
                }
            }
            left = leftovers(postgresDir);
        }
        for (ProcessHandle process : left) {
            log.warn("Killing PostgreSQL process {}, left behind by the embedded server that died", process.pid());
            process.destroyForcibly();
        }
    }

    private static List<ProcessHandle> leftovers(Path postgresDir) {
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return List.of();
        }
        Path directory;
        try {
            directory = postgresDir.toRealPath();
        } catch (IOException e) {
            return List.of();
        }
        return ProcessHandle.allProcesses()
            .filter(p -> p.pid() != ProcessHandle.current().pid())
            .filter(p -> workingDirectory(proc, p).map(directory::equals).orElse(false))
            .toList();
    }

    private static Optional<Path> workingDirectory(Path proc, ProcessHandle process) {
        try {
            return Optional.of(Files.readSymbolicLink(proc.resolve(Long.toString(process.pid())).resolve("cwd")));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }
}
