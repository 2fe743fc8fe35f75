package io.till.automation;

import io.till.automation.engine.EventMark;
import io.till.automation.engine.ExecutionState;
import io.till.automation.engine.StateJson;
import io.till.automation.engine.StepLog;
import io.till.shared.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a round did to the executions it claimed, written back in one statement per batch: the executions, their step
 * logs, their queue rows, their timers and waits. The other half of {@link ExecutionQueue}.
 */
@Repository
public class ExecutionResults {

    private static final Logger log = LoggerFactory.getLogger(ExecutionResults.class);

    private final JdbcClient db;
    private final JsonMapper json;
    private final BatchArrays arrays;
    private final ErasedMidStep erasedMidStep;
    private final TransactionTemplate transaction;
    private final ExecutionWaits waits;

    ExecutionResults(JdbcClient db, JsonMapper json, TransactionTemplate transaction, ExecutionWaits waits) {
        this.db = db;
        this.json = json;
        this.transaction = transaction;
        this.waits = waits;
        this.arrays = new BatchArrays(db, json, transaction);
        this.erasedMidStep = new ErasedMidStep(db, json);
    }

    /** What one round did to one execution, to be written back. */
    record Written(ExecutionQueue.Claimed claimed, String status, ExecutionState state, JsonNode error, Instant wakeAt,
        List<StepLog> logs, Await await, boolean leftWait) {

        Written(ExecutionQueue.Claimed claimed, String status, ExecutionState state, JsonNode error, Instant wakeAt,
            List<StepLog> logs) {
            this(claimed, status, state, error, wakeAt, logs, null, false);
        }

        boolean continuesNow() {
            return status.equals("running");
        }

        boolean finished() {
            return status.equals("succeeded") || status.equals("failed");
        }

        /**
         * The execution failed where it was claimed, in place of a result PostgreSQL refused to store: its state as
         * it was, no new log lines (the refused value may be in them), and where the server log tells why.
         */
        Written refused(JsonMapper json) {
            var error = json.createObjectNode().put("code", "internal_error").put("message", "Till could not "
                + "record what this execution's step did, so it stopped here; the server log has the details under "
                + claimed.id() + ".");
            return new Written(claimed, "failed", claimed.state(), error, null, List.of(), null, false);
        }

        /** The execution as written, to take its next step in the same round. */
        ExecutionQueue.Claimed next() {
            return new ExecutionQueue.Claimed(claimed.id(), claimed.accountId(), claimed.automationId(),
                claimed.version(), claimed.trigger(), claimed.customerId(), state, claimed.lockVersion() + 1,
                claimed.steps() + logs.size());
        }
    }

    /**
     * A wait_for_event the run entered: the event it waits for, about its customer and maybe a record, happening
     * {@code after} the mark.
     */
    record Await(String event, String record, String recordId, EventMark after) {}

    /**
     * Writes results back in one statement: the executions, their step logs, their queue rows (gone, or due again now
     * for one that goes on) and their timers. Only executions still held under {@code token} and unchanged since they
     * were claimed are written (a canceled one, or one whose lease another node took, is not); returns their ids. A
     * result PostgreSQL refuses to store fails its own execution, and the others are written without it. What the step
     * of a run whose customer was erased while it ran brings is stored redacted ({@link ErasedMidStep}).
     */
    public Set<String> save(UUID token, List<Written> round, Instant now) {
        return save(token, round, Set.of(), now).keySet();
    }

    /**
     * As {@link #save(UUID, List, Instant)}, answering the status each was written with (canceled for one an event
     * canceled meanwhile); of those that go on at once, the ones in {@code goOn} stay held under {@code token}, for
     * this round to take their next step, instead of going back to the queue.
     */
    Map<String, String> save(UUID token, List<Written> round, Set<String> goOn, Instant now) {
        if (round.isEmpty()) {
            return Map.of();
        }
        try {
            return write(token, round, goOn, now);
        } catch (RuntimeException refused) {
            if (!unwritable(refused)) {
                throw refused;
            }
            // A value PostgreSQL refuses (a time past the year 9999, a step output it cannot store) or that cannot be
            // serialized is one result's fault: written alone, each of the others is kept, and that one fails instead
            // of holding its batch, the round and the test clock back at every attempt, for good.
            if (round.size() > 1) {
                var written = new HashMap<String, String>();
                for (Written result : round) {
                    written.putAll(save(token, List.of(result), goOn, now));
                }
                return written;
            }
            Written unwritable = round.getFirst();
            log.error("Execution {} fails: what its step left could not be written down", unwritable.claimed().id(),
                refused);
            return write(token, List.of(unwritable.refused(json)), Set.of(), now);
        }
    }

