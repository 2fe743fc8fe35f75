package io.till.automation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.till.automation.engine.Program;
import io.till.billing.UpcomingNotices;
import io.till.event.EventType;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Starts executions for events, taken from the inbox in batches and matched to the active, unpaused automations by
 * type, scope and conditions (schedules and runs by hand start through {@link DirectStarts}). An execution is keyed by
 * automation and trigger, so an event delivered twice starts it once.
 */
@Component
class Triggers {

    private static final Logger log = LoggerFactory.getLogger(Triggers.class);

    private final JdbcClient db;
    private final JsonMapper json;
    private final Clock clock;
    private final Programs programs;
    private final ExecutionQueue queue;
    private final ExecutionContexts contexts;
    private final EventScopes scopes;
    private final EventCancels cancels;
    private final ExecutionWaits waits;
    private final Counter eventsMatched;
    private final Counter executionsStarted;
    private final StartRules rules;
    private final MatchTraces matchTraces;
    private final UpcomingNotices notices;
    private final StepsAtStart stepsAtStart;
    private final CauseChains causes;
    /** How many parts of a batch each waiting account gets first, at most: 500 → 10 events per account. */
    private static final int FAIR_SHARE = 50;
    /** The account after which the next batch's fair share of events begins. */
    private final AtomicReference<String> fairFrom = new AtomicReference<>("");

    Triggers(JdbcClient db, JsonMapper json, Clock clock, Programs programs,
        ExecutionQueue queue,
        ExecutionContexts contexts, EventScopes scopes, EventCancels cancels,
        ExecutionWaits waits, StartRules rules, MatchTraces matchTraces, UpcomingNotices notices,
        StepsAtStart stepsAtStart, CauseChains causes, MeterRegistry meters) {
        this.stepsAtStart = stepsAtStart;
        this.causes = causes;
        this.db = db;
        this.json = json;
        this.clock = clock;
        this.programs = programs;
        this.queue = queue;
        this.contexts = contexts;
        this.scopes = scopes;
        this.cancels = cancels;
        this.waits = waits;
        this.rules = rules;
        this.matchTraces = matchTraces;
        this.notices = notices;
        this.eventsMatched = Counter.builder("till.automation.events.matched")
            .description("Events that started at least one execution").register(meters);
        this.executionsStarted = Counter.builder("till.automation.executions.started")
            .description("Executions started").register(meters);
    }

    /** An event taken from the inbox, with the two marks that keep automations away from it. */
    private record Inbound(String id, String accountId, String type, String customerId, boolean skipAutomations,
        String causedByExecution) {}

    /** An event picked for its account's fair share, and where its inbox row is. */
    private record Picked(String eventId, String place, String accountId) {}

    private record Listener(String automationId, String accountId, String event, Program program, boolean paused) {

        /** Whether deciding needs the event's data: a scope, conditions, or one run per record at a time. */
        boolean readsData() {
            // A start's trigger data also tells StartRules which record an earlier event of the batch canceled.
            return program.definition().conditions() != null || !scope().isEmpty()
                || program.definition().concurrencyRecord() != null
                || program.definition().concurrency() != null
                    && program.definition().cancelOn().stream().anyMatch(cancel -> cancel.record() != null)
                || EventType.of(event).map(EventType::isUpcoming).orElse(false);
        }

        Definition.Trigger.OnEvent trigger() {
            return (Definition.Trigger.OnEvent) program.definition().trigger();
        }

        Map<String, String> scope() {
            return trigger().scope();
        }
    }

    /**
     * Matches up to {@code limit} events from the inbox; returns how many events were taken. An event's data is read
     * only when some listener's scope or conditions need it, and the executions' trigger snapshots are built by the
     * database from the event rows, so that the common case moves no JSON through Till.
     */
    @Transactional
    public int matchEvents(int limit) {
        return matchEvents(limit, null, false).events();
    }

    /**
     * Takes the events a batch picked for their accounts' fair share ({@code :places}) and the oldest others, up to
     * {@code :rest}, from the inbox. The rows are deleted by their place (ctid, valid while this transaction holds
     * their locks): the inbox's statistics are always wrong (it fills and empties within seconds), and joined by key
     * the planner may scan the inbox once for each event picked. Its plan must be made for the inbox as it is: the
     * background loops' connections plan each statement anew (see {@code DatabaseConfiguration}).
     */
    static final String TAKE = """
        WITH oldest AS MATERIALIZED (
            SELECT ctid AS place FROM event_inbox
             WHERE event_id <> ALL(CAST(:fair AS text[]))
             ORDER BY event_id
             LIMIT :rest
               FOR UPDATE SKIP LOCKED)
        DELETE FROM event_inbox
         WHERE ctid = ANY(ARRAY(SELECT unnest(CAST(:places AS tid[])) UNION ALL SELECT place FROM oldest))
        RETURNING event_id AS id, account_id, type, customer_id, skip_automations, caused_by
        """;

