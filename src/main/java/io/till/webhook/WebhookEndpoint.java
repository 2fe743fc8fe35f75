package io.till.webhook;

import java.time.Instant;
import java.util.List;

/**
 * Where an account's events go; its signing secret is never part of it (it is shown on creation and rotation only).
 * {@code failingSince} is when a delivery to it gave up (after every retry, or at once: its address refused, a 410)
 * while it was not failing, none having got through since; null while it takes them.
 */
public record WebhookEndpoint(String id, String url, List<String> eventTypes, String description, String status,
    Instant createdAt, Instant updatedAt, Instant failingSince) {

    boolean enabled() {
        return status.equals("enabled");
    }
}
