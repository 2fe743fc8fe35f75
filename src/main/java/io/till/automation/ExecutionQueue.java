package io.till.automation;

import io.till.automation.engine.ExecutionState;
import io.till.automation.engine.StateJson;
import io.till.automation.engine.StepLog;
import io.till.shared.ErasureHolds;
import io.till.shared.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The engine's hot path in SQL: starting executions, their queue of due work (claimed with a lease), their results
 * written back (in {@link ExecutionResults}), their timers. Every statement works on a whole batch at once (arrays unnested in one statement), and
 * each is a single statement, so a round of a hundred executions costs a handful of round trips, not hundreds.
 */
@Repository
public class ExecutionQueue {

    /** How many parts of a claim each account with due runs gets first, at most: 500 → 10 runs per account. */
    private static final int FAIR_SHARE = 50;

    /**
     * The executions of a batch (as they start, or as far as their {@link Head} took them, with its log lines), and a
     * queue row for each that goes on; one that ended in its head leaves no queue row at all.
     */
    private static final String START = """
        WITH input AS (
            SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:accounts AS text[]), CAST(:automations AS text[]),
                                 CAST(:versions AS int[]), CAST(:keys AS text[]), CAST(:triggers AS jsonb[]),
                                 CAST(:customers AS text[]), CAST(:statuses AS text[]), CAST(:states AS jsonb[]),
                                 CAST(:logCounts AS int[]), CAST(:errors AS jsonb[]))
                   AS u(id, account_id, automation_id, version, trigger_key, trigger, customer_id, status, state,
                        log_count, error)),
        inserted AS (
            INSERT INTO executions (id, account_id, automation_id, version, status, trigger_key, trigger,
                                    customer_id, state, log_count, error, created_at, started_at, finished_at,
                                    updated_at)
            SELECT i.id, i.account_id, i.automation_id, i.version, i.status, i.trigger_key,
                   coalesce(i.trigger, jsonb_build_object(
                       'id', e.id, 'type', e.type, 'customer_id', e.customer_id,
                       'occurred_at', to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                       'data', e.data)),
                   i.customer_id, coalesce(i.state, CAST(:state AS jsonb)), i.log_count, i.error, :now,
                   CASE WHEN i.log_count > 0 THEN :now END,
                   CASE WHEN i.status IN ('succeeded', 'failed') THEN :now END, :now
              FROM input i
              -- One lookup by key per execution (LIMIT keeps it a lookup: joined, the planner may hash all events).
              LEFT JOIN LATERAL (SELECT * FROM events WHERE i.trigger IS NULL AND id = i.trigger_key LIMIT 1) e
                     ON true
             -- Nothing from an event of a customer erased since it was read; see holdAgainstErasure.
             WHERE i.customer_id IS NULL
                OR NOT EXISTS (SELECT 1 FROM events x
                                WHERE x.account_id = i.account_id AND x.id = i.trigger_key AND x.erased)
            ON CONFLICT (automation_id, trigger_key) DO NOTHING
            RETURNING id, account_id, automation_id, version, trigger, customer_id, state, lock_version, log_count,
                      status),
        queued AS (
            INSERT INTO execution_queue (execution_id, account_id, due_at, lease_token)
            SELECT id, account_id, coalesce(CAST(:leaseEnd AS timestamptz), :now), CAST(:token AS uuid)
              FROM inserted
             WHERE status IN ('pending', 'running')),
        logged AS (
            INSERT INTO execution_steps (execution_id, account_id, seq, step_id, path, iteration, kind, status,
                                         attempt, input, output, error, idempotency_key, started_at, finished_at)
            SELECT ins.id, ins.account_id, l.nth, l.step_id, l.path, l.iteration, l.kind, l.status, l.attempt,
                   l.input, l.output, l.error, l.idempotency_key, l.started_at, l.finished_at
              FROM %s
              JOIN inserted ins ON ins.id = l.execution_id)
        SELECT *, status IN ('pending', 'running') AS goes_on FROM inserted
        """;

