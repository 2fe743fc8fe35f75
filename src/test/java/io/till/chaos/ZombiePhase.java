package io.till.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A node frozen past its lease, then thawed. The zombie node holds still just after its first automation charge (see
 * {@code ChildHooks}); the suite SIGSTOPs it there, waits until another node has claimed that execution (its lease ran
 * out), SIGCONTs it and lets it finish the step: the round it then writes back is refused, which it logs.
 */
final class ZombiePhase {

    /** The execution the zombie held, and the charge key it was holding it at. */
    record Outcome(String execution, String chargeKey) {}

    static final String REFUSED = "Refused late writes";

    private final ChaosNodes nodes;
    private final ChaosNodes.Node zombie;
    private final JdbcClient db;

    ZombiePhase(ChaosNodes nodes, ChaosNodes.Node zombie, JdbcClient db) {
        this.nodes = nodes;
        this.zombie = zombie;
        this.db = db;
    }

    Outcome run() throws IOException, InterruptedException {
        nodes.pause(zombie);
        String key = zombie.output().lines().filter(line -> line.startsWith("CHARGED ")).findFirst().orElseThrow()
            .substring("CHARGED ".length());
        // automation:<execution>:<step>
        String execution = key.split(":")[1];
        String held = token(execution);
        ChaosTest.awaitBounded(Duration.ofMinutes(2), () -> !token(execution).equals(held),
            () -> "no node took over execution " + execution + " from the stopped zombie");
        nodes.resume(zombie);
        zombie.process.getOutputStream().write('\n');
        zombie.process.getOutputStream().flush();
        ChaosTest.awaitBounded(Duration.ofMinutes(2), () -> zombie.output().contains(REFUSED),
            () -> "the zombie did not report its late write refused; its threads: " + threads() + "; its output:\n"
                + zombie.output());
        assertThat(zombie.process.isAlive()).as("the zombie lives on after its late write").isTrue();
        return new Outcome(execution, key);
    }

    /**
     * The zombie's threads as {@code jcmd Thread.print} tells them, written under {@code target/chaos/}: where it
     * waits when it never reports its late write (seen once in 33 full builds, its output silent after the resume).
     */
    private String threads() {
        try {
            var jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
            var file = Path.of("target", "chaos", "zombie-threads.txt").toAbsolutePath();
            Files.createDirectories(file.getParent());
            var dump = new ProcessBuilder(jcmd.toString(), String.valueOf(zombie.process.pid()), "Thread.print")
                .redirectErrorStream(true)
                .redirectOutput(file.toFile())
                .start();
            dump.waitFor(30, TimeUnit.SECONDS);
            // Thread.print leaves the virtual threads out (the steps, the requests): they go to a file of their own.
            var virtual = file.resolveSibling("zombie-threads-all.txt");
            Files.deleteIfExists(virtual);
            new ProcessBuilder(jcmd.toString(), String.valueOf(zombie.process.pid()), "Thread.dump_to_file",
                virtual.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start()
                .waitFor(30, TimeUnit.SECONDS);
            return file + " and " + virtual;
        } catch (IOException | RuntimeException e) {
            return "(not dumped: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(not dumped: interrupted)";
        }
    }

    /** The lease token on the execution's queue row; "none" between claims, "gone" once the row is deleted. */
    private String token(String execution) {
        return db
            .sql("SELECT coalesce(CAST(lease_token AS text), 'none') FROM execution_queue WHERE execution_id = :id")
            .param("id", execution)
            .query(String.class)
            .optional()
            .orElse("gone");
    }
}
