package io.till.webhook;

import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** What was delivered: deliveries of an account with their attempts, as the API and the dashboard read them. */
@Repository
class DeliveryHistory {

    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };

    private static final String SELECT = """
        SELECT d.*, coalesce(w.url, d.url) AS destination
          FROM webhook_deliveries d
          LEFT JOIN webhook_endpoints w ON w.account_id = d.account_id AND w.id = d.endpoint_id
        """;

    private static final RowMapper<WebhookDelivery> DELIVERY = (rs, row) -> new WebhookDelivery(rs.getString("id"),
        rs.getString("endpoint_id"), rs.getString("destination"), rs.getString("webhook_id"), rs.getString("event_id"),
        rs.getString("event_type"), rs.getString("status"), rs.getInt("attempt_count"),
        Timestamps.read(rs, "next_attempt_at"), rs.getObject("last_status", Integer.class),
        rs.getString("last_error"), Timestamps.read(rs, "created_at"), Timestamps.read(rs, "updated_at"), null);

    private final JdbcClient db;
    private final JsonMapper json;

    DeliveryHistory(JdbcClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    WebhookDelivery find(String accountId, String id) {
        return db.sql(SELECT + " WHERE d.account_id = :accountId AND d.id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .query(DELIVERY)
            .optional()
            .orElseThrow(() -> TillException.notFound("webhook delivery", id));
    }

    /**
     * Any delivery of the account, with every attempt: also one a {@code send_webhook} step made to a one-off URL, which
     * belongs to no endpoint.
     */
    WebhookDelivery get(String accountId, String id) {
        return find(accountId, id).withAttempts(attempts(accountId, List.of(id)).getOrDefault(id, List.of()));
    }

    /** A delivery of the endpoint, with every attempt. */
    WebhookDelivery get(String accountId, String endpointId, String id) {
        var found = db.sql(SELECT + " WHERE d.account_id = :accountId AND d.endpoint_id = :endpointId AND d.id = :id")
            .param("accountId", accountId)
            .param("endpointId", endpointId)
            .param("id", id)
            .query(DELIVERY)
            .optional()
            .orElseThrow(() -> TillException.notFound("webhook delivery", id));
        return found.withAttempts(attempts(accountId, List.of(id)).getOrDefault(id, List.of()));
    }

    /** The attempts of these deliveries of the account, each delivery's in the order they were made. */
    Map<String, List<WebhookDelivery.Attempt>> attempts(String accountId, List<String> deliveryIds) {
        var byDelivery = new LinkedHashMap<String, List<WebhookDelivery.Attempt>>();
        db.sql("""
            SELECT * FROM webhook_attempts
             WHERE account_id = :accountId AND delivery_id = ANY(:ids)
             ORDER BY delivery_id, seq
            """)
            .param("accountId", accountId)
            .param("ids", deliveryIds.toArray(String[]::new))
            .query((rs, row) -> {
                var attempt = new WebhookDelivery.Attempt(rs.getInt("seq"), rs.getString("url"),
                    json.readValue(rs.getString("request_headers"), HEADERS),
                    rs.getObject("response_status", Integer.class), rs.getString("response_body"),
                    rs.getLong("duration_ms"), rs.getString("error"), Timestamps.read(rs, "attempted_at"));
                byDelivery.computeIfAbsent(rs.getString("delivery_id"), id -> new ArrayList<>()).add(attempt);
                return attempt;
            })
            .list();
        return byDelivery;
    }

    /** The deliveries an event caused, to any endpoint of the account, newest first. */
    List<WebhookDelivery> ofEvent(String accountId, String eventId) {
        // Per endpoint of the account, so each lookup is one probe of the (endpoint_id, event_id) index.
        return db.sql("""
            SELECT d.*, w.url AS destination
              FROM webhook_endpoints w JOIN webhook_deliveries d ON d.endpoint_id = w.id AND d.event_id = :eventId
             WHERE w.account_id = :accountId AND d.account_id = :accountId
             ORDER BY d.id DESC
             LIMIT 100
            """)
            .param("accountId", accountId)
            .param("eventId", eventId)
            .query(DELIVERY)
            .list();
    }

    Page<WebhookDelivery> list(String accountId, String endpointId, PageRequest page) {
        return page.page(db.sql(SELECT + """
             WHERE d.account_id = :accountId AND d.endpoint_id = :endpointId
               AND (CAST(:afterId AS text) IS NULL OR d.id < :afterId)
             ORDER BY d.id DESC
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("endpointId", endpointId)
            .param("afterId", page.afterId())
            .param("limit", page.fetchSize())
            .query(DELIVERY)
            .list(), WebhookDelivery::id);
    }
}