    private final JdbcClient db;
    private final JsonMapper json;
    private final BatchArrays arrays;
    private final RowMapper<Claimed> claimed;
    /** The account after which the next claim's fair share begins. */
    private final AtomicReference<String> fairFrom = new AtomicReference<>("");

    ExecutionQueue(JdbcClient db, JsonMapper json, TransactionTemplate transaction) {
        this.db = db;
        this.json = json;
        this.arrays = new BatchArrays(db, json, transaction);
        this.claimed = (rs, row) -> new Claimed(rs.getString("id"), rs.getString("account_id"),
            rs.getString("automation_id"), rs.getInt("version"), json.readTree(rs.getString("trigger")),
            rs.getString("customer_id"), StateJson.read(json.readTree(rs.getString("state"))),
            rs.getInt("lock_version"), rs.getInt("log_count"));
    }

    /**
     * An execution to start; {@code triggerKey} makes a second start for the same trigger a no-op. A null
     * {@code trigger} means the key is an event id and the snapshot is built from that event's row.
     */
    record NewExecution(String id, String accountId, String automationId, int version, String triggerKey,
        JsonNode trigger, String customerId, Head head) {

        NewExecution(String id, String accountId, String automationId, int version, String triggerKey,
            JsonNode trigger, String customerId) {
            this(id, accountId, automationId, version, triggerKey, trigger, customerId, null);
        }

        NewExecution with(JsonNode snapshot) {
            return new NewExecution(id, accountId, automationId, version, triggerKey, snapshot, customerId, head);
        }

        NewExecution with(Head taken) {
            return new NewExecution(id, accountId, automationId, version, triggerKey, trigger, customerId, taken);
        }
    }

    /**
     * How far a run got in the transaction that starts it ({@link StepsAtStart}): {@code running} (it goes on, from
     * {@code state}), {@code succeeded} or {@code failed} (it ended there), with the lines of its log so far.
     */
    record Head(String status, ExecutionState state, List<StepLog> logs, JsonNode error) {

        boolean ended() {
            return !status.equals("running");
        }
    }

    /** What a start wrote: the ids of the executions inserted, and of those the ones that go on (claimed, if leased). */
    record Started(Set<String> inserted, List<Claimed> goingOn) {}

    /**
     * An execution claimed for one round, with what the worker needs to run it; {@code steps} is how many lines its
     * log holds so far.
     */
    record Claimed(String id, String accountId, String automationId, int version, JsonNode trigger,
        String customerId, ExecutionState state, int lockVersion, int steps) {}

    /** A claim: the token a round holds its executions under, and for how long. */
    record Lease(UUID token, Duration length) {}

    /** Inserts the executions not started before and queues them, due now; returns the ids of those inserted. */
    public List<String> start(List<NewExecution> batch, Instant now) {
        return List.copyOf(insert(batch, now, null).inserted());
    }

    /**
     * Inserts the executions not started before; those that go on are queued already claimed under {@code lease}: the
     * node that starts them runs their next step at once, without queueing and claiming them first; if it dies, their
     * queue rows come due when the lease ends, as any claim's do. Without a lease they are queued due now.
     */
    Started startClaimed(List<NewExecution> batch, Instant now, Lease lease) {
        return insert(batch, now, lease);
    }

