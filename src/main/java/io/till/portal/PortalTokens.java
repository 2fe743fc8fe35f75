package io.till.portal;

import io.till.shared.LinkTokens;

/** The portal's bearer tokens: {@link LinkTokens}, as staff invitations use them too. */
final class PortalTokens {

    private PortalTokens() {}

    static String newToken() {
        return LinkTokens.newToken();
    }

    static boolean isWellFormed(String candidate) {
        return LinkTokens.isWellFormed(candidate);
    }

    static byte[] hash(String token) {
        return LinkTokens.hash(token);
    }
}
