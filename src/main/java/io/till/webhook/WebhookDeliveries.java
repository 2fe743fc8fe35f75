package io.till.webhook;

import io.till.event.EventType;
import io.till.event.Events;
import io.till.idempotency.RequestEffects;
import io.till.shared.ErrorCode;
import io.till.shared.Ids;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The delivery queue, filled by {@link WebhookFeed} and by the send_webhook action (what was delivered is read from
 * {@link DeliveryHistory}). Workers claim due deliveries in batches under a lease token and write the outcome back under
 * the same token; no transaction is open while a request is in flight.
 */
@Repository
public class WebhookDeliveries {

    private final JdbcClient db;
    private final RequestEffects effects;
    private final JsonMapper json;
    private final Events events;
    private final DeliveryHistory history;
    private final WebhookFeed feed;

    WebhookDeliveries(JdbcClient db, JsonMapper json, Events events, DeliveryHistory history, WebhookFeed feed,
        RequestEffects effects) {
        this.effects = effects;
        this.db = db;
        this.json = json;
        this.events = events;
        this.history = history;
        this.feed = feed;
    }

    /** A delivery to enqueue: to an endpoint, or to a one-off {@code url} (unsigned). */
    record NewDelivery(String accountId, String endpointId, String url, String webhookId, String eventType,
        String payload, String idempotencyKey) {}

    /** Enqueues a delivery due now; with an idempotency key already used, returns the delivery made the first time. */
    @Transactional
    public WebhookDelivery enqueue(NewDelivery next, Instant now) {
        String id = db.sql("""
            INSERT INTO webhook_deliveries (id, account_id, endpoint_id, url, webhook_id, event_type, payload, status,
                                            next_attempt_at, idempotency_key, created_at, updated_at)
            VALUES (:id, :accountId, :endpointId, :url, :webhookId, :eventType, :payload, 'pending', :now,
                    :idempotencyKey, :now, :now)
            ON CONFLICT (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING id
            """)
            .param("id", Ids.newId("whd"))
            .param("accountId", next.accountId())
            .param("endpointId", next.endpointId())
            .param("url", next.url())
            .param("webhookId", next.webhookId())
            .param("eventType", next.eventType())
            .param("payload", next.payload())
            .param("idempotencyKey", next.idempotencyKey())
            .param("now", Timestamps.of(now))
            .query(String.class)
            .optional()
            .orElseGet(() -> db.sql("""
                SELECT id FROM webhook_deliveries WHERE account_id = :accountId AND idempotency_key = :key
                """)
                .param("accountId", next.accountId())
                .param("key", next.idempotencyKey())
                .query(String.class)
                .single());
        return history.find(next.accountId(), id);
    }

    /** The delivery an earlier attempt of a step queued under {@code idempotencyKey}, if one did. */
    Optional<WebhookDelivery> queuedBefore(String accountId, String idempotencyKey) {
        return db.sql("SELECT id FROM webhook_deliveries WHERE account_id = :accountId AND idempotency_key = :key")
            .param("accountId", accountId)
            .param("key", idempotencyKey)
            .query(String.class)
            .optional()
            .map(id -> history.find(accountId, id));
    }

    /**
     * Queues a {@code webhook.test} event to this endpoint only, as "send a test event" does. Refused while the
     * endpoint is disabled: it would wait, unsent, until the endpoint is enabled, where the answer says it is due now.
     */
    @Transactional
    WebhookDelivery sendTest(WebhookEndpoint endpoint, String accountId, Instant now) {
        var earlier = effects.recordedBefore("webhook_delivery");
        if (earlier.isPresent()) {
            // Queued by an earlier attempt of this keyed request, which never got to answer: not sent twice.
            return history.get(accountId, endpoint.id(), earlier.get());
        }
        requireEnabled(endpoint, "send it a test event");
        String webhookId = Ids.newId("msg");
        var data = json.createObjectNode().put("endpoint_id", endpoint.id());
        var delivery = enqueue(new NewDelivery(accountId, endpoint.id(), null, webhookId, "webhook.test",
            feed.envelope(webhookId, "webhook.test", accountId, null, now, data), null), now);
        effects.recorded("webhook_delivery", delivery.id());
        return delivery;
    }

    private static void requireEnabled(WebhookEndpoint endpoint, String what) {
        if (!endpoint.enabled()) {
            throw disabled(endpoint.id(), what);
        }
    }

    private static TillException disabled(String endpointId, String what) {
        return new TillException(ErrorCode.INVALID_STATE, "Endpoint " + endpointId + " is disabled: nothing is sent "
            + "to it until it is enabled. Enable it, then " + what + ".");
    }

