package io.till.event;

import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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

    Events(JdbcClient db, JsonMapper json, Clock clock, EventSignal signal, ApplicationEventPublisher publisher) {
        this.db = db;
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
        return insert(accountId, type.type(), customerId, json.valueToTree(data));
    }

    /**
     * Records an event posted from outside; its type has been checked not to be a reserved one. One statement, so it
     * needs no transaction of its own: without one it commits at once, within one it commits with it.
     */
    Event recordCustom(String accountId, String type, String customerId, JsonNode data) {
        return insert(accountId, type, customerId, data);
    }

    private Event insert(String accountId, String type, String customerId, JsonNode data) {
        var event = new Event(Ids.newId("evt"), type, accountId, customerId, Timestamps.now(clock), data);
        // The inbox rows are what the automation engine and the webhook feed consume: same transaction, so each
        // matches the event exactly once.
        db.sql("""
            WITH recorded AS (
                INSERT INTO events (id, account_id, type, customer_id, occurred_at, data)
                VALUES (:id, :accountId, :type, :customerId, :occurredAt, CAST(:data AS jsonb))
                RETURNING id, account_id, type, customer_id, data),
            for_webhooks AS (
                INSERT INTO webhook_inbox (event_id, account_id) SELECT id, account_id FROM recorded)
            INSERT INTO event_inbox (event_id, account_id, type, customer_id, skip_automations, caused_by)
            SELECT id, account_id, type, customer_id, coalesce(data ->> 'skip_automations' = 'true', false),
                   data -> 'caused_by' ->> 'execution_id'
              FROM recorded
            """)
            .param("id", event.id())
            .param("accountId", accountId)
            .param("type", type)
            .param("customerId", customerId)
            .param("occurredAt", Timestamps.of(event.occurredAt()))
            .param("data", json.writeValueAsString(data))
            .update();
        signal.afterCommit();
        // In-process listeners hear the event inside the same transaction, so whatever they record for it (a receipt
        // email to send, say) commits or rolls back with the change itself. They must not do slow I/O here.
        publisher.publishEvent(event);
        return event;
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

    /**
     * Lists events newest first; with {@code afterId}, the events after it oldest first, which is how a poller reads a
     * feed without missing any.
     */
    Page<Event> list(String accountId, Filter filter, PageRequest page) {
        boolean forward = filter.afterId() != null;
        String from = page.afterId() != null ? page.afterId() : filter.afterId();
        var events = db.sql("""
            SELECT id, type, account_id, customer_id, occurred_at, data
              FROM events
             WHERE account_id = :accountId
               AND (CAST(:type AS text) IS NULL OR type = :type)
               AND (CAST(:customerId AS text) IS NULL OR customer_id = :customerId)
               AND (CAST(:occurredFrom AS timestamptz) IS NULL OR occurred_at >= :occurredFrom)
               AND (CAST(:occurredTo AS timestamptz) IS NULL OR occurred_at < :occurredTo)
               AND (CAST(:from AS text) IS NULL OR id %s :from)
             ORDER BY id %s
             LIMIT :limit
            """.formatted(forward ? ">" : "<", forward ? "ASC" : "DESC"))
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
