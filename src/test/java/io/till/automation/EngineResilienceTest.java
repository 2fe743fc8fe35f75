package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.till.automation.engine.ExecutionState;
import io.till.shared.Timestamps;
import io.till.testing.Api;
import io.till.testing.ChildTills;
import io.till.testing.ConnectionNestingGuard;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TestActions;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The engine when nodes race or die: every step runs once, and a dead node's work is finished by another. */
@TillIntegrationTest
class EngineResilienceTest {

    private static final String THREE_STEPS = """
        {"name": "Three steps", "trigger": {"type": "manual"},
         "steps": [{"id": "first", "type": "action", "action": "test.record"},
                   {"id": "%s", "type": "action", "action": "%s"},
                   {"id": "last", "type": "action", "action": "test.record"}]}""";

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    Executor executor;
    @Autowired
    Executions executions;
    @Autowired
    ExecutionQueue queue;

    @Autowired
    ExecutionResults results;
    @Autowired
    JdbcClient db;
    @Autowired
    MutableClock clock;
    @Autowired
    HikariDataSource dataSource;
    @Autowired
    MeterRegistry meters;
    @Value("${till.master-key}")
    String masterKey;

    private String activate(TestAccounts.TestAccount store, String definition) {
        String id = api.post("/api/v1/automations", store.apiKey(), definition).json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null).status()).isEqualTo(200);
        return id;
    }

    private List<String> startRuns(TestAccounts.TestAccount store, String automation, int count) {
        var ids = new ArrayList<String>();
        for (int i = 0; i < count; i++) {
            var run = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), null);
            assertThat(run.status()).as(run.text()).isEqualTo(201);
            ids.add(run.json().get("id").asString());
        }
        return ids;
    }

    private Map<String, String> statuses(List<String> ids) {
        return db.sql("SELECT id, status FROM executions WHERE id = ANY(:ids)")
            .param("ids", ids.toArray(String[]::new))
            .query((rs, row) -> Map.entry(rs.getString("id"), rs.getString("status")))
            .list().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @Test
    void twoEnginesOnOneDatabaseRunEveryStepOnce() throws Exception {
        agenda.runDue();
        var store = accounts.create();
        String automation = activate(store, THREE_STEPS.formatted("middle", "test.record"));
        var ids = startRuns(store, automation, 60);

        var rounds = new AtomicInteger();
        var largestRound = new AtomicInteger();
        try (var engines = Executors.newFixedThreadPool(2)) {
            var done = new ArrayList<java.util.concurrent.Future<?>>();
            for (int engine = 0; engine < 2; engine++) {
                done.add(engines.submit(() -> {
                    int claimed;
                    while ((claimed = executor.runRound(UUID.randomUUID(), 7, Duration.ofMinutes(1))) > 0) {
                        rounds.incrementAndGet();
                        largestRound.accumulateAndGet(claimed, Math::max);
                    }
                }));
            }
            for (var future : done) {
                future.get(2, TimeUnit.MINUTES);
            }
        }

        assertThat(statuses(ids).values()).hasSize(60).containsOnly("succeeded");
        var calls = TestActions.calls(db, store.id());
        assertThat(calls).hasSize(180);
        assertThat(calls.stream().map(TestActions.Call::idempotencyKey).distinct()).hasSize(180);
        assertThat(largestRound.get()).as("a round claims at most its limit").isLessThanOrEqualTo(7);
        // A round takes each execution it claims through all its steps that are due now, one write per step.
        assertThat(rounds.get()).isGreaterThanOrEqualTo(60 / 7);
        assertNoRowPointsNowhere(store.id());
    }

    /**
     * The engine's tables have no foreign keys (V53: their checks cost more than the writes); the statements that
     * write them keep every reference whole, and this says so after the races and crashes above.
     */
    private void assertNoRowPointsNowhere(String account) {
        assertThat(db.sql("""
            SELECT 'execution_steps ' || s.execution_id FROM execution_steps s
             WHERE s.account_id = :account AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.id = s.execution_id)
            UNION ALL
            SELECT 'execution_queue ' || q.execution_id FROM execution_queue q
             WHERE q.account_id = :account AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.id = q.execution_id)
            UNION ALL
            SELECT 'execution_timers ' || t.execution_id FROM execution_timers t
             WHERE t.account_id = :account AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.id = t.execution_id)
            UNION ALL
            SELECT 'executions ' || e.id FROM executions e
             WHERE e.account_id = :account
               AND NOT EXISTS (SELECT 1 FROM automations a WHERE a.id = e.automation_id AND a.account_id = e.account_id)
            """).param("account", account).query(String.class).list()).isEmpty();
    }

    @Test
    void aCancelDuringASaveOfTheSameRunWaitsForItInsteadOfDeadlocking() throws Exception {
        agenda.runDue();
        var store = accounts.create();
        String automation = activate(store, THREE_STEPS.formatted("middle", "test.record"));
        String id = startRuns(store, automation, 1).getFirst();

        // A save holds the run's queue row, then writes the run (ExecutionQueue.save's order); a cancel comes between.
        try (var saving = dataSource.getConnection()) {
            saving.setAutoCommit(false);
            saving.createStatement().execute("SELECT 1 FROM execution_queue WHERE execution_id = '" + id
                + "' FOR UPDATE");
            var cancel = Executors.newSingleThreadExecutor().submit(() -> api.post("/api/v1/executions/" + id
                + "/cancel", store.apiKey(), null));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (db.sql("""
                SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()
                """).query(Long.class).single() == 0) {
                assertThat(System.nanoTime()).as("the cancel waits for the save").isLessThan(deadline);
            }
            // Before the fix the cancel held the run's row here, and this write waited for it: a deadlock, and
            // PostgreSQL aborted one of the two.
            saving.createStatement().execute("UPDATE executions SET updated_at = updated_at WHERE id = '" + id + "'");
            saving.commit();
            var canceled = cancel.get(30, TimeUnit.SECONDS);
            assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);
        }
        assertThat(statuses(List.of(id))).containsEntry(id, "canceled");
        assertThat(db.sql("SELECT count(*) FROM execution_queue WHERE execution_id = :id").param("id", id)
            .query(Long.class).single()).isZero();
    }

    @Test
    void refusesTheLateWriteOfANodeWhoseLeaseWasTakenOver() {
        agenda.runDue();
        var store = accounts.create();
        String automation = activate(store, THREE_STEPS.formatted("middle", "test.record"));
        String id = startRuns(store, automation, 1).getFirst();

        UUID zombie = UUID.randomUUID();
        var first = queue.claim(zombie, 100, Timestamps.now(clock), Duration.ofSeconds(30)).stream()
            .filter(c -> c.id().equals(id)).findFirst().orElseThrow();
        clock.advance(Duration.ofMinutes(1));
        UUID rescuer = UUID.randomUUID();
        var second = queue.claim(rescuer, 100, Timestamps.now(clock), Duration.ofSeconds(30)).stream()
            .filter(c -> c.id().equals(id)).findFirst().orElseThrow();

        var late = results.save(zombie, List.of(new ExecutionResults.Written(first, "succeeded",
            ExecutionState.start(), null, null, List.of())), Timestamps.now(clock));
        var onTime = results.save(rescuer, List.of(new ExecutionResults.Written(second, "running",
            ExecutionState.start(), null, null, List.of())), Timestamps.now(clock));

        assertThat(late).isEmpty();
        assertThat(onTime).containsExactly(id);
        agenda.runDue();
        assertThat(statuses(List.of(id))).containsEntry(id, "succeeded");
    }

    /**
     * A run canceled while a node held its step is only asked to end when that step is written; a node that died
     * holding it never writes it. The next claim, after the lease, ends it as canceled instead of taking the step:
     * a "payment failed" email after the invoice was paid, say.
     */
    @Test
    void aRunCanceledWhileADeadNodeHeldItEndsCanceledWhenClaimedAgainWithoutTakingItsStep() {
        agenda.runDue();
        var store = accounts.create();
        String automation = activate(store, THREE_STEPS.formatted("middle", "test.record"));
        String id = startRuns(store, automation, 1).getFirst();
        queue.claim(UUID.randomUUID(), 100, Timestamps.now(clock), Duration.ofSeconds(30)).stream()
            .filter(c -> c.id().equals(id)).findFirst().orElseThrow();

        var canceled = api.post("/api/v1/executions/" + id + "/cancel", store.apiKey(), null);
        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);
        assertThat(statuses(List.of(id))).as("asked, while its step may be running").containsEntry(id, "pending");
        clock.advance(Duration.ofMinutes(1));
        agenda.runDue();

        assertThat(statuses(List.of(id))).containsEntry(id, "canceled");
        assertThat(TestActions.calls(db, store.id())).isEmpty();
        assertThat(db.sql("SELECT count(*) FROM execution_queue WHERE execution_id = :id").param("id", id)
            .query(Long.class).single()).isZero();
        assertThat(db.sql("SELECT cancel_asked FROM executions WHERE id = :id").param("id", id)
            .query(Boolean.class).single()).isFalse();
    }

    /**
     * A reviewer found a run canceled past the lease of the node holding its step (its renewals failing, the step
     * still going) ended at once and dequeued: the step's write, and its log of a charge made, were then refused. It is
     * asked to end instead, and ends when claimed again, never taking the step.
     */
    @Test
    void aRunCanceledPastTheLeaseOfTheNodeHoldingItIsAskedToEndNotEndedUnderIt() {
        agenda.runDue();
        var store = accounts.create();
        String automation = activate(store, THREE_STEPS.formatted("middle", "test.record"));
        String id = startRuns(store, automation, 1).getFirst();
        queue.claim(UUID.randomUUID(), 100, Timestamps.now(clock), Duration.ofSeconds(30)).stream()
            .filter(c -> c.id().equals(id)).findFirst().orElseThrow();
        clock.advance(Duration.ofMinutes(1));

        var canceled = api.post("/api/v1/executions/" + id + "/cancel", store.apiKey(), null);

        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);
        assertThat(statuses(List.of(id))).as("asked: its step may still be running").containsEntry(id, "pending");
        agenda.runDue();
        assertThat(statuses(List.of(id))).containsEntry(id, "canceled");
        assertThat(TestActions.calls(db, store.id())).isEmpty();
    }

    /**
     * Another node is performing a run's step under its lease (in Till's time) when the sandbox's test clock jumps a
     * day: the run stays that node's for the real time left on its lease. The jump reached the lease's end and this
     * node took the step over and performed it a second time (a Slack post, a CRM call), while the first node's
     * write was refused.
     */
    @Test
    void aJumpOfTheTestClockLeavesAStepAnotherNodeIsPerformingToThatNode() {
        agenda.runDue();
        var store = accounts.create();
        String automation = activate(store, THREE_STEPS.formatted("middle", "test.record"));
        String id = startRuns(store, automation, 1).getFirst();
        UUID other = UUID.randomUUID();
        var held = queue.claim(other, 100, Timestamps.now(clock), Duration.ofSeconds(30)).stream()
            .filter(c -> c.id().equals(id)).findFirst().orElseThrow();

        var advanced = api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"P1D\"}");
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);

        assertThat(TestActions.calls(db, store.id())).as("not taken over").isEmpty();
        var leaseEnd = db.sql("SELECT due_at FROM execution_queue WHERE execution_id = :id AND lease_token = :token")
            .param("id", id).param("token", other).query(java.sql.Timestamp.class).single().toInstant();
        assertThat(Duration.between(Timestamps.now(clock), leaseEnd)).as("the real time left on it")
            .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(30));
        var written = results.save(other, List.of(new ExecutionResults.Written(held, "running",
            ExecutionState.start(), null, null, List.of())), Timestamps.now(clock));
        assertThat(written).containsExactly(id);
    }

    /**
     * A jump of the test clock moves Till's time and the leases held under it at once: another node that reads the
     * new time also finds its leases moved. The new time was stored before the leases moved, so a node reading it in
     * between found a step another node was performing past its lease, and took it over.
     */
    @Test
    void otherNodesSeeATestClockJumpOnlyTogetherWithTheLeasesItMoved() throws Exception {
        agenda.runDue();
        var store = accounts.create();
        String automation = activate(store, THREE_STEPS.formatted("middle", "test.record"));
        String id = startRuns(store, automation, 1).getFirst();
        queue.claim(UUID.randomUUID(), 100, Timestamps.now(clock), Duration.ofSeconds(30));
        long before = db.sql("SELECT offset_ms FROM test_clock WHERE id = 1").query(Long.class).single();

        // The other node renews the run's lease; the jump's move of the lease waits for it.
        try (var renewing = dataSource.getConnection()) {
            renewing.setAutoCommit(false);
            renewing.createStatement().execute("SELECT 1 FROM execution_queue WHERE execution_id = '" + id
                + "' FOR UPDATE");
            var advance = Executors.newSingleThreadExecutor().submit(() -> api.post("/api/v1/test_clock/advance",
                store.apiKey(), "{\"by\": \"P1D\"}"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (db.sql("""
                SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()
                """).query(Long.class).single() == 0) {
                assertThat(System.nanoTime()).as("the jump waits for the renewal").isLessThan(deadline);
            }

            assertThat(db.sql("SELECT offset_ms FROM test_clock WHERE id = 1").query(Long.class).single())
                .as("the new time is not visible before its leases moved").isEqualTo(before);
            renewing.commit();
            var advanced = advance.get(30, TimeUnit.SECONDS);
            assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        }
        assertThat(db.sql("SELECT offset_ms FROM test_clock WHERE id = 1").query(Long.class).single())
            .isGreaterThan(before);
    }

    /**
     * A claim reads the run as its statement began: the last write of the node it takes over from (frozen past its
     * lease, thawed at that moment, as the chaos suite once met) may commit in between. The write of what the claim
     * read is then refused, and the run goes back to the queue to be read afresh; before, its queue row was deleted
     * as a canceled run's is, and the run stayed "running" with nothing left to run it.
     */
    @Test
    void aRunWhoseClaimReadItBeforeAnotherNodesLastWriteGoesBackToTheQueueWhenItsWriteIsRefused() {
        agenda.runDue();
        var store = accounts.create();
        String automation = activate(store, THREE_STEPS.formatted("middle", "test.record"));
        String id = startRuns(store, automation, 1).getFirst();
        UUID token = UUID.randomUUID();
        var claimed = queue.claim(token, 100, Timestamps.now(clock), Duration.ofSeconds(30)).stream()
            .filter(c -> c.id().equals(id)).findFirst().orElseThrow();
        // The other node's write, which the claim did not see.
        db.sql("UPDATE executions SET lock_version = lock_version + 1 WHERE id = :id").param("id", id).update();

        var refused = results.save(token, List.of(new ExecutionResults.Written(claimed, "running",
            ExecutionState.start(), null, null, List.of())), Timestamps.now(clock));

        assertThat(refused).isEmpty();
        assertThat(db.sql("SELECT count(*) FROM execution_queue WHERE execution_id = :id AND lease_token IS NULL")
            .param("id", id).query(Long.class).single()).as("queued again, for anyone to claim").isEqualTo(1);
        agenda.runDue();
        assertThat(statuses(List.of(id))).containsEntry(id, "succeeded");
    }

    @Test
    void countsTheLateWritesItRefusesWhenAnotherNodeTookTheExecutionOver() {
        agenda.runDue();
        var store = accounts.create();
        String automation = activate(store, THREE_STEPS.formatted("middle", "test.taken_over"));
        String id = startRuns(store, automation, 1).getFirst();
        double before = meters.counter("till.automation.writes.refused").count();

        // Round 1 runs "first"; round 2 runs "middle", during which another node takes the execution over.
        executor.runRound();
        executor.runRound();

        assertThat(meters.counter("till.automation.writes.refused").count() - before).isEqualTo(1);
        assertThat(db.sql("SELECT step_id FROM execution_steps WHERE execution_id = :id ORDER BY seq")
            .param("id", id).query(String.class).list()).containsExactly("first");
        db.sql("UPDATE execution_queue SET due_at = now(), lease_token = NULL WHERE execution_id = :id")
            .param("id", id)
            .update();
        agenda.runDue();
        assertThat(statuses(List.of(id))).containsEntry(id, "succeeded");
        assertThat(db.sql("SELECT step_id FROM execution_steps WHERE execution_id = :id ORDER BY seq")
            .param("id", id).query(String.class).list()).containsExactly("first", "middle", "last");
    }

    @Test
    void aRoundThatFindsNoConnectionToWriteItsResultsWithTriesAgainWhileItsLeaseHolds() {
        agenda.runDue();
        var store = accounts.create();
        String automation = activate(store, THREE_STEPS.formatted("middle", "test.dry_pool"));
        String id = startRuns(store, automation, 1).getFirst();

        // The round takes the three steps one after the other; its thread finds no connection twice as "middle" ends
        // (a pool run dry, a database restarting), when it is to write that step.
        TestActions.dryPoolAfterStep(Thread.currentThread());
        try {
            executor.runRound();
        } finally {
            ConnectionNestingGuard.refuseConnections(Thread.currentThread(), 0);
        }

        assertThat(db.sql("SELECT step_id FROM execution_steps WHERE execution_id = :id ORDER BY seq")
            .param("id", id).query(String.class).list()).as("what the step did is written, not left to be done again")
            .containsExactly("first", "middle", "last");
        assertThat(statuses(List.of(id))).containsEntry(id, "succeeded");
        assertThat(TestActions.calls(db, store.id())).extracting(TestActions.Call::action)
            .containsExactly("test.record", "test.dry_pool", "test.record");
    }

    @Test
    void aConnectionLostWhileLoadingTheContextLeavesTheRunToTheNextRound() throws Exception {
        agenda.runDue();
        var store = accounts.create();
        String customer = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada", "email": "ada@example.com"}""").json().get("id").asString();
        String automation = activate(store, """
            {"name": "Note", "trigger": {"type": "manual"},
             "steps": [{"id": "note", "type": "action", "action": "test.record",
                        "params": {"note": "{{customer.email}}"}}]}""");
        var run = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), """
            {"customer_id": "%s"}""".formatted(customer));
        String id = run.json().get("id").asString();

        // The customers table is locked, so the worker's context query waits; then its connection is cut, as when
        // PostgreSQL restarts under it.
        try (var locker = dataSource.getConnection()) {
            locker.setAutoCommit(false);
            locker.createStatement().execute("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE");
            var round = Executors.newSingleThreadExecutor().submit(() -> executor.runRound());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<Integer> waiting;
            do {
                waiting = db.sql("""
                    SELECT pid FROM pg_stat_activity
                     WHERE wait_event_type = 'Lock' AND query LIKE '%FROM customers c%'
                    """).query(Integer.class).list();
                assertThat(System.nanoTime()).as("the worker waits for the customers").isLessThan(deadline);
            } while (waiting.isEmpty());
            db.sql("SELECT pg_terminate_backend(:pid)").param("pid", waiting.getFirst()).query().singleValue();
            locker.rollback();
            round.get(30, TimeUnit.SECONDS);
        }

        assertThat(statuses(List.of(id))).as("the run is not failed for a lost connection").containsEntry(id,
            "running");
        agenda.runDue();
        assertThat(statuses(List.of(id))).containsEntry(id, "succeeded");
        assertThat(TestActions.calls(db, store.id())).hasSize(1);
    }

    @Test
    void anotherNodeFinishesTheRunsOfANodeKilledMidStep() throws Exception {
        agenda.runDue();
        var store = accounts.create();
        String automation = activate(store, THREE_STEPS.formatted("hang", "test.hang"));
        var ids = startRuns(store, automation, 10);
        // The child's clock follows the sandbox clock stored in the database: make it see the runs as due.
        long ahead = Duration.between(Instant.now(), clock.instant()).toMillis() + 1000;
        db.sql("UPDATE test_clock SET offset_ms = greatest(offset_ms, :offset) WHERE id = 1")
            .param("offset", Math.max(0, ahead))
            .update();

        // A lease (and with it the actions' cap, half of it) far longer than the child lives: however slow the
        // machine, its hung steps are still running when it is killed.
        Process child = ChildTills.start(dataSource, masterKey, ChildTills.quickStart("-Dtill.test.hang=true",
            "-Dtill.test.node=child"), List.of("--till.automation.lease=PT2M", "--till.automation.batch-size=50"));
        try {
            var hung = ChildTills.awaitLines(child, "HANG ", ids.size());
            assertThat(hung).hasSize(ids.size());
        } finally {
            ChildTills.kill(child);
        }
        assertThat(statuses(ids).values()).doesNotContain("succeeded");

        clock.advance(Duration.ofHours(1));
        agenda.runDue();

        assertThat(statuses(ids).values()).hasSize(ids.size()).containsOnly("succeeded");
        var calls = TestActions.calls(db, store.id());
        for (String id : ids) {
            var mine = calls.stream().filter(c -> c.idempotencyKey().startsWith(id + ":")).toList();
            assertThat(mine).extracting(c -> c.stepId() + "@" + c.node() + "#" + c.idempotencyKey())
                .containsExactly("first@child#" + id + ":first", "hang@child#" + id + ":hang",
                    "hang@test#" + id + ":hang", "last@test#" + id + ":last");
        }
        var log = executions.read(store.id(), ids.getFirst()).steps();
        assertThat(log).extracting(Execution.Step::stepId).containsExactly("first", "hang", "last");
        assertNoRowPointsNowhere(store.id());
    }
}
