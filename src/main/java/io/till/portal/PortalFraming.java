package io.till.portal;

import io.till.access.BrowserHeaders;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;

/** Who may frame an account's portal pages: the CSP {@code frame-ancestors} of each answer. */
@Component
class PortalFraming {

    String frameAncestors(HttpServletRequest request) {
        return BrowserHeaders.NO_FRAMING;
    }
}
