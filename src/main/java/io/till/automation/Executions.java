package io.till.automation;

import io.till.automation.engine.ExecutionState;
import io.till.automation.engine.StateJson;
import io.till.automation.engine.StepLog;
import io.till.shared.ErrorCode;
import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Executions, their queue of due work, their timers and their logs. Every statement the engine's hot path runs works
 * on a whole batch at once (arrays unnested in one statement), so a round of a hundred executions costs a handful of
 * round trips, not hundreds.
 */
@Repository
public class Executions {

    private final JdbcClient db;
    private final JsonMapper json;
    private final RowMapper<Execution> execution;

    Executions(JdbcClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
        this.execution = (rs, row) -> new Execution(rs.getString("id"), rs.getString("automation_id"),
            rs.getInt("version"), rs.getString("status"), json.readTree(rs.getString("trigger")),
            rs.getString("customer_id"), readNullable(rs.getString("error")), Timestamps.read(rs, "wake_at"),
            Timestamps.read(rs, "created_at"), Timestamps.read(rs, "started_at"), Timestamps.read(rs, "finished_at"),
            Timestamps.read(rs, "updated_at"), null);
    }

    /**
     * An execution to start; {@code triggerKey} makes a second start for the same trigger a no-op. A null
     * {@code trigger} means the key is an event id and the snapshot is built from that event's row.
     */
    record NewExecution(String id, String accountId, String automationId, int version, String triggerKey,
        JsonNode trigger, String customerId) {}

    /** Inserts the executions not started before and queues them; returns the ids of those inserted. */
    @Transactional
    public List<String> start(List<NewExecution> batch, Instant now) {
        if (batch.isEmpty()) {
            return List.of();
        }
        return db.sql("""
            WITH input AS (
                SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:accounts AS text[]), CAST(:automations AS text[]),
                                     CAST(:versions AS int[]), CAST(:keys AS text[]), CAST(:triggers AS jsonb[]),
                                     CAST(:customers AS text[]))
                       AS u(id, account_id, automation_id, version, trigger_key, trigger, customer_id)),
            inserted AS (
                INSERT INTO executions (id, account_id, automation_id, version, status, trigger_key, trigger,
                                        customer_id, state, created_at, updated_at)
                SELECT i.id, i.account_id, i.automation_id, i.version, 'pending', i.trigger_key,
                       coalesce(i.trigger, jsonb_build_object(
                           'id', e.id, 'type', e.type, 'customer_id', e.customer_id,
                           'occurred_at', to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                           'data', e.data)),
                       i.customer_id, CAST(:state AS jsonb), :now, :now
                  FROM input i
                  LEFT JOIN events e ON i.trigger IS NULL AND e.id = i.trigger_key
                ON CONFLICT (automation_id, trigger_key) DO NOTHING
                RETURNING id, account_id)
            INSERT INTO execution_queue (execution_id, account_id, due_at)
            SELECT id, account_id, :now FROM inserted
            RETURNING execution_id
            """)
            .param("ids", batch.stream().map(NewExecution::id).toArray(String[]::new))
            .param("accounts", batch.stream().map(NewExecution::accountId).toArray(String[]::new))
            .param("automations", batch.stream().map(NewExecution::automationId).toArray(String[]::new))
            .param("versions", batch.stream().map(NewExecution::version).toArray(Integer[]::new))
            .param("keys", batch.stream().map(NewExecution::triggerKey).toArray(String[]::new))
            .param("triggers",
                batch.stream().map(e -> e.trigger() == null ? null : json.writeValueAsString(e.trigger()))
                    .toArray(String[]::new))
            .param("customers", batch.stream().map(NewExecution::customerId).toArray(String[]::new))
            .param("state", json.writeValueAsString(StateJson.write(ExecutionState.start())))
            .param("now", Timestamps.of(now))
            .query(String.class)
            .list();
    }

    /** An execution claimed for one round, with what the worker needs to run it. */
    record Claimed(String id, String accountId, String automationId, int version, JsonNode trigger,
        String customerId, ExecutionState state, int lockVersion) {}

