package io.till.automation;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * An automation as the API shows it: its latest version (number, status, definition), which version is active, and
 * whether it is paused (a paused automation starts nothing), and when it was archived (deleted: it starts nothing
 * more, its history stays readable; its status then reads {@code archived}).
 */
public record Automation(
    String id,
    String name,
    int version,
    String status,
    Integer activeVersion,
    boolean paused,
    JsonNode definition,
    Instant createdAt,
    Instant updatedAt,
    Instant archivedAt) {

    /** One saved version of an automation. */
    public record Version(int version, String status, JsonNode definition, Instant createdAt) {}
}
