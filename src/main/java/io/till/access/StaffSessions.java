package io.till.access;

import io.till.account.StaffUsers;
import io.till.shared.RealTime;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.stereotype.Component;

/**
 * How long a dashboard session lives: it ends after {@code idle-timeout} without a request, {@code lifetime} after
 * sign-in, or as soon as the staff member's session epoch moves on (sign out everywhere, a new password or role, removal
 * from the staff). Sessions are the servlet container's (in memory); what is checked on each request lives in the
 * session's attributes and the {@code staff_users} row, so every node ends a session the same way. Real time: the
 * sandbox test clock never signs anyone out.
 */
@Component
public class StaffSessions {

    private static final String SIGNED_IN_AT = StaffSessions.class.getName() + ".signedInAt";
    private static final String LAST_SEEN_AT = StaffSessions.class.getName() + ".lastSeenAt";
    private static final String EPOCH = StaffSessions.class.getName() + ".epoch";

    /** Why a session ended, as the sign-in page's {@code ended} parameter. */
    enum Ending {
        IDLE,
        LIFETIME,
        EVERYWHERE,
        CHANGED,
        REMOVED,
        EXPIRED;

        String parameter() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final StaffUsers staffUsers;
    private final Clock clock;
    private final Duration idleTimeout;
    private final Duration lifetime;

    StaffSessions(StaffUsers staffUsers, @RealTime Clock clock,
        @Value("${till.staff.session-idle-timeout:30m}") Duration idleTimeout,
        @Value("${till.staff.session-lifetime:12h}") Duration lifetime) {
        this.staffUsers = staffUsers;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.lifetime = lifetime;
    }

    Duration idleTimeout() {
        return idleTimeout;
    }

    /** Stamps a session that has just been signed in to (by the form or by accepting an invitation). */
    void started(HttpServletRequest request, StaffUsers.StaffUser user) {
        Instant now = clock.instant();
        HttpSession session = request.getSession();
        // Kept by the container past Till's idle timeout, so that Till ends it first and says why (not a bare sign-in
        // page); a session never signed in to is forgotten sooner (server.servlet.session.timeout).
        session.setMaxInactiveInterval((int) Math.min(Integer.MAX_VALUE, idleTimeout.multipliedBy(2).toSeconds()));
        session.setAttribute(SIGNED_IN_AT, now);
        session.setAttribute(LAST_SEEN_AT, now);
        session.setAttribute(EPOCH, user.sessionEpoch());
        staffUsers.recordSignIn(user.id(), now);
    }

    /** Signs {@code user} in on this request, as the sign-in form would: a new session id, then the stamps. */
    void signIn(HttpServletRequest request, HttpServletResponse response,
        StaffUsers.StaffUser user) {
        var details = new StaffSignIn.StaffDetails(user);
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(
            UsernamePasswordAuthenticationToken.authenticated(details, null, details.getAuthorities()));
        SecurityContextHolder.setContext(context);
        if (request.getSession(false) != null) {
            request.changeSessionId();
        }
        new HttpSessionSecurityContextRepository().saveContext(context, request, response);
        // A new CSRF token too, as the sign-in form's authentication gets one: a token known before signing in (a
        // session planted by someone else) must not serve the staff member signed in.
        new HttpSessionCsrfTokenRepository().saveToken(null, request, response);
        started(request, user);
    }

    /**
     * This session survives a change of the staff member's epoch that the session itself made (a new password): the
     * one just past its own. Past any other change made meanwhile (a demotion, a removal, a sign-out everywhere), the
     * session keeps its epoch and ends at its next request, as that change meant: kept, a password change racing a
     * demotion would keep an owner's session for hours.
     */
    void keep(HttpServletRequest request, int epoch) {
        var session = request.getSession();
        if (session.getAttribute(EPOCH) instanceof Integer own && own + 1 == epoch) {
            session.setAttribute(EPOCH, epoch);
        }
    }

    /** Whether the signed-in session of {@code staffUserId} must end now; refreshes its last-seen time when not. */
    Optional<Ending> check(HttpSession session, String staffUserId) {
        Instant now = clock.instant();
        if (!(session.getAttribute(SIGNED_IN_AT) instanceof Instant signedInAt)
            || !(session.getAttribute(LAST_SEEN_AT) instanceof Instant lastSeenAt)
            || !(session.getAttribute(EPOCH) instanceof Integer epoch)) {
            return Optional.of(Ending.CHANGED);
        }
        if (now.isAfter(lastSeenAt.plus(idleTimeout))) {
            return Optional.of(Ending.IDLE);
        }
        if (now.isAfter(signedInAt.plus(lifetime))) {
            return Optional.of(Ending.LIFETIME);
        }
        var user = staffUsers.find(staffUserId);
        if (user.isEmpty()) {
            return Optional.of(Ending.REMOVED);
        }
        if (user.get().sessionEpoch() != epoch) {
            return Optional.of(Ending.CHANGED);
        }
        session.setAttribute(LAST_SEEN_AT, now);
        return Optional.empty();
    }

    /** What the sign-in page says about the session that just ended ({@code ended} parameter), if anything. */
    public Optional<String> endedMessage(String ended) {
        if (ended == null) {
            return Optional.empty();
        }
        return switch (ended) {
            case "idle" -> Optional.of("You were signed out after " + minutes(idleTimeout) + " of inactivity.");
            case "lifetime" -> Optional.of("You were signed out " + minutes(lifetime)
                + " after signing in. Sign in again to go on.");
            case "everywhere" -> Optional.of("You signed out everywhere: every session of yours has ended.");
            case "changed" -> Optional.of("Your session ended: your sign-in or role changed. Sign in again.");
            case "removed" -> Optional.of("Your session ended: you are no longer on the staff of this account.");
            case "expired" -> Optional.of("Your session has ended. Sign in again.");
            default -> Optional.empty();
        };
    }

    private static String minutes(Duration duration) {
        long minutes = Math.max(1, (duration.toSeconds() + 59) / 60);
        if (minutes % 60 == 0 && minutes >= 60) {
            long hours = minutes / 60;
            return hours + (hours == 1 ? " hour" : " hours");
        }
        return minutes + (minutes == 1 ? " minute" : " minutes");
    }
}
