package io.till.portal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;

/**
 * CSRF tokens without a server session (double submit): the token travels in a cookie of its own,
 * {@code <session cookie>_csrf} (one per seller's portal, like the session cookie), HttpOnly, and in every form; a POST
 * whose two do not match is refused. Like the session cookie, it is Lax, or partitioned with {@code SameSite=None} on
 * pages framed over HTTPS.
 */
final class PortalCsrfTokens implements CsrfTokenRepository {

    private final PortalCookie session;

    PortalCsrfTokens(PortalCookie session) {
        this.session = session;
    }

    /** The repository for this request's portal, as it is asked for (a few fields: cheaper than keeping one each). */
    private CookieCsrfTokenRepository repository(HttpServletRequest request) {
        var tokens = new CookieCsrfTokenRepository();
        tokens.setCookieName(session.name(PortalPaths.accountId(request).orElse(null)) + "_csrf");
        tokens.setCookiePath("/");
        if (session.framedOverHttps(request)) {
            tokens.setCookieCustomizer(cookie -> PortalCookie.inFrame(cookie.httpOnly(true)));
        } else {
            tokens.setCookieCustomizer(cookie -> {
                cookie.sameSite("Lax").httpOnly(true);
                if (session.alwaysSecure()) {
                    cookie.secure(true);
                }
            });
        }
        return tokens;
    }

    @Override
    public CsrfToken generateToken(HttpServletRequest request) {
        return repository(request).generateToken(request);
    }

    @Override
    public void saveToken(CsrfToken token, HttpServletRequest request, HttpServletResponse response) {
        repository(request).saveToken(token, request, response);
    }

    @Override
    public CsrfToken loadToken(HttpServletRequest request) {
        return repository(request).loadToken(request);
    }
}
