package io.till.account;

import io.till.shared.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The shape of an API key, {@code till_<mode>_<key id>_<secret>}: the mode says at a glance whether a leaked key can
 * move real money, and {@code till_<mode>_<key id>} is the prefix by which Till finds the key without storing it.
 */
final class ApiKeyFormat {

    private static final Pattern SHAPE = Pattern
        .compile("till_(sandbox|live)_([A-Za-z0-9]{1,32})_([A-Za-z0-9]{32,128})");

    /** Never used itself, only copied (a digest holds state). */
    private static final MessageDigest SHA_256 = sha256();

    /** The public parts of a well-formed key. */
    record Parsed(Mode mode, String prefix) {}

    private ApiKeyFormat() {}

    static Optional<Parsed> parse(String key) {
        if (key == null) {
            return Optional.empty();
        }
        var matcher = SHAPE.matcher(key);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional
            .of(new Parsed(Mode.parse(matcher.group(1)), "till_" + matcher.group(1) + "_" + matcher.group(2)));
    }

    /** A new key: 60 bits of key id, 160 bits of secret. */
    static String generate(Mode mode) {
        return "till_" + mode.code() + "_" + Ids.randomToken(12) + "_" + Ids.randomToken(32);
    }

    /**
     * A fast hash is right here: keys carry 160 random bits, so there is nothing to brute-force, and every API call
     * checks one.
     */
    static byte[] hash(String key) {
        // A copy of a ready digest: looking one up by name costs more than hashing a key.
        try {
            return ((MessageDigest) SHA_256.clone()).digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be copied", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
