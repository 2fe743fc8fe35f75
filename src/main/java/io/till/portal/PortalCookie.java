package io.till.portal;

import io.till.access.SessionCookie;
import io.till.shared.Ids;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;

/**
 * The buyer's session cookie, one for each seller's portal: {@code __Host-till_portal_<account id>} behind an HTTPS
 * public address, else {@code till_portal_<account id>} (see {@link SessionCookie}); HttpOnly, SameSite=Lax, Path=/,
 * no Max-Age (the server ends the session, not the browser). One per seller because a buyer of two sellers on one
 * Till signs in at both: with one cookie for all, signing in at the second ended the session at the first. Pages
 * loaded inside a frame over HTTPS get a partitioned cookie instead (see {@link #framedOverHttps}). It is a cookie of
 * its own: the staff's {@code till_session} opens no portal page, and this one opens nothing else.
 */
@Component
class PortalCookie {

    private final SessionCookie cookie;

    PortalCookie(@Value("${till.bootstrap.public-url:}") String publicUrl) {
        this.cookie = SessionCookie.forPublicUrl("till_portal", publicUrl);
    }

    /**
     * The cookie's name at this account's portal. An address whose account is not an id (no portal answers it) gets
     * the bare name, never written, so that no cookie name is made from what a stranger typed.
     */
    String name(String accountId) {
        return Ids.isAnyId(accountId) ? cookie.name() + "_" + accountId : cookie.name();
    }

    boolean alwaysSecure() {
        return cookie.alwaysSecure();
    }

    Optional<String> read(HttpServletRequest request, String accountId) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        String name = name(accountId);
        for (Cookie candidate : cookies) {
            if (name.equals(candidate.getName())) {
                return Optional.of(candidate.getValue());
            }
        }
        return Optional.empty();
    }

    void write(HttpServletRequest request, HttpServletResponse response, String accountId, String token) {
        response.addHeader(HttpHeaders.SET_COOKIE, builder(request, name(accountId), token).build().toString());
        // The one cookie for every seller that versions before one per seller wrote: sent with every request, it
        // opens nothing now; it goes as the buyer signs in.
        Cookie[] cookies = request.getCookies();
        if (cookies != null && java.util.Arrays.stream(cookies).anyMatch(c -> c.getName().equals(cookie.name()))) {
            response.addHeader(HttpHeaders.SET_COOKIE, builder(request, cookie.name(), "").maxAge(0).build()
                .toString());
        }
    }

    void clear(HttpServletRequest request, HttpServletResponse response, String accountId) {
        response.addHeader(HttpHeaders.SET_COOKIE, builder(request, name(accountId), "").maxAge(0).build().toString());
    }

    private ResponseCookie.ResponseCookieBuilder builder(HttpServletRequest request, String name, String value) {
        var builder = ResponseCookie.from(name, value).path("/").httpOnly(true);
        return framedOverHttps(request)
            ? inFrame(builder)
            : builder.secure(cookie.alwaysSecure() || request.isSecure()).sameSite("Lax");
    }

    /**
     * Inside a frame on the seller's site a Lax cookie is never sent, so a page loaded as a frame over HTTPS gets one
     * that is {@code SameSite=None; Partitioned} (CHIPS): kept apart per embedding site, so it follows the buyer to no
     * other site. Cross-site forgery is still stopped by the CSRF token every form carries.
     */
    boolean framedOverHttps(HttpServletRequest request) {
        return "iframe".equals(request.getHeader("Sec-Fetch-Dest")) && (cookie.alwaysSecure() || request.isSecure());
    }

    static ResponseCookie.ResponseCookieBuilder inFrame(ResponseCookie.ResponseCookieBuilder builder) {
        return builder.secure(true).sameSite("None").partitioned(true);
    }
}
