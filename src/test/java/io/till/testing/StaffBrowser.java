package io.till.testing;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.LoadState;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/** A staff member of a test's own account, signed in to the dashboard in a browser page. */
public record StaffBrowser(String email, String password) {

    /** An owner of the account. */
    public static StaffBrowser of(JdbcClient db, PasswordEncoder passwords, String accountId) {
        return of(db, passwords, accountId, "owner");
    }

    /** A member of the account's staff with {@code role}, {@code owner} or {@code staff}. */
    public static StaffBrowser of(JdbcClient db, PasswordEncoder passwords, String accountId, String role) {
        var staff = new StaffBrowser("staff-" + UUID.randomUUID() + "@till.test", "a long staff password");
        // Written as first start writes the owner, quicker than an invitation's email round trip.
        db.sql("""
            INSERT INTO staff_users (id, account_id, email, password_hash, role, created_at)
            VALUES (:id, :accountId, :email, :hash, :role, :now)
            """)
            .param("role", role)
            .param("id", "usr_" + UUID.randomUUID().toString().replace("-", ""))
            .param("accountId", accountId)
            .param("email", staff.email())
            .param("hash", passwords.encode(staff.password()))
            .param("now", java.sql.Timestamp.from(Instant.parse("2026-01-01T00:00:00Z")))
            .update();
        return staff;
    }

    public Page signIn(Api api, Page page) {
        page.navigate(api.uri("/admin/login").toString());
        page.getByLabel("Email").fill(email);
        page.getByLabel("Password").fill(password);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Customers").setExact(true)))
            .isVisible();
        // The click only waited for the next page to commit; its deferred scripts (htmx, admin.js) run by "load".
        page.waitForLoadState(LoadState.LOAD);
        return page;
    }
}