    /**
     * Claims up to {@code limit} due executions for {@code token}: their queue rows come due again when the lease ends,
     * so work held by a node that died is claimed again by another, and the late write of the first is refused. The
     * due rows are picked once, in a materialized step: as {@code IN (SELECT … LIMIT … SKIP LOCKED)} the pick could be
     * evaluated again for rows another node changed meanwhile, and claim more than the limit.
     */
    @Transactional
    public List<Claimed> claim(UUID token, int limit, Instant now, Duration lease) {
        return db.sql("""
            WITH due AS MATERIALIZED (
                SELECT execution_id FROM execution_queue
                 WHERE due_at <= :now
                 ORDER BY due_at
                 LIMIT :limit
                   FOR UPDATE SKIP LOCKED),
            claimed AS (
                UPDATE execution_queue q SET due_at = :leaseEnd, lease_token = :token
                  FROM due
                 WHERE q.execution_id = due.execution_id
                RETURNING q.execution_id)
            SELECT e.id, e.account_id, e.automation_id, e.version, e.trigger, e.customer_id, e.state, e.lock_version
              FROM executions e JOIN claimed c ON c.execution_id = e.id
            """)
            .param("leaseEnd", Timestamps.of(now.plus(lease)))
            .param("token", token)
            .param("now", Timestamps.of(now))
            .param("limit", limit)
            .query((rs, row) -> new Claimed(rs.getString("id"), rs.getString("account_id"),
                rs.getString("automation_id"), rs.getInt("version"), json.readTree(rs.getString("trigger")),
                rs.getString("customer_id"), StateJson.read(json.readTree(rs.getString("state"))),
                rs.getInt("lock_version")))
            .list();
    }

    /**
     * Keeps the executions this node still works on held under {@code token} until {@code leaseEnd}, so that a step
     * that takes long (an action at its timeout) is not taken over and repeated by another node. One whose lease
     * another node has already taken stays theirs.
     */
    public void renewLeases(UUID token, Collection<String> ids, Instant leaseEnd) {
        db.sql("""
            UPDATE execution_queue SET due_at = :leaseEnd
             WHERE lease_token = :token AND execution_id = ANY(:ids)
            """)
            .param("leaseEnd", Timestamps.of(leaseEnd))
            .param("token", token)
            .param("ids", ids.toArray(String[]::new))
            .update();
    }

    /** What one round did to one execution, to be written back. */
    record Written(Claimed claimed, String status, ExecutionState state, JsonNode error, Instant wakeAt,
        List<StepLog> logs) {

        boolean continuesNow() {
            return status.equals("running");
        }

        boolean finished() {
            return status.equals("succeeded") || status.equals("failed");
        }
    }

