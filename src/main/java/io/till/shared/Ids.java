package io.till.shared;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Prefixed opaque ids ({@code cus_01jdq5…}) and random secrets. An id is 10 characters of creation time followed by
 * 80 random bits, in lower-case Crockford base32: unguessable, yet sorted by creation, so that a list can page by id.
 */
public final class Ids {

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final Pattern ID = Pattern.compile("[a-z]+_[0-9a-hjkmnp-tv-z]{26}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String newId(String prefix) {
        var id = new StringBuilder(prefix.length() + 27).append(prefix).append('_');
        long millis = System.currentTimeMillis();
        for (int shift = 45; shift >= 0; shift -= 5) {
            id.append(ALPHABET[(int) (millis >>> shift) & 31]);
        }
        return appendRandom(id, 16).toString();
    }

    /** A random string of base32 characters, 5 bits of entropy each. */
    public static String randomToken(int length) {
        return appendRandom(new StringBuilder(length), length).toString();
    }

    /** Whether {@code candidate} has the shape of an id made by {@link #newId(String)} with this prefix. */
    public static boolean isId(String candidate, String prefix) {
        return candidate != null && candidate.startsWith(prefix + "_") && ID.matcher(candidate).matches();
    }

    private static StringBuilder appendRandom(StringBuilder target, int length) {
        for (int i = 0; i < length; i++) {
            target.append(ALPHABET[RANDOM.nextInt(32)]);
        }
        return target;
    }
}
