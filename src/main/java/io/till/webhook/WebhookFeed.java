package io.till.webhook;

import io.till.event.EventType;
import io.till.shared.ErasureHolds;
import io.till.shared.Ids;
import io.till.shared.Timestamps;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The event feed: recorded events that some endpoint may be sent wait in {@code webhook_inbox} until a round turns them
 * into deliveries, once per event and endpoint, in the envelope every webhook carries.
 */
@Repository
class WebhookFeed {

    private final JdbcClient db;
    private final JsonMapper json;

    WebhookFeed(JdbcClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /**
     * Holds the customers of the deliveries about to be made against their erasure, and answers the data, as erased,
     * of those of {@code events} an erasure that ended since they were read has redacted: a delivery made from what was
     * read before would send it on (an erasure under way waits for this transaction, and then finds the deliveries).
     */
    private Map<String, String> erasedSince(List<ErasureHolds.Person> people, String[] events) {
        if (people.isEmpty()) {
            return Map.of();
        }
        ErasureHolds.againstErasure(db, people);
        return db.sql("SELECT id, CAST(data AS text) AS data FROM events WHERE id = ANY(:ids) AND erased")
            .param("ids", events)
            .query((rs, row) -> Map.entry(rs.getString("id"), rs.getString("data")))
            .list()
            .stream()
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /**
     * Turns up to {@code limit} recorded events into deliveries, one per endpoint of the event's account that was
     * enabled and subscribed to its type when it was recorded (a deleted one aside), and removes them from the inbox in
     * the same transaction: each event is fanned out once.
     * Returns how many events were taken.
     */
    @Transactional
    int matchEvents(int limit, Instant now) {
        record Match(String eventId, String accountId, String type, String customerId, Instant occurredAt,
            String data, String endpointId) {}
        var matches = db.sql("""
            SELECT i.event_id, e.account_id, e.type, e.customer_id, e.occurred_at, CAST(e.data AS text) AS data,
                   w.id AS endpoint_id
              FROM (SELECT event_id, endpoint_ids FROM webhook_inbox
                     ORDER BY event_id LIMIT :limit FOR UPDATE SKIP LOCKED) i
              JOIN events e ON e.id = i.event_id
              LEFT JOIN webhook_endpoints w
                     ON w.account_id = e.account_id
                    -- The endpoints enabled and subscribed to it when it was recorded, whatever they are now: one
                    -- disabled since holds the delivery until it is enabled again, as it holds its retries. Rows from
                    -- before V99 name none: those go to the endpoints enabled and subscribed now.
                    AND (w.id = ANY(i.endpoint_ids)
                         OR (i.endpoint_ids IS NULL AND w.status = 'enabled'
                             AND (e.type = ANY(w.event_types) OR '*' = ANY(w.event_types))))
                    -- An endpoint is never sent the news that its own deliveries give up: it would fail that too.
                    AND NOT (e.type = :exhausted AND e.data -> 'webhook_endpoint' ->> 'id' = w.id)
            """)
            .param("exhausted", EventType.WEBHOOK_ENDPOINT_DELIVERY_EXHAUSTED.type())
            .param("limit", limit)
            .query((rs, row) -> new Match(rs.getString("event_id"), rs.getString("account_id"), rs.getString("type"),
                rs.getString("customer_id"), Timestamps.read(rs, "occurred_at"), rs.getString("data"),
                rs.getString("endpoint_id")))
            .list();
        if (matches.isEmpty()) {
            return 0;
        }
        var events = matches.stream().map(Match::eventId).distinct().toArray(String[]::new);
        var deliveries = matches.stream().filter(m -> m.endpointId() != null).toList();
        if (!deliveries.isEmpty()) {
            var erased = erasedSince(deliveries.stream().filter(m -> m.customerId() != null)
                .map(m -> new ErasureHolds.Person(m.accountId(), m.customerId())).toList(), events);
            var payloads = new LinkedHashMap<String, String>();
            for (Match m : deliveries) {
                payloads.computeIfAbsent(m.eventId(), id -> envelope(id, m.type(), m.accountId(), m.customerId(),
                    m.occurredAt(), json.readTree(erased.getOrDefault(id, m.data()))));
            }
            db.sql("""
                INSERT INTO webhook_deliveries (id, account_id, endpoint_id, webhook_id, event_id, event_type, payload,
                                                status, next_attempt_at, created_at, updated_at)
                SELECT u.id, u.account_id, u.endpoint_id, u.event_id, u.event_id, u.event_type, u.payload, 'pending',
                       :now, :now, :now
                  FROM unnest(CAST(:ids AS text[]), CAST(:accounts AS text[]), CAST(:endpoints AS text[]),
                              CAST(:events AS text[]), CAST(:types AS text[]), CAST(:payloads AS text[]))
                       AS u(id, account_id, endpoint_id, event_id, event_type, payload)
                ON CONFLICT (endpoint_id, event_id) WHERE event_id IS NOT NULL DO NOTHING
                """)
                .param("ids", deliveries.stream().map(m -> Ids.newId("whd")).toArray(String[]::new))
                .param("accounts", deliveries.stream().map(Match::accountId).toArray(String[]::new))
                .param("endpoints", deliveries.stream().map(Match::endpointId).toArray(String[]::new))
                .param("events", deliveries.stream().map(Match::eventId).toArray(String[]::new))
                .param("types", deliveries.stream().map(Match::type).toArray(String[]::new))
                .param("payloads", deliveries.stream().map(m -> payloads.get(m.eventId())).toArray(String[]::new))
                .param("now", Timestamps.of(now))
                .update();
        }
        db.sql("DELETE FROM webhook_inbox WHERE event_id = ANY(:ids)").param("ids", events).update();
        return events.length;
    }

    /** The body every webhook carries: the event in its envelope. */
    String envelope(String id, String type, String accountId, String customerId, Instant occurredAt,
        tools.jackson.databind.JsonNode data) {
        ObjectNode body = json.createObjectNode();
        body.put("id", id);
        body.put("type", type);
        body.put("account_id", accountId);
        body.put("customer_id", customerId);
        body.put("occurred_at", occurredAt.toString());
        body.set("data", data);
        return json.writeValueAsString(body);
    }

    /** Whether any recorded event waits to be matched. */
    boolean eventsWaiting() {
        return db.sql("SELECT EXISTS (SELECT 1 FROM webhook_inbox)").query(Boolean.class).single();
    }
}
