package io.till.shared;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Prefixed opaque ids ({@code cus_01jdq5…}) and random secrets. An id is 10 characters of creation time followed by
 * 80 bits, in lower-case Crockford base32: a 16-bit sequence within the millisecond, then 64 bits fresh from a
 * SecureRandom for every id. Ids sort by creation, so that a list can page by id, and ids made one after the other in
 * this process (the events of one change, say) keep their order; yet one id, of any account, tells nothing about the
 * ids made next to it.
 */
public final class Ids {

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final Pattern ID = Pattern.compile("[a-z]+_[0-9a-hjkmnp-tv-z]{26}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SEQUENCE_LIMIT = 1 << 16;

    private Ids() {}

    // The last id's time and sequence. The sequence starts anywhere below 2^15 in a new millisecond, so that it
    // cannot run out before 2^15 ids; if it ever does, the ids borrow the next millisecond, as monotonic ULIDs do.
    private static long lastMillis;
    private static int lastSequence;

    public static String newId(String prefix) {
        long millis;
        int sequence;
        synchronized (Ids.class) {
            millis = System.currentTimeMillis();
            if (millis <= lastMillis && lastSequence + 1 < SEQUENCE_LIMIT) {
                millis = lastMillis;
                lastSequence++;
            } else {
                lastMillis = Math.max(millis, lastMillis + 1);
                millis = lastMillis;
                lastSequence = RANDOM.nextInt(SEQUENCE_LIMIT / 2);
            }
            sequence = lastSequence;
        }
        long fresh = RANDOM.nextLong();
        var id = new StringBuilder(prefix.length() + 27).append(prefix).append('_');
        for (int shift = 45; shift >= 0; shift -= 5) {
            id.append(ALPHABET[(int) (millis >>> shift) & 31]);
        }
        // 80 bits: the sequence in the top 16, the fresh random bits in the low 64, written five at a time.
        for (int shift = 75; shift >= 0; shift -= 5) {
            long bits = shift >= 64
                ? sequence >>> (shift - 64)
                : shift == 0 ? fresh : ((long) sequence << (64 - shift)) | (fresh >>> shift);
            id.append(ALPHABET[(int) bits & 31]);
        }
        return id.toString();
    }

    /**
     * The part of an id that orders it among ids of any prefix: ids made by one node compare in the order they were
     * made (real time, then a sequence), whatever their prefix.
     */
    public static String made(String id) {
        return id.substring(id.indexOf('_') + 1);
    }

    /** A random string of base32 characters, 5 bits of entropy each. */
    public static String randomToken(int length) {
        return appendRandom(new StringBuilder(length), length).toString();
    }

    /** Whether {@code candidate} has the shape of an id made by {@link #newId(String)}, with any prefix. */
    public static boolean isAnyId(String candidate) {
        return candidate != null && ID.matcher(candidate).matches();
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
