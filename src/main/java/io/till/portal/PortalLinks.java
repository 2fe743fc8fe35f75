package io.till.portal;

import io.till.shared.RealTime;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Links that sign a buyer in once: made by the seller's app through the API, or emailed as a magic link. Each is valid
 * for {@link #VALIDITY} (real time) and consumed by a single conditional update, so two clicks at once cannot both win.
 */
@Repository
class PortalLinks {

    static final Duration VALIDITY = Duration.ofMinutes(15);

    private final JdbcClient db;
    private final Clock clock;

    PortalLinks(JdbcClient db, @RealTime Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    enum Kind {
        API,
        EMAIL
    }

    /** A link just made: its token (only ever in the URL handed out) and when it stops working. */
    record Issued(String token, Instant expiresAt) {}

    /** What a consumed link signs in as. */
    record Opened(String customerId, String returnUrl) {}

    Issued issue(Kind kind, String accountId, String customerId, String returnUrl) {
        String token = PortalTokens.newToken();
        Instant now = Timestamps.now(clock);
        Instant expiresAt = now.plus(VALIDITY);
        // Expired links are worth nothing; clearing them here keeps the table small without a job.
        db.sql("DELETE FROM portal_links WHERE expires_at < :before")
            .param("before", Timestamps.of(now.minus(Duration.ofDays(1))))
            .update();
        db.sql("""
            INSERT INTO portal_links (token_hash, account_id, customer_id, kind, return_url, created_at, expires_at)
            VALUES (:hash, :accountId, :customerId, :kind, :returnUrl, :now, :expiresAt)
            """)
            .param("hash", PortalTokens.hash(token))
            .param("accountId", accountId)
            .param("customerId", customerId)
            .param("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
            .param("returnUrl", returnUrl)
            .param("now", Timestamps.of(now))
            .param("expiresAt", Timestamps.of(expiresAt))
            .update();
        return new Issued(token, expiresAt);
    }

    /** Whether the link would still sign in, without using it (the confirm page a mail scanner may fetch). */
    boolean isUsable(Kind kind, String accountId, String token) {
        return customerOf(kind, accountId, token).isPresent();
    }

    /**
     * Where a link of the seller's app said to go back to, even once it is used or expired (until it is cleared a day
     * later): the page that says it no longer works offers the way back, where the app can open a new session.
     */
    Optional<String> returnUrl(Kind kind, String accountId, String token) {
        if (!PortalTokens.isWellFormed(token)) {
            return Optional.empty();
        }
        return db.sql("""
            SELECT return_url FROM portal_links
             WHERE token_hash = :hash AND account_id = :accountId AND kind = :kind AND return_url IS NOT NULL
            """)
            .param("hash", PortalTokens.hash(token))
            .param("accountId", accountId)
            .param("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
            .query(String.class)
            .optional();
    }

    /**
     * The customer a usable link signs in as, without using it up: to ask first when the browser is signed in as
     * someone else.
     */
    Optional<String> customerOf(Kind kind, String accountId, String token) {
        if (!PortalTokens.isWellFormed(token)) {
            return Optional.empty();
        }
        return db.sql("""
            SELECT customer_id FROM portal_links
             WHERE token_hash = :hash AND account_id = :accountId AND kind = :kind
               AND used_at IS NULL AND expires_at > :now
            """)
            .param("hash", PortalTokens.hash(token))
            .param("accountId", accountId)
            .param("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .query(String.class)
            .optional();
    }

    /** Uses the link up; empty when it is unknown, of another account or kind, already used or expired. */
    Optional<Opened> consume(Kind kind, String accountId, String token) {
        if (!PortalTokens.isWellFormed(token)) {
            return Optional.empty();
        }
        Instant now = Timestamps.now(clock);
        return db.sql("""
            UPDATE portal_links SET used_at = :now
             WHERE token_hash = :hash AND account_id = :accountId AND kind = :kind
               AND used_at IS NULL AND expires_at > :now
            RETURNING customer_id, return_url
            """)
            .param("hash", PortalTokens.hash(token))
            .param("accountId", accountId)
            .param("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
            .param("now", Timestamps.of(now))
            .query((rs, row) -> new Opened(rs.getString("customer_id"), rs.getString("return_url")))
            .optional();
    }
}
