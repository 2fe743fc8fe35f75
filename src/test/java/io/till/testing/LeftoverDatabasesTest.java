package io.till.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeftoverDatabasesTest {

    @TempDir
    Path root;

    private final Instant now = Instant.now();

    @Test
    void deletesOnlyDatabasesNoServerRunsOnAndNothingChangedInLately() throws Exception {
        Path stopped = database("stopped", null, now.minus(Duration.ofHours(2)));
        Path crashed = database("crashed", deadPid(), now.minus(Duration.ofHours(2)));
        Path running = database("running", ProcessHandle.current().pid(), now.minus(Duration.ofHours(2)));
        Path starting = database("starting", null, now.minus(Duration.ofHours(2)));
        Files.writeString(starting.resolve("base").resolve("1").resolve("new"), "being written");
        Path restarting = database("restarting", deadPid(), now.minus(Duration.ofMinutes(1)));

        int removed = LeftoverDatabases.removeLeftovers(root, now.minus(Duration.ofMinutes(10)));

        assertThat(removed).isEqualTo(2);
        assertThat(stopped).doesNotExist();
        assertThat(crashed).doesNotExist();
        assertThat(running).isDirectory();
        assertThat(starting).isDirectory();
        assertThat(restarting).isDirectory();
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left).hasSize(3);
        }
    }

    @Test
    void aMissingRootRemovesNothing() {
        assertThat(LeftoverDatabases.removeLeftovers(root.resolve("absent"), now)).isZero();
    }

    /** A data directory as PostgreSQL leaves it, every file last changed at {@code changed}. */
    private Path database(String name, Long postmaster, Instant changed) throws IOException {
        Path database = Files.createDirectories(root.resolve(name).resolve("base").resolve("1")).getParent()
            .getParent();
        Files.writeString(database.resolve("base").resolve("1").resolve("16384"), "a table");
        Files.writeString(database.resolve("PG_VERSION"), "17");
        if (postmaster != null) {
            Files.writeString(database.resolve("postmaster.pid"), postmaster + "\n" + database + "\n");
        }
        try (Stream<Path> files = Files.walk(database)) {
            for (Path file : files.toList()) {
                Files.setLastModifiedTime(file, FileTime.from(changed));
            }
        }
        return database;
    }

    /** The pid of a process that has ended. */
    private static long deadPid() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        return ended.pid();
    }
}
