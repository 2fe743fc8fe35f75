package io.till.portal;

import io.till.shared.Ids;
import io.till.shared.RealTime;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Signed-in buyers, one row per sign-in. A session ends after {@code idle} without a request, {@code lifetime} after
 * it began, or when revoked. Both limits read the real clock: moving the sandbox's test clock must neither end a
 * buyer's session nor keep a stolen cookie alive.
 */
@Repository
class PortalSessions {

    /** Writing last_seen_at on every request would turn each page view into a write; once a minute is enough. */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final JdbcClient db;
    private final Clock clock;
    private final Duration idle;
    private final Duration lifetime;

    PortalSessions(JdbcClient db, @RealTime Clock clock,
        @Value("${till.portal.session-idle-timeout:30m}") Duration idle,
        @Value("${till.portal.session-lifetime:12h}") Duration lifetime) {
        this.db = db;
        this.clock = clock;
        this.idle = idle;
        this.lifetime = lifetime;
    }

    /** A live session: who it is for, where the seller's app wants the buyer back, and when it ends at the latest. */
    record Session(String id, PortalBuyer buyer, String returnUrl, Instant endsBy) {}

    /** Whether the session ends within an idle period from now: a buyer reading a page could be signed out. */
    boolean endsSoon(Session session) {
        return session.endsBy().isBefore(Timestamps.now(clock).plus(idle));
    }

    /** Opens a session and answers its token, the cookie's value (nowhere else kept in clear). */
    String open(PortalBuyer buyer, String returnUrl) {
        String token = PortalTokens.newToken();
        Instant at = Timestamps.now(clock);
        var now = Timestamps.of(at);
        // Sessions past their lifetime are worth nothing; clearing them at sign-in keeps the table small without a job.
        db.sql("DELETE FROM portal_sessions WHERE created_at < :before")
            .param("before", Timestamps.of(at.minus(lifetime).minus(Duration.ofDays(1))))
            .update();
        db.sql("""
            INSERT INTO portal_sessions (id, token_hash, account_id, customer_id, access, return_url, created_at,
                                         last_seen_at)
            VALUES (:id, :hash, :accountId, :customerId, :access, :returnUrl, :now, :now)
            """)
            .param("id", Ids.newId("pses"))
            .param("hash", PortalTokens.hash(token))
            .param("accountId", buyer.accountId())
            .param("customerId", buyer.customerId())
            .param("access", buyer.access().code())
            .param("returnUrl", returnUrl)
            .param("now", now)
            .update();
        return token;
    }

    /** The live session the token stands for, now seen; empty for an unknown, revoked or timed-out one. */
    Optional<Session> find(String token) {
        if (!PortalTokens.isWellFormed(token)) {
            return Optional.empty();
        }
        Instant now = Timestamps.now(clock);
        var found = db.sql("""
            SELECT id, account_id, customer_id, access, return_url, created_at, last_seen_at
              FROM portal_sessions
             WHERE token_hash = :hash AND revoked_at IS NULL AND created_at > :bornAfter AND last_seen_at > :seenAfter
               AND NOT EXISTS (SELECT 1 FROM customers c
                                WHERE c.id = portal_sessions.customer_id AND c.redacted_at IS NOT NULL)
            """)
            .param("hash", PortalTokens.hash(token))
            .param("bornAfter", Timestamps.of(now.minus(lifetime)))
            .param("seenAfter", Timestamps.of(now.minus(idle)))
            .query((rs, row) -> new Seen(new Session(rs.getString("id"), new PortalBuyer(rs.getString("account_id"),
                rs.getString("customer_id"), PortalBuyer.Access.of(rs.getString("access"))),
                rs.getString("return_url"), Timestamps.read(rs, "created_at").plus(lifetime)),
                Timestamps.read(rs, "last_seen_at")))
            .optional();
        found.filter(seen -> seen.at().isBefore(now.minus(TOUCH_EVERY)))
            .ifPresent(seen -> db.sql("UPDATE portal_sessions SET last_seen_at = :now WHERE id = :id")
                .param("now", Timestamps.of(now))
                .param("id", seen.session().id())
                .update());
        return found.map(Seen::session);
    }

    private record Seen(Session session, Instant at) {}

    /** Signs the token's session out; an unknown token is no error (the cookie may be stale). */
    void revoke(String token) {
        if (!PortalTokens.isWellFormed(token)) {
            return;
        }
        db.sql("UPDATE portal_sessions SET revoked_at = :now WHERE token_hash = :hash AND revoked_at IS NULL")
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("hash", PortalTokens.hash(token))
            .update();
    }
}
