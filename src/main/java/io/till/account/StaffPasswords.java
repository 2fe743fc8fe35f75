package io.till.account;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What a staff password must be, wherever one is chosen (first start, an invitation, a change): at least 8 characters,
 * and at most 72 bytes, the most bcrypt reads (it would silently ignore the rest).
 */
public final class StaffPasswords {

    public static final int MIN_LENGTH = 8;
    public static final int MAX_BYTES = 72;

    private StaffPasswords() {}

    /** Why {@code password} cannot be used, or empty when it can. */
    public static Optional<String> problem(String password) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            return Optional.of("The password must be at least " + MIN_LENGTH + " characters long.");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return Optional.of("The password must be at most " + MAX_BYTES + " bytes long (" + MAX_BYTES
                + " plain letters and digits, fewer with accents or emoji).");
        }
        return Optional.empty();
    }
}