    /**
     * Whether a write failed for what it was to write, not for the moment: a value PostgreSQL refused, or one that
     * could not be serialized. A lost connection or a lost deadlock is the moment's, and the write is tried again as it
     * was ({@link io.till.shared.WriteBack}).
     */
    private static boolean unwritable(RuntimeException e) {
        return e instanceof DataIntegrityViolationException || e instanceof JacksonException;
    }

    private Map<String, String> write(UUID token, List<Written> round, Set<String> goOn, Instant now) {
        var awaiting = round.stream().filter(w -> w.await() != null).toList();
        var written = writeRound(token, round, goOn, awaiting, now);
        var entered = awaiting.stream().map(w -> w.claimed().id()).filter(id -> "waiting".equals(written.get(id)))
            .toList();
        if (!entered.isEmpty()) {
            // After the save's commit: an awaited event recorded while it was written, and matched before its waits
            // could be seen, ends them now rather than at their timeout. At best effort: the save is written, and
            // must not be written again (a refused late write) for a look that failed; the timeout still notices.
            try {
                transaction.executeWithoutResult(status -> waits.noticeMissed(entered, now));
            } catch (RuntimeException e) {
                log.warn("Could not look again for the events {} waits entered await; their timeouts notice them: {}",
                    entered.size(), e.toString());
            }
        }
        return written;
    }

