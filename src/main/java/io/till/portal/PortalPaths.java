package io.till.portal;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/** The account a portal address belongs to: the segment after {@code /portal/}. */
final class PortalPaths {

    private PortalPaths() {}

    static Optional<String> accountId(HttpServletRequest request) {
        String path = request.getServletPath();
        if (path == null || !path.startsWith("/portal/")) {
            return Optional.empty();
        }
        int end = path.indexOf('/', "/portal/".length());
        String accountId = path.substring("/portal/".length(), end < 0 ? path.length() : end);
        return accountId.isEmpty() || "assets".equals(accountId) ? Optional.empty() : Optional.of(accountId);
    }

    static String signIn(String accountId) {
        return "/portal/" + accountId;
    }

    static String overview(String accountId) {
        return "/portal/" + accountId + "/";
    }

    static String cards(String accountId) {
        return "/portal/" + accountId + "/cards";
    }
}
