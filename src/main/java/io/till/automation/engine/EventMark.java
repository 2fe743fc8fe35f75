package io.till.automation.engine;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A place in a customer's stream of events: a wait_for_event step takes only an event after it. Events of one instant
 * are in the order of their ids (ids sort by creation); a mark with no id (a run started by hand or on a schedule)
 * stands before every event of its instant.
 */
public record EventMark(Instant occurredAt, String id) {

    /**
     * The place of an event, from its snapshot (a trigger's, or the event a wait took); {@code fallback} when it
     * tells no time.
     */
    static EventMark of(JsonNode snapshot, Instant fallback) {
        JsonNode occurred = snapshot.path("occurred_at");
        JsonNode id = snapshot.path("id");
        return new EventMark(occurred.isString() ? Instant.parse(occurred.asString()) : fallback,
            id.isString() && !id.asString().isBlank() ? id.asString() : null);
    }
}
