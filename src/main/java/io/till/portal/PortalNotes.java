package io.till.portal;

import io.till.shared.SecretBox;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;

/**
 * A few words a form's answer hands to the page it redirects to (post, redirect, get: so that Back and reload never
 * send the form again), in a short-lived cookie of that page's path: the address a sign-in link went to, why a card
 * was refused. Not in the URL, where they would stay in the browser's history and the access logs, and where anyone
 * could write a link that makes the page say anything. The buyer's own words come back only to the buyer's browser.
 */
@Component
class PortalNotes {

    private final PortalCookie portalCookie;
    private final SecretBox secrets;

    PortalNotes(PortalCookie portalCookie, SecretBox secrets) {
        this.portalCookie = portalCookie;
        this.secrets = secrets;
    }

    /**
     * Keeps the note sealed under Till's master key: only Till can write one (a cookie planted by a sibling subdomain
     * or over plain http made the add-card page say "call +1… to pay by phone"), and only Till can read it.
     */
    void keep(HttpServletRequest request, HttpServletResponse response, String name, String path, String note,
        Duration kept) {
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(secrets.seal(note, context(name))
            .getBytes(StandardCharsets.UTF_8));
        response.addHeader(HttpHeaders.SET_COOKIE, cookie(request, name, value, path).maxAge(kept).build().toString());
    }

    /** The note, if this browser holds one; {@code null} values and what the portal did not write read as none. */
    Optional<String> read(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie candidate : cookies) {
            if (name.equals(candidate.getName())) {
                try {
                    String sealed = new String(Base64.getUrlDecoder().decode(candidate.getValue()),
                        StandardCharsets.UTF_8);
                    return Optional.of(secrets.open(sealed, context(name))).filter(note -> !note.isBlank());
                } catch (IllegalArgumentException | IllegalStateException notOurs) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static String context(String name) {
        return "portal_note:" + name;
    }

    /** Reads the note and drops it: shown once, as the answer to the form it came from. */
    Optional<String> take(HttpServletRequest request, HttpServletResponse response, String name, String path) {
        var note = read(request, name);
        if (note.isPresent()) {
            response.addHeader(HttpHeaders.SET_COOKIE, cookie(request, name, "", path).maxAge(0).build().toString());
        }
        return note;
    }

    private ResponseCookie.ResponseCookieBuilder cookie(HttpServletRequest request, String name, String value,
        String path) {
        var cookie = ResponseCookie.from(name, value).path(path).httpOnly(true);
        return portalCookie.framedOverHttps(request)
            ? PortalCookie.inFrame(cookie)
            : cookie.secure(portalCookie.alwaysSecure() || request.isSecure()).sameSite("Lax");
    }
}
