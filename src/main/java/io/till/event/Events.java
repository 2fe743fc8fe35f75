package io.till.event;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.till.shared.GroupCommit;
import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The event log. {@link #record} must run inside the transaction of the change it reports: that is what makes the table
 * a transactional outbox, where no event is lost and none is invented.
 */
@Repository
public class Events {

    private final JdbcClient db;
    private final JsonMapper json;
    private final Clock clock;
    private final RowMapper<Event> eventRow;
    private final EventSignal signal;
    private final ApplicationEventPublisher publisher;
    private final GroupCommit<Event> ingest;

    /** The most single events one shared insert writes. */
    private static final int MAX_SHARED_INSERT = 256;

    Events(JdbcClient db, JsonMapper json, Clock clock, EventSignal signal, ApplicationEventPublisher publisher,
        MeterRegistry meters, @Value("${till.events.ingest-writers:2}") int ingestWriters) {
        this.db = db;
        var shared = DistributionSummary.builder("till.events.ingest.shared")
            .description("Single events posted through the API written by one shared insert")
            .register(meters);
        // A constraint one row breaks fails only that row's request; a lost connection fails the batch's.
        // With no writers (till.events.ingest-writers=0), each request writes its own event.
        this.ingest = ingestWriters < 1 ? null : new GroupCommit<>(ingestWriters, MAX_SHARED_INSERT, batch -> {
            // Committed: the matchers hear of the whole batch at once.
            signal.afterCommit(insert(batch));
            shared.record(batch.size());
        }, DataIntegrityViolationException.class::isInstance);
        this.publisher = publisher;
        this.signal = signal;
        this.json = json;
        this.clock = clock;
        this.eventRow = (rs, row) -> new Event(rs.getString("id"), rs.getString("type"), rs.getString("account_id"),
            rs.getString("customer_id"), Timestamps.read(rs, "occurred_at"), json.readTree(rs.getString("data")));
    }

    /** Records one of Till's own events; {@code data} maps names to the objects the event is about. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Event record(String accountId, EventType type, String customerId, Map<String, ?> data) {
        JsonNode tree = json.valueToTree(data);
        String cause = EventCause.execution();
        if (cause != null && tree instanceof ObjectNode object && !object.has("caused_by")) {
            object.putObject("caused_by").put("execution_id", cause);
        }
        // What an event carries is what automations may refer to when they are saved; the tests, run with assertions
        // on, hold every event they raise to its type's declaration (a production run is not stopped by a gap).
        assert type.undeclared(objectsOf(tree)).isEmpty() : type.undeclared(objectsOf(tree));
        var event = newEvent(accountId, type.type(), customerId, tree);
        signal.afterCommit(insert(List.of(event)));
        listenersHear(event);
        return event;
    }

    private static Set<String> objectsOf(JsonNode data) {
        var objects = new java.util.HashSet<String>();
        data.properties().forEach(entry -> {
            if (entry.getValue().isObject()) {
                objects.add(entry.getKey());
            }
        });
        return objects;
    }

    /**
     * Records an event posted from outside; its type has been checked not to be a reserved one. In-process listeners
     * react to Till's own events only (a receipt for a payment, say), so they do not hear it: publishing it to them
     * cost 6 % of a posted event's CPU for nothing (a flight recording of bench/ingest). Within a transaction it
     * commits with it. Without one (a single event posted through the API) it is written beside the events that other
     * requests post at the same moment, one statement and one commit for all of them, and returns once committed.
     * Measured with pgbench on the durable embedded database: this statement commits one event at 0.54x the rate of a
     * one-row insert, eight per statement at 1.2x; in bench/ingest, sharing cut PostgreSQL's CPU per posted event from
     * 0.67 ms to 0.46 ms.
     */
    Event recordCustom(String accountId, Custom posted) {
        return recordCustom(accountId, List.of(posted)).getFirst();
    }

    /** Records posted events in one statement, within the caller's transaction if there is one; see above. */
    List<Event> recordCustom(String accountId, List<Custom> posted) {
        var recorded = posted.stream().map(p -> newEvent(accountId, p.type(), p.customerId(), p.data())).toList();
        if (ingest != null && recorded.size() == 1 && !TransactionSynchronizationManager.isActualTransactionActive()) {
            ingest.commit(recorded.getFirst());
        } else {
            signal.afterCommit(insert(recorded));
        }
        return recorded;
    }

    /** An event posted from outside, checked. */
    record Custom(String type, String customerId, JsonNode data) {}

    private Event newEvent(String accountId, String type, String customerId, JsonNode data) {
        return new Event(Ids.newId("evt"), type, accountId, customerId, Timestamps.now(clock), data);
    }

    /** Tells in-process listeners of one of Till's own events just inserted, in the caller's transaction. */
    private void listenersHear(Event recorded) {
        // In-process listeners hear the event inside the same transaction, so whatever they record for it (a receipt
        // email to send, say) commits or rolls back with the change itself. They must not do slow I/O here.
        publisher.publishEvent(recorded);
    }

    /** Inserts the events and their inbox rows; answers which feeds they left rows for. */
    private EventSignal.Fed insert(List<Event> recorded) {
        var rows = json.createArrayNode();
        for (Event event : recorded) {
            rows.addObject()
                .put("id", event.id())
                .put("account_id", event.accountId())
                .put("type", event.type())
                .put("customer_id", event.customerId())
                .put("occurred_at", event.occurredAt().toString())
                .set("data", event.data());
        }
        // The inbox rows are what the automation engine and the webhook feed consume: same statement, so each matches
        // the event exactly once. An endpoint is sent the events recorded while it is enabled and subscribed to their
        // type: an event no endpoint can be sent (most, for a shop without webhooks) leaves the feed nothing to do. The
        // feed makes a delivery for each of them (WebhookFeed.matchEvents), held while one is disabled since.
        // Likewise the matcher is handed only the events of a type some automation of the account reacts to, in any
        // version (automation_event_types, kept by the database as versions are inserted): to the others no
        // automation can start, end or wake a run.
        return db.sql("""
            WITH recorded AS (
                INSERT INTO events (id, account_id, type, customer_id, occurred_at, data)
                SELECT id, account_id, type, customer_id, occurred_at, data
                  FROM jsonb_to_recordset(CAST(:rows AS jsonb))
                       AS posted (id text, account_id text, type text, customer_id text, occurred_at timestamptz,
                                  data jsonb)
                RETURNING id, account_id, type, customer_id, data),
            for_webhooks AS (
                INSERT INTO webhook_inbox (event_id, account_id, endpoint_ids)
                SELECT r.id, r.account_id, subscribed.ids
                  FROM recorded r
                 CROSS JOIN LATERAL (SELECT array_agg(w.id) AS ids FROM webhook_endpoints w
                                      WHERE w.account_id = r.account_id AND w.status = 'enabled'
                                        AND (r.type = ANY(w.event_types) OR '*' = ANY(w.event_types))) subscribed
                 WHERE subscribed.ids IS NOT NULL
                RETURNING event_id),
            for_automations AS (
                INSERT INTO event_inbox (event_id, account_id, type, customer_id, skip_automations, caused_by)
                SELECT r.id, r.account_id, r.type, r.customer_id,
                       coalesce(r.data ->> 'skip_automations' = 'true', false), r.data -> 'caused_by' ->> 'execution_id'
                  FROM recorded r
                 WHERE EXISTS (SELECT 1 FROM automation_event_types t
                                WHERE t.account_id = r.account_id AND t.event_type = r.type)
                RETURNING event_id)
            SELECT EXISTS (SELECT 1 FROM for_automations) AS automations,
                   EXISTS (SELECT 1 FROM for_webhooks) AS webhooks
            """)
            .param("rows", json.writeValueAsString(rows))
            .query((rs, row) -> new EventSignal.Fed(rs.getBoolean("automations"), rs.getBoolean("webhooks")))
            .single();
    }

    public Event get(String accountId, String id) {
        return db.sql("""
            SELECT id, type, account_id, customer_id, occurred_at, data
              FROM events
             WHERE account_id = :accountId AND id = :id
            """)
            .param("accountId", accountId)
            .param("id", id)
            .query(eventRow)
            .optional()
            .orElseThrow(() -> TillException.notFound("event", id));
    }

    /** The events with these ids, in their order (one of another account is not found). */
    List<Event> get(String accountId, List<String> ids) {
        var found = db.sql("""
            SELECT id, type, account_id, customer_id, occurred_at, data
              FROM events
             WHERE account_id = :accountId AND id = ANY(:ids)
            """)
            .param("accountId", accountId)
            .param("ids", ids.toArray(String[]::new))
            .query(eventRow)
            .list()
            .stream()
            .collect(java.util.stream.Collectors.toMap(Event::id, event -> event));
        return ids.stream().map(id -> java.util.Optional.ofNullable(found.get(id))
            .orElseThrow(() -> TillException.notFound("event", id))).toList();
    }

    /** The customer's events, newest first, below {@code page.afterId()} (the dashboard's customer timeline). */
    public Page<Event> ofCustomer(String accountId, String customerId, PageRequest page) {
        return list(accountId, new Filter(null, customerId, null), page);
    }

    /** The customer's events of one type, newest first (what an automation's test offers to run on). */
    public Page<Event> ofCustomer(String accountId, String customerId, String type, PageRequest page) {
        return list(accountId, new Filter(type, customerId, null), page);
    }

    /**
     * Up to {@code limit} of the account's events of one type that occurred from {@code from} (inclusive) to {@code to}
     * (exclusive), newest first: what a backtest replays.
     */
    public Page<Event> ofType(String accountId, String type, Instant from, Instant to, int limit) {
        return list(accountId, new Filter(type, null, null, from, to), new PageRequest(limit, null));
    }

    /**
     * How many events of each type the account had that occurred after {@code from} up to {@code to} (inclusive), in
     * the order each type first occurred: what a move of the test clock set off.
     */
    public java.util.LinkedHashMap<String, Long> countsBetween(String accountId, Instant from, Instant to) {
        var counts = new java.util.LinkedHashMap<String, Long>();
        db.sql("""
            SELECT type, count(*) AS n FROM events
             WHERE account_id = :accountId AND occurred_at > :from AND occurred_at <= :to
             GROUP BY type
             ORDER BY min(occurred_at), type
            """)
            .param("accountId", accountId)
            .param("from", Timestamps.of(from))
            .param("to", Timestamps.of(to))
            .query((rs, row) -> counts.put(rs.getString("type"), rs.getLong("n")))
            .list();
        return counts;
    }

    /**
     * Which events a list asks for; null fields do not filter.
     *
     * @param from the earliest moment of occurrence, inclusive
     * @param to the latest, exclusive
     */
    record Filter(String type, String customerId, String afterId, Instant from, Instant to) {

        Filter(String type, String customerId, String afterId) {
            this(type, customerId, afterId, null, null);
        }
    }

    /** Whether the account recorded the event {@code id}. */
    boolean exists(String accountId, String id) {
        return db.sql("SELECT EXISTS (SELECT 1 FROM events WHERE account_id = :accountId AND id = :id)")
            .param("accountId", accountId)
            .param("id", id)
            .query(Boolean.class)
            .single();
    }

    /**
     * Lists events newest first; with {@code afterId}, the events after it oldest first, which is how a poller reads a
     * feed without missing any. "After" is in the order their transactions began (then by id), and only events that
     * no transaction still running can come before are listed: an event's id is taken when it is recorded, inside the
     * change that raises it, so a change that took an older id may commit after a younger one was read. A poller past
     * the younger would never see the older; here it is held back until every earlier transaction has ended.
     */
    Page<Event> list(String accountId, Filter filter, PageRequest page) {
        boolean forward = filter.afterId() != null;
        String from = page.afterId() != null ? page.afterId() : filter.afterId();
        String window = forward
            ? """
                  AND tx < pg_snapshot_xmin(pg_current_snapshot())
                  AND (tx, id) > (COALESCE((SELECT tx FROM events WHERE account_id = :accountId AND id = :from),
                                           CAST('0' AS xid8)), :from)
                ORDER BY tx, id
                """
            : """
                  AND (CAST(:from AS text) IS NULL OR id < :from)
                ORDER BY id DESC
                """;
        var events = db.sql("""
            SELECT id, type, account_id, customer_id, occurred_at, data
              FROM events
             WHERE account_id = :accountId
               AND (CAST(:type AS text) IS NULL OR type = :type)
               AND (CAST(:customerId AS text) IS NULL OR customer_id = :customerId)
               AND (CAST(:occurredFrom AS timestamptz) IS NULL OR occurred_at >= :occurredFrom)
               AND (CAST(:occurredTo AS timestamptz) IS NULL OR occurred_at < :occurredTo)
            """ + window + """
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("type", filter.type())
            .param("customerId", filter.customerId())
            .param("occurredFrom", Timestamps.of(filter.from()))
            .param("occurredTo", Timestamps.of(filter.to()))
            .param("from", from)
            .param("limit", page.fetchSize())
            .query(eventRow)
            .list();
        return page.page(events, Event::id);
    }
}
