package io.till.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One message to one destination, with where it stands. {@code webhookId} is the {@code webhook-id} header: the same on
 * every attempt and replay.
 */
public record WebhookDelivery(String id, String endpointId, String url, String webhookId, String eventId,
    String eventType, String status, int attemptCount, Instant nextAttemptAt, Integer lastResponseStatus,
    String lastError, Instant createdAt, Instant updatedAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<Attempt> attempts) {

    /** One attempt as it was made. */
    public record Attempt(int attempt, String url, Map<String, String> requestHeaders, Integer responseStatus,
        String responseBody, long durationMs, String error, Instant attemptedAt) {}

    WebhookDelivery withAttempts(List<Attempt> log) {
        return new WebhookDelivery(id, endpointId, url, webhookId, eventId, eventType, status, attemptCount,
            nextAttemptAt, lastResponseStatus, lastError, createdAt, updatedAt, log);
    }
}
