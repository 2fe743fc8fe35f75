package io.till.portal;

import io.till.access.BrowserHeaders;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;

/**
 * Who may frame an account's portal pages: the CSP {@code frame-ancestors} of each answer, from the account's allowed
 * embed origins ({@code 'none'} when it has none, and for every address that names no account). The origins were
 * checked when saved (PortalSettingsBody): no space, semicolon or wildcard can widen the policy.
 */
@Component
class PortalFraming {

    private final PortalSettingsStore settings;

    PortalFraming(PortalSettingsStore settings) {
        this.settings = settings;
    }

    String frameAncestors(HttpServletRequest request) {
        return PortalPaths.accountId(request)
            .map(accountId -> settings.get(accountId).allowedEmbedOrigins())
            .filter(origins -> !origins.isEmpty())
            .map(origins -> String.join(" ", origins))
            .orElse(BrowserHeaders.NO_FRAMING);
    }
}
