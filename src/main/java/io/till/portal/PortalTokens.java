package io.till.portal;

import io.till.shared.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The portal's bearer tokens: 260 random bits in URL-safe characters, stored only as their SHA-256. */
final class PortalTokens {

    /** 52 base32 characters, 5 bits each. */
    private static final int LENGTH = 52;

    private PortalTokens() {}

    static String newToken() {
        return Ids.randomToken(LENGTH);
    }

    /** Whether {@code candidate} could be a token at all; anything else is refused before touching the database. */
    static boolean isWellFormed(String candidate) {
        return candidate != null && candidate.length() == LENGTH
            && candidate.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'));
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
