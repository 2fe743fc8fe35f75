package io.till.automation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.till.automation.engine.Program;
import io.till.shared.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * cancel_on (PRODUCT.md §4): the runs an event ends, found and ended in the transaction that takes the event from the
 * inbox, so that an event cancels once whatever the node, and after the runs the same batch started (a payment that
 * failed and was paid in one batch starts no dunning that goes on).
 *
 * <p>A run ends when its automation's version lists the event's type, the run is about the event's customer (and, with
 * {@code match} naming a record, about the same record), and what started it happened no later than the event. A run
 * waiting (a delay, a retry's backoff) or queued ends at once; a run whose step is running on some node ends when that
 * step is written, instead of going on: what the step did is kept in its log.
 */
@Component
class EventCancels {

    private final JdbcClient db;
    private final JsonMapper json;
    private final Programs programs;
    private final Counter canceled;

    EventCancels(JdbcClient db, JsonMapper json, Programs programs, MeterRegistry meters) {
        this.db = db;
        this.json = json;
        this.programs = programs;
        this.canceled = Counter.builder("till.automation.executions.canceled_by_event")
            .description("Runs ended by an event their automation cancels on").register(meters);
    }

    /** An event just taken from the inbox. */
    record Arrival(String eventId, String accountId, String type, String customerId) {}

    /** A version that cancels on some of the batch's types, with its account. */
    private record Canceling(String accountId, Program program) {}

    /**
     * One event that may end some runs of one version: those about its customer and, with {@code record}, about the
     * same record ({@code recordId}, the event's own, null when the event names none).
     */
    record Candidate(String eventId, String accountId, String customerId, String automationId, int version,
        String record, String recordId) {

        /** Whether this event ends {@code run} of the batch, started by an earlier event of it. */
        boolean ends(ExecutionQueue.NewExecution run) {
            return accountId.equals(run.accountId()) && customerId.equals(run.customerId())
                && automationId.equals(run.automationId()) && version == run.version()
                && eventId.compareTo(run.triggerKey()) > 0
                && (record == null || recordId != null && run.trigger() != null
                    && recordId.equals(run.trigger().path("data").path(record).path("id").asString(null)));
        }
    }

    /**
     * The (event, version, match) triples a batch's events may end runs by: usually none, found without reading a
     * definition. The matcher locks their automation and customer before it starts anything.
     */
    List<Candidate> candidates(List<Arrival> events) {
        var aboutCustomers = events.stream().filter(e -> e.customerId() != null).toList();
        return aboutCustomers.isEmpty() ? List.of() : candidatesOf(aboutCustomers);
    }

    /**
     * Ends the runs the batch's events cancel ({@code existing}, from {@link #endedBy}), and the runs the batch started ({@code started},
     * of {@code programs}) that a cancel event recorded after their trigger ends already (matched by another node
     * while this batch decided: both hold the lock of the automation and customer, so one of the two sees the
     * other). Returns the ids of the runs ended at once. Runs held under {@code mine} (the batch's own, just started
     * and not yet run) count as not running: they end at once, and the caller does not run them.
     */
    Set<String> cancel(Map<String, String> existing, List<ExecutionQueue.NewExecution> started,
        Map<String, Program> programs, Instant now, UUID mine) {
        var runs = new HashMap<String, String>(existing);
        endedAlready(started, programs).forEach((run, event) -> runs.merge(run, event,
            (a, b) -> a.compareTo(b) <= 0 ? a : b));
        if (runs.isEmpty()) {
            return Set.of();
        }
        String[] ids = runs.keySet().stream().sorted().toArray(String[]::new);
        // Locks in the order the engine takes them: a timer a node is moving into the queue right now first, then the
        // queue rows (a round's save holds its runs' queue rows before it writes them), then the runs.
        // One lookup by key per run (LATERAL), in the order of the sorted ids: as "= ANY", or joined, the planner,
        // with statistics taken while a table was small, may scan all of it, or scan it once for each id.
        db.sql("""
            SELECT t.execution_id FROM unnest(CAST(:ids AS text[])) AS i(id)
             CROSS JOIN LATERAL (SELECT execution_id FROM execution_timers WHERE execution_id = i.id FOR UPDATE) t
            """)
            .param("ids", ids)
            .query(String.class)
            .list();
        // Every queue row of theirs, so that no worker claims one between this look and the end (a claim skips locked
        // rows): a run is running when another lease than the batch's own holds it, even past its end, as a cancel by
        // hand has it (Executions.cancel): a node whose renewals failed may still be performing the step, whose write
        // (and log) would be refused were the run ended here; one that died never writes, and the next claim ends it.
        Set<String> running = new HashSet<>();
        db.sql("""
            SELECT q.execution_id,
                   q.lease_token IS NOT NULL AND q.lease_token IS DISTINCT FROM :mine AS running
              FROM unnest(CAST(:ids AS text[])) AS i(id)
             CROSS JOIN LATERAL (SELECT execution_id, lease_token, due_at FROM execution_queue
                                  WHERE execution_id = i.id FOR UPDATE) q
            """)
            .param("ids", ids)
            .param("mine", mine)
            .query((rs, row) -> rs.getBoolean("running") && running.add(rs.getString("execution_id")))
            .list();
        var atOnce = runs.entrySet().stream().filter(run -> !running.contains(run.getKey())).toList();
        var afterStep = runs.entrySet().stream().filter(run -> running.contains(run.getKey())).toList();
        Set<String> ended = atOnce.isEmpty()
            ? Set.of()
            : new HashSet<>(db.sql("""
                WITH ended AS (
                    UPDATE executions x
                       SET status = 'canceled', canceled_by_event = c.event_id, lock_version = x.lock_version + 1,
                           wake_at = NULL, finished_at = :now, updated_at = :now
                      FROM unnest(CAST(:ids AS text[]), CAST(:events AS text[])) AS c(id, event_id)
                     WHERE x.id = c.id AND x.status IN ('pending', 'running', 'waiting')
                    RETURNING x.id),
                dequeued AS (
                    DELETE FROM execution_queue WHERE execution_id IN (SELECT id FROM ended)),
                untimed AS (
                    DELETE FROM execution_timers WHERE execution_id IN (SELECT id FROM ended)),
                unawaited AS (
                    DELETE FROM execution_waits WHERE execution_id IN (SELECT id FROM ended))
                SELECT id FROM ended
                """)
                .param("ids", atOnce.stream().map(Map.Entry::getKey).toArray(String[]::new))
                .param("events", atOnce.stream().map(Map.Entry::getValue).toArray(String[]::new))
                .param("now", Timestamps.of(now))
                .query(String.class)
                .list());
        int asked = afterStep.isEmpty()
            ? 0
            : db.sql("""
                UPDATE executions x SET canceled_by_event = c.event_id, cancel_asked = true
                  FROM unnest(CAST(:ids AS text[]), CAST(:events AS text[])) AS c(id, event_id)
                 WHERE x.id = c.id AND x.status IN ('pending', 'running', 'waiting') AND x.canceled_by_event IS NULL
                   -- Staff asked first: the run ends as their cancel, not the event's.
                   AND NOT x.cancel_asked
                """)
                .param("ids", afterStep.stream().map(Map.Entry::getKey).toArray(String[]::new))
                .param("events", afterStep.stream().map(Map.Entry::getValue).toArray(String[]::new))
                .update();
        canceled.increment(ended.size() + asked);
        return ended;
    }

    /**
     * Of the runs the batch started (inserted, not yet committed), those of automations that cancel on an event that a
     * recorded event, after their trigger, already ends: each with the first such event. {@link EventStarts} asks it
     * too, so that a run started by hand for a past event is refused where the matcher's would end at once.
     */
    Map<String, String> endedAlready(List<ExecutionQueue.NewExecution> started,
        Map<String, Program> programs) {
        record Watch(String runId, String accountId, String customerId, String type, String record) {}
        var watches = new ArrayList<Watch>();
        for (var start : started) {
            Program program = programs.get(start.automationId());
            if (start.customerId() == null || program == null) {
                continue;
            }
            for (var cancelOn : program.definition().cancelOn()) {
                watches.add(new Watch(start.id(), start.accountId(), start.customerId(), cancelOn.event(),
                    cancelOn.record()));
            }
        }
        if (watches.isEmpty()) {
            return Map.of();
        }
        return db.sql("""
            SELECT DISTINCT ON (c.run_id) c.run_id, ev.id AS event_id
              FROM unnest(CAST(:runs AS text[]), CAST(:accounts AS text[]), CAST(:customers AS text[]),
                          CAST(:types AS text[]), CAST(:records AS text[]))
                   AS c(run_id, account_id, customer_id, type, record)
              JOIN executions x ON x.id = c.run_id AND x.account_id = c.account_id
              JOIN events ev ON ev.account_id = c.account_id AND ev.customer_id = c.customer_id AND ev.type = c.type
             WHERE x.status IN ('pending', 'running', 'waiting')
               -- An event staff let pass quietly cancels nothing, as the matcher has it.
               AND coalesce(ev.data ->> 'skip_automations', '') <> 'true'
               AND (c.record IS NULL
                    OR ev.data -> c.record ->> 'id' = x.trigger -> 'data' -> c.record ->> 'id')
               AND (ev.occurred_at > CAST(x.trigger ->> 'occurred_at' AS timestamptz)
                    OR (ev.occurred_at = CAST(x.trigger ->> 'occurred_at' AS timestamptz)
                        AND ev.id > x.trigger_key))
             ORDER BY c.run_id, ev.id
            """)
            .param("runs", watches.stream().map(Watch::runId).toArray(String[]::new))
            .param("accounts", watches.stream().map(Watch::accountId).toArray(String[]::new))
            .param("customers", watches.stream().map(Watch::customerId).toArray(String[]::new))
            .param("types", watches.stream().map(Watch::type).toArray(String[]::new))
            .param("records", watches.stream().map(Watch::record).toArray(String[]::new))
            .query((rs, row) -> Map.entry(rs.getString("run_id"), rs.getString("event_id")))
            .list()
            .stream()
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private List<Candidate> candidatesOf(List<Arrival> events) {
        var versions = db.sql("""
            SELECT a.account_id, v.automation_id, v.version, v.definition
              FROM automations a
              JOIN automation_versions v ON v.automation_id = a.id
             WHERE a.account_id = ANY(:accounts) AND jsonb_exists_any(v.cancel_on, CAST(:types AS text[]))
            """)
            .param("accounts", events.stream().map(Arrival::accountId).distinct().toArray(String[]::new))
            .param("types", events.stream().map(Arrival::type).distinct().toArray(String[]::new))
            .query((rs, row) -> new Canceling(rs.getString("account_id"), programs.of(rs.getString("automation_id"),
                rs.getInt("version"), json.readTree(rs.getString("definition")))))
            .list();
        var candidates = new ArrayList<Candidate>();
        for (Arrival event : events) {
            for (Canceling canceling : versions) {
                if (!canceling.accountId().equals(event.accountId())) {
                    continue;
                }
                for (var cancelOn : canceling.program().definition().cancelOn()) {
                    if (cancelOn.event().equals(event.type())) {
                        candidates.add(new Candidate(event.eventId(), event.accountId(), event.customerId(),
                            canceling.program().automationId(), canceling.program().version(), cancelOn.record(),
                            null));
                    }
                }
            }
        }
        return withRecordIds(candidates);
    }

    /** The candidates that match on a record, with the id of the record their event is about. */
    private List<Candidate> withRecordIds(List<Candidate> candidates) {
        var matching = candidates.stream().filter(c -> c.record() != null).toList();
        if (matching.isEmpty()) {
            return candidates;
        }
        var ids = new HashMap<String, String>();
        db.sql("""
            SELECT c.event_id, c.record, ev.data -> c.record ->> 'id' AS record_id
              FROM unnest(CAST(:events AS text[]), CAST(:records AS text[])) AS c(event_id, record)
              JOIN events ev ON ev.id = c.event_id
            """)
            .param("events", matching.stream().map(Candidate::eventId).toArray(String[]::new))
            .param("records", matching.stream().map(Candidate::record).toArray(String[]::new))
            .query((rs, row) -> ids.put(rs.getString("event_id") + "/" + rs.getString("record"),
                rs.getString("record_id")))
            .list();
        return candidates.stream()
            .map(c -> c.record() == null
                ? c
                : new Candidate(c.eventId(), c.accountId(), c.customerId(), c.automationId(), c.version(),
                    c.record(), ids.get(c.eventId() + "/" + c.record())))
            .toList();
    }

    /**
     * The runs that have not ended which the candidates end, each with the first event that ends it. A run started
     * by something that happened after the event (a later event of the same batch) is not ended by it. Read under the
     * matcher's locks and before the batch starts anything, so that its starts can be decided knowing which open runs
     * an earlier event of the batch ends.
     */
    Map<String, String> endedBy(List<Candidate> candidates) {
        if (candidates.isEmpty()) {
            return Map.of();
        }
        return db.sql("""
            SELECT DISTINCT ON (x.id) x.id, c.event_id
              FROM unnest(CAST(:events AS text[]), CAST(:accounts AS text[]), CAST(:customers AS text[]),
                          CAST(:automations AS text[]), CAST(:versions AS int[]), CAST(:records AS text[]))
                   AS c(event_id, account_id, customer_id, automation_id, version, record)
              JOIN events ev ON ev.id = c.event_id
              JOIN executions x ON x.account_id = c.account_id AND x.customer_id = c.customer_id
                               AND x.automation_id = c.automation_id AND x.version = c.version
             WHERE x.status IN ('pending', 'running', 'waiting')
               -- An event staff let pass quietly cancels nothing, as the matcher has it.
               AND coalesce(ev.data ->> 'skip_automations', '') <> 'true'
               AND (c.record IS NULL
                    OR x.trigger -> 'data' -> c.record ->> 'id' = ev.data -> c.record ->> 'id')
               AND (CAST(x.trigger ->> 'occurred_at' AS timestamptz) < ev.occurred_at
                    OR (CAST(x.trigger ->> 'occurred_at' AS timestamptz) = ev.occurred_at
                        AND x.trigger_key < ev.id))
             ORDER BY x.id, c.event_id
            """)
            .param("events", candidates.stream().map(Candidate::eventId).toArray(String[]::new))
            .param("accounts", candidates.stream().map(Candidate::accountId).toArray(String[]::new))
            .param("customers", candidates.stream().map(Candidate::customerId).toArray(String[]::new))
            .param("automations", candidates.stream().map(Candidate::automationId).toArray(String[]::new))
            .param("versions", candidates.stream().map(Candidate::version).toArray(Integer[]::new))
            .param("records", candidates.stream().map(Candidate::record).toArray(String[]::new))
            .query((rs, row) -> Map.entry(rs.getString("id"), rs.getString("event_id")))
            .list()
            .stream()
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
