package io.till.integration;

import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/** A connected service as the API shows it: {@code config} with every secret masked to its last four characters. */
public record Integration(String type, ObjectNode config, Instant createdAt, Instant updatedAt) {}
