package io.till.testing;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.LoadState;
import com.microsoft.playwright.options.RequestOptions;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/** A staff member of a test's own account, signed in to the dashboard in a browser page. */
public record StaffBrowser(String email, String password) {

    private static final Pattern CSRF_TOKEN = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

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

    /**
     * Signs in as the sign-in form does, without typing into it (the form's CSRF token, then its POST, sent through the
     * page's own cookies, which Playwright's request context shares), and lands on the dashboard's first page. Twice as
     * quick as typing (0.4 s against 0.9 s here, on most of the page tests); {@link #signInWithTheForm} and
     * StaffSignInPageTest drive the form itself.
     */
    public Page signIn(Api api, Page page) {
        signInQuietly(api, page);
        page.navigate(api.uri("/admin").toString());
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Customers").setExact(true)))
            .isVisible();
        return page;
    }

    /**
     * Signs in as {@link #signIn(Api, Page)} does and opens {@code path} straight away, without the dashboard's first
     * page on the way (0.2 to 0.7 s here, for each of the page tests that sign in to open one page).
     */
    public Page signIn(Api api, Page page, String path) {
        signInQuietly(api, page);
        page.navigate(api.uri(path).toString());
        return page;
    }

    /** The sign-in form's POST through the page's cookies; the page itself stays where it was. */
    private void signInQuietly(Api api, Page page) {
        var form = page.request().get(api.uri("/admin/login").toString());
        Matcher token = CSRF_TOKEN.matcher(form.text());
        if (!token.find()) {
            throw new AssertionError("The sign-in page (" + form.status() + ") has no CSRF token: " + form.text());
        }
        var signedIn = page.request().post(api.uri("/admin/login").toString(), RequestOptions.create().setForm(
            FormData.create().set("_csrf", token.group(1)).set("username", email).set("password", password))
            .setMaxRedirects(0));
        if (signedIn.status() != 302 || !"/admin".equals(signedIn.headers().get("location"))) {
            throw new AssertionError("Signing in answered " + signedIn.status() + " " + signedIn.headers().get(
                "location"));
        }
    }

    /** Signs in by typing into the sign-in form and pressing its button, as staff do. */
    public Page signInWithTheForm(Api api, Page page) {
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
