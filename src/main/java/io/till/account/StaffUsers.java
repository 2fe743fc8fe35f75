package io.till.account;

import io.till.shared.ErrorCode;
import io.till.shared.Ids;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The seller's staff who sign in to the dashboard. */
@Repository
public class StaffUsers {

    /**
     * A staff member as the sign-in check needs them.
     *
     * @param sessionEpoch changes whenever every session of theirs must end (sign out everywhere, new password or role)
     */
    public record StaffUser(String id, String accountId, String email, String passwordHash, String role,
        int sessionEpoch, Instant createdAt, Instant lastSignedInAt) {

        public boolean owner() {
            return "owner".equals(role);
        }

        @Override
        public String toString() {
            return "StaffUser[" + id + ", " + email + "]";
        }
    }

    private static final String COLUMNS = """
        id, account_id, email, password_hash, role, session_epoch, created_at, last_signed_in_at""";

    private final JdbcClient db;
    private final Clock clock;

    StaffUsers(JdbcClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    StaffUser createOwner(String accountId, String email, String passwordHash) {
        return create(accountId, email, passwordHash, "owner");
    }

    /** @throws TillException {@code EMAIL_TAKEN} when the email signs in already (emails are unique across Till) */
    public StaffUser create(String accountId, String email, String passwordHash, String role) {
        var user = new StaffUser(Ids.newId("usr"), accountId, email, passwordHash, role, 0,
            Timestamps.now(clock), null);
        try {
            db.sql("""
                INSERT INTO staff_users (id, account_id, email, password_hash, role, created_at)
                VALUES (:id, :accountId, :email, :passwordHash, :role, :createdAt)
                """)
                .param("id", user.id())
                .param("accountId", accountId)
                .param("email", email)
                .param("passwordHash", passwordHash)
                .param("role", user.role())
                .param("createdAt", Timestamps.of(user.createdAt()))
                .update();
        } catch (DuplicateKeyException e) {
            throw new TillException(ErrorCode.EMAIL_TAKEN, "The email " + email + " already signs in to Till.");
        }
        return user;
    }

    public Optional<StaffUser> findByEmail(String email) {
        return db.sql("SELECT " + COLUMNS + " FROM staff_users WHERE lower(email) = lower(:email)")
            .param("email", email)
            .query(StaffUsers::read)
            .optional();
    }

    public Optional<StaffUser> find(String id) {
        return db.sql("SELECT " + COLUMNS + " FROM staff_users WHERE id = :id")
            .param("id", id)
            .query(StaffUsers::read)
            .optional();
    }

    /** The account's staff, oldest first; with {@code lock}, their rows stay locked until the transaction ends. */
    public List<StaffUser> list(String accountId, boolean lock) {
        return db.sql("SELECT " + COLUMNS + " FROM staff_users WHERE account_id = :accountId ORDER BY created_at, id"
            + (lock ? " FOR UPDATE" : ""))
            .param("accountId", accountId)
            .query(StaffUsers::read)
            .list();
    }

    public void recordSignIn(String id, Instant at) {
        db.sql("UPDATE staff_users SET last_signed_in_at = :at WHERE id = :id")
            .param("id", id)
            .param("at", Timestamps.of(at))
            .update();
    }

    /** Ends every session of the staff member; answers the epoch the sessions that start from now on carry. */
    public int endSessions(String accountId, String id) {
        return db.sql("""
            UPDATE staff_users SET session_epoch = session_epoch + 1
             WHERE account_id = :accountId AND id = :id
            RETURNING session_epoch
            """)
            .param("accountId", accountId)
            .param("id", id)
            .query(Integer.class)
            .single();
    }

    /** A new password ends every session of theirs, as a stolen session must not outlive the old password. */
    public int changePassword(String accountId, String id, String passwordHash) {
        return db.sql("""
            UPDATE staff_users SET password_hash = :hash, session_epoch = session_epoch + 1
             WHERE account_id = :accountId AND id = :id
            RETURNING session_epoch
            """)
            .param("accountId", accountId)
            .param("id", id)
            .param("hash", passwordHash)
            .query(Integer.class)
            .single();
    }

    /** A new role takes effect at their next sign-in: their sessions end now. */
    public void changeRole(String accountId, String id, String role) {
        db.sql("""
            UPDATE staff_users SET role = :role, session_epoch = session_epoch + 1
             WHERE account_id = :accountId AND id = :id
            """)
            .param("accountId", accountId)
            .param("id", id)
            .param("role", role)
            .update();
    }

    public void remove(String accountId, String id) {
        db.sql("DELETE FROM staff_users WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }

    private static StaffUser read(ResultSet rs, int row) throws SQLException {
        return new StaffUser(rs.getString("id"), rs.getString("account_id"), rs.getString("email"),
            rs.getString("password_hash"), rs.getString("role"), rs.getInt("session_epoch"),
            Timestamps.read(rs, "created_at"), Timestamps.read(rs, "last_signed_in_at"));
    }
}