    private Map<String, String> writeRound(UUID token, List<Written> round, Set<String> goOn, List<Written> awaiting,
        Instant now) {
        var logs = new ArrayList<Logged>();
        for (Written w : round) {
            logs.addAll(Logged.of(w.claimed().id(), w.logs()));
        }
        return arrays.planned(() -> storeRedacted(round, bindLogs(db.sql("""
            WITH input AS (
                SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:versions AS int[]), CAST(:statuses AS text[]),
                                     CAST(:states AS jsonb[]), CAST(:errors AS jsonb[]), CAST(:wakes AS timestamptz[]),
                                     CAST(:logs AS int[]), CAST(:finished AS timestamptz[]))
                       AS u(id, lock_version, status, state, error, wake_at, logs, finished_at)),
            -- The queue's statistics are always wrong (it fills and empties within seconds), so no statement here
            -- lets the planner choose how to reach its rows: each run's row is looked up by its key (LATERAL), and
            -- then deleted or updated by its place (ctid, valid while this statement holds its lock). Joined, with
            -- statistics taken while the queue was nearly empty, the planner scanned the queue once for each of the
            -- runs' ids or the ids once for each of its rows (500 x 200 comparisons: 100 ms per save; 450 ms in a
            -- flood of 100,000).
            -- Locked in the order of their ids, as cancels lock them (sorted in Java: by code unit, as "C" sorts): in
            -- the order the steps ended, a save and a cancel of two runs of one customer could each wait for the other.
            held AS MATERIALIZED (
                SELECT q.execution_id, q.ctid AS place
                  FROM (SELECT id FROM unnest(CAST(:ids AS text[])) AS u(id) ORDER BY id COLLATE "C") AS i
                 CROSS JOIN LATERAL (SELECT execution_id, ctid FROM execution_queue
                                      WHERE execution_id = i.id AND lease_token = :token
                                        FOR UPDATE) q),
            written AS (
                -- A run canceled (by hand, or by an event it cancels on) while its step ran ends here, with its
                -- step's log, unless the step ended the run anyway.
                UPDATE executions e
                   SET status = CASE WHEN NOT e.cancel_asked OR u.finished_at IS NOT NULL THEN u.status
                                     ELSE 'canceled' END,
                       -- A run whose customer was erased while its step ran keeps what the erasure left until the
                       -- step's result is stored redacted, below (ErasedMidStep): never as it came.
                       state = CASE WHEN e.redact_asked THEN e.state ELSE u.state END,
                       error = CASE WHEN e.redact_asked THEN NULL ELSE u.error END,
                       wake_at = CASE WHEN NOT e.cancel_asked THEN u.wake_at END,
                       log_count = e.log_count + u.logs, lock_version = e.lock_version + 1,
                       canceled_by_event = CASE WHEN u.finished_at IS NULL THEN e.canceled_by_event END,
                       cancel_asked = false,
                       started_at = coalesce(e.started_at, :now),
                       finished_at = CASE WHEN NOT e.cancel_asked THEN u.finished_at
                                          ELSE coalesce(u.finished_at, :now) END,
                       updated_at = :now
                  FROM input u
                 WHERE e.id = u.id AND e.lock_version = u.lock_version
                   -- Never over a run that has ended: its end stands, whatever a step claimed before it did.
                   AND e.status IN ('pending', 'running', 'waiting')
                   AND e.id = ANY(ARRAY(SELECT execution_id FROM held))
                RETURNING e.id, e.account_id, e.customer_id, e.log_count - u.logs AS first_seq, e.status,
                          e.wake_at, e.redact_asked),
            logged AS (
                INSERT INTO execution_steps (execution_id, account_id, seq, step_id, path, iteration, kind, status,
                                             attempt, input, output, error, idempotency_key, started_at, finished_at)
                SELECT w.id, w.account_id, w.first_seq + l.nth, l.step_id, l.path, l.iteration, l.kind, l.status,
                       l.attempt, CASE WHEN w.redact_asked THEN NULL ELSE l.input END,
                       CASE WHEN w.redact_asked THEN NULL ELSE l.output END,
                       CASE WHEN w.redact_asked THEN NULL ELSE l.error END, l.idempotency_key, l.started_at,
                       l.finished_at
                  FROM %s
                  JOIN written w ON w.id = l.execution_id),
            -- Refused although this node holds it, and not ended: the claim read the run before another node's last
            -- write of it committed (one whose lease had run out, writing at that moment). It goes back to the
            -- queue, to be read afresh by whoever claims it next; deleted, the run would stay running forever.
            stale AS MATERIALIZED (
                SELECT e.id FROM executions e JOIN held h ON h.execution_id = e.id
                 WHERE e.id NOT IN (SELECT id FROM written) AND e.status IN ('pending', 'running', 'waiting')),
            dequeued AS (
                -- Gone from the queue: those that wait or ended, and those refused because they ended meanwhile
                -- (canceled). NOT IN hashes the runs that go on once (NOT EXISTS scanned them again for every held
                -- row: 100 ms for 200).
                DELETE FROM execution_queue
                 WHERE ctid = ANY(ARRAY(SELECT h.place FROM held h
                                         WHERE h.execution_id NOT IN (SELECT w.id FROM written w
                                                                       WHERE w.status = 'running')
                                           AND h.execution_id NOT IN (SELECT id FROM stale)))),
            requeued AS (
                UPDATE execution_queue SET due_at = :now, lease_token = NULL
                 WHERE ctid = ANY(ARRAY(SELECT h.place FROM held h JOIN written w ON w.id = h.execution_id
                                         WHERE w.status = 'running' AND NOT w.id = ANY(CAST(:goOn AS text[]))
                                        UNION ALL
                                        SELECT h.place FROM held h WHERE h.execution_id IN (SELECT id FROM stale)))),
            -- wait_for_event: a wait entered (a new one replaces the last), with the first awaited event recorded
            -- after its mark (the trigger: it may have happened before the run got here, or be matched while this
            -- is written): the run is then due at once instead of at its timeout.
            entering AS MATERIALIZED (
                SELECT w.id, w.account_id, w.customer_id, a.event_type, a.record, a.record_id, a.since,
                       a.after_event,
                       (SELECT ev.id FROM events ev
                         WHERE ev.account_id = w.account_id AND ev.customer_id = w.customer_id
                           AND ev.type = a.event_type
                           AND (ev.occurred_at > a.since
                                OR ev.occurred_at = a.since AND ev.id > coalesce(a.after_event, ''))
                           AND (a.record IS NULL OR ev.data -> a.record ->> 'id' = a.record_id)
                           AND coalesce(ev.data ->> 'skip_automations', '') <> 'true'
                         ORDER BY ev.occurred_at, ev.id
                         LIMIT 1) AS event_id
                  FROM unnest(CAST(:awaitIds AS text[]), CAST(:awaitTypes AS text[]), CAST(:awaitRecords AS text[]),
                              CAST(:awaitRecordIds AS text[]), CAST(:awaitSince AS timestamptz[]),
                              CAST(:awaitAfter AS text[]))
                       AS a(id, event_type, record, record_id, since, after_event)
                  JOIN written w ON w.id = a.id AND w.status = 'waiting'),
            timers AS (
                INSERT INTO execution_timers (execution_id, account_id, fire_at)
                SELECT w.id, w.account_id, CASE WHEN e.event_id IS NULL THEN w.wake_at ELSE :now END
                  FROM written w LEFT JOIN entering e ON e.id = w.id
                 WHERE w.status = 'waiting'
                ON CONFLICT (execution_id) DO UPDATE SET fire_at = EXCLUDED.fire_at),
            awaited AS (
                INSERT INTO execution_waits (execution_id, account_id, customer_id, event_type, record, record_id,
                                             since, after_event, event_id)
                SELECT id, account_id, customer_id, event_type, record, record_id, since, after_event, event_id
                  FROM entering
                ON CONFLICT (execution_id) DO UPDATE
                   SET event_type = EXCLUDED.event_type, record = EXCLUDED.record, record_id = EXCLUDED.record_id,
                       since = EXCLUDED.since, after_event = EXCLUDED.after_event, event_id = EXCLUDED.event_id),
            -- A wait left (the event came, or its time), and any wait of a run canceled here or failed: by key, from
            -- the few runs written (a condition on the table itself would scan every waiting run at every save).
            unawaited AS (
                DELETE FROM execution_waits x
                 USING (SELECT id FROM written
                         WHERE id = ANY(CAST(:leftWaits AS text[])) OR status IN ('canceled', 'failed')) g
                 WHERE x.execution_id = g.id)
            SELECT id, status, first_seq, redact_asked FROM written
            """.formatted(LOGS)), logs, arrays)
            .param("token", token)
            .param("goOn", goOn.toArray(String[]::new))
            .param("awaitIds", awaiting.stream().map(w -> w.claimed().id()).toArray(String[]::new))
            .param("awaitTypes", awaiting.stream().map(w -> w.await().event()).toArray(String[]::new))
            .param("awaitRecords", awaiting.stream().map(w -> w.await().record()).toArray(String[]::new))
            .param("awaitRecordIds", awaiting.stream().map(w -> w.await().recordId()).toArray(String[]::new))
            .param("awaitSince", awaiting.stream().map(w -> w.await().after().occurredAt().toString())
                .toArray(String[]::new))
            .param("awaitAfter", awaiting.stream().map(w -> w.await().after().id()).toArray(String[]::new))
            .param("leftWaits", round.stream().filter(Written::leftWait).map(w -> w.claimed().id())
                .toArray(String[]::new))
            .param("ids", BatchArrays.strings(round, w -> w.claimed().id()))
            .param("versions", round.stream().map(w -> w.claimed().lockVersion()).toArray(Integer[]::new))
            .param("statuses", BatchArrays.strings(round, Written::status))
            .param("states", BatchArrays.strings(round, w -> json.writeValueAsString(StateJson.write(w.state()))))
            .param("errors", BatchArrays.strings(round, w -> arrays.write(w.error())))
            .param("wakes", BatchArrays.strings(round, w -> w.wakeAt() == null ? null : w.wakeAt().toString()))
            .param("logs", round.stream().map(w -> w.logs().size()).toArray(Integer[]::new))
            .param("finished", BatchArrays.strings(round, w -> w.finished() ? now.toString() : null))
            .param("now", Timestamps.of(now))
            .query((rs, row) -> new Saved(rs.getString("id"), rs.getString("status"), rs.getInt("first_seq"),
                rs.getBoolean("redact_asked")))
            .list()));
    }

