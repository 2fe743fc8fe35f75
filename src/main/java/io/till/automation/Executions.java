package io.till.automation;

import io.till.automation.engine.StateJson;
import io.till.shared.ErrorCode;
import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Executions as their seller sees them: read with their logs, listed, canceled and retried. The engine's hot path
 * (start, claim, write back, timers) is in {@link ExecutionQueue}.
 */
@Repository
public class Executions {

    private final JdbcClient db;
    private final JsonMapper json;
    private final Programs programs;
    private final RowMapper<Execution> execution;
    private final RowMapper<Execution.Step> step;

    private final StartRules rules;
    private final EventCancels cancels;

    Executions(JdbcClient db, JsonMapper json, Programs programs, StartRules rules, EventCancels cancels) {
        this.db = db;
        this.json = json;
        this.programs = programs;
        this.rules = rules;
        this.cancels = cancels;
        this.execution = (rs, row) -> new Execution(rs.getString("id"), rs.getString("automation_id"),
            rs.getInt("version"), rs.getString("status"), json.readTree(rs.getString("trigger")),
            rs.getString("customer_id"), readNullable(rs.getString("error")), rs.getString("canceled_by_event"),
            Timestamps.read(rs, "wake_at"),
            Timestamps.read(rs, "created_at"), Timestamps.read(rs, "started_at"), Timestamps.read(rs, "finished_at"),
            Timestamps.read(rs, "updated_at"), null, null);
        this.step = (rs, row) -> {
            Instant started = Timestamps.read(rs, "started_at");
            Instant finished = Timestamps.read(rs, "finished_at");
            return new Execution.Step(rs.getInt("seq"), rs.getString("step_id"), rs.getString("path"),
                rs.getString("iteration"), rs.getString("kind"), rs.getString("status"), rs.getInt("attempt"),
                readNullable(rs.getString("input")), readNullable(rs.getString("output")),
                readNullable(rs.getString("error")), rs.getString("idempotency_key"), started, finished,
                Duration.between(started, finished).toMillis());
        };
    }