    /** A delivery claimed for one attempt under {@code token}, with what sending it takes. */
    record Claimed(UUID token, String id, String accountId, String endpointId, String url, String endpointStatus,
        String sealedSecret, String retiredSecrets, String webhookId,
        String payload, int attemptCount) {}

    /** Claims up to {@code limit} due deliveries for {@code token}; they come due again when the lease ends. */
    @Transactional
    public List<Claimed> claim(UUID token, int limit, Instant now, Duration lease) {
        return db.sql("""
            WITH claimed AS (
                UPDATE webhook_deliveries d SET next_attempt_at = :leaseEnd, lease_token = :token
                 WHERE d.id IN (SELECT id FROM webhook_deliveries
                                 WHERE status = 'pending' AND next_attempt_at <= :now
                                 ORDER BY next_attempt_at
                                 LIMIT :limit
                                   FOR UPDATE SKIP LOCKED)
                RETURNING d.*)
            SELECT c.id, c.account_id, c.endpoint_id, coalesce(w.url, c.url) AS url, w.status AS endpoint_status,
                   w.secret, w.retired_secrets::text AS retired_secrets, c.webhook_id, c.payload, c.attempt_count
              FROM claimed c
              LEFT JOIN webhook_endpoints w ON w.account_id = c.account_id AND w.id = c.endpoint_id
            """)
            .param("leaseEnd", Timestamps.of(now.plus(lease)))
            .param("token", token)
            .param("now", Timestamps.of(now))
            .param("limit", limit)
            .query((rs, row) -> new Claimed(token, rs.getString("id"), rs.getString("account_id"),
                rs.getString("endpoint_id"), rs.getString("url"), rs.getString("endpoint_status"),
                rs.getString("secret"), rs.getString("retired_secrets"), rs.getString("webhook_id"), rs.getString(
                    "payload"),
                rs.getInt("attempt_count")))
            .list();
    }

    /** What one attempt (or the decision not to make one) did to a claimed delivery. */
    record Outcome(Claimed claimed, String status, Instant nextAttemptAt, Integer responseStatus, String error,
        WebhookDelivery.Attempt attempt) {

        /** Whether the delivery ended without getting through: after every retry, or at once without any. */
        boolean gaveUp() {
            return status.equals("exhausted") || status.equals("failed");
        }

        /** Whether the receiver said it is gone for good (410): its endpoint is disabled. */
        boolean gone() {
            return responseStatus != null && responseStatus == 410;
        }
    }

    /**
     * Writes outcomes back in one transaction, only for deliveries still held under the token they were claimed with
     * (one replayed or taken over meanwhile keeps the outcome it has now); returns the ids written. An attempt is logged either way:
     * it was made, and every attempt is logged (PRODUCT.md §5).
     */
    @Transactional
    public List<String> save(List<Outcome> outcomes, Instant now) {
        var written = new ArrayList<String>();
        for (Outcome outcome : outcomes) {
            var seq = writeOutcome(outcome, now);
            if (seq.isPresent()) {
                written.add(outcome.claimed().id());
                followEndpoint(outcome, now);
            } else if (outcome.attempt() != null) {
                seq = countLateAttempt(outcome.claimed(), now);
            }
            if (outcome.attempt() != null && seq.isPresent()) {
                logAttempt(outcome.claimed(), outcome.attempt(), seq.get());
            }
        }
        return written;
    }

