package io.till.portal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;

/**
 * CSRF tokens without a server session (double submit): the token travels in a cookie of its own,
 * {@code <session cookie>_csrf}, HttpOnly, and in every form; a POST whose two do not match is refused. Like the
 * session cookie, it is Lax, or partitioned with {@code SameSite=None} on pages framed over HTTPS.
 */
final class PortalCsrfTokens implements CsrfTokenRepository {

    private final PortalCookie session;
    private final CookieCsrfTokenRepository lax;
    private final CookieCsrfTokenRepository framed;

    PortalCsrfTokens(PortalCookie session) {
        this.session = session;
        this.lax = repository(session.name() + "_csrf");
        this.lax.setCookieCustomizer(cookie -> {
            cookie.sameSite("Lax").httpOnly(true);
            if (session.alwaysSecure()) {
                cookie.secure(true);
            }
        });
        this.framed = repository(session.name() + "_csrf");
        this.framed.setCookieCustomizer(cookie -> PortalCookie.inFrame(cookie.httpOnly(true)));
    }

    private static CookieCsrfTokenRepository repository(String name) {
        var tokens = new CookieCsrfTokenRepository();
        tokens.setCookieName(name);
        tokens.setCookiePath("/");
        return tokens;
    }

    @Override
    public CsrfToken generateToken(HttpServletRequest request) {
        return lax.generateToken(request);
    }

    @Override
    public void saveToken(CsrfToken token, HttpServletRequest request, HttpServletResponse response) {
        (session.framedOverHttps(request) ? framed : lax).saveToken(token, request, response);
    }

    @Override
    public CsrfToken loadToken(HttpServletRequest request) {
        return lax.loadToken(request);
    }
}
