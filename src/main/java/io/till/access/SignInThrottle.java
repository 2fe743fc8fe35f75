package io.till.access;

import io.till.shared.RealTime;
import io.till.shared.Timestamps;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Limits password guessing on the dashboard's sign-in form with a sliding window kept in PostgreSQL, so that every
 * node counts the same failures: at most {@code per-email} failures for one email and {@code per-address} from one
 * client address within {@code window}. Whether the email belongs to anyone makes no difference. An attempt counts as
 * a failure from the moment it is admitted until it succeeds, so a burst of concurrent guesses cannot slip past the
 * limit while their passwords are being checked. Real time: moving a sandbox's test clock lifts no lockout.
 *
 * <p>A browser that signed in with an email before is known for it ({@link #rememberDevice}, a device cookie): an email
 * locked by others' failures does not lock it, and its own failures count under the device instead, with the same
 * limit. Knowing someone's email is then not enough to keep them out.
 */
@Component
public class SignInThrottle {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient db;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final int perEmail;
    private final int perAddress;
    private final Duration window;

    SignInThrottle(JdbcClient db, TransactionTemplate transactions, @RealTime Clock clock,
        @Value("${till.sign-in.failures-per-email:5}") int perEmail,
        @Value("${till.sign-in.failures-per-address:30}") int perAddress,
        @Value("${till.sign-in.window:15m}") Duration window) {
        this.db = db;
        this.transactions = transactions;
        this.clock = clock;
        this.perEmail = perEmail;
        this.perAddress = perAddress;
        this.window = window;
    }

    sealed interface Verdict {}

    /**
     * Go ahead and check the password; the attempt's rows are already counted as failures.
     *
     * @param device the subject of the known browser the attempt came from ({@code device:<token hash>}), or null
     * @param subject whose failures the attempt counts as, beside its address's: the browser, the email, or the staff
     *     member at the profile page's door
     */
    record Admitted(List<Long> attempts, String device, String subject) implements Verdict {}

    /** How long a browser stays known after it signed in. */
    static final Duration KNOWN_FOR = Duration.ofDays(90);

    /** Too many failures: try again after {@code retryAfter}, when enough of them have left the window. */
    record Refused(Duration retryAfter) implements Verdict {}

    /**
     * The limits of another door that throttles requests by email and client address within the same window, such as
     * the customer portal's sign-in links: every admitted request counts, as nothing ever reports it a success.
     *
     * @param door a prefix that keeps this door's counts apart from the dashboard's and any other's
     */
    public record Limits(String door, int perEmail, int perAddress) {}

    /** Counts a request at {@code limits}' door; answers how long to wait instead when it is over a limit. */
    public Optional<Duration> admit(Limits limits, String email, String address) {
        return switch (admit(limits.door() + ":", limits.perEmail(), limits.perAddress(), email, address, null)) {
            case Admitted admitted -> Optional.empty();
            case Refused refused -> Optional.of(refused.retryAfter());
        };
    }

    Verdict admit(String email, String address) {
        return admit("", perEmail, perAddress, email, address, null);
    }

    /**
     * A guess at a signed-in staff member's current password (the profile page): counted for them and for the address,
     * apart from the sign-in form's counts, which anyone who knows their email can fill.
     */
    Verdict admitSignedIn(String staffUserId, String address) {
        return admit("profile:", perEmail, perAddress, staffUserId, address, null);
    }

    /**
     * An attempt at the dashboard's sign-in form from a browser that may be known for {@code email}: with
     * {@code deviceToken} (its cookie, or null) of a browser that signed in with this email within
     * {@link #KNOWN_FOR}, the browser's own failures are counted instead of the email's.
     */
    Verdict admit(String email, String address, String deviceToken) {
        return admit("", perEmail, perAddress, email, address, knownDevice(email, deviceToken));
    }

    /**
     * The client an address stands for: an IPv6 one by its /64, which one client holds whole (a home line, a phone)
     * and could take a new address from for every request; an IPv4 one (written plainly or mapped into IPv6) as is.
     */
    public static String client(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return address;
        }
        try {
            // A literal (as the servlet container gives it): read, never looked up.
            byte[] bytes = InetAddress.getByName(address).getAddress();
            return bytes.length == 16
                ? HexFormat.of().formatHex(bytes, 0, 8) + "::/64"
                : InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException notAnAddress) {
            return address;
        }
    }

    private Verdict admit(String door, int perEmail, int perAddress, String email, String address, String device) {
        String person = device != null ? device : door + emailSubject(email);
        var limits = new TreeMap<String, Integer>();
        limits.put(person, perEmail);
        limits.put(door + "address:" + client(address), perAddress);
        return transactions.execute(status -> {
            Instant now = Timestamps.now(clock);
            Instant since = now.minus(window);
            Duration wait = Duration.ZERO;
            // One attempt per subject at a time, on every node; subjects locked in one order, so never a deadlock.
            for (var limit : limits.entrySet()) {
                db.sql("SELECT pg_advisory_xact_lock(hashtextextended(:subject, 27))")
                    .param("subject", limit.getKey())
                    .query()
                    .singleRow();
                var subjectWait = waitFor(limit.getKey(), limit.getValue(), since, now);
                if (subjectWait.isPresent() && subjectWait.get().compareTo(wait) > 0) {
                    wait = subjectWait.get();
                }
            }
            if (!wait.isZero()) {
                return new Refused(wait);
            }
            db.sql("DELETE FROM sign_in_attempts WHERE attempted_at <= :since")
                .param("since", Timestamps.of(since))
                .update();
            var attempts = new ArrayList<Long>();
            for (String subject : limits.keySet()) {
                attempts.add(db.sql("""
                    INSERT INTO sign_in_attempts (subject, attempted_at) VALUES (:subject, :now) RETURNING id
                    """)
                    .param("subject", subject)
                    .param("now", Timestamps.of(now))
                    .query(Long.class)
                    .single());
            }
            return new Admitted(List.copyOf(attempts), device, person);
        });
    }

    /**
     * A staff member has proved the password: this attempt was no failure, and the earlier failures counted for them
     * (at this door, and for their email) are forgotten. The address keeps its count: one known password must not
     * reset the limit for guessing others.
     */
    void succeeded(Admitted admitted, String email) {
        db.sql("DELETE FROM sign_in_attempts WHERE id IN (:ids) OR subject IN (:email, :subject, :device)")
            .param("ids", admitted.attempts())
            .param("email", emailSubject(email))
            .param("subject", admitted.subject())
            .param("device", admitted.device() == null ? "" : admitted.device())
            .update();
    }

    /**
     * After a sign-in: makes the browser known for {@code email} for {@link #KNOWN_FOR} from now, answering the token
     * its cookie is to hold (only the token's hash is kept). A browser known already is known afresh, under a new token
     * (its old one goes): known only for 90 days from its first sign-in, an owner's own browser became a stranger's
     * then, and anyone knowing the email could keep it locked out by guessing.
     */
    Optional<String> rememberDevice(Admitted admitted, String email) {
        if (admitted.device() != null) {
            db.sql("DELETE FROM sign_in_devices WHERE token_hash = :hash")
                .param("hash", admitted.device().substring("device:".length()))
                .update();
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Instant now = Timestamps.now(clock);
        db.sql("DELETE FROM sign_in_devices WHERE created_at <= :expired")
            .param("expired", Timestamps.of(now.minus(KNOWN_FOR)))
            .update();
        db.sql("INSERT INTO sign_in_devices (token_hash, email_subject, created_at) VALUES (:hash, :email, :now)")
            .param("hash", sha256(token))
            .param("email", emailSubject(email))
            .param("now", Timestamps.of(now))
            .update();
        return Optional.of(token);
    }

    /** The subject of the browser whose cookie holds {@code token}, if it is known for {@code email}; else null. */
    private String knownDevice(String email, String token) {
        if (token == null || token.isBlank() || token.length() > 100) {
            return null;
        }
        String hash = sha256(token);
        boolean known = db.sql("""
            SELECT EXISTS (SELECT 1 FROM sign_in_devices
                            WHERE token_hash = :hash AND email_subject = :email AND created_at > :since)
            """)
            .param("hash", hash)
            .param("email", emailSubject(email))
            .param("since", Timestamps.of(Timestamps.now(clock).minus(KNOWN_FOR)))
            .query(Boolean.class)
            .single();
        return known ? "device:" + hash : null;
    }

    /** How long until fewer than {@code limit} failures of the subject are in the window; empty when they already are. */
    private Optional<Duration> waitFor(String subject, int limit, Instant since, Instant now) {
        // The failure that must leave the window: with n in it, the (n - limit + 1)th oldest.
        return db.sql("""
            SELECT attempted_at
              FROM sign_in_attempts
             WHERE subject = :subject AND attempted_at > :since
             ORDER BY attempted_at DESC
             OFFSET :keep LIMIT 1
            """)
            .param("subject", subject)
            .param("since", Timestamps.of(since))
            .param("keep", limit - 1)
            .query((rs, row) -> Timestamps.read(rs, "attempted_at"))
            .optional()
            .map(oldest -> Duration.between(now, oldest.plus(window)));
    }

    /**
     * The email as the one person it names: trimmed as the sign-in trims it (every character up to the space, control
     * characters among them) and of any other space, and lowered by PostgreSQL as the sign-in compares emails
     * ({@code lower(email) = lower(:email)}), so that no way of writing it counts apart from the others. Java lowers a
     * few letters otherwise: a dotted capital I (U+0130) to an i and a combining dot, where PostgreSQL makes a plain i,
     * which gave every i of an email a lockout of its own.
     */
    private String emailSubject(String email) {
        // PostgreSQL refuses a NUL in text; such an email names nobody, and may be counted as the one without it.
        String trimmed = email.trim().strip().replace("\u0000", "");
        String lowered = db.sql("SELECT lower(:email)").param("email", trimmed).query(String.class).single();
        return "email:" + sha256(lowered);
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