    /**
     * One statement: the executions (as they start, or as far as their {@link Head} took them, with its log lines),
     * and a queue row for each that goes on; one that ended in its head leaves no queue row at all.
     */
    private Started insert(List<NewExecution> batch, Instant now, Lease lease) {
        if (batch.isEmpty()) {
            return new Started(Set.of(), List.of());
        }
        var logs = new ArrayList<ExecutionResults.Logged>();
        for (NewExecution start : batch) {
            if (start.head() != null) {
                logs.addAll(ExecutionResults.Logged.of(start.id(), start.head().logs()));
            }
        }
        var inserted = new HashSet<String>();
        // In one transaction with the hold, which lasts until it ends (the caller's, when there is one).
        var goingOn = arrays.planned(() -> {
            holdAgainstErasure(batch);
            return ExecutionResults
                .bindLogs(db.sql(START.formatted(ExecutionResults.LOGS)), logs, arrays)
                .param("ids", BatchArrays.strings(batch, NewExecution::id))
                .param("accounts", BatchArrays.strings(batch, NewExecution::accountId))
                .param("automations", BatchArrays.strings(batch, NewExecution::automationId))
                .param("versions", batch.stream().map(NewExecution::version).toArray(Integer[]::new))
                .param("keys", BatchArrays.strings(batch, NewExecution::triggerKey))
                .param("triggers", BatchArrays.strings(batch, e -> arrays.write(e.trigger())))
                .param("customers", BatchArrays.strings(batch, NewExecution::customerId))
                .param("statuses", BatchArrays.strings(batch, e -> e.head() == null ? "pending" : e.head().status()))
                .param("states", BatchArrays.strings(batch, e -> e.head() == null
                    ? null
                    : json.writeValueAsString(StateJson.write(e.head().state()))))
                .param("logCounts", batch.stream().map(e -> e.head() == null ? 0 : e.head().logs().size())
                    .toArray(Integer[]::new))
                .param("errors",
                    BatchArrays.strings(batch, e -> e.head() == null ? null : arrays.write(e.head().error())))
                .param("state", json.writeValueAsString(StateJson.write(ExecutionState.start())))
                .param("now", Timestamps.of(now))
                .param("leaseEnd", lease == null ? null : Timestamps.of(now.plus(lease.length())))
                .param("token", lease == null ? null : lease.token())
                // With a trigger built from the event row, the JSON comes back only for those that go on, when leased.
                .query((rs, row) -> {
                    inserted.add(rs.getString("id"));
                    return lease != null && rs.getBoolean("goes_on") ? claimed.mapRow(rs, row) : null;
                })
                .list()
                .stream()
                .filter(Objects::nonNull)
                .toList();
        });
        return new Started(inserted, goingOn);
    }

    /**
     * Holds each customer the batch starts runs about against their erasure until the caller's transaction ends (the
     * erasure takes the same key alone, {@link ErasureHolds}). The starts were decided from their data as read
     * before, perhaps before an erasure that has ended since, and an erasure that is under way cannot see runs not yet
     * written: so either the erasure came first, and the insert after this (a later statement, which sees it) starts
     * nothing from an event it marked as recorded before it; or it waits for this transaction, and then finds the runs
     * written here, cancels them and redacts what they hold. A run started by hand about an erased customer starts,
     * from what staff gave it then.
     */
    private void holdAgainstErasure(List<NewExecution> batch) {
        ErasureHolds.againstErasure(db, batch.stream().filter(start -> start.customerId() != null)
            .map(start -> new ErasureHolds.Person(start.accountId(), start.customerId())).toList());
    }

