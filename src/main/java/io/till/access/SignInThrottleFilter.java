package io.till.access;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Stands before the sign-in form's password check: a refused attempt gets the sign-in page again, as a 429 with
 * {@code Retry-After}; an admitted one goes on, and its success is reported back through {@link #onSuccess}.
 */
final class SignInThrottleFilter extends OncePerRequestFilter {

    private static final String ADMITTED = SignInThrottleFilter.class.getName() + ".admitted";
    /** The cookie of a browser that signed in before (see {@link SignInThrottle#rememberDevice}); sent to sign-in only. */
    static final String DEVICE_COOKIE = "till_device";

    private final SignInThrottle throttle;
    private final String loginPage;

    SignInThrottleFilter(SignInThrottle throttle, String loginPage) {
        this.throttle = throttle;
        this.loginPage = loginPage;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !("POST".equals(request.getMethod()) && loginPage.equals(request.getServletPath()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
        switch (throttle.admit(email(request), request.getRemoteAddr(), deviceToken(request))) {
            case SignInThrottle.Admitted admitted -> {
                request.setAttribute(ADMITTED, admitted);
                chain.doFilter(request, response);
            }
            case SignInThrottle.Refused refused -> {
                long seconds = Math.max(1, (refused.retryAfter().toMillis() + 999) / 1000);
                response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
                response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
                SignInRefusal.mark(request, Duration.ofSeconds(seconds));
                // Shown as the page's GET, so that the form's password check does not see this request again.
                request.getRequestDispatcher(loginPage).forward(new AsPageRequest(request), response);
            }
        }
    }

    /** Wraps the form's success handler: the admitted attempt was no failure. */
    AuthenticationSuccessHandler onSuccess(AuthenticationSuccessHandler next) {
        return (HttpServletRequest request, HttpServletResponse response, Authentication authentication) -> {
            if (request.getAttribute(ADMITTED) instanceof SignInThrottle.Admitted admitted) {
                throttle.succeeded(admitted, email(request));
                throttle.rememberDevice(admitted, email(request)).ifPresent(token -> response.addHeader(
                    HttpHeaders.SET_COOKIE, ResponseCookie.from(DEVICE_COOKIE, token)
                        .path(loginPage)
                        .maxAge(SignInThrottle.KNOWN_FOR)
                        .httpOnly(true)
                        .secure(request.isSecure())
                        .sameSite("Strict")
                        .build()
                        .toString()));
            }
            next.onAuthenticationSuccess(request, response, authentication);
        };
    }

    /** The known-browser cookie's token, if the request carries one. */
    private static String deviceToken(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (DEVICE_COOKIE.equals(cookie.getName())) {
                return cookie.getValue();
            }
        }
        return null;
    }

    private static String email(HttpServletRequest request) {
        String email = request.getParameter("username");
        return email == null ? "" : email;
    }

    private static final class AsPageRequest extends HttpServletRequestWrapper {

        AsPageRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getMethod() {
            return "GET";
        }
    }
}
