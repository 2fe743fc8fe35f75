package io.till.access;

import io.till.shared.Ids;
import io.till.shared.LinkTokens;
import io.till.shared.RealTime;
import io.till.shared.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Invitations to join an account's staff: single-use links valid for {@link #VALIDITY} (real time), stored as the hash
 * of their token and used by one conditional update, as the portal's sign-in links are.
 */
@Repository
class StaffInvites {

    static final Duration VALIDITY = Duration.ofDays(7);

    private static final String COLUMNS = "id, account_id, email, role, created_at, expires_at, used_at, revoked_at";

    private final JdbcClient db;
    private final Clock clock;

    StaffInvites(JdbcClient db, @RealTime Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** An invitation as the staff page lists it. */
    record Invite(String id, String accountId, String email, String role, Instant createdAt, Instant expiresAt,
        Instant usedAt, Instant revokedAt) {

        /** pending, expired, accepted or revoked */
        String status(Instant now) {
            if (revokedAt != null) {
                return "revoked";
            }
            if (usedAt != null) {
                return "accepted";
            }
            return now.isBefore(expiresAt) ? "pending" : "expired";
        }
    }

    /** An invitation just made, with its token (only ever in the link emailed). */
    record Issued(Invite invite, String token) {}

    Issued issue(String accountId, String email, String role, String invitedBy) {
        String token = LinkTokens.newToken();
        Instant now = Timestamps.now(clock);
        var invite = new Invite(Ids.newId("sti"), accountId, email, role, now, now.plus(VALIDITY), null, null);
        db.sql("""
            INSERT INTO staff_invites (id, account_id, email, role, token_hash, invited_by, created_at, expires_at)
            VALUES (:id, :accountId, :email, :role, :hash, :invitedBy, :now, :expiresAt)
            """)
            .param("id", invite.id())
            .param("accountId", accountId)
            .param("email", email)
            .param("role", role)
            .param("hash", LinkTokens.hash(token))
            .param("invitedBy", invitedBy)
            .param("now", Timestamps.of(now))
            .param("expiresAt", Timestamps.of(invite.expiresAt()))
            .update();
        return new Issued(invite, token);
    }

    /**
     * The account's invitations neither accepted nor revoked (nor replaced), newest first: pending ones, and those that
     * expired within the last validity, so that an owner sees whom to invite again.
     */
    List<Invite> open(String accountId) {
        return db.sql("SELECT " + COLUMNS + """
             FROM staff_invites
            WHERE account_id = :accountId AND used_at IS NULL AND revoked_at IS NULL AND created_at > :since
            ORDER BY created_at DESC, id
            """)
            .param("accountId", accountId)
            .param("since", Timestamps.of(Timestamps.now(clock).minus(VALIDITY.multipliedBy(2))))
            .query(StaffInvites::read)
            .list();
    }

    /**
     * Revokes the account's still-usable invitations for {@code email} (in any case) but {@code keptId} (null: all of
     * them): an email has at most one live link, so that an older one cannot let someone in after they joined and
     * were removed, or with a role an owner has since changed their mind about.
     */
    void revokeOthersFor(String accountId, String email, String keptId) {
        db.sql(
            """
                UPDATE staff_invites SET revoked_at = :now
                 WHERE account_id = :accountId AND lower(email) = lower(:email) AND id IS DISTINCT FROM CAST(:keptId AS text)
                   AND used_at IS NULL AND revoked_at IS NULL
                """)
            .param("accountId", accountId)
            .param("email", email)
            .param("keptId", keptId)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .update();
    }

    /** Revokes the account's still-usable invitations that {@code staffUserId} sent. */
    void revokeSentBy(String accountId, String staffUserId) {
        db.sql("""
            UPDATE staff_invites SET revoked_at = :now
             WHERE account_id = :accountId AND invited_by = :staffUserId AND used_at IS NULL AND revoked_at IS NULL
            """)
            .param("accountId", accountId)
            .param("staffUserId", staffUserId)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .update();
    }

    /** Whether a still-usable invitation was revoked by this call. */
    boolean revoke(String accountId, String id) {
        return db.sql("""
            UPDATE staff_invites SET revoked_at = :now
             WHERE account_id = :accountId AND id = :id AND used_at IS NULL AND revoked_at IS NULL
            """)
            .param("accountId", accountId)
            .param("id", id)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .update() > 0;
    }

    /** Whether the account has an invitation {@code id}, in any state. */
    boolean exists(String accountId, String id) {
        return db.sql("SELECT EXISTS (SELECT 1 FROM staff_invites WHERE account_id = :accountId AND id = :id)")
            .param("accountId", accountId)
            .param("id", id)
            .query(Boolean.class)
            .single();
    }

    /** The invitation the link stands for while it can still be accepted, without using it (the page a scanner may fetch). */
    Optional<Invite> usable(String token) {
        if (!LinkTokens.isWellFormed(token)) {
            return Optional.empty();
        }
        return db.sql("SELECT " + COLUMNS + """
             FROM staff_invites
            WHERE token_hash = :hash AND used_at IS NULL AND revoked_at IS NULL AND expires_at > :now
            """)
            .param("hash", LinkTokens.hash(token))
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .query(StaffInvites::read)
            .optional();
    }

    /** Uses the link up; empty when it is unknown, already used, revoked or expired. */
    Optional<Invite> consume(String token) {
        if (!LinkTokens.isWellFormed(token)) {
            return Optional.empty();
        }
        Instant now = Timestamps.now(clock);
        // Only while whoever sent it is still an owner of the account (held as a removal or a demotion holds them):
        // an owner removed or demoted must not come back through an invitation of their own.
        return db.sql("""
            UPDATE staff_invites i SET used_at = :now
             WHERE token_hash = :hash AND used_at IS NULL AND revoked_at IS NULL AND expires_at > :now
               AND EXISTS (SELECT 1 FROM staff_users s
                            WHERE s.account_id = i.account_id AND s.id = i.invited_by AND s.role = 'owner'
                              FOR SHARE)
            RETURNING\s""" + COLUMNS)
            .param("hash", LinkTokens.hash(token))
            .param("now", Timestamps.of(now))
            .query(StaffInvites::read)
            .optional();
    }

    private static Invite read(ResultSet rs, int row) throws SQLException {
        return new Invite(rs.getString("id"), rs.getString("account_id"), rs.getString("email"), rs.getString("role"),
            Timestamps.read(rs, "created_at"), Timestamps.read(rs, "expires_at"), Timestamps.read(rs, "used_at"),
            Timestamps.read(rs, "revoked_at"));
    }
}