    /** A run the save wrote: its status, its log's length before, and whether its customer was erased meanwhile. */
    private record Saved(String id, String status, int firstSeq, boolean redactAsked) {}

    /**
     * Stores, redacted, what the steps of runs whose customer was erased while they ran brought ({@link ErasedMidStep}),
     * in the save's transaction; answers the status each run was written with.
     */
    private Map<String, String> storeRedacted(List<Written> round, List<Saved> saved) {
        for (Saved run : saved) {
            if (run.redactAsked()) {
                Written written = round.stream().filter(w -> w.claimed().id().equals(run.id())).findFirst()
                    .orElseThrow();
                erasedMidStep.redact(written, run.firstSeq());
            }
        }
        return saved.stream().collect(Collectors.toMap(Saved::id, Saved::status));
    }

    /** The {@code nth} line a round (or a run's start) adds to an execution's log. */
    record Logged(String executionId, int nth, StepLog log) {

        static List<Logged> of(String executionId, List<StepLog> logs) {
            var lines = new ArrayList<Logged>(logs.size());
            for (int i = 0; i < logs.size(); i++) {
                lines.add(new Logged(executionId, i + 1, logs.get(i)));
            }
            return lines;
        }
    }

    /** The log lines bound by {@link #bindLogs}, as rows {@code l}: their execution, {@code nth} line, and columns. */
    static final String LOGS = """
        unnest(CAST(:logIds AS text[]), CAST(:nths AS int[]), CAST(:stepIds AS text[]),
                              CAST(:paths AS text[]), CAST(:iterations AS text[]), CAST(:kinds AS text[]),
                              CAST(:logStatuses AS text[]), CAST(:attempts AS int[]), CAST(:inputs AS jsonb[]),
                              CAST(:outputs AS jsonb[]), CAST(:logErrors AS jsonb[]), CAST(:logKeys AS text[]),
                              CAST(:started AS timestamptz[]), CAST(:ended AS timestamptz[]))
                       AS l(execution_id, nth, step_id, path, iteration, kind, status, attempt, input, output, error,
                            idempotency_key, started_at, finished_at)""";