    /** What a batch of matching did: how many events it took, and the executions it started claimed, if any. */
    record Matched(int events, List<ExecutionQueue.Claimed> claimed) {}

    /**
     * Matches as {@link #matchEvents(int)} does; with a {@code lease}, the executions it starts are claimed under it
     * for the caller to run their next step at once, instead of queueing them for a worker to claim. With
     * {@code takeSteps}, a run whose first steps are transactional actions takes them in this transaction
     * ({@link StepsAtStart}); should one throw, the whole batch is undone, and the caller matches it again without.
     */
    @Transactional
    Matched matchEvents(int limit, ExecutionQueue.Lease lease, boolean takeSteps) {
        // Fair across accounts: a few of each waiting account's oldest events first (the accounts visited from the one
        // after the last batch's), then the oldest of all; one account's flood of events never holds back another
        // account's single one, and still drains in full batches. Two statements, so that the oldest are taken (and
        // locked, for this whole transaction) only as many as the fair share left room for, by a limit the planner
        // knows: the other matcher and other nodes skip every row locked here.
        String after = fairFrom.get();
        var fair = db.sql("""
            WITH RECURSIVE accounts (account_id) AS (
                (SELECT account_id FROM event_inbox WHERE account_id > :after ORDER BY account_id LIMIT 1)
                UNION ALL
                SELECT (SELECT i.account_id FROM event_inbox i
                         WHERE i.account_id > a.account_id ORDER BY i.account_id LIMIT 1)
                  FROM accounts a
                 WHERE a.account_id IS NOT NULL)
            SELECT f.event_id, CAST(f.ctid AS text) AS place, a.account_id
              FROM accounts a
             CROSS JOIN LATERAL (SELECT i.event_id, i.ctid FROM event_inbox i
                                  WHERE i.account_id = a.account_id
                                  ORDER BY i.event_id
                                  LIMIT :share
                                    FOR UPDATE SKIP LOCKED) f
             WHERE a.account_id IS NOT NULL
             LIMIT :limit
            """)
            .param("limit", limit)
            .param("share", Math.max(1, limit / FAIR_SHARE))
            .param("after", after)
            .query((rs, row) -> new Picked(rs.getString("event_id"), rs.getString("place"),
                rs.getString("account_id")))
            .list();
        // The next batch's fair share begins after the last account served by this one, or from the first when this
        // one visited every waiting account.
        fairFrom.compareAndSet(after, fair.size() < limit
            ? ""
            : fair.stream().map(Picked::accountId).max(String::compareTo).orElse(""));
        var events = db.sql(TAKE)
            .param("fair", fair.stream().map(Picked::eventId).toArray(String[]::new))
            .param("places", fair.stream().map(Picked::place).toArray(String[]::new))
            .param("rest", limit - fair.size())
            .query((rs, row) -> new Inbound(rs.getString("id"), rs.getString("account_id"), rs.getString("type"),
                rs.getString("customer_id"), rs.getBoolean("skip_automations"), rs.getString("caused_by")))
            .list()
            .stream()
            .sorted(java.util.Comparator.comparing(Inbound::id))
            .toList();
        if (events.isEmpty()) {
            return new Matched(0, List.of());
        }
        var listeners = listeners(events);
        Map<String, ObjectNode> snapshots = snapshots(events.stream()
            .filter(event -> listeners.stream().anyMatch(l -> l.readsData() && listens(l, event)))
            .map(Inbound::id).toList());
        List<ExecutionQueue.NewExecution> starts = new ArrayList<>();
        // Why each listening automation started nothing for an event, kept with the event (the match trace).
        var traces = new MatchTraces.Batch();
        var readers = new HashMap<String, EventScopes.Reader>();
        for (Inbound event : events) {
            ObjectNode snapshot = snapshots.get(event.id());
            JsonNode data = snapshot == null ? null : snapshot.path("data");
            List<CauseChains.Link> causedBy = causes.behind(event.accountId(), event.causedByExecution());
            boolean matched = false;
            for (Listener listener : listeners) {
                if (!listens(listener, event)) {
                    continue;
                }
                String skipped = decided(listener, event, causedBy, readers, data, snapshot);
                if (skipped != null) {
                    traces.skip(event.id(), event.accountId(), listener.automationId(), listener.program().version(),
                        skipped);
                    continue;
                }
                starts
                    .add(new ExecutionQueue.NewExecution(Executions.newId(), event.accountId(), listener.automationId(),
                        listener.program().version(), event.id(), snapshot, event.customerId()));
                matched = true;
            }
            if (matched) {
                eventsMatched.increment();
            }
        }
        Instant now = Timestamps.now(clock);
        // An event staff asked to pass quietly (skip_automations) cancels nothing either.
        var arrivals = events.stream().filter(e -> !e.skipAutomations()).map(e -> new EventCancels.Arrival(e.id(),
            e.accountId(), e.type(), e.customerId())).toList();
        var cancelling = cancels.candidates(arrivals);
        Map<String, Program> programsById = listeners.stream().collect(Collectors.toMap(
            Listener::automationId, Listener::program, (a, b) -> a));
        rules.lock(starts, programsById, cancelling);
        // The open runs this batch's events end, so that a start after the event that ends one is not refused by it.
        var endedBy = cancels.endedBy(cancelling);
        var admitted = rules.admit(starts, programsById, now, cancelling, endedBy);
        starts = admitted.kept();
        admitted.refused().forEach(refused -> traces.skip(refused.start().triggerKey(), refused.start().accountId(),
            refused.start().automationId(), refused.start().version(), refused.reason()));
        matchTraces.keep(traces);
        // The batch's starts first, then its cancels, then the waits it ends: an event ends the runs an earlier event
        // of its batch started.
        if (takeSteps) {
            // Which automations' runs may take steps here, decided once per batch, not once per run.
            Map<String, Program> startingHere = programsById.entrySet().stream()
                .filter(entry -> stepsAtStart.startsHere(entry.getValue()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            starts = stepsAtStart.take(withSnapshots(starts, startingHere), startingHere, now);
        }
        var started = queue.startClaimed(starts, now, lease);
        for (var start : starts) {
            if (start.head() != null && !started.inserted().contains(start.id())) {
                // Started before (its event delivered twice), or not at all (its customer erased since the batch
                // read the event): the steps taken for it here must not count.
                throw new IllegalStateException("A run took steps at its start for " + start.triggerKey() + ", which "
                    + "had started " + start.automationId() + " before or may not start it now (its customer erased); "
                    + "the batch is matched again without");
            }
        }
        stepsAtStart.ended(starts);
        executionsStarted.increment(started.inserted().size());
        Set<String> ended = cancels.cancel(endedBy, starts, programsById, now, lease == null ? null : lease.token());
        waits.arrive(arrivals, now);
        var claimed = started.goingOn();
        return new Matched(events.size(), ended.isEmpty()
            ? claimed
            : claimed.stream().filter(run -> !ended.contains(run.id())).toList());
    }

    /**
     * The starts, with the trigger snapshot read for each that may take steps at its start (its automation one of
     * {@code startingHere}) and has none yet.
     */
    private List<ExecutionQueue.NewExecution> withSnapshots(List<ExecutionQueue.NewExecution> starts,
        Map<String, Program> startingHere) {
        var missing = starts.stream()
            .filter(s -> s.trigger() == null && startingHere.containsKey(s.automationId()))
            .map(ExecutionQueue.NewExecution::triggerKey).distinct().toList();
        if (missing.isEmpty()) {
            return starts;
        }
        var read = snapshots(missing);
        return starts.stream().map(s -> s.trigger() == null && read.containsKey(s.triggerKey())
            ? s.with(read.get(s.triggerKey()))
            : s).toList();
    }

    /**
     * {@link #skipped}, for one automation and one event alone: a value it cannot read (a path index past any list, a
     * number past a long, a moment past any calendar) skips that start, saying so, rather than failing the batch. The
     * batch undone would come back with the same event, and no account's events would start anything again.
     */
    private String decided(Listener listener, Inbound event, List<CauseChains.Link> causedBy,
        Map<String, EventScopes.Reader> readers, JsonNode data, ObjectNode snapshot) {
        try {
            return skipped(listener, event, causedBy, readers, data, snapshot);
        } catch (org.springframework.dao.DataAccessException e) {
            // The database's doing, not the event's: the batch is tried again as a whole.
            throw e;
        } catch (RuntimeException e) {
            log.warn("Automation {} could not decide whether event {} starts it", listener.automationId(), event.id(),
                e);
            return "Could not be decided: a value of the event or its conditions could not be read ("
                + e.getClass().getSimpleName() + ").";
        }
    }

    /** Why no automation starts for an event staff asked to pass quietly (a cancellation with skip_automations). */
    static final String PASSED_QUIETLY = "Staff asked for this change to pass quietly (skip_automations).";

    /** Why this listener starts nothing for the event, in the order matching decides; null when it starts. */
    private String skipped(Listener listener, Inbound event, List<CauseChains.Link> causedBy,
        Map<String, EventScopes.Reader> readers,
        JsonNode data, ObjectNode snapshot) {
        if (event.skipAutomations()) {
            return PASSED_QUIETLY;
        }
        if (listener.paused()) {
            return "It was paused: a paused automation starts nothing.";
        }
        var ownChain = CauseChains.refusal(listener.automationId(), causedBy);
        if (ownChain.isPresent()) {
            return ownChain.get();
        }
        if (!listener.readsData()) {
            return null;
        }
        var mismatch = readers.computeIfAbsent(event.accountId(), scopes::reader).mismatch(listener.scope(),
            event.type(), data);
        if (mismatch.isPresent()) {
            String reason = mismatch.get();
            return Character.toUpperCase(reason.charAt(0)) + reason.substring(1) + ".";
        }
        String notice = NoticeDemand.mismatch(listener.trigger(), data, notices);
        if (notice != null) {
            return notice;
        }
        var conditions = listener.program().definition().conditions();
        if (conditions == null) {
            return null;
        }
        var unmet = ConditionReasons.unmet(conditions, contexts.preview(listener.program(), event.accountId(),
            event.customerId(), snapshot));
        return unmet.isEmpty() ? null : "Its conditions did not hold: " + String.join("; ", unmet) + ".";
    }

    private static boolean listens(Listener listener, Inbound event) {
        return listener.accountId().equals(event.accountId()) && listener.event().equals(event.type());
    }

    /** The trigger snapshots of these events, as executions keep them. */
    private Map<String, ObjectNode> snapshots(List<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        var snapshots = new HashMap<String, ObjectNode>();
        db.sql("SELECT id, type, customer_id, occurred_at, data FROM events WHERE id = ANY(:ids)")
            .param("ids", ids.toArray(String[]::new))
            .query((rs, row) -> snapshots.put(rs.getString("id"), snapshot(json, rs)))
            .list();
        return snapshots;
    }

    /**
     * An event's row ({@code id, type, customer_id, occurred_at, data}) as the trigger snapshot executions keep: the
     * one shape whoever starts a run from an event (the matcher, {@link EventStarts}) writes.
     */
    static ObjectNode snapshot(JsonMapper json, java.sql.ResultSet rs) throws java.sql.SQLException {
        ObjectNode snapshot = json.createObjectNode().put("id", rs.getString("id"))
            .put("type", rs.getString("type")).put("customer_id", rs.getString("customer_id"))
            .put("occurred_at", Timestamps.read(rs, "occurred_at").toString());
        snapshot.set("data", json.readTree(rs.getString("data")));
        return snapshot;
    }

    /** The automation of an execution whose action raised an event. */
    private List<Listener> listeners(List<Inbound> events) {
        return db.sql("""
            SELECT a.id, a.account_id, a.active_version, a.paused, v.definition
              FROM automations a
              JOIN automation_versions v ON v.automation_id = a.id AND v.version = a.active_version
             WHERE a.account_id = ANY(:accounts) AND a.archived_at IS NULL
               AND v.definition -> 'trigger' ->> 'type' = 'event'
               AND v.definition -> 'trigger' ->> 'event' = ANY(:types)
            """)
            .param("accounts", events.stream().map(Inbound::accountId).distinct().toArray(String[]::new))
            .param("types", events.stream().map(Inbound::type).distinct().toArray(String[]::new))
            .query((rs, row) -> {
                var program = programs.of(rs.getString("id"), rs.getInt("active_version"),
                    json.readTree(rs.getString("definition")));
                var trigger = (Definition.Trigger.OnEvent) program.definition().trigger();
                return new Listener(rs.getString("id"), rs.getString("account_id"), trigger.event(), program,
                    rs.getBoolean("paused"));
            })
            .list();
    }
}