    public Execution get(String accountId, String id) {
        return db.sql("SELECT * FROM executions WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .query(execution)
            .optional()
            .orElseThrow(() -> TillException.notFound("execution", id));
    }

    /** How many lines of its log an execution read alone carries; {@link #log} pages through the rest. */
    static final int INLINE_STEPS = 1_000;

    /**
     * The execution with the first {@link #INLINE_STEPS} lines of its log; {@code steps_has_more} says whether more
     * follow. A run may log up to {@link Definition#MAX_STEPS_PER_RUN} lines, too many for one answer.
     */
    Execution read(String accountId, String id) {
        Execution found = get(accountId, id);
        var lines = lines(accountId, id, -1, INLINE_STEPS + 1);
        boolean more = lines.size() > INLINE_STEPS;
        return found.withSteps(more ? lines.subList(0, INLINE_STEPS) : lines, more);
    }

    /** A page of an execution's log, oldest first; the cursor is the last line's number. */
    Page<Execution.Step> log(String accountId, String id, PageRequest page) {
        get(accountId, id);
        int after = page.afterId() == null ? -1 : Integer.parseInt(page.afterId());
        return page.page(lines(accountId, id, after, page.fetchSize()), step -> Integer.toString(step.seq()));
    }

    /** Whether a text is a cursor key of {@link #log}: a line number. */
    static boolean isLineNumber(String text) {
        return text.matches("[0-9]{1,9}");
    }

    /**
     * The last {@code count} lines before line {@code before} (all of the end when null), oldest first, and the line
     * that follows them, which tells whether the last of them was tried again.
     */
    record Tail(List<Execution.Step> lines, boolean earlier, Execution.Step following) {}

    Tail tail(String accountId, String id, Integer before, int count) {
        var newest = db.sql("""
            SELECT * FROM execution_steps
             WHERE account_id = :accountId AND execution_id = :id
               AND (CAST(:before AS integer) IS NULL OR seq <= :before)
             ORDER BY seq DESC
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("id", id)
            .param("before", before)
            .param("limit", count + 2)
            .query(step)
            .list();
        var lines = new java.util.ArrayList<>(newest);
        java.util.Collections.reverse(lines);
        Execution.Step following = null;
        if (before != null && !lines.isEmpty() && lines.getLast().seq() == before) {
            following = lines.removeLast();
        }
        boolean earlier = lines.size() > count;
        while (lines.size() > count) {
            lines.removeFirst();
        }
        return new Tail(List.copyOf(lines), earlier, following);
    }

    private List<Execution.Step> lines(String accountId, String id, int after, int limit) {
        return db.sql("""
            SELECT * FROM execution_steps
             WHERE account_id = :accountId AND execution_id = :id AND seq > :after
             ORDER BY seq
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("id", id)
            .param("after", after)
            .param("limit", limit)
            .query(step)
            .list();
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
     * Cancels a run that has not ended. A run waiting or queued ends at once, its queued work and timer gone. A run
     * whose step is running on some node ends when that step is written, as cancel_on ends one: the action was
     * performed, so its log is kept.
     */
    @Transactional
    Execution cancel(String accountId, String id, Instant now) {
        if (!cancelIfLive(accountId, id, now)) {
            // Read again: what was read before the lock may be a status a concurrent cancel has since ended.
            String status = get(accountId, id).status();
            throw new TillException(ErrorCode.INVALID_STATE, status.equals("canceled")
                ? "The execution was canceled already."
                : "The execution has already ended (" + status + ").");
        }
        return get(accountId, id);
    }

    /**
     * As {@link #cancel}, answering false for a run that has ended instead of refusing it: for a caller that cancels
     * what may end meanwhile inside a larger change (an erasure), which a refusal would mark for rollback whole.
     */
    @Transactional
    boolean cancelIfLive(String accountId, String id, Instant now) {
        get(accountId, id); // an unknown one is not found, before anything is locked
        // Locks in the order the engine takes them (as EventCancels does): the timer first, so that no node moves it
        // into the queue once this looked (a queue row left for a canceled run would take its next step); then the
        // queue row, then the run, in the order a round's save takes them: another order could deadlock with a save
        // of the same run (and PostgreSQL would abort one of the two).
        db.sql("SELECT execution_id FROM execution_timers WHERE execution_id = :id FOR UPDATE")
            .param("id", id)
            .query(String.class)
            .optional();
        // Held by a node, even past its lease: a node whose renewals failed may still be performing the step, whose
        // write (and log) would be refused were the run ended here; a node that died never writes it, and the next
        // claim ends the run instead of taking the step (ExecutionQueue.claim).
        boolean running = db.sql("""
            SELECT lease_token IS NOT NULL FROM execution_queue WHERE execution_id = :id FOR UPDATE
            """)
            .param("id", id)
            .query(Boolean.class)
            .optional()
            .orElse(false);
        int changed = running
            ? askToCancelAfterStep(accountId, id, now)
            : db.sql("""
                UPDATE executions
                   SET status = 'canceled', lock_version = lock_version + 1, wake_at = NULL, finished_at = :now,
                       updated_at = :now
                 WHERE account_id = :accountId AND id = :id AND status IN ('pending', 'running', 'waiting')
                """)
                .param("now", Timestamps.of(now))
                .param("accountId", accountId)
                .param("id", id)
                .update();
        if (changed > 0 && !running) {
            dequeue(id);
        }
        return changed > 0;
    }

    /** Asks the save that writes the running step to end the run; its lease and version stay the worker's. */
    private int askToCancelAfterStep(String accountId, String id, Instant now) {
        return db.sql("""
            UPDATE executions SET cancel_asked = true, updated_at = :now
             WHERE account_id = :accountId AND id = :id AND status IN ('pending', 'running', 'waiting')
            """)
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }

    /**
     * Runs a failed execution again from the step that failed, with that step's attempts counted afresh by its retry
     * policy; its log numbers them after those it already shows.
     */
    @Transactional
    Execution retry(String accountId, String id, Instant now) {
        // As a start is decided: under the lock the matcher takes for the automation and customer (before the run's
        // own, in the order it takes them), so that a retry and an event's start or cancel see each other.
        var run = db.sql("""
            SELECT id, account_id, automation_id, version, trigger_key, trigger, customer_id FROM executions
             WHERE account_id = :accountId AND id = :id
            """)
            .param("accountId", accountId)
            .param("id", id)
            .query((rs, row) -> new ExecutionQueue.NewExecution(rs.getString("id"), rs.getString("account_id"),
                rs.getString("automation_id"), rs.getInt("version"), rs.getString("trigger_key"),
                json.readTree(rs.getString("trigger")), rs.getString("customer_id")))
            .optional()
            .orElseThrow(() -> TillException.notFound("execution", id));
        var byId = java.util.Map.of(run.automationId(), programs.get(run.automationId(), run.version()));
        rules.lock(List.of(run), byId, List.of());
        record Locked(String status, String state, String automationId, int version) {}
        // Decided under the run's lock: a retry asked twice at once (a double click) retries once, and the second,
        // reading the run the first has queued, is told so.
        Locked current = db.sql("""
            SELECT status, state, automation_id, version FROM executions
             WHERE account_id = :accountId AND id = :id
               FOR UPDATE
            """)
            .param("accountId", accountId)
            .param("id", id)
            .query((rs, row) -> new Locked(rs.getString("status"), rs.getString("state"),
                rs.getString("automation_id"), rs.getInt("version")))
            .optional()
            .orElseThrow(() -> TillException.notFound("execution", id));
        if (!current.status().equals("failed")) {
            throw new TillException(ErrorCode.INVALID_STATE, "Only a failed execution can be retried; this one is "
                + current.status() + ".");
        }
        String state = current.state();
        var program = programs.get(current.automationId(), current.version());
        var held = rules.heldBy(run, program);
        if (held.isPresent()) {
            throw new TillException(ErrorCode.INVALID_STATE, "Not retried: " + held.get());
        }
        // The run stands at the step it failed at; when its last line is a failed action of that step, those are its
        // attempts so far. Read from where the run stands, not from the error, which an internal error (Till could not
        // go on, between two attempts) names no step in: the log would say attempt 1 twice.
        String standsAt = StateJson.read(json.readTree(state)).stepId(program);
        int attemptsMade = standsAt == null
            ? 0
            : db.sql("""
                SELECT s.attempt
                  FROM execution_steps s
                 WHERE s.account_id = :accountId AND s.execution_id = :id
                   AND s.kind = 'action' AND s.status = 'failed' AND s.step_id = :stepId
                   AND s.seq = (SELECT max(seq) FROM execution_steps
                                 WHERE account_id = :accountId AND execution_id = :id)
                """)
                .param("accountId", accountId)
                .param("id", id)
                .param("stepId", standsAt)
                .query(Integer.class)
                .optional()
                .orElse(0);
        db.sql("""
            UPDATE executions
               SET status = 'pending', state = CAST(:state AS jsonb), error = NULL, finished_at = NULL,
                   canceled_by_event = NULL, cancel_asked = false,
                   lock_version = lock_version + 1, updated_at = :now
             WHERE account_id = :accountId AND id = :id
            """)
            .param("state",
                json.writeValueAsString(
                    StateJson.write(StateJson.read(json.readTree(state)).retried(program, attemptsMade))))
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
        String endedBy = cancels.endedAlready(List.of(run), byId).get(id);
        if (endedBy != null) {
            // An event its cancel_on names came since it failed (the invoice paid meanwhile): going on would mail a
            // customer who paid. Refused, and everything above undone.
            throw new TillException(ErrorCode.INVALID_STATE, "Not retried: event " + endedBy + " came since, and "
                + "the automation's cancel_on ends its runs on it.");
        }
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
        db.sql("DELETE FROM execution_waits WHERE execution_id = :id").param("id", id).update();
    }

    static String newId() {
        return Ids.newId("exe");
    }

    private JsonNode readNullable(String text) {
        return text == null ? null : json.readTree(text);
    }
}
