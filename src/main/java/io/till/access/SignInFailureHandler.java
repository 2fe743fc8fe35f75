package io.till.access;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.web.servlet.FlashMap;
import org.springframework.web.servlet.support.SessionFlashMapManager;

/**
 * Sends a failed sign-in back to the form ({@code ?error}), which shows the email typed so that only the password is to
 * be typed again. The email goes as a flash attribute of the session, not in the address (history, logs); the password
 * is never kept. Every failure reads the same, whether or not the email belongs to anyone.
 */
final class SignInFailureHandler implements AuthenticationFailureHandler {

    /** The model attribute of the sign-in page that holds the email typed. */
    static final String EMAIL = "email";

    /** The longest address an email can be (RFC 5321's path limit); anything longer is not kept. */
    private static final int MAX_EMAIL = 254;

    private final String loginPage;
    private final SessionFlashMapManager flashMaps = new SessionFlashMapManager();

    SignInFailureHandler(String loginPage) {
        this.loginPage = loginPage;
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
        AuthenticationException exception) throws IOException {
        typedEmail(request).ifPresent(email -> {
            var flash = new FlashMap();
            flash.put(EMAIL, email);
            flash.setTargetRequestPath(loginPage);
            flashMaps.saveOutputFlashMap(flash, request, response);
        });
        response.sendRedirect(loginPage + "?error");
    }

    /** The email typed on the sign-in form, if it is one worth showing again. */
    static Optional<String> typedEmail(ServletRequest request) {
        String email = request.getParameter("username");
        return email == null || email.isBlank() || email.length() > MAX_EMAIL
            ? Optional.empty()
            : Optional.of(email.strip());
    }
}
