package io.till.shared;

import java.util.List;

/**
 * One page of a list answer. {@code next_cursor}, when {@code has_more} is true, fetches the page after this one.
 */
public record Page<T>(List<T> data, boolean hasMore, String nextCursor) {}
