package io.till.testing;

import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Starts a second Till process on the test's database (to be killed), and reads what it prints. */
public final class ChildTills {

    private ChildTills() {}

    /**
     * A child Till with this test's database and master key, plus the given JVM flags and application args (a
     * {@code --server.port=} among them chooses its port).
     */
    public static Process start(HikariDataSource dataSource, String masterKey, List<String> jvmFlags,
        List<String> args) throws IOException {
        var command = new ArrayList<String>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "-Xmx256m"));
        command.addAll(jvmFlags);
        command.add(ChildTill.class.getName());
        command.addAll(List.of("--till.master-key=" + masterKey, "--till.database.url=" + dataSource.getJdbcUrl(),
            "--till.database.username=" + dataSource.getUsername(),
            "--till.database.data-dir=target/test-data/child-" + UUID.randomUUID(),
            "--till.billing.clock-enabled=false", "--logging.level.root=WARN"));
        if (args.stream().noneMatch(arg -> arg.startsWith("--server.port="))) {
            // A child reached over HTTP is given its port; the others need none.
            command.add("--server.port=0");
        }
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
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
