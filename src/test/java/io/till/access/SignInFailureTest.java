package io.till.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * A failed sign-in shows the form again with the email typed (never the password) and says it failed, in the same
 * words whether or not the email belongs to anyone.
 */
@TillIntegrationTest
class SignInFailureTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    TestAccounts accounts;

    @Autowired
    JdbcClient db;

    @Autowired
    PasswordEncoder passwords;

    @Test
    void aWrongPasswordShowsTheFormAgainWithTheEmailTypedAndNotThePassword() {
        var browser = RawBrowser.fromAnotherAddress(port);
        String email = staffMember("the right password");

        var failed = browser.signIn(email, "a wrong p@ssword");
        var page = browser.get(failed.header("Location")).body();

        assertThat(failed.status()).isEqualTo(302);
        assertThat(failed.header("Location")).isEqualTo("/admin/login?error");
        assertThat(page).contains("Sign-in failed.").contains("name=\"username\"")
            .contains("value=\"" + email + "\"")
            .doesNotContain("a wrong p@ssword");
        assertThat(browser.get("/admin/login").body()).as("kept for the page after the failure only")
            .doesNotContain(email);
    }

    @Test
    void anUnknownEmailGetsTheSamePageAsAKnownOneWithAWrongPassword() {
        String known = staffMember("the right password");
        String unknown = "nobody-" + UUID.randomUUID() + "@till.test";

        String knownPage = pageAfterFailure(known);
        String unknownPage = pageAfterFailure(unknown);

        assertThat(unknownPage).contains("value=\"" + unknown + "\"");
        assertThat(normalized(unknownPage, unknown)).isEqualTo(normalized(knownPage, known));
    }

    @Test
    void aSignInTheThrottleRefusesKeepsTheEmailToo() {
        var browser = RawBrowser.fromAnotherAddress(port);
        String email = staffMember("the right password");
        for (int i = 0; i < 5; i++) {
            browser.signIn(email, "wrong password " + i);
        }

        var refused = browser.signIn(email, "the right password");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body()).contains("value=\"" + email + "\"").doesNotContain("the right password");
    }

    private String pageAfterFailure(String email) {
        var browser = RawBrowser.fromAnotherAddress(port);
        return browser.get(browser.signIn(email, "wrong password").header("Location")).body();
    }

    /** The page without what differs by nature: the email shown, the CSRF token. */
    private static String normalized(String page, String email) {
        return page.replace(email, "EMAIL").replaceAll("name=\"_csrf\" value=\"[^\"]+\"", "CSRF");
    }

    /** A staff member of a fresh account, so that failing their sign-in concerns nobody else. */
    private String staffMember(String password) {
        String email = "staff-" + UUID.randomUUID() + "@till.test";
        db.sql("""
            INSERT INTO staff_users (id, account_id, email, password_hash, role, created_at)
            VALUES (:id, :account, :email, :hash, 'staff', now())
            """)
            .param("id", "usr_" + UUID.randomUUID())
            .param("account", accounts.create().id())
            .param("email", email)
            .param("hash", passwords.encode(password))
            .update();
        return email;
    }
}
