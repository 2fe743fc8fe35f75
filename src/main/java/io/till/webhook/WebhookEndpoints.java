package io.till.webhook;

import io.till.idempotency.RequestEffects;
import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.RealTime;
import io.till.shared.SecretBox;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Webhook endpoints and their signing secrets, sealed with {@link SecretBox} under the endpoint's id so that a sealed
 * secret copied to another row does not open.
 */
@Repository
public class WebhookEndpoints {

    /** How long a replaced secret keeps signing after a rotation, so receivers can switch without losing events. */
    static final Duration ROTATION_OVERLAP = Duration.ofHours(24);

    /** An endpoint from a row of webhook_endpoints (any query that selects all its columns). */
    static final RowMapper<WebhookEndpoint> ENDPOINT = (rs, row) -> new WebhookEndpoint(rs.getString("id"),
        rs.getString("url"), textArray(rs, "event_types"), rs.getString("description"), rs.getString("status"),
        Timestamps.read(rs, "created_at"), Timestamps.read(rs, "updated_at"), Timestamps.read(rs, "failing_since"));

    private final JdbcClient db;
    private final SecretBox secrets;
    private final Clock clock;
    private final Clock realTime;
    private final WebhookDeliveries deliveries;
    private final RequestEffects effects;
    private final JsonMapper json;

    WebhookEndpoints(JdbcClient db, SecretBox secrets, Clock clock, @RealTime Clock realTime,
        WebhookDeliveries deliveries, RequestEffects effects, JsonMapper json) {
        this.json = json;
        this.effects = effects;
        this.db = db;
        this.secrets = secrets;
        this.clock = clock;
        this.realTime = realTime;
        this.deliveries = deliveries;
    }

    static List<String> textArray(ResultSet rs, String column) throws SQLException {
        var array = rs.getArray(column);
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    /** An endpoint with its secret in the clear, the one time it is shown. */
    record Revealed(WebhookEndpoint endpoint, String secret) {}

    @Transactional
    Revealed create(String accountId, String url, List<String> eventTypes, String description) {
        var earlier = effects.recordedBefore("webhook_endpoint");
        if (earlier.isPresent()) {
            // Created by an earlier attempt of this keyed request, which never got to answer (a crash, a 5xx): that
            // endpoint, its secret not shown again (never replayed); rotate_secret gives a new one.
            return new Revealed(get(accountId, earlier.get()), null);
        }
        String id = Ids.newId("we");
        String secret = WebhookSignatures.newSecret();
        Instant now = Timestamps.now(clock);
        db.sql("""
            INSERT INTO webhook_endpoints (id, account_id, url, event_types, description, status, secret, created_at,
                                           updated_at)
            VALUES (:id, :accountId, :url, :eventTypes, :description, 'enabled', :secret, :now, :now)
            """)
            .param("id", id)
            .param("accountId", accountId)
            .param("url", url)
            .param("eventTypes", eventTypes.toArray(String[]::new))
            .param("description", description)
            .param("secret", secrets.seal(secret, context(id)))
            .param("now", Timestamps.of(now))
            .update();
        effects.recorded("webhook_endpoint", id);
        return new Revealed(get(accountId, id), secret);
    }

    public WebhookEndpoint get(String accountId, String id) {
        return db.sql("SELECT * FROM webhook_endpoints WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .query(ENDPOINT)
            .optional()
            .orElseThrow(() -> TillException.notFound("webhook endpoint", id));
    }

    Page<WebhookEndpoint> list(String accountId, PageRequest page) {
        return page.page(db.sql("""
            SELECT * FROM webhook_endpoints
             WHERE account_id = :accountId AND (CAST(:afterId AS text) IS NULL OR id < :afterId)
             ORDER BY id DESC
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("afterId", page.afterId())
            .param("limit", page.fetchSize())
            .query(ENDPOINT)
            .list(), WebhookEndpoint::id);
    }

    /** A change; null fields stay as they are, and an empty description takes it away. */
    record Change(String url, List<String> eventTypes, String description, String status) {}

    /** Enabling releases the deliveries held while the endpoint was disabled. */
    @Transactional
    WebhookEndpoint update(String accountId, String id, Change change) {
        get(accountId, id);
        Instant now = Timestamps.now(clock);
        db.sql("""
            UPDATE webhook_endpoints
               SET url = coalesce(:url, url),
                   event_types = coalesce(CAST(:eventTypes AS text[]), event_types),
                   description = CASE WHEN CAST(:description AS text) IS NULL THEN description
                                      ELSE nullif(CAST(:description AS text), '') END,
                   status = coalesce(:status, status),
                   updated_at = :now
             WHERE account_id = :accountId AND id = :id
            """)
            .param("url", change.url())
            .param("eventTypes", change.eventTypes() == null ? null : change.eventTypes().toArray(String[]::new))
            .param("description", change.description())
            .param("status", change.status())
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
        if ("enabled".equals(change.status())) {
            deliveries.release(accountId, id, now);
        }
        return get(accountId, id);
    }

    /** Deletes the endpoint with its deliveries and their attempts. */
    @Transactional
    void delete(String accountId, String id) {
        get(accountId, id);
        db.sql("DELETE FROM webhook_endpoints WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }

    /** How many replaced secrets sign beside the current one at most: the oldest beyond it stops first. */
    static final int RETIRED_SECRETS = 10;

    /**
     * A new secret; the current one is retired and keeps signing for {@link #ROTATION_OVERLAP} of real time, as every
     * secret retired before it does until its own overlap ends (rotated twice in a day, the first still signs): the
     * receivers switching over live in it, whatever a sandbox's test clock says.
     */
    @Transactional
    Revealed rotate(String accountId, String id) {
        get(accountId, id);
        String secret = WebhookSignatures.newSecret();
        Instant now = Timestamps.now(clock);
        Instant realNow = realTime.instant();
        db.sql("""
            UPDATE webhook_endpoints
               SET retired_secrets = (
                       SELECT coalesce(jsonb_agg(kept.r ORDER BY kept.expires_at), '[]'::jsonb)
                         FROM (SELECT r, (r ->> 'expires_at')::bigint AS expires_at
                                 FROM jsonb_array_elements(retired_secrets
                                          || jsonb_build_array(jsonb_build_object('secret', secret,
                                                                                  'expires_at', :expires))) r
                                WHERE (r ->> 'expires_at')::bigint > :realNow
                                ORDER BY (r ->> 'expires_at')::bigint DESC
                                LIMIT :kept) kept),
                   secret = :secret, updated_at = :now
             WHERE account_id = :accountId AND id = :id
            """)
            .param("expires", realNow.plus(ROTATION_OVERLAP).toEpochMilli())
            .param("realNow", realNow.toEpochMilli())
            .param("kept", RETIRED_SECRETS)
            .param("secret", secrets.seal(secret, context(id)))
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
        return new Revealed(get(accountId, id), secret);
    }

    /**
     * The secrets to sign with at {@code realNow}: the current one, and each retired one ({@code retired}, the
     * endpoint's {@code retired_secrets}) whose rotation's overlap has not ended.
     */
    List<String> signingSecrets(String endpointId, String sealed, String retired, Instant realNow) {
        var open = new ArrayList<String>();
        open.add(secrets.open(sealed, context(endpointId)));
        if (retired != null) {
            for (JsonNode secret : json.readTree(retired)) {
                if (secret.path("expires_at").asLong(0) > realNow.toEpochMilli()) {
                    open.add(secrets.open(secret.path("secret").asString(), context(endpointId)));
                }
            }
        }
        return open;
    }

    private static String context(String endpointId) {
        return "webhook_endpoint:" + endpointId;
    }
}
