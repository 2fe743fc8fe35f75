package io.till.portal;

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
 * "Check your email" after a sign-in link was asked for. The request answers with a redirect (post, redirect, get), so
 * that reloading the page or going back to it shows the notice again instead of sending another email; the address
 * the buyer typed travels to that page in a short-lived cookie of the store's portal path, never in the URL (where it
 * would stay in the browser's history and in access logs). Without the cookie the notice names no address.
 */
@Component
class SentLinkNotice {

    static final String COOKIE = "till_portal_sent";
    private static final Duration KEPT = Duration.ofMinutes(15);

    private final PortalCookie portalCookie;

    SentLinkNotice(PortalCookie portalCookie) {
        this.portalCookie = portalCookie;
    }

    /** Remembers {@code email} for the notice and answers where it is shown. */
    String redirect(String accountId, String email, HttpServletRequest request, HttpServletResponse response) {
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(email.getBytes(StandardCharsets.UTF_8));
        var cookie = ResponseCookie.from(COOKIE, value)
            .path(PortalPaths.signIn(accountId))
            .httpOnly(true)
            .maxAge(KEPT);
        cookie = portalCookie.framedOverHttps(request)
            ? PortalCookie.inFrame(cookie)
            : cookie.secure(portalCookie.alwaysSecure() || request.isSecure()).sameSite("Lax");
        response.addHeader(HttpHeaders.SET_COOKIE, cookie.build().toString());
        return "redirect:" + PortalPaths.signIn(accountId) + "?sent";
    }

    /** The address the buyer asked a link for, if this browser still holds it. */
    Optional<String> email(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie candidate : cookies) {
            if (COOKIE.equals(candidate.getName())) {
                try {
                    String email = new String(Base64.getUrlDecoder().decode(candidate.getValue()),
                        StandardCharsets.UTF_8);
                    return email.length() <= 254 && email.matches(MagicLinkPages.EMAIL_SHAPE)
                        ? Optional.of(email)
                        : Optional.empty();
                } catch (IllegalArgumentException notOurs) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
