package io.till.account;

import java.time.Instant;

/** One seller: everything else in Till belongs to exactly one account. */
public record Account(String id, String name, Mode mode, Instant createdAt) {}
