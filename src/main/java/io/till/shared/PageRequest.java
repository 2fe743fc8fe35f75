package io.till.shared;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Cursor pagination over rows sorted newest first by id (ids sort by creation, see {@link Ids}). A query asks for
 * {@link #fetchSize()} rows with ids below {@link #afterId()}; {@link #page} trims the extra row that tells whether
 * more follow. The cursor is opaque to clients: the last id of a page, base64url-encoded.
 */
public record PageRequest(int limit, String afterId) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    /** Validates {@code limit} and {@code cursor} from a list request; throws listing every bad one. */
    public static PageRequest of(Integer limit, String cursor, String idPrefix) {
        var errors = new FieldErrors();
        var request = of(limit, cursor, idPrefix, errors);
        errors.throwIfAny();
        return request;
    }

    /** Like {@link #of(Integer, String, String)}, adding what is wrong to {@code errors} for the caller to throw. */
    public static PageRequest of(Integer limit, String cursor, String idPrefix, FieldErrors errors) {
        return of(limit, cursor, id -> Ids.isId(id, idPrefix), errors);
    }

    /**
     * For a list keyed by something other than an id (an automation's versions, by number): {@code isKey} tells a
     * key of this list from anything else a cursor could decode to.
     */
    public static PageRequest of(Integer limit, String cursor, java.util.function.Predicate<String> isKey,
        FieldErrors errors) {
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            errors.add("limit", "out_of_range", "must be between 1 and " + MAX_LIMIT);
            size = DEFAULT_LIMIT;
        }
        String afterId = null;
        if (cursor != null && !cursor.isEmpty()) {
            afterId = decode(cursor, isKey);
            if (afterId == null) {
                errors.add("cursor", "invalid", "is not a cursor returned by this list");
            }
        }
        return new PageRequest(size, afterId);
    }

    /**
     * Every row of a list, page after page ({@code pages} answers one), for a page that shows them all at once (a
     * store's subscription groups, its webhook endpoints): the 101st row is shown as the first is.
     */
    public static <T> List<T> all(Function<PageRequest, Page<T>> pages, Function<T, String> idOf) {
        var all = new java.util.ArrayList<T>();
        String after = null;
        Page<T> page;
        do {
            page = pages.apply(new PageRequest(MAX_LIMIT, after));
            all.addAll(page.data());
            after = page.data().isEmpty() ? null : idOf.apply(page.data().getLast());
        } while (page.hasMore() && after != null);
        return all;
    }

    public int fetchSize() {
        return limit + 1;
    }

    public <T> Page<T> page(List<T> rows, Function<T, String> idOf) {
        if (rows.size() <= limit) {
            return new Page<>(List.copyOf(rows), false, null);
        }
        List<T> data = List.copyOf(rows.subList(0, limit));
        return new Page<>(data, true, encode(idOf.apply(data.getLast())));
    }

    static String encode(String id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor, java.util.function.Predicate<String> isKey) {
        try {
            String id = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            return isKey.test(id) ? id : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
