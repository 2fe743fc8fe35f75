package io.till.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.till.testing.Api;
import io.till.webhook.Receiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The chaos suite: three Till processes on one PostgreSQL work off {@code chaos.collect} events, each of which makes a
 * declined charge and so a {@code payment.failed} that a dunning automation handles with {@code send_webhook},
 * {@code retry_payment} and {@code send_email}, while nodes are SIGKILLed and restarted, one is SIGSTOPped past its
 * lease and then resumed, and PostgreSQL itself is killed and started again. Then {@link ChaosChecks} proves that
 * nothing acknowledged was lost and nothing was done twice.
 * <p>
 * In {@code ./mvnw verify} it runs small (200 events, 1 kill); {@code chaos/run} runs it large with the system
 * properties below, and prints its figures.
 */
class ChaosTest {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ChaosTest.class);

    static final String MASTER_KEY = "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=";
    static final String API_KEY = "till_sandbox_chaos_" + "c".repeat(40);
    static final String SMTP_PASSWORD = "chaos-mail-7f3a";

    /**
     * Whether the run kills PostgreSQL and starts it again. On by default; a run without it says so in its figures.
     */
    static final boolean RESTART_DATABASE = Boolean.parseBoolean(System.getProperty("till.chaos.restart-database",
        "true"));

    final int events = Integer.getInteger("till.chaos.events", 200);
    final int kills = Integer.getInteger("till.chaos.kills", 1);
    final Random random = new Random(Long.getLong("till.chaos.seed", 20261129L));

    @Test
    void nodesAndTheDatabaseDieWhileDunningRunsAndNothingIsLostOrDoubled() throws Exception {
        long began = System.nanoTime();
        Path dir = Path.of("target", "chaos", String.valueOf(System.currentTimeMillis()));
        Files.createDirectories(dir);
        var mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.setUser("shop@shop.test", "till", SMTP_PASSWORD);
        mail.start();
        try (var receiver = new Receiver();
            var database = ChaosDatabase.create(dir.resolve("postgres"), dir.resolve("postgres.log"));
            var nodes = new ChaosNodes(database, MASTER_KEY, List.of("--till.bootstrap.api-key=" + API_KEY,
                "--till.automation.lease=PT10S", "--till.automation.poll-interval=50ms",
                "--till.automation.batch-size=20", "--till.webhooks.lease=PT5S", "--till.webhooks.poll-interval=100ms",
                "--till.egress.allow=127.0.0.1/32", "--till.database.pool-size=10"), 3, dir)) {
            var db = JdbcClient.create(database.dataSource());
            var faults = new Faults();

            // The first node creates the schema and the account; then the other two join. Node 2 holds still after
            // its first automation charge, until the suite lets it go: the zombie.
            var zombie = nodes.get(2);
            nodes.start(nodes.get(0), List.of());
            nodes.awaitReady(nodes.get(0));
            nodes.start(nodes.get(1), List.of());
            nodes.start(zombie, List.of("-Dtill.test.pause-after-first-charge=true"));
            nodes.awaitReady(nodes.get(1));
            nodes.awaitReady(zombie);
            log.info("Chaos: three nodes ready after {}s", seconds(began));
            var shop = ChaosShop.open(Api.at(nodes.get(0).baseUrl()), API_KEY, mail.getSmtp().getPort(),
                SMTP_PASSWORD, receiver.url("/hooks"), 10);
            log.info("Chaos: the shop is open after {}s", seconds(began));
            var checks = new ChaosChecks(db, shop);
            var producer = new EventProducer(nodes.all().stream().map(n -> Api.at(n.baseUrl())).toList(), API_KEY,
                shop.invoices(), events, 20, Math.max(40, events / 10), checks::dunningEnded);
            var producing = Thread.ofPlatform().name("chaos-producer").start(producer);

            var killAt = new ArrayList<Integer>();
            for (int k = 1; k <= kills; k++) {
                killAt.add(events * k / (kills + 1));
            }
            int restartDatabaseAt = events / 2;
            boolean zombieDone = false;
            boolean databaseDone = !RESTART_DATABASE;
            var booting = new ArrayList<ChaosNodes.Node>();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
            while (!(zombieDone && databaseDone && killAt.isEmpty())) {
                assertThat(System.nanoTime()).as("the faults were all made in time").isLessThan(deadline);
                assertThat(producer.failure()).isNull();
                if (!zombieDone && zombie.output().contains("CHARGED ")) {
                    faults.zombie = new ZombiePhase(nodes, zombie, db).run();
                    faults.sigstops++;
                    zombieDone = true;
                } else if (!killAt.isEmpty() && producer.produced() >= killAt.getFirst()) {
                    var candidates = nodes.all().stream().filter(n -> n != zombie || !zombie.process.isAlive()
                        || faults.zombie != null).toList();
                    var victim = candidates.get(random.nextInt(candidates.size()));
                    nodes.kill(victim);
                    nodes.start(victim, List.of());
                    booting.add(victim);
                    faults.kills++;
                    killAt.removeFirst();
                } else if (!databaseDone && producer.produced() >= restartDatabaseAt) {
                    // The crash meets running nodes: one still booting would stop at the refused connection (as any
                    // Spring application does, for its supervisor to start again), which is not what is tested here.
                    booting.forEach(nodes::awaitReady);
                    booting.clear();
                    database.crash();
                    database.start();
                    faults.databaseRestarts++;
                    databaseDone = true;
                } else if (!producing.isAlive() && !zombieDone && producer.failure() == null
                    && checks.allEnded(events)) {
                    throw new AssertionError("the zombie node made no automation charge in the whole run");
                } else {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
            }
            log.info("Chaos: faults made after {}s", seconds(began));
            producing.join(TimeUnit.MINUTES.toMillis(15));
            assertThat(producer.failure()).isNull();
            awaitBounded(Duration.ofMinutes(Math.max(5, events / 200)), () -> checks.allEnded(producer.produced())
                && checks.webhooksDelivered(), () -> "the work did not end: " + checks.progress());
            // Every node killed came back.
            for (var node : nodes.all()) {
                nodes.awaitReady(node);
            }
            log.info("Chaos: the work ended after {}s", seconds(began));
            var figures = checks.verify(producer.acknowledged(), receiver.requests(), mail.getReceivedMessages(),
                faults.zombie);
            log.info("Chaos figures:\n{}", figures.report(faults,
                producer.refusals(), Duration.ofNanos(System.nanoTime() - began)));
            Files.writeString(dir.resolve("figures.txt"), figures.report(faults, producer.refusals(), Duration
                .ofNanos(System.nanoTime() - began)));
        } finally {
            mail.stop();
        }
    }

    private static long seconds(long since) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
    }

    /** What the run did to the system. */
    static final class Faults {
        int kills;
        int sigstops;
        int databaseRestarts;
        ZombiePhase.Outcome zombie;
    }

    /** Polls {@code done} until it holds, failing with {@code state} after {@code limit}. */
    static void awaitBounded(Duration limit, BooleanSupplier done, java.util.function.Supplier<String> state) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                if (done.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException databaseAway) {
                // Ask again.
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(state.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }
}
