package io.till.portal;

import io.till.access.SessionCookie;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;

/**
 * The buyer's session cookie: {@code __Host-till_portal} behind an HTTPS public address, else {@code till_portal} (see
 * {@link SessionCookie}); HttpOnly, SameSite=Lax, Path=/, no Max-Age (the server ends the session, not the browser).
 * It is a cookie of its own: the staff's {@code till_session} opens no portal page, and this one opens nothing else.
 */
@Component
class PortalCookie {

    private final SessionCookie cookie;

    PortalCookie(@Value("${till.bootstrap.public-url:}") String publicUrl) {
        this.cookie = SessionCookie.forPublicUrl("till_portal", publicUrl);
    }

    String name() {
        return cookie.name();
    }

    boolean alwaysSecure() {
        return cookie.alwaysSecure();
    }

    Optional<String> read(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie candidate : cookies) {
            if (cookie.name().equals(candidate.getName())) {
                return Optional.of(candidate.getValue());
            }
        }
        return Optional.empty();
    }

    void write(HttpServletRequest request, HttpServletResponse response, String token) {
        response.addHeader(HttpHeaders.SET_COOKIE, builder(request, token).build().toString());
    }

    void clear(HttpServletRequest request, HttpServletResponse response) {
        response.addHeader(HttpHeaders.SET_COOKIE, builder(request, "").maxAge(0).build().toString());
    }

    private ResponseCookie.ResponseCookieBuilder builder(HttpServletRequest request, String value) {
        return ResponseCookie.from(cookie.name(), value)
            .path("/")
            .httpOnly(true)
            .secure(cookie.alwaysSecure() || request.isSecure())
            .sameSite("Lax");
    }
}