    /**
     * What a delivery's end says of its endpoint. One that got through ends the endpoint's failing. One that gave up
     * (after every retry, or at once: the address refused, a 410, a payload too large to send) while the endpoint was
     * not failing marks it failing and raises {@code webhook_endpoint.delivery_exhausted} with the endpoint and the
     * delivery; later ones raise nothing until one gets through again, so a receiver down for days makes one event,
     * and endpoints failing on every event that tell each other of it stop there. (The endpoint itself is never sent
     * the event: see {@link #matchEvents}.) A 410 also disables the endpoint, first, so that the event shows it
     * disabled. A {@code send_webhook} step's delivery to a one-off URL has no endpoint: its step output links it
     * instead.
     */
    private void followEndpoint(Outcome outcome, Instant now) {
        var claimed = outcome.claimed();
        if (claimed.endpointId() == null) {
            return;
        }
        if (outcome.status().equals("succeeded")) {
            db.sql("""
                UPDATE webhook_endpoints SET failing_since = NULL
                 WHERE account_id = :accountId AND id = :id AND failing_since IS NOT NULL
                """)
                .param("accountId", claimed.accountId())
                .param("id", claimed.endpointId())
                .update();
            return;
        }
        if (outcome.gone()) {
            // Their deliveries then wait like any disabled endpoint's (WebhookDispatcher holds them).
            db.sql("""
                UPDATE webhook_endpoints SET status = 'disabled', updated_at = :now
                 WHERE account_id = :accountId AND id = :id
                """)
                .param("now", Timestamps.of(now))
                .param("accountId", claimed.accountId())
                .param("id", claimed.endpointId())
                .update();
        }
        if (!outcome.gaveUp()) {
            // Still pending: it will be tried again.
            return;
        }
        db.sql("""
            UPDATE webhook_endpoints SET failing_since = :now
             WHERE account_id = :accountId AND id = :id AND failing_since IS NULL
            RETURNING *
            """)
            .param("now", Timestamps.of(now))
            .param("accountId", claimed.accountId())
            .param("id", claimed.endpointId())
            .query(WebhookEndpoints.ENDPOINT)
            .optional()
            .ifPresent(endpoint -> {
                var data = new LinkedHashMap<String, Object>();
                data.put("webhook_endpoint", endpoint);
                data.put("webhook_delivery", history.find(claimed.accountId(), claimed.id()));
                events.record(claimed.accountId(), EventType.WEBHOOK_ENDPOINT_DELIVERY_EXHAUSTED, null, data);
            });
    }

    /** The outcome, fenced by the lease token; returns the delivery's attempt count after it, if it was written. */
    private Optional<Integer> writeOutcome(Outcome outcome, Instant now) {
        return db.sql("""
            UPDATE webhook_deliveries
               SET status = :status, next_attempt_at = :next, lease_token = NULL,
                   attempt_count = attempt_count + :attempted, last_status = :responseStatus, last_error = :error,
                   updated_at = :now
             WHERE account_id = :accountId AND id = :id AND lease_token = :token
            RETURNING attempt_count
            """)
            .param("status", outcome.status())
            .param("next", Timestamps.of(outcome.nextAttemptAt()))
            .param("attempted", outcome.attempt() == null ? 0 : 1)
            .param("responseStatus", outcome.responseStatus())
            .param("error", outcome.error())
            .param("now", Timestamps.of(now))
            .param("accountId", outcome.claimed().accountId())
            .param("id", outcome.claimed().id())
            .param("token", outcome.claimed().token())
            .query(Integer.class)
            .optional();
    }

    /**
     * An attempt whose outcome came too late to write (the lease ran out and the delivery was taken over, or it was
     * replayed): it still counts, but status and schedule stay as the current holder leaves them. Empty when the
     * delivery is gone (its endpoint was deleted), or when this very attempt was counted already: its outcome was
     * written, and the write sent again because its answer was lost.
     */
    private Optional<Integer> countLateAttempt(Claimed claimed, Instant now) {
        return db.sql("""
            UPDATE webhook_deliveries d SET attempt_count = attempt_count + 1, updated_at = :now
             WHERE account_id = :accountId AND id = :id
               AND NOT EXISTS (SELECT 1 FROM webhook_attempts a
                                WHERE a.delivery_id = d.id AND a.lease_token = :token)
            RETURNING attempt_count
            """)
            .param("token", claimed.token())
            .param("now", Timestamps.of(now))
            .param("accountId", claimed.accountId())
            .param("id", claimed.id())
            .query(Integer.class)
            .optional();
    }

    /** Numbered by the delivery's count, so that two senders of one delivery never take the same number. */
    private void logAttempt(Claimed claimed, WebhookDelivery.Attempt attempt, int seq) {
        db.sql("""
            INSERT INTO webhook_attempts (delivery_id, account_id, seq, url, request_headers, response_status,
                                          response_body, duration_ms, error, attempted_at, lease_token)
            VALUES (:id, :accountId, :seq, :url, CAST(:headers AS jsonb), :status, :body, :duration, :error,
                    :attemptedAt, :token)
            """)
            .param("token", claimed.token())
            .param("id", claimed.id())
            .param("accountId", claimed.accountId())
            .param("seq", seq)
            .param("url", attempt.url())
            .param("headers", json.writeValueAsString(attempt.requestHeaders()))
            .param("status", attempt.responseStatus())
            .param("body", attempt.responseBody())
            .param("duration", attempt.durationMs())
            .param("error", attempt.error())
            .param("attemptedAt", Timestamps.of(attempt.attemptedAt()))
            .update();
    }