    /**
     * Writes a round back in one transaction. Only executions still held under {@code token} and unchanged since they
     * were claimed are written (a canceled one, or one whose lease another node took, is not); returns their ids.
     */
    @Transactional
    public Set<String> save(UUID token, List<Written> round, Instant now) {
        if (round.isEmpty()) {
            return Set.of();
        }
        var held = new HashSet<>(db.sql("""
            SELECT execution_id FROM execution_queue
             WHERE lease_token = :token AND execution_id = ANY(:ids)
               FOR UPDATE
            """)
            .param("token", token)
            .param("ids", round.stream().map(w -> w.claimed().id()).toArray(String[]::new))
            .query(String.class)
            .list());
        var mine = round.stream().filter(w -> held.contains(w.claimed().id())).toList();
        if (mine.isEmpty()) {
            return Set.of();
        }
        Map<String, Integer> firstSeq = new HashMap<>();
        db.sql("""
            UPDATE executions e
               SET status = u.status, state = u.state, error = u.error, wake_at = u.wake_at,
                   log_count = e.log_count + u.logs, lock_version = e.lock_version + 1,
                   started_at = coalesce(e.started_at, :now), finished_at = u.finished_at, updated_at = :now
              FROM unnest(CAST(:ids AS text[]), CAST(:versions AS int[]), CAST(:statuses AS text[]),
                          CAST(:states AS jsonb[]), CAST(:errors AS jsonb[]), CAST(:wakes AS timestamptz[]),
                          CAST(:logs AS int[]), CAST(:finished AS timestamptz[]))
                   AS u(id, lock_version, status, state, error, wake_at, logs, finished_at)
             WHERE e.id = u.id AND e.lock_version = u.lock_version
            RETURNING e.id, e.log_count - u.logs AS first_seq
            """)
            .param("ids", mine.stream().map(w -> w.claimed().id()).toArray(String[]::new))
            .param("versions", mine.stream().map(w -> w.claimed().lockVersion()).toArray(Integer[]::new))
            .param("statuses", mine.stream().map(Written::status).toArray(String[]::new))
            .param("states", mine.stream().map(w -> json.writeValueAsString(StateJson.write(w.state())))
                .toArray(String[]::new))
            .param("errors", mine.stream().map(w -> w.error() == null ? null : json.writeValueAsString(w.error()))
                .toArray(String[]::new))
            .param("wakes", mine.stream().map(w -> w.wakeAt() == null ? null : w.wakeAt().toString())
                .toArray(String[]::new))
            .param("logs", mine.stream().map(w -> w.logs().size()).toArray(Integer[]::new))
            .param("finished", mine.stream().map(w -> w.finished() ? now.toString() : null).toArray(String[]::new))
            .param("now", Timestamps.of(now))
            .query((rs, row) -> firstSeq.put(rs.getString("id"), rs.getInt("first_seq")))
            .list();
        var accepted = mine.stream().filter(w -> firstSeq.containsKey(w.claimed().id())).toList();
        insertLogs(accepted, firstSeq);
        String[] leaving = mine.stream().filter(w -> !w.continuesNow() || !firstSeq.containsKey(w.claimed().id()))
            .map(w -> w.claimed().id()).toArray(String[]::new);
        if (leaving.length > 0) {
            db.sql("DELETE FROM execution_queue WHERE lease_token = :token AND execution_id = ANY(:ids)")
                .param("token", token)
                .param("ids", leaving)
                .update();
        }
        String[] continuing = accepted.stream().filter(Written::continuesNow).map(w -> w.claimed().id())
            .toArray(String[]::new);
        if (continuing.length > 0) {
            db.sql("""
                UPDATE execution_queue SET due_at = :now, lease_token = NULL
                 WHERE lease_token = :token AND execution_id = ANY(:ids)
                """)
                .param("now", Timestamps.of(now))
                .param("token", token)
                .param("ids", continuing)
                .update();
        }
        var waiting = accepted.stream().filter(w -> w.status().equals("waiting")).toList();
        if (!waiting.isEmpty()) {
            db.sql("""
                INSERT INTO execution_timers (execution_id, account_id, fire_at)
                SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:accounts AS text[]), CAST(:fires AS timestamptz[]))
                ON CONFLICT (execution_id) DO UPDATE SET fire_at = EXCLUDED.fire_at
                """)
                .param("ids", waiting.stream().map(w -> w.claimed().id()).toArray(String[]::new))
                .param("accounts", waiting.stream().map(w -> w.claimed().accountId()).toArray(String[]::new))
                .param("fires", waiting.stream().map(w -> w.wakeAt().toString()).toArray(String[]::new))
                .update();
        }
        return firstSeq.keySet();
    }

