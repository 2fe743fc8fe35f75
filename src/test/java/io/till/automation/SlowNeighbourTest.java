package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.till.shared.Timestamps;
import io.till.testing.Api;
import io.till.testing.Await;
import io.till.testing.ConnectionNestingGuard;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TestActions;
import io.till.testing.TillIntegrationTest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A step that takes long (an SMTP server answering slowly, a CRM at its timeout) holds back no other run of its
 * round, and keeps its lease while it runs: no other node takes it over and performs its action a second time.
 */
@TillIntegrationTest
class SlowNeighbourTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    Executor executor;
    @Autowired
    ExecutionQueue queue;
    @Autowired
    JdbcClient db;
    @Autowired
    MutableClock clock;
    @Autowired
    MeterRegistry meters;

    private String activate(TestAccounts.TestAccount store, String action) {
        String id = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "One step", "trigger": {"type": "manual"},
             "steps": [{"id": "only", "type": "action", "action": "%s"}]}""".formatted(action))
            .json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null).status()).isEqualTo(200);
        return id;
    }

    private String run(TestAccounts.TestAccount store, String automation) {
        var run = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), null);
        assertThat(run.status()).as(run.text()).isEqualTo(201);
        return run.json().get("id").asString();
    }

    private long finished(List<String> ids) {
        return db.sql("SELECT count(*) FROM executions WHERE id = ANY(:ids) AND status = 'succeeded'")
            .param("ids", ids.toArray(String[]::new))
            .query(Long.class)
            .single();
    }

    private String status(String id) {
        return db.sql("SELECT status FROM executions WHERE id = :id").param("id", id).query(String.class).single();
    }

    private Instant leaseEnd(String id) {
        return db.sql("SELECT due_at FROM execution_queue WHERE execution_id = :id")
            .param("id", id)
            .query(Timestamp.class)
            .single()
            .toInstant();
    }

    @Test
    void fastRunsFinishWhileTheirSlowNeighbourStillRunsAndItsLeaseIsKeptUntilItEnds() throws Exception {
        agenda.runDue();
        var store = accounts.create();
        String slowAutomation = activate(store, "test.block");
        String fastAutomation = activate(store, "test.record");
        String slow = run(store, slowAutomation);
        var fast = new ArrayList<String>();
        for (int i = 0; i < 300; i++) {
            fast.add(run(store, fastAutomation));
        }
        double refusedBefore = meters.counter("till.automation.writes.refused").count();
        TestActions.hold(store.id());
        try (var node = Executors.newSingleThreadExecutor()) {
            var round = node.submit(() -> executor.runRound(UUID.randomUUID(), 500, LEASE));

            // Every fast run of the round is written while the slow one still performs its action.
            awaitUntil(() -> finished(fast) == 300);
            assertThat(round).isNotDone();
            assertThat(status(slow)).isNotIn("succeeded", "failed");

            // As time passes the node keeps renewing the lease of the step it still runs...
            Instant firstEnd = leaseEnd(slow);
            for (int i = 0; i < 3; i++) {
                Instant before = leaseEnd(slow);
                clock.advance(LEASE.dividedBy(2));
                awaitUntil(() -> leaseEnd(slow).isAfter(before));
            }
            assertThat(Timestamps.now(clock)).as("more than a lease has passed").isAfter(firstEnd);
            // ...so another node finds nothing to take over.
            var otherNode = queue.claim(UUID.randomUUID(), 1000, Timestamps.now(clock), LEASE);
            assertThat(otherNode).extracting(ExecutionQueue.Claimed::id).doesNotContain(slow);

            TestActions.release(store.id());
            assertThat(round.get(1, TimeUnit.MINUTES)).isGreaterThanOrEqualTo(301);
        } finally {
            TestActions.release(store.id());
        }
        assertThat(status(slow)).isEqualTo("succeeded");
        assertThat(TestActions.calls(db, store.id())).filteredOn(c -> c.action().equals("test.block")).hasSize(1);
        assertThat(meters.counter("till.automation.writes.refused").count()).as("no write refused")
            .isEqualTo(refusedBefore);
    }

    @Test
    void aLeaseRenewalThatFindsNoConnectionIsTriedAgainAndTheSlowStepStillWritesItsResult() throws Exception {
        agenda.runDue();
        var store = accounts.create();
        String slow = run(store, activate(store, "test.block"));
        TestActions.hold(store.id());
        var nodeThread = new java.util.concurrent.atomic.AtomicReference<Thread>();
        try (var node = node("slow-neighbour-node", nodeThread)) {
            var round = node.submit(() -> executor.runRound(UUID.randomUUID(), 500, LEASE));
            awaitUntil(() -> TestActions.calls(db, store.id()).size() == 1);

            // The node's next ask for a connection, the lease's renewal, finds none; the one after it finds one.
            ConnectionNestingGuard.refuseConnections(nodeThread.get(), 1);
            Instant before = leaseEnd(slow);
            clock.advance(LEASE.dividedBy(2));
            awaitUntil(() -> leaseEnd(slow).isAfter(before));

            TestActions.release(store.id());
            assertThat(round.get(1, TimeUnit.MINUTES)).isEqualTo(1);
        } finally {
            TestActions.release(store.id());
            ConnectionNestingGuard.refuseConnections(nodeThread.get(), 0);
        }
        assertThat(status(slow)).isEqualTo("succeeded");
    }

    /**
     * A result the node cannot write within its lease (the pool dry through a long pause of the node, a database
     * restarting) is left to its lease, and the round goes on: a step of it still running writes its own result when
     * it ends. Thrown out with the failed write, it was written never, and a node thawed after a long pause did not
     * even report its refused late writes (found by the chaos suite).
     */
    @Test
    void aResultThatCannotBeWrittenWithinItsLeaseIsLeftToItAndTheRoundStillWritesTheStepsThatEndLater()
        throws Exception {
        agenda.runDue();
        var first = accounts.create();
        var second = accounts.create();
        String early = run(first, activate(first, "test.block"));
        String late = run(second, activate(second, "test.block"));
        double abandonedBefore = meters.counter("till.automation.writes.abandoned").count();
        TestActions.hold(first.id());
        TestActions.hold(second.id());
        var nodeThread = new java.util.concurrent.atomic.AtomicReference<Thread>();
        try (var node = node("write-left-node", nodeThread)) {
            // A short lease, as the write tries again for one lease at most; the test clock stands still, so neither
            // lease runs out in the database meanwhile.
            var round = node.submit(() -> executor.runRound(UUID.randomUUID(), 500, Duration.ofMillis(300)));
            awaitUntil(() -> TestActions.calls(db, first.id()).size() == 1
                && TestActions.calls(db, second.id()).size() == 1);

            // The first step ends while the node can have no connection: its write gives up after the lease.
            ConnectionNestingGuard.refuseConnections(nodeThread.get(), Integer.MAX_VALUE);
            TestActions.release(first.id());
            awaitUntil(() -> meters.counter("till.automation.writes.abandoned").count() > abandonedBefore);
            ConnectionNestingGuard.refuseConnections(nodeThread.get(), 0);

            // The second ends once connections are back: the round writes it, and ends.
            TestActions.release(second.id());
            assertThat(round.get(1, TimeUnit.MINUTES)).isEqualTo(2);
        } finally {
            TestActions.release(first.id());
            TestActions.release(second.id());
            ConnectionNestingGuard.refuseConnections(nodeThread.get(), 0);
        }
        assertThat(status(late)).isEqualTo("succeeded");
        assertThat(meters.counter("till.automation.writes.abandoned").count() - abandonedBefore).isEqualTo(1);
        // The first is left to its lease, which brings it back: its step is taken again, under the same key.
        assertThat(status(early)).isNotIn("succeeded", "failed");
        clock.advance(Duration.ofSeconds(1));
        agenda.runDue();
        assertThat(status(early)).isEqualTo("succeeded");
        assertThat(TestActions.calls(db, first.id())).extracting(TestActions.Call::stepId)
            .containsExactly("only", "only");
    }

    /**
     * A result that cannot be written at all (a value its serializer refuses, a value PostgreSQL refuses) fails its
     * own run, saying so, and the round goes on writing the others: thrown out of the round, it took every step of the
     * round still running with it, unwritten and unrenewed, to be taken again when their leases ran out.
     */
    @Test
    void aResultThatCannotBeWrittenFailsItsOwnRunAndTheRoundStillWritesTheOthers() throws Exception {
        agenda.runDue();
        var odd = accounts.create();
        var other = accounts.create();
        String unwritable = run(odd, activate(odd, "test.unwritable"));
        String blocked = run(other, activate(other, "test.block"));
        TestActions.hold(other.id());
        try (var node = Executors.newSingleThreadExecutor()) {
            var round = node.submit(() -> executor.runRound(UUID.randomUUID(), 500, LEASE));
            awaitUntil(() -> "failed".equals(status(unwritable)));
            TestActions.release(other.id());
            assertThat(round.get(1, TimeUnit.MINUTES)).isEqualTo(2);
        } finally {
            TestActions.release(other.id());
        }
        assertThat(status(blocked)).isEqualTo("succeeded");
        assertThat(db.sql("SELECT error ->> 'code' FROM executions WHERE id = :id").param("id", unwritable)
            .query(String.class).single()).isEqualTo("internal_error");
    }

    /**
     * A step that dies of an Error outside its action (an output nested too deep for what walks it) fails its run,
     * saying so, once: left unwritten, it was taken again at every lease, its action performed again each time, with
     * nothing logged.
     */
    @Test
    void aStepThatOverflowsTheStackAfterItsActionFailsItsRunOnceAndTheActionIsNotRepeated() {
        agenda.runDue();
        var store = accounts.create();
        String deep = run(store, activate(store, "test.deep"));

        executor.runRound(UUID.randomUUID(), 500, LEASE);
        clock.advance(LEASE.multipliedBy(2));
        agenda.runDue();

        assertThat(status(deep)).isEqualTo("failed");
        assertThat(db.sql("SELECT error ->> 'code' FROM executions WHERE id = :id").param("id", deep)
            .query(String.class).single()).isEqualTo("internal_error");
        assertThat(TestActions.calls(db, store.id())).hasSize(1);
    }

    /**
     * A run whose steps are slow (a loop of webhooks at their timeout) takes its next step in the next round, not in
     * this one once the round's first moments have passed: the round ends and the worker claims other accounts'
     * work too. Chained in the round, fifty slow steps held the worker for minutes.
     */
    @Test
    void aRunOfSlowStepsTakesItsNextStepInTheNextRoundSoItsRoundEnds() throws Exception {
        agenda.runDue();
        var store = accounts.create();
        String automation = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Slow chain", "trigger": {"type": "manual"},
             "steps": [{"id": "first", "type": "action", "action": "test.block"},
                       {"id": "second", "type": "action", "action": "test.block"}]}""").json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + automation + "/activate", store.apiKey(), null).status())
            .isEqualTo(200);
        String id = run(store, automation);
        TestActions.hold(store.id());
        try (var node = Executors.newSingleThreadExecutor()) {
            var round = node.submit(() -> executor.runRound(UUID.randomUUID(), 500, LEASE));
            awaitUntil(() -> TestActions.calls(db, store.id()).size() == 1);
            clock.advance(Executor.CHAIN_WINDOW.plusSeconds(1));
            TestActions.release(store.id());

            round.get(1, TimeUnit.MINUTES);

            assertThat(TestActions.calls(db, store.id())).extracting(TestActions.Call::stepId)
                .as("the round ended after the slow step").containsExactly("first");
        } finally {
            TestActions.release(store.id());
        }
        agenda.runDue();
        assertThat(status(id)).isEqualTo("succeeded");
        assertThat(TestActions.calls(db, store.id())).extracting(TestActions.Call::stepId)
            .containsExactly("first", "second");
    }

    /** A node of one thread, named {@code name}, which {@code thread} holds once it starts: to refuse it connections. */
    private static java.util.concurrent.ExecutorService node(String name,
        java.util.concurrent.atomic.AtomicReference<Thread> thread) {
        return Executors.newSingleThreadExecutor(task -> {
            var made = new Thread(task, name);
            thread.set(made);
            return made;
        });
    }

    private static void awaitUntil(BooleanSupplier condition) {
        Await.until("condition reached", Duration.ofSeconds(60), Duration.ofMillis(20), condition);
    }
}
