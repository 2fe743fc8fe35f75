package io.till.customer;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

/**
 * A customer's tags: one per word, case aside, so "VIP" and "vip" are the same tag; the spelling given first stays.
 */
final class Tags {

    private Tags() {}

    /** {@code current}, then what {@code add} brings that it lacks, less anything {@code remove} names. */
    static List<String> change(Collection<String> current, Collection<String> add, Collection<String> remove) {
        var tags = new LinkedHashMap<String, String>();
        current.forEach(tag -> tags.putIfAbsent(key(tag), tag));
        add.forEach(tag -> tags.putIfAbsent(key(tag), tag));
        remove.forEach(tag -> tags.remove(key(tag)));
        return List.copyOf(tags.values());
    }

    private static String key(String tag) {
        return tag.toLowerCase(Locale.ROOT);
    }
}
