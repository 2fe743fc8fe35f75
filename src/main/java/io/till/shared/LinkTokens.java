package io.till.shared;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Bearer tokens carried by single-use links and cookies (the portal's sign-in links and sessions, staff invitations):
 * 260 random bits in URL-safe characters, stored only as their SHA-256 so that a copy of the database opens nothing.
 */
public final class LinkTokens {

    /** 52 base32 characters, 5 bits each. */
    private static final int LENGTH = 52;

    private LinkTokens() {}

    public static String newToken() {
        return Ids.randomToken(LENGTH);
    }

    /** Whether {@code candidate} could be a token at all; anything else is refused before touching the database. */
    public static boolean isWellFormed(String candidate) {
        return candidate != null && candidate.length() == LENGTH
            && candidate.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'));
    }

    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
