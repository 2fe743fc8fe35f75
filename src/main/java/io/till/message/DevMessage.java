package io.till.message;

import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/** A message kept in the dev mailbox instead of being sent: what the recipient would have received. */
public record DevMessage(String id, String kind, String to, String from, String subject, String text, String html,
    ObjectNode headers, Instant createdAt) {}