    /**
     * Claims up to {@code limit} due executions for {@code token}: their queue rows come due again when the lease ends,
     * so work held by a node that died is claimed again by another, and the late write of the first is refused.
     * Fair across accounts, as the matcher is: a few of each account's earliest due runs first (the accounts visited from
     * the one after the last claim's), then the earliest of all, so that one account's backlog (a campaign's runs all
     * waking from the same delay) never holds back another account's run, and still drains in full batches. The due
     * rows are picked once, in materialized steps: as {@code IN (SELECT … LIMIT … SKIP LOCKED)} the pick could be
     * evaluated again for rows another node changed meanwhile, and claim more than the limit.
     */
    public List<Claimed> claim(UUID token, int limit, Instant now, Duration lease) {
        String after = fairFrom.get();
        var next = new AtomicReference<>("");
        var taken = db.sql("""
            WITH RECURSIVE accounts (account_id) AS (
                (SELECT account_id FROM execution_queue WHERE account_id > :after ORDER BY account_id LIMIT 1)
                UNION ALL
                SELECT (SELECT q.account_id FROM execution_queue q
                         WHERE q.account_id > a.account_id ORDER BY q.account_id LIMIT 1)
                  FROM accounts a
                 WHERE a.account_id IS NOT NULL),
            fair AS MATERIALIZED (
                SELECT f.execution_id, f.ctid AS place, a.account_id
                  FROM accounts a
                 CROSS JOIN LATERAL (SELECT q.execution_id, q.ctid FROM execution_queue q
                                      WHERE q.account_id = a.account_id AND q.due_at <= :now
                                      ORDER BY q.due_at
                                      LIMIT :share
                                        FOR UPDATE SKIP LOCKED) f
                 WHERE a.account_id IS NOT NULL
                 LIMIT :limit),
            -- As many as a whole claim (a limit the planner knows walks the due_at index and stops), then cut to
            -- what the fair share left room for.
            earliest AS MATERIALIZED (
                SELECT execution_id, ctid AS place, due_at FROM execution_queue
                 WHERE due_at <= :now AND execution_id NOT IN (SELECT execution_id FROM fair)
                 ORDER BY due_at
                 LIMIT :limit
                   FOR UPDATE SKIP LOCKED),
            picked AS MATERIALIZED (
                SELECT execution_id, place FROM fair
                UNION ALL
                (SELECT execution_id, place FROM earliest ORDER BY due_at
                  LIMIT (SELECT :limit - count(*) FROM fair))),
            -- A run that has ended (canceled by hand or by an event while a node moved its fired timer into the
            -- queue) may leave a queue row behind: it is dropped, never run, or the run would take its next step
            -- and lose its end. So is one asked to cancel while a node held its step, which that node never wrote
            -- (it died, or handed the run back): it ends here, as the save of that step would have ended it, instead
            -- of taking the step again. One lookup by key per row picked.
            ended AS MATERIALIZED (
                SELECT p.place, p.execution_id, e.status IN ('pending', 'running', 'waiting') AS canceling
                  FROM picked p
                 CROSS JOIN LATERAL (SELECT status, cancel_asked FROM executions WHERE id = p.execution_id) e
                 WHERE e.status NOT IN ('pending', 'running', 'waiting') OR e.cancel_asked),
            dropped AS (
                DELETE FROM execution_queue WHERE ctid = ANY(ARRAY(SELECT place FROM ended))),
            canceled AS (
                UPDATE executions
                   SET status = 'canceled', cancel_asked = false, redact_asked = false, wake_at = NULL,
                       lock_version = lock_version + 1, finished_at = :now, updated_at = :now
                 WHERE id = ANY(ARRAY(SELECT execution_id FROM ended WHERE canceling))
                   AND status IN ('pending', 'running', 'waiting')),
            unwaited AS (
                DELETE FROM execution_waits WHERE execution_id = ANY(ARRAY(SELECT execution_id FROM ended
                                                                           WHERE canceling))),
            -- The rows picked, by their place (ctid, valid while this statement holds their locks): the queue's
            -- statistics are always wrong (it fills and empties within seconds), and joined by key the planner may
            -- scan the queue once for each row picked.
            claimed AS (
                UPDATE execution_queue SET due_at = :leaseEnd, lease_token = :token
                 WHERE ctid = ANY(ARRAY(SELECT place FROM picked WHERE place NOT IN (SELECT place FROM ended)))
                RETURNING execution_id)
            SELECT e.id, e.account_id, e.automation_id, e.version, e.trigger, e.customer_id, e.state, e.lock_version,
                   e.log_count,
                   -- Where the next claim's fair share begins: after the last account served by this one's, or from
                   -- the first when this one visited every account with due runs.
                   (SELECT CASE WHEN count(*) < :limit THEN '' ELSE max(account_id) END FROM fair) AS next_after
              FROM executions e JOIN claimed c ON c.execution_id = e.id
            """)
            .param("leaseEnd", Timestamps.of(now.plus(lease)))
            .param("token", token)
            .param("now", Timestamps.of(now))
            .param("limit", limit)
            .param("share", Math.max(1, limit / FAIR_SHARE))
            .param("after", after)
            .query((rs, row) -> {
                next.set(rs.getString("next_after"));
                return claimed.mapRow(rs, row);
            })
            .list();
        fairFrom.compareAndSet(after, next.get());
        return taken;
    }

