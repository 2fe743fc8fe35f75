package io.till.portal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * "Check your email" after a sign-in link was asked for. The request answers with a redirect, so that reloading the
 * page or going back to it shows the notice again instead of sending another email; the address the buyer typed
 * travels to that page as a {@link PortalNotes} note, kept as long as the link works. Without it the notice names no
 * address.
 */
@Component
class SentLinkNotice {

    static final String COOKIE = "till_portal_sent";
    private static final Duration KEPT = Duration.ofMinutes(15);

    private final PortalNotes notes;

    SentLinkNotice(PortalNotes notes) {
        this.notes = notes;
    }

    /** Remembers {@code email} for the notice and answers where it is shown. */
    String redirect(String accountId, String email, HttpServletRequest request, HttpServletResponse response) {
        notes.keep(request, response, COOKIE, PortalPaths.signIn(accountId), email, KEPT);
        return "redirect:" + PortalPaths.signIn(accountId) + "?sent";
    }

    /** The address the buyer asked a link for, if this browser still holds it. */
    Optional<String> email(HttpServletRequest request) {
        return notes.read(request, COOKIE)
            .filter(email -> email.length() <= 254 && email.matches(MagicLinkPages.EMAIL_SHAPE));
    }
}
