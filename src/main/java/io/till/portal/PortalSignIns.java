package io.till.portal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Signing a buyer in, whichever link they came by: the session the browser had is revoked and a new token is set,
 * and the CSRF token is dropped for a new one, so a cookie planted before sign-in (session fixation) is worth nothing
 * after it.
 */
@Component
class PortalSignIns {

    private final PortalSessions sessions;
    private final PortalCookie cookie;
    private final PortalCsrfTokens csrfTokens;

    PortalSignIns(PortalSessions sessions, PortalCookie cookie) {
        this.sessions = sessions;
        this.cookie = cookie;
        this.csrfTokens = new PortalCsrfTokens(cookie);
    }

    /**
     * Signs in and answers where to go: the card page for a card-update session, else the overview. A card link
     * opened by a browser signed in fully as the same customer keeps that session (the link is used up all the same):
     * trading it for a cards-only one would send the buyer back to sign in for anything but cards. A session near its
     * end is traded all the same: kept, it would sign the buyer out minutes later with the link spent.
     */
    String signIn(HttpServletRequest request, HttpServletResponse response, PortalBuyer buyer, String returnUrl) {
        var token = cookie.read(request, buyer.accountId());
        if (buyer.access() == PortalBuyer.Access.CARDS_ONLY && token.flatMap(sessions::find)
            .filter(had -> !sessions.endsSoon(had))
            .map(PortalSessions.Session::buyer)
            .filter(had -> had.access() == PortalBuyer.Access.FULL && had.accountId().equals(buyer.accountId())
                && had.customerId().equals(buyer.customerId()))
            .isPresent()) {
            return PortalPaths.cards(buyer.accountId());
        }
        token.ifPresent(sessions::revoke);
        cookie.write(request, response, buyer.accountId(), sessions.open(buyer, returnUrl));
        // The CSRF token too: one planted before sign-in (a cookie set over plain http, or by a sibling subdomain)
        // would let its planter post this buyer's forms. The next page gets a new one.
        csrfTokens.saveToken(null, request, response);
        return buyer.access() == PortalBuyer.Access.CARDS_ONLY
            ? PortalPaths.cards(buyer.accountId())
            : PortalPaths.overview(buyer.accountId());
    }

    /**
     * Signs in as {@code buyer}, the one a link stood for, and answers the redirect; without one (the link was
     * unknown, used, expired or of another account), the friendly expired page as a 410.
     */
    String signInOrExpired(HttpServletRequest request, HttpServletResponse response, Optional<PortalBuyer> buyer,
        String returnUrl) {
        return buyer.map(found -> "redirect:" + signIn(request, response, found, returnUrl))
            .orElseGet(() -> expired(response));
    }

    /** The page for a link that no longer works, whatever the reason: it says only to ask for a new one. */
    static String expired(HttpServletResponse response) {
        response.setStatus(HttpStatus.GONE.value());
        return "portal/expired";
    }

    /** Signs out of this account's portal; the buyer's sessions at other sellers go on. */
    void signOut(HttpServletRequest request, HttpServletResponse response, String accountId) {
        cookie.read(request, accountId).ifPresent(sessions::revoke);
        cookie.clear(request, response, accountId);
    }
}
