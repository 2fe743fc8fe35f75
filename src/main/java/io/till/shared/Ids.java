package io.till.shared;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Prefixed opaque ids ({@code cus_01jdq5…}) and random secrets. An id is 10 characters of creation time followed by
 * 80 random bits, in lower-case Crockford base32: unguessable, yet sorted by creation, so that a list can page by id.
 * Within one millisecond the random part counts up (as in monotonic ULIDs), keeping the order of ids made by one process.
 */
public final class Ids {

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final Pattern ID = Pattern.compile("[a-z]+_[0-9a-hjkmnp-tv-z]{26}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    // The last id's time and random part: ids made in the same millisecond count up from it, so that ids made one
    // after the other in this process (the events of one change, say) sort in the order they were made.
    private static long lastMillis;
    private static long lastHigh;
    private static long lastLow;

    public static String newId(String prefix) {
        long millis;
        long high;
        long low;
        synchronized (Ids.class) {
            millis = System.currentTimeMillis();
            if (millis <= lastMillis) {
                millis = lastMillis;
                lastLow++;
                if (lastLow == 0) {
                    lastHigh = (lastHigh + 1) & 0xFFFF;
                }
            } else {
                lastMillis = millis;
                lastHigh = RANDOM.nextInt(1 << 15);
                lastLow = RANDOM.nextLong();
            }
            high = lastHigh;
            low = lastLow;
        }
        var id = new StringBuilder(prefix.length() + 27).append(prefix).append('_');
        for (int shift = 45; shift >= 0; shift -= 5) {
            id.append(ALPHABET[(int) (millis >>> shift) & 31]);
        }
        // 80 random bits: 16 in high, 64 in low, written five at a time from the top.
        for (int shift = 75; shift >= 0; shift -= 5) {
            long bits = shift >= 64
                ? high >>> (shift - 64)
                : shift == 0 ? low : (high << (64 - shift)) | (low >>> shift);
            id.append(ALPHABET[(int) bits & 31]);
        }
        return id.toString();
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
