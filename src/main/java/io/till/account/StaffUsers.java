package io.till.account;

import io.till.shared.Ids;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The seller's staff who sign in to the dashboard. */
@Repository
public class StaffUsers {

    /** A staff member as the sign-in check needs them. */
    public record StaffUser(String id, String accountId, String email, String passwordHash, String role) {

        @Override
        public String toString() {
            return "StaffUser[" + id + ", " + email + "]";
        }
    }

    private final JdbcClient db;
    private final Clock clock;

    StaffUsers(JdbcClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    StaffUser createOwner(String accountId, String email, String passwordHash) {
        var user = new StaffUser(Ids.newId("usr"), accountId, email, passwordHash, "owner");
        db.sql("""
            INSERT INTO staff_users (id, account_id, email, password_hash, role, created_at)
            VALUES (:id, :accountId, :email, :passwordHash, :role, :createdAt)
            """)
            .param("id", user.id())
            .param("accountId", accountId)
            .param("email", email)
            .param("passwordHash", passwordHash)
            .param("role", user.role())
            .param("createdAt", Timestamps.of(Timestamps.now(clock)))
            .update();
        return user;
    }

    public Optional<StaffUser> findByEmail(String email) {
        return db.sql("""
            SELECT id, account_id, email, password_hash, role
              FROM staff_users
             WHERE lower(email) = lower(:email)
            """)
            .param("email", email)
            .query((rs, row) -> new StaffUser(rs.getString("id"), rs.getString("account_id"), rs.getString("email"),
                rs.getString("password_hash"), rs.getString("role")))
            .optional();
    }

    /** The emails of the account's staff, as a task's assignee choices. */
    public java.util.List<String> emails(String accountId) {
        return db.sql("SELECT email FROM staff_users WHERE account_id = :accountId ORDER BY lower(email)")
            .param("accountId", accountId)
            .query(String.class)
            .list();
    }
}