    /**
     * Keeps the executions this node still works on held under {@code token} until {@code leaseEnd}, so that a step
     * that takes long (an action at its timeout) is not taken over and repeated by another node. One whose lease
     * another node has already taken stays theirs.
     */
    public void renewLeases(UUID token, Collection<String> ids, Instant leaseEnd) {
        db.sql("""
            UPDATE execution_queue q SET due_at = :leaseEnd
              FROM unnest(CAST(:ids AS text[])) AS i(id)
             WHERE q.execution_id = i.id AND q.lease_token = :token
            """)
            .param("leaseEnd", Timestamps.of(leaseEnd))
            .param("token", token)
            .param("ids", ids.toArray(String[]::new))
            .update();
    }

    /** Gives claimed executions back to the queue, due now, for any worker to take: this node will not run them. */
    void release(UUID token, Collection<String> ids, Instant now) {
        db.sql("""
            UPDATE execution_queue q SET due_at = :now, lease_token = NULL
              FROM unnest(CAST(:ids AS text[])) AS i(id)
             WHERE q.execution_id = i.id AND q.lease_token = :token
            """)
            .param("now", Timestamps.of(now))
            .param("token", token)
            .param("ids", ids.toArray(String[]::new))
            .update();
    }

    /** Moves timers that have fired into the queue, earliest first; returns how many moved. */
    public int promoteTimers(Instant now, int limit) {
        return db.sql("""
            WITH fired AS (
                DELETE FROM execution_timers
                 WHERE execution_id IN (SELECT execution_id FROM execution_timers
                                         WHERE fire_at <= :now
                                         ORDER BY fire_at
                                         LIMIT :limit
                                           FOR UPDATE SKIP LOCKED)
                RETURNING execution_id, account_id, fire_at)
            INSERT INTO execution_queue (execution_id, account_id, due_at)
            SELECT execution_id, account_id, fire_at FROM fired
            ON CONFLICT (execution_id) DO NOTHING
            """)
            .param("now", Timestamps.of(now))
            .param("limit", limit)
            .update();
    }

    /**
     * When the earliest queued run or timer is due, runs a node holds under a lease that has not run out at {@code now}
     * left out: their due time is their lease's end, which a jump of the test clock must not reach ({@link
     * #keepLeases}).
     */
    Optional<Instant> nextDue(Instant now) {
        return db.sql("""
            SELECT least((SELECT min(due_at) FROM execution_queue WHERE lease_token IS NULL OR due_at <= :now),
                         (SELECT min(fire_at) FROM execution_timers))
            """)
            .param("now", Timestamps.of(now))
            .query((rs, row) -> Timestamps.read(rs, "least"))
            .optional()
            .filter(Objects::nonNull);
    }

    /**
     * After the test clock jumped from {@code from} to {@code to}: the runs a node holds under a lease that had not run
     * out keep the real time left on it (their lease ends as much later), so that no node takes over a step another is
     * performing because the sandbox's time moved on.
     */
    void keepLeases(Instant from, Instant to) {
        db.sql("""
            UPDATE execution_queue
               SET due_at = due_at + (CAST(:to AS timestamptz) - CAST(:from AS timestamptz))
             WHERE lease_token IS NOT NULL AND due_at > :from
            """)
            .param("from", Timestamps.of(from))
            .param("to", Timestamps.of(to))
            .update();
    }

    /** Work due now, and runs waiting on timers: the gauges of the engine's backlog. */
    record Backlog(long queued, long timers) {}

    Backlog backlog() {
        return db.sql("""
            SELECT (SELECT count(*) FROM execution_queue) AS queued,
                   (SELECT reltuples::bigint FROM pg_class WHERE relname = 'execution_timers') AS timers
            """)
            .query((rs, row) -> new Backlog(rs.getLong("queued"), Math.max(0, rs.getLong("timers"))))
            .single();
    }
}