    private void insertLogs(List<Written> accepted, Map<String, Integer> firstSeq) {
        var rows = new ArrayList<Object[]>();
        for (Written w : accepted) {
            int seq = firstSeq.get(w.claimed().id());
            for (StepLog log : w.logs()) {
                rows.add(new Object[]{w.claimed().id(), w.claimed().accountId(), ++seq, log});
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        db.sql("""
            INSERT INTO execution_steps (execution_id, account_id, seq, step_id, path, iteration, kind, status, attempt,
                                         input, output, error, idempotency_key, started_at, finished_at)
            SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:accounts AS text[]), CAST(:seqs AS int[]),
                                 CAST(:stepIds AS text[]), CAST(:paths AS text[]), CAST(:iterations AS text[]),
                                 CAST(:kinds AS text[]), CAST(:statuses AS text[]), CAST(:attempts AS int[]),
                                 CAST(:inputs AS jsonb[]), CAST(:outputs AS jsonb[]), CAST(:errors AS jsonb[]),
                                 CAST(:keys AS text[]), CAST(:started AS timestamptz[]),
                                 CAST(:finished AS timestamptz[]))
            """)
            .param("ids", rows.stream().map(r -> (String) r[0]).toArray(String[]::new))
            .param("accounts", rows.stream().map(r -> (String) r[1]).toArray(String[]::new))
            .param("seqs", rows.stream().map(r -> (Integer) r[2]).toArray(Integer[]::new))
            .param("stepIds", logs(rows).map(StepLog::stepId).toArray(String[]::new))
            .param("paths", logs(rows).map(StepLog::path).toArray(String[]::new))
            .param("iterations", logs(rows).map(StepLog::iteration).toArray(String[]::new))
            .param("kinds", logs(rows).map(StepLog::kind).toArray(String[]::new))
            .param("statuses", logs(rows).map(StepLog::status).toArray(String[]::new))
            .param("attempts", logs(rows).map(StepLog::attempt).toArray(Integer[]::new))
            .param("inputs", logs(rows).map(l -> write(l.input())).toArray(String[]::new))
            .param("outputs", logs(rows).map(l -> write(l.output())).toArray(String[]::new))
            .param("errors", logs(rows).map(l -> write(l.error())).toArray(String[]::new))
            .param("keys", logs(rows).map(StepLog::idempotencyKey).toArray(String[]::new))
            .param("started", logs(rows).map(l -> l.startedAt().toString()).toArray(String[]::new))
            .param("finished", logs(rows).map(l -> l.finishedAt().toString()).toArray(String[]::new))
            .update();
    }

    private static java.util.stream.Stream<StepLog> logs(List<Object[]> rows) {
        return rows.stream().map(r -> (StepLog) r[3]);
    }

    private String write(JsonNode node) {
        return node == null ? null : json.writeValueAsString(node);
    }

    /** Moves timers that have fired into the queue, earliest first; returns how many moved. */
    @Transactional
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

    /** When the earliest queued work or timer falls due. */
    Optional<Instant> nextDue() {
        return db.sql("""
            SELECT least((SELECT min(due_at) FROM execution_queue), (SELECT min(fire_at) FROM execution_timers))
            """)
            .query((rs, row) -> Timestamps.read(rs, "least"))
            .optional()
            .filter(java.util.Objects::nonNull);
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

    public Execution get(String accountId, String id) {
        return db.sql("SELECT * FROM executions WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .query(execution)
            .optional()
            .orElseThrow(() -> TillException.notFound("execution", id));
    }

    /** The execution with its whole log. */
    Execution read(String accountId, String id) {
        Execution found = get(accountId, id);
        var log = db.sql("""
            SELECT * FROM execution_steps WHERE account_id = :accountId AND execution_id = :id ORDER BY seq
            """)
            .param("accountId", accountId)
            .param("id", id)
            .query((rs, row) -> {
                Instant started = Timestamps.read(rs, "started_at");
                Instant finished = Timestamps.read(rs, "finished_at");
                return new Execution.Step(rs.getInt("seq"), rs.getString("step_id"), rs.getString("path"),
                    rs.getString("iteration"), rs.getString("kind"), rs.getString("status"), rs.getInt("attempt"),
                    readNullable(rs.getString("input")), readNullable(rs.getString("output")),
                    readNullable(rs.getString("error")), rs.getString("idempotency_key"), started, finished,
                    Duration.between(started, finished).toMillis());
            })
            .list();
        return found.withSteps(log);
    }

    /** Which executions a list asks for; null fields do not filter ({@code from} inclusive, {@code to} exclusive). */
    record Filter(String automationId, String status, String customerId, Instant from, Instant to) {

        Filter(String automationId, String status, String customerId) {
            this(automationId, status, customerId, null, null);
        }
    }

    Page<Execution> list(String accountId, Filter filter, PageRequest page) {
        return page.page(db.sql("""
            SELECT * FROM executions
             WHERE account_id = :accountId
               AND (CAST(:automationId AS text) IS NULL OR automation_id = :automationId)
               AND (CAST(:status AS text) IS NULL OR status = :status)
               AND (CAST(:customerId AS text) IS NULL OR customer_id = :customerId)
               AND (CAST(:from AS timestamptz) IS NULL OR created_at >= CAST(:from AS timestamptz))
               AND (CAST(:to AS timestamptz) IS NULL OR created_at < CAST(:to AS timestamptz))
               AND (CAST(:afterId AS text) IS NULL OR id < :afterId)
             ORDER BY id DESC
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("automationId", filter.automationId())
            .param("status", filter.status())
            .param("customerId", filter.customerId())
            .param("from", filter.from() == null ? null : Timestamps.of(filter.from()))
            .param("to", filter.to() == null ? null : Timestamps.of(filter.to()))
            .param("afterId", page.afterId())
            .param("limit", page.fetchSize())
            .query(execution)
            .list(), Execution::id);
    }

    /** The runs an event started (its id is their trigger key), oldest first. */
    List<Execution> startedBy(String accountId, String eventId) {
        return db.sql("""
            SELECT * FROM executions
             WHERE account_id = :accountId AND trigger_key = :eventId
               -- through the unique (automation_id, trigger_key) index: one probe per automation of the account
               AND automation_id IN (SELECT id FROM automations WHERE account_id = :accountId)
             ORDER BY id
            """)
            .param("accountId", accountId)
            .param("eventId", eventId)
            .query(execution)
            .list();
    }

    /**
     * Cancels a run that has not ended. Its queued work and timer go, and its version moves on, so a worker running
     * its step right now has its result refused.
     */
    @Transactional
    Execution cancel(String accountId, String id, Instant now) {
        Execution current = get(accountId, id);
        int changed = db.sql("""
            UPDATE executions
               SET status = 'canceled', lock_version = lock_version + 1, wake_at = NULL, finished_at = :now,
                   updated_at = :now
             WHERE account_id = :accountId AND id = :id AND status IN ('pending', 'running', 'waiting')
            """)
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
        if (changed == 0) {
            throw new TillException(ErrorCode.INVALID_STATE, "The execution has already ended ("
                + current.status() + ").");
        }
        dequeue(id);
        return get(accountId, id);
    }

    /** Runs a failed execution again from the step that failed, with that step's attempts counted afresh. */
    @Transactional
    Execution retry(String accountId, String id, Instant now) {
        Execution current = get(accountId, id);
        if (!current.status().equals("failed")) {
            throw new TillException(ErrorCode.INVALID_STATE, "Only a failed execution can be retried; this one is "
                + current.status() + ".");
        }
        String state = db.sql("SELECT state FROM executions WHERE id = :id FOR UPDATE")
            .param("id", id)
            .query(String.class)
            .single();
        db.sql("""
            UPDATE executions
               SET status = 'pending', state = CAST(:state AS jsonb), error = NULL, finished_at = NULL,
                   lock_version = lock_version + 1, updated_at = :now
             WHERE account_id = :accountId AND id = :id
            """)
            .param("state", json.writeValueAsString(StateJson.write(StateJson.read(json.readTree(state)).retried())))
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
        db.sql("INSERT INTO execution_queue (execution_id, account_id, due_at) VALUES (:id, :accountId, :now)")
            .param("id", id)
            .param("accountId", accountId)
            .param("now", Timestamps.of(now))
            .update();
        return get(accountId, id);
    }

    private void dequeue(String id) {
        db.sql("DELETE FROM execution_queue WHERE execution_id = :id").param("id", id).update();
        db.sql("DELETE FROM execution_timers WHERE execution_id = :id").param("id", id).update();
    }

    static String newId() {
        return Ids.newId("exe");
    }

    private JsonNode readNullable(String text) {
        return text == null ? null : json.readTree(text);
    }
}
