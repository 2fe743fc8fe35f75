package io.till.access;

import jakarta.servlet.ServletRequest;
import java.time.Duration;
import java.util.Optional;

/**
 * What the sign-in page needs to know when it is shown for an attempt the throttle refused (how long to wait, and the
 * email typed, shown again), or after a session ended (why).
 */
public final class SignInRefusal {

    private static final String ATTRIBUTE = SignInRefusal.class.getName() + ".retryAfter";

    private SignInRefusal() {}

    /** The wait, when this request is a refused sign-in attempt. */
    public static Optional<Duration> retryAfter(ServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof Duration wait ? Optional.of(wait) : Optional.empty();
    }

    /** The email typed, when this request is a sign-in attempt the throttle refused; never the password. */
    public static Optional<String> email(ServletRequest request) {
        return retryAfter(request).flatMap(wait -> SignInFailureHandler.typedEmail(request));
    }

    static void mark(ServletRequest request, Duration retryAfter) {
        request.setAttribute(ATTRIBUTE, retryAfter);
    }
}
