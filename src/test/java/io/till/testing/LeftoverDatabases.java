package io.till.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the embedded databases that earlier test runs left under {@code target/test-data}, once per test JVM: every
 * test context and every child Till gets a database of its own there (40 MB each, a benchmark's a few GB), and nothing
 * else removes them, so that a day of {@code ./mvnw verify} and benchmark runs filled this machine's disk (221
 * databases, 54 GB, and a benchmark then failed with "No space left on device"). A database is left alone while a
 * PostgreSQL server runs on it (its {@code postmaster.pid} names a live process) or while anything in it changed in
 * the last ten minutes (one being created, or a crash test's between its kill and its restart), whichever run made it.
 */
public final class LeftoverDatabases implements BeforeAllCallback {

    private static final Logger log = LoggerFactory.getLogger(LeftoverDatabases.class);
    private static final Path ROOT = Path.of("target", "test-data");
    private static final Duration QUIET = Duration.ofMinutes(10);
    private static final AtomicBoolean swept = new AtomicBoolean();

    @Override
    public void beforeAll(ExtensionContext context) {
        if (swept.compareAndSet(false, true)) {
            int removed = removeLeftovers(ROOT, Instant.now().minus(QUIET));
            if (removed > 0) {
                log.info("Deleted {} embedded databases that earlier test runs left under {}", removed, ROOT);
            }
        }
    }

    /** Deletes each database under {@code root} that no server runs on and that nothing changed in since then. */
    static int removeLeftovers(Path root, Instant quietSince) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        List<Path> databases;
        try (Stream<Path> children = Files.list(root)) {
            databases = children.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int removed = 0;
        for (Path database : databases) {
            try {
                if (serverRunsOn(database) || lastChange(database).toInstant().isAfter(quietSince)) {
                    continue;
                }
                delete(database);
                removed++;
            } catch (IOException | UncheckedIOException e) {
                // Another run is using or removing it: left for a later sweep.
                log.debug("Left {} in place: {}", database, e.toString());
            }
        }
        return removed;
    }

    private static boolean serverRunsOn(Path database) throws IOException {
        Path pidFile = database.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return false;
        }
        Optional<String> first = Files.readAllLines(pidFile).stream().findFirst();
        try {
            return first.map(String::strip).map(Long::parseLong).flatMap(ProcessHandle::of)
                .map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true; // being written: a server is starting
        }
    }

    private static FileTime lastChange(Path database) throws IOException {
        try (Stream<Path> files = Files.walk(database)) {
            return files.map(LeftoverDatabases::modified).max(Comparator.naturalOrder()).orElseThrow();
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path database) throws IOException {
        try (Stream<Path> files = Files.walk(database)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