    /** Binds the columns of {@link #LOGS}. */
    static JdbcClient.StatementSpec bindLogs(JdbcClient.StatementSpec statement, List<Logged> logs,
        BatchArrays arrays) {
        return statement
            .param("logIds", BatchArrays.strings(logs, Logged::executionId))
            .param("nths", logs.stream().map(Logged::nth).toArray(Integer[]::new))
            .param("stepIds", BatchArrays.strings(logs, l -> l.log().stepId()))
            .param("paths", BatchArrays.strings(logs, l -> l.log().path()))
            .param("iterations", BatchArrays.strings(logs, l -> l.log().iteration()))
            .param("kinds", BatchArrays.strings(logs, l -> l.log().kind()))
            .param("logStatuses", BatchArrays.strings(logs, l -> l.log().status()))
            .param("attempts", logs.stream().map(l -> l.log().attempt()).toArray(Integer[]::new))
            .param("inputs", BatchArrays.strings(logs, l -> arrays.write(l.log().input())))
            .param("outputs", BatchArrays.strings(logs, l -> arrays.write(l.log().output())))
            .param("logErrors", BatchArrays.strings(logs, l -> arrays.write(l.log().error())))
            .param("logKeys", BatchArrays.strings(logs, l -> l.log().idempotencyKey()))
            .param("started", BatchArrays.strings(logs, l -> l.log().startedAt().toString()))
            .param("ended", BatchArrays.strings(logs, l -> l.log().finishedAt().toString()));
    }
}
