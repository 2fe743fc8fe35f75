package io.till.portal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Component;

/**
 * Signing a buyer in, whichever link they came by: the session the browser had is revoked and a new token is set,
 * so a cookie planted before sign-in (session fixation) is worth nothing after it.
 */
@Component
class PortalSignIns {

    private final PortalSessions sessions;
    private final PortalCookie cookie;

    PortalSignIns(PortalSessions sessions, PortalCookie cookie) {
        this.sessions = sessions;
        this.cookie = cookie;
    }

    /** Signs in and answers where to go: the card page for a card-update session, else the overview. */
    String signIn(HttpServletRequest request, HttpServletResponse response, PortalBuyer buyer, String returnUrl) {
        cookie.read(request).ifPresent(sessions::revoke);
        cookie.write(request, response, sessions.open(buyer, returnUrl));
        return buyer.access() == PortalBuyer.Access.CARDS_ONLY
            ? PortalPaths.cards(buyer.accountId())
            : PortalPaths.overview(buyer.accountId());
    }

    void signOut(HttpServletRequest request, HttpServletResponse response) {
        cookie.read(request).ifPresent(sessions::revoke);
        cookie.clear(request, response);
    }
}