    /**
     * Holds claimed deliveries whose endpoint was disabled when they were claimed: not attempted, not failed, their
     * last answer kept. A held delivery waits without a time ({@code next_attempt_at} null) until {@link #release}; one
     * whose endpoint was enabled again meanwhile is due at once. The endpoint row is read under a share lock, so that
     * this and an enabling either see each other or wait for each other: no delivery is parked after its release.
     */
    @Transactional
    public void hold(List<Claimed> claimed, Instant now) {
        for (Claimed delivery : claimed) {
            db.sql("""
                UPDATE webhook_deliveries d
                   SET next_attempt_at = CASE WHEN w.status = 'enabled' THEN CAST(:now AS timestamptz) END,
                       lease_token = NULL
                  FROM (SELECT status FROM webhook_endpoints
                         WHERE account_id = :accountId AND id = :endpointId
                           FOR SHARE) w
                 WHERE d.account_id = :accountId AND d.id = :id AND d.lease_token = :token
                """)
                .param("now", Timestamps.of(now))
                .param("accountId", delivery.accountId())
                .param("endpointId", delivery.endpointId())
                .param("id", delivery.id())
                .param("token", delivery.token())
                .update();
        }
    }

    /** Makes the deliveries held while an endpoint was disabled due now; called in the transaction enabling it. */
    void release(String accountId, String endpointId, Instant now) {
        db.sql("""
            UPDATE webhook_deliveries SET next_attempt_at = :now
             WHERE account_id = :accountId AND endpoint_id = :endpointId
               AND status = 'pending' AND next_attempt_at IS NULL
            """)
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("endpointId", endpointId)
            .update();
    }

    /**
     * Makes a delivery due now again, whatever its status; it keeps its webhook-id. Refused while an attempt is on the
     * wire (claimed under a lease that has not run out): a replay then would send the same message twice at once.
     */
    @Transactional
    WebhookDelivery replay(String accountId, String endpointId, String id, Instant now) {
        history.get(accountId, endpointId, id);
        String status = db.sql("SELECT status FROM webhook_endpoints WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", endpointId)
            .query(String.class)
            .optional()
            .orElse("enabled");
        if (!"enabled".equals(status)) {
            throw disabled(endpointId, "replay its deliveries");
        }
        dueNow(accountId, id, now);
        return history.get(accountId, endpointId, id);
    }

    /**
     * As {@link #replay(String, String, String, Instant)}, any delivery of the account by its id: also one a
     * {@code send_webhook} step made to a one-off URL, which belongs to no endpoint (and so could not be replayed
     * through one).
     */
    @Transactional
    WebhookDelivery replay(String accountId, String id, Instant now) {
        var delivery = history.find(accountId, id);
        if (delivery.endpointId() != null) {
            return replay(accountId, delivery.endpointId(), id, now);
        }
        dueNow(accountId, id, now);
        return history.get(accountId, id);
    }

    private void dueNow(String accountId, String id, Instant now) {
        int updated = db.sql("""
            UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = :now, lease_token = NULL,
                   updated_at = :now
             WHERE account_id = :accountId AND id = :id
               AND (lease_token IS NULL OR next_attempt_at <= :now)
            """)
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update();
        if (updated == 0) {
            throw new TillException(ErrorCode.INVALID_STATE, "Delivery " + id + ": an attempt is being made now; "
                + "replay it once that attempt has ended");
        }
    }

    /** When the earliest pending delivery is due, those a node holds under a lease still running at {@code now} aside. */
    Optional<Instant> nextDue(Instant now) {
        return db.sql("""
            SELECT min(next_attempt_at) AS next FROM webhook_deliveries
             WHERE status = 'pending' AND (lease_token IS NULL OR next_attempt_at <= :now)
            """)
            .param("now", Timestamps.of(now))
            .query((rs, row) -> Optional.ofNullable(Timestamps.read(rs, "next")))
            .single();
    }

    /**
     * After the test clock jumped from {@code from} to {@code to}: a delivery a node is sending keeps the real time
     * left on its lease, so that the jump does not send it again from another node while the first is on the wire.
     */
    void keepLeases(Instant from, Instant to) {
        db.sql("""
            UPDATE webhook_deliveries
               SET next_attempt_at = next_attempt_at + (CAST(:to AS timestamptz) - CAST(:from AS timestamptz))
             WHERE lease_token IS NOT NULL AND status = 'pending' AND next_attempt_at > :from
            """)
            .param("from", Timestamps.of(from))
            .param("to", Timestamps.of(to))
            .update();
    }
}
