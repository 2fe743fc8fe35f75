package io.till.automation;

import io.till.shared.Timestamps;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * wait_for_event (PRODUCT.md §4): the runs waiting at such a step ({@code execution_waits}, written by the save that
 * enters or leaves the wait), the events that end their waits (found by the matcher, in the transaction that takes
 * the events from the inbox, so that an event ends a wait once), and what arrived, for the step that goes on.
 */
@Component
class ExecutionWaits {

    private final JdbcClient db;
    private final JsonMapper json;

    ExecutionWaits(JdbcClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /**
     * Ends the waits these events are the first awaited event of, after each wait's mark (the run's trigger, or the
     * event its last wait took; {@code since} and {@code after_event}): the run is due at once (its timer, the
     * timeout, goes); returns how many. A wait another batch ended with a later event, not yet taken by its run, takes
     * the earlier one instead: two nodes matching a customer's events at once end it as one node would.
     */
    int arrive(List<EventCancels.Arrival> events, Instant now) {
        var aboutCustomers = events.stream().filter(e -> e.customerId() != null).toList();
        if (aboutCustomers.isEmpty()) {
            return 0;
        }
        record Arrived(String executionId, String eventId) {}
        var arrived = db.sql("""
            SELECT DISTINCT ON (w.execution_id) w.execution_id, ev.id AS event_id
              FROM unnest(CAST(:events AS text[]), CAST(:accounts AS text[]), CAST(:types AS text[]),
                          CAST(:customers AS text[])) AS a(event_id, account_id, type, customer_id)
              JOIN execution_waits w ON w.account_id = a.account_id AND w.event_type = a.type
                                    AND w.customer_id = a.customer_id
              JOIN events ev ON ev.id = a.event_id
              LEFT JOIN events noted ON noted.id = w.event_id
             WHERE (w.event_id IS NULL OR (noted.occurred_at, noted.id) > (ev.occurred_at, ev.id))
               AND (ev.occurred_at > w.since OR ev.occurred_at = w.since AND ev.id > coalesce(w.after_event, ''))
               AND (w.record IS NULL OR ev.data -> w.record ->> 'id' = w.record_id)
             ORDER BY w.execution_id, ev.id
            """)
            .param("events", aboutCustomers.stream().map(EventCancels.Arrival::eventId).toArray(String[]::new))
            .param("accounts", aboutCustomers.stream().map(EventCancels.Arrival::accountId).toArray(String[]::new))
            .param("types", aboutCustomers.stream().map(EventCancels.Arrival::type).toArray(String[]::new))
            .param("customers", aboutCustomers.stream().map(EventCancels.Arrival::customerId)
                .toArray(String[]::new))
            .query((rs, row) -> new Arrived(rs.getString("execution_id"), rs.getString("event_id")))
            .list();
        if (arrived.isEmpty()) {
            return 0;
        }
        String[] ids = arrived.stream().map(Arrived::executionId).sorted().toArray(String[]::new);
        // Timers first, as cancels take them (and a node moving one into the queue right now is waited for); then
        // the waits, each noted only if it is still the wait the event matched (a save may have replaced it).
        db.sql("""
            SELECT t.execution_id FROM unnest(CAST(:ids AS text[])) AS i(id)
             CROSS JOIN LATERAL (SELECT execution_id FROM execution_timers WHERE execution_id = i.id FOR UPDATE) t
            """)
            .param("ids", ids)
            .query(String.class)
            .list();
        return db.sql("""
            WITH noted AS (
                UPDATE execution_waits w SET event_id = a.event_id
                  FROM unnest(CAST(:ids AS text[]), CAST(:events AS text[])) AS a(execution_id, event_id)
                  JOIN events ev ON ev.id = a.event_id
                 WHERE w.execution_id = a.execution_id
                   AND (w.event_id IS NULL OR (SELECT (noted.occurred_at, noted.id) > (ev.occurred_at, ev.id)
                                                 FROM events noted WHERE noted.id = w.event_id))
                   AND w.account_id = ev.account_id AND w.customer_id = ev.customer_id AND w.event_type = ev.type
                   AND (ev.occurred_at > w.since OR ev.occurred_at = w.since AND ev.id > coalesce(w.after_event, ''))
                   AND (w.record IS NULL OR ev.data -> w.record ->> 'id' = w.record_id)
                RETURNING w.execution_id),
            untimed AS (
                DELETE FROM execution_timers WHERE execution_id IN (SELECT execution_id FROM noted)
                RETURNING execution_id, account_id),
            due AS (
                INSERT INTO execution_queue (execution_id, account_id, due_at)
                SELECT execution_id, account_id, :now FROM untimed
                ON CONFLICT (execution_id) DO NOTHING)
            SELECT count(*) FROM noted
            """)
            .param("ids", arrived.stream().map(Arrived::executionId).toArray(String[]::new))
            .param("events", arrived.stream().map(Arrived::eventId).toArray(String[]::new))
            .param("now", Timestamps.of(now))
            .query(Integer.class)
            .single();
    }

    /**
     * Ends the waits of {@code executionIds}, just entered by a save that found no awaited event, whose awaited event
     * is there now: one recorded while the save was written, and matched before the wait could be seen, which the
     * run then took only at its timeout (days late). Inside a transaction, after the save's commit; returns how many.
     */
    int noticeMissed(List<String> executionIds, Instant now) {
        var missed = db.sql("""
            SELECT ev.id, ev.account_id, ev.type, ev.customer_id
              FROM execution_waits w
              CROSS JOIN LATERAL (
                  SELECT e.id, e.account_id, e.type, e.customer_id FROM events e
                   WHERE e.account_id = w.account_id AND e.customer_id = w.customer_id AND e.type = w.event_type
                     AND (e.occurred_at > w.since OR e.occurred_at = w.since AND e.id > coalesce(w.after_event, ''))
                     AND (w.record IS NULL OR e.data -> w.record ->> 'id' = w.record_id)
                     AND coalesce(e.data ->> 'skip_automations', '') <> 'true'
                   ORDER BY e.occurred_at, e.id
                   LIMIT 1) ev
             WHERE w.execution_id = ANY(CAST(:ids AS text[])) AND w.event_id IS NULL
            """)
            .param("ids", executionIds.toArray(String[]::new))
            .query((rs, row) -> new EventCancels.Arrival(rs.getString("id"), rs.getString("account_id"),
                rs.getString("type"), rs.getString("customer_id")))
            .list();
        return missed.isEmpty() ? 0 : arrive(missed, now);
    }

    /**
     * The event that ended the run's wait, as a trigger snapshot, if one happened before {@code until} (the wait's
     * end): the one the matcher noted, or else the first one recorded after the wait's mark. The second is read for a
     * run woken at its timeout: an event that committed while its wait was being written (and was matched before
     * the wait could be seen) still counts, so an event that happened is never missed, at worst noticed late.
     */
    Optional<JsonNode> arrived(String executionId, Instant until) {
        return db.sql("""
            SELECT ev.id, ev.type, ev.customer_id, ev.occurred_at, ev.data
              FROM execution_waits w
              CROSS JOIN LATERAL (
                  (SELECT e.* FROM events e
                    WHERE e.id = w.event_id AND e.type = w.event_type
                      AND (e.occurred_at > w.since OR e.occurred_at = w.since AND e.id > coalesce(w.after_event, '')))
                  UNION ALL
                  (SELECT e.* FROM events e
                    WHERE w.event_id IS NULL
                      AND e.account_id = w.account_id AND e.customer_id = w.customer_id AND e.type = w.event_type
                      AND (e.occurred_at > w.since OR e.occurred_at = w.since AND e.id > coalesce(w.after_event, ''))
                      AND (w.record IS NULL OR e.data -> w.record ->> 'id' = w.record_id)
                      AND coalesce(e.data ->> 'skip_automations', '') <> 'true'
                    ORDER BY e.occurred_at, e.id
                    LIMIT 1)
                  LIMIT 1) ev
             WHERE w.execution_id = :id AND ev.occurred_at <= :until
            """)
            .param("id", executionId)
            .param("until", Timestamps.of(until))
            .query((rs, row) -> {
                ObjectNode snapshot = json.createObjectNode().put("id", rs.getString("id"))
                    .put("type", rs.getString("type")).put("customer_id", rs.getString("customer_id"))
                    .put("occurred_at", Timestamps.read(rs, "occurred_at").toString());
                snapshot.set("data", json.readTree(rs.getString("data")));
                return (JsonNode) snapshot;
            })
            .optional();
    }
}
