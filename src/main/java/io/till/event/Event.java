package io.till.event;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * An event in its envelope: what happened ({@code type}), to which account and customer, when, and the objects it is
 * about under {@code data}, as they were at that moment.
 */
public record Event(String id, String type, String accountId, String customerId, Instant occurredAt, JsonNode data) {}
