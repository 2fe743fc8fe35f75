package io.till.testing;

import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Starts a second Till process on the test's database (to be killed), and reads what it prints. */
public final class ChildTills {

    private ChildTills() {}

    /**
     * JVM flags for a child that a test starts and kills: {@code flags} plus the JIT's quick tier only and the serial
     * collector, which start a child Till in about 10 s instead of 15 s on a two-core machine (where the full JIT's
     * compiling competes with everything else running). Not for benchmarks, which measure the peak.
     */
    public static List<String> quickStart(String... flags) {
        var all = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        all.addAll(List.of(flags));
        return all;
    }

    /**
     * A child Till with this test's database and master key, plus the given JVM flags and application args (a
     * {@code --server.port=} among them chooses its port).
     */
    public static Process start(HikariDataSource dataSource, String masterKey, List<String> jvmFlags,
        List<String> args) throws IOException {
        var command = command(dataSource.getJdbcUrl(), dataSource.getUsername(), masterKey, jvmFlags, args);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /**
     * A child Till on the database at {@code jdbcUrl} (a server the test owns), writing its output to {@code log};
     * its standard input stays a pipe the test may write to.
     */
    public static Process start(String jdbcUrl, String username, String masterKey, List<String> jvmFlags,
        List<String> args, Path log) throws IOException {
        var command = command(jdbcUrl, username, masterKey, jvmFlags, args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect
            .appendTo(log.toFile())).start();
    }

    private static List<String> command(String jdbcUrl, String username, String masterKey, List<String> jvmFlags,
        List<String> args) {
        var command = new ArrayList<String>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "-Xmx256m"));
        // Defaults as system properties, which the application args below override.
        command.addAll(List.of("-Dtill.database.data-dir=target/test-data/child-" + UUID.randomUUID(),
            "-Dserver.port=0", "-Dtill.billing.clock-enabled=false", "-Dlogging.level.root=WARN"));
        command.addAll(jvmFlags);
        command.add(ChildTill.class.getName());
        command.addAll(List.of("--till.master-key=" + masterKey, "--till.database.url=" + jdbcUrl,
            "--till.database.username=" + username));
        command.addAll(args);
        return command;
    }

    /**
     * Makes a child's clock, which follows the sandbox clock stored in the database, run a second ahead of the test's
     * clock, so that what the test made due is due for the child too.
     */
    public static void shareClock(JdbcClient db, Clock clock) {
        long ahead = Duration.between(Instant.now(), clock.instant()).toMillis() + 1000;
        db.sql("UPDATE test_clock SET offset_ms = greatest(offset_ms, :offset) WHERE id = 1")
            .param("offset", Math.max(0, ahead))
            .update();
    }

    /**
     * Reads the child's output until {@code count} distinct lines start with {@code prefix}; fails with the output when
     * the child stops first or two minutes pass. Returns what follows the prefix on those lines.
     */
    public static Set<String> awaitLines(Process child, String prefix, int count) throws InterruptedException {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        var output = new StringBuilder();
        Thread.ofVirtual().start(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The child was killed.
            }
            lines.add("<end>");
        });
        Set<String> seen = new LinkedHashSet<>();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (seen.size() < count) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null || line.equals("<end>")) {
                throw new AssertionError("the child Till stopped or stalled before printing " + count + " lines "
                    + prefix + "…; its output:\n" + output);
            }
            output.append(line).append('\n');
            if (line.startsWith(prefix)) {
                seen.add(line.substring(prefix.length()));
            }
        }
        return seen;
    }

    /** Kills the child with SIGKILL and waits for it to be gone. */
    public static void kill(Process child) throws InterruptedException {
        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
    }
}
