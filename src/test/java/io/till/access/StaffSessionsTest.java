package io.till.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.MutableClock;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * How dashboard sessions end: after 30 minutes without a request, 12 hours after sign-in, when the staff member signs
 * out everywhere, changes their password (other sessions) or is removed; each time the sign-in page says why.
 */
@TillIntegrationTest
class StaffSessionsTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    TestAccounts accounts;

    @Autowired
    JdbcClient db;

    @Autowired
    PasswordEncoder passwords;

    /** A reviewer's: signed in by an invite, the session kept the CSRF token it had before, which another may know. */
    @Test
    void signingInByAnInviteGivesTheSessionANewCsrfToken(@Autowired StaffSessions sessions,
        @Autowired io.till.account.StaffUsers staffUsers) {
        String accountId = accounts.create().id();
        StaffBrowser.of(db, passwords, accountId);
        var user = staffUsers.list(accountId, false).getFirst();
        var request = new org.springframework.mock.web.MockHttpServletRequest();
        var response = new org.springframework.mock.web.MockHttpServletResponse();
        var tokens = new org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository();
        var planted = tokens.generateToken(request);
        tokens.saveToken(planted, request, response);

        sessions.signIn(request, response, user);

        var now = tokens.loadToken(request);
        assertThat(now == null ? null : now.getToken()).isNotEqualTo(planted.getToken());
    }

    /**
     * A reviewer's: a password change made by a session while another owner demoted its member bumped the epoch past
     * the demotion's, and the session kept the new epoch, staying an owner's for hours. A session keeps only the epoch
     * its own change made (one past its own); past a change made meanwhile, it ends.
     */
    @Test
    void aPasswordChangeRacingADemotionDoesNotKeepTheSession(@Autowired StaffSessions sessions,
        @Autowired io.till.account.StaffUsers staffUsers) {
        String accountId = accounts.create().id();
        StaffBrowser.of(db, passwords, accountId);
        var user = staffUsers.list(accountId, false).getFirst();
        var request = new org.springframework.mock.web.MockHttpServletRequest();
        sessions.started(request, user);

        // Its own change alone: kept.
        sessions.keep(request, staffUsers.endSessions(accountId, user.id()));
        assertThat(sessions.check(request.getSession(), user.id())).isEmpty();

        // A demotion's change, then its own: ended.
        staffUsers.endSessions(accountId, user.id());
        sessions.keep(request, staffUsers.endSessions(accountId, user.id()));
        assertThat(sessions.check(request.getSession(), user.id())).isPresent();
    }

    /**
     * A session nobody signed in to (the sign-in page's, for its CSRF token) is forgotten after the idle timeout, not
     * kept for the whole 12-hour lifetime: a review found the sign-in page fetched in a loop filling the memory with
     * them. A signed-in one is kept twice as long, so that Till ends an idle one itself and says why.
     */
    @Test
    void aSessionNeverSignedInToIsForgottenAfterTheIdleTimeoutAndASignedInOneKeptLonger(
        @Autowired org.springframework.core.env.Environment environment, @Autowired StaffSessions sessions,
        @Autowired io.till.account.StaffUsers staffUsers) {
        String accountId = accounts.create().id();
        StaffBrowser.of(db, passwords, accountId);
        var user = staffUsers.list(accountId, false).getFirst();
        var request = new org.springframework.mock.web.MockHttpServletRequest();

        sessions.started(request, user);

        assertThat(environment.getProperty("server.servlet.session.timeout")).isEqualTo("30m");
        assertThat(request.getSession().getMaxInactiveInterval()).isEqualTo(3600);
    }

    @Test
    void aSessionIdleForLongerThanTheTimeoutEndsAtTheSignInPageWhichSaysWhy() {
        var member = StaffBrowser.of(db, passwords, accounts.create().id());
        var browser = signedIn(member);

        clock.passRealTime(Duration.ofMinutes(30).plusSeconds(1));
        var ended = browser.get("/admin/customers");
        var signInPage = browser.get(ended.header("Location"));
        var afterwards = browser.get("/admin/customers");

        assertThat(ended.status()).isEqualTo(302);
        assertThat(ended.header("Location")).isEqualTo("/admin/login?ended=idle");
        assertThat(signInPage.body()).contains("You were signed out after 30 minutes of inactivity.");
        assertThat(afterwards.header("Location")).isEqualTo("/admin/login");
    }

    /**
     * A page left open while its session went away (Till restarted, or it ended meanwhile): an htmx request (a search
     * as staff type) sends the whole page to the sign-in page instead of swapping it into the fragment, and a form
     * posted from it goes there too, told the session ended, rather than to a bare 403.
     */
    @Test
    void aPageWhoseSessionIsGoneGoesToTheSignInPageWhateverItSends() {
        var browser = RawBrowser.fromAnotherAddress(port);
        String gone = "till_session=0123456789ABCDEF0123456789ABCDEF";

        var search = browser.get("/admin/customers/search?q=ada", "Cookie", gone, "HX-Request", "true");
        var posted = RawBrowser.fromAnotherAddress(port).postForm("/admin/catalog/groups", form("name", "Members",
            "_csrf", "stale"), "Cookie", gone, "Content-Type", "application/x-www-form-urlencoded");

        assertThat(search.status()).isEqualTo(204);
        assertThat(search.header("HX-Redirect")).isEqualTo("/admin/login?ended=expired");
        assertThat(posted.status()).isEqualTo(302);
        assertThat(posted.header("Location")).isEqualTo("/admin/login?ended=expired");
    }

    @Test
    void aSessionInUseOutlivesTheIdleTimeout() {
        var browser = signedIn(StaffBrowser.of(db, passwords, accounts.create().id()));

        for (int i = 0; i < 3; i++) {
            clock.passRealTime(Duration.ofMinutes(20));
            assertThat(browser.get("/admin/customers").status()).as("after %d × 20 minutes", i + 1).isEqualTo(200);
        }
    }

    @Test
    void aSessionEndsTwelveHoursAfterSignInHoweverBusy() {
        var browser = signedIn(StaffBrowser.of(db, passwords, accounts.create().id()));

        for (int i = 0; i < 24; i++) {
            clock.passRealTime(Duration.ofMinutes(29));
            browser.get("/admin/customers");
        }
        clock.passRealTime(Duration.ofMinutes(25));
        var ended = browser.get("/admin/customers");

        assertThat(ended.header("Location")).isEqualTo("/admin/login?ended=lifetime");
        assertThat(browser.get(ended.header("Location")).body())
            .contains("You were signed out 12 hours after signing in.");
    }

    @Test
    void signingOutEverywhereEndsTheSessionOfAnotherBrowser() {
        var member = StaffBrowser.of(db, passwords, accounts.create().id());
        var laptop = signedIn(member);
        var phone = signedIn(member);

        var page = laptop.get("/admin/settings/profile");
        var signedOut = laptop.postForm("/admin/settings/profile/sign-out-everywhere",
            "_csrf=" + RawBrowser.csrf(page.body()));
        var onThePhone = phone.get("/admin/customers");

        assertThat(page.body()).contains("Sign out everywhere");
        assertThat(signedOut.header("Location")).isEqualTo("/admin/login?ended=everywhere");
        assertThat(laptop.get("/admin/customers").header("Location")).startsWith("/admin/login");
        assertThat(onThePhone.status()).isEqualTo(302);
        assertThat(onThePhone.header("Location")).isEqualTo("/admin/login?ended=changed");
        assertThat(laptop.signIn(member.email(), member.password()).header("Location"))
            .as("signing in again works").isEqualTo("/admin");
    }

    @Test
    void aNewPasswordEndsTheOtherSessionsButNotThisOne() {
        var member = StaffBrowser.of(db, passwords, accounts.create().id());
        var laptop = signedIn(member);
        var phone = signedIn(member);

        var page = laptop.get("/admin/settings/profile");
        laptop.postForm("/admin/settings/profile/password", form("current", member.password(), "password",
            "a brand new password", "confirmation", "a brand new password", "_csrf", RawBrowser.csrf(page.body())));
        var after = laptop.get("/admin/settings/profile");

        assertThat(after.status()).isEqualTo(200);
        assertThat(after.body()).contains("Password changed. Your other sessions were signed out.");
        assertThat(phone.get("/admin/customers").header("Location")).isEqualTo("/admin/login?ended=changed");
        assertThat(RawBrowser.fromAnotherAddress(port).signIn(member.email(), member.password()).header("Location"))
            .isEqualTo("/admin/login?error");
        assertThat(RawBrowser.fromAnotherAddress(port).signIn(member.email(), "a brand new password")
            .header("Location")).isEqualTo("/admin");
    }

    @Test
    void aWrongCurrentPasswordOrAShortNewOneChangesNothing() {
        var member = StaffBrowser.of(db, passwords, accounts.create().id());
        var browser = signedIn(member);
        String csrf = RawBrowser.csrf(browser.get("/admin/settings/profile").body());

        browser.postForm("/admin/settings/profile/password", form("current", "not it", "password",
            "a brand new password", "confirmation", "a brand new password", "_csrf", csrf));
        var wrongCurrent = browser.get("/admin/settings/profile");
        browser.postForm("/admin/settings/profile/password", form("current", member.password(), "password", "short",
            "confirmation", "short", "_csrf", csrf));
        var tooShort = browser.get("/admin/settings/profile");

        assertThat(wrongCurrent.body()).contains("The current password is not right.");
        assertThat(tooShort.body()).contains("The password must be at least 8 characters long.");
        assertThat(RawBrowser.fromAnotherAddress(port).signIn(member.email(), member.password()).header("Location"))
            .isEqualTo("/admin");
    }

    @Test
    void aRemovedStaffMemberIsSignedOutAtTheirNextRequest() {
        var account = accounts.create();
        var owner = signedIn(StaffBrowser.of(db, passwords, account.id()));
        var member = StaffBrowser.of(db, passwords, account.id(), "staff");
        var theirs = signedIn(member);
        String id = db.sql("SELECT id FROM staff_users WHERE email = :email").param("email", member.email())
            .query(String.class).single();

        owner.postForm("/admin/settings/staff/" + id + "/remove",
            "_csrf=" + RawBrowser.csrf(owner.get("/admin/settings/staff").body()));

        var ended = theirs.get("/admin/customers");

        // Told they were removed: the page said their sign-in or role changed and to sign in again, which they cannot.
        assertThat(ended.header("Location")).isEqualTo("/admin/login?ended=removed");
        assertThat(theirs.get(ended.header("Location")).body())
            .contains("Your session ended: you are no longer on the staff of this account.")
            .doesNotContain("Sign in again");
        assertThat(RawBrowser.fromAnotherAddress(port).signIn(member.email(), member.password()).header("Location"))
            .isEqualTo("/admin/login?error");
    }

    /** A key is the account's and outlives its maker: whoever removes them is told it still works, and where to go. */
    @Test
    void removingAMemberSaysWhichOfTheirApiKeysStillWork() {
        var account = accounts.create();
        var owner = signedIn(StaffBrowser.of(db, passwords, account.id()));
        var member = StaffBrowser.of(db, passwords, account.id(), "staff");
        String id = db.sql("SELECT id FROM staff_users WHERE email = :email").param("email", member.email())
            .query(String.class).single();
        db.sql("UPDATE api_keys SET created_by = 'staff', created_by_who = :email WHERE account_id = :account")
            .param("email", member.email())
            .param("account", account.id())
            .update();

        var removed = owner.postForm("/admin/settings/staff/" + id + "/remove",
            "_csrf=" + RawBrowser.csrf(owner.get("/admin/settings/staff").body()));

        assertThat(owner.get(removed.header("Location")).body()).contains(member.email() + " was removed and signed "
            + "out. 1 API key they made still works: revoke it under Developers › API keys if it should not.");
    }

    /** Signing out ends the session where it is kept: its cookie sent again (a copied header) signs nobody in. */
    @Test
    void signingOutEndsTheSessionSoThatItsCookieSentAgainIsSignedInNoMore() {
        var member = StaffBrowser.of(db, passwords, accounts.create().id());
        var browser = signedIn(member);
        String session = browser.cookie("till_session");
        assertThat(session).as("the session's cookie").isNotNull();
        var before = RawBrowser.fromAnotherAddress(port).get("/admin/customers", "Cookie", "till_session=" + session);

        var out = browser.postForm("/admin/logout", "_csrf=" + RawBrowser.csrf(browser.get("/admin/customers")
            .body()));
        var replayed = RawBrowser.fromAnotherAddress(port).get("/admin/customers", "Cookie", "till_session="
            + session);

        assertThat(before.status()).as("the same cookie from elsewhere, before signing out").isEqualTo(200);
        assertThat(out.status()).isEqualTo(302);
        assertThat(replayed.status()).isEqualTo(302);
        assertThat(replayed.header("Location")).startsWith("/admin/login");
    }

    /**
     * An owner made staff is told at their next request that their role changed, and signed in again has the staff
     * member's dashboard: not the owner's, which the session they had held.
     */
    @Test
    void anOwnerMadeStaffIsSignedOutAtTheirNextRequestAndSignsInAgainAsStaff() {
        var account = accounts.create();
        var owner = signedIn(StaffBrowser.of(db, passwords, account.id()));
        var colleague = StaffBrowser.of(db, passwords, account.id(), "owner");
        var theirs = signedIn(colleague);
        assertThat(theirs.get("/admin/settings/staff").body()).contains("Send invitation");
        String id = db.sql("SELECT id FROM staff_users WHERE email = :email").param("email", colleague.email())
            .query(String.class).single();

        owner.postForm("/admin/settings/staff/" + id + "/role", "role=staff&_csrf=" + RawBrowser.csrf(owner.get(
            "/admin/settings/staff").body()));
        var ended = theirs.get("/admin/settings/staff");

        assertThat(ended.status()).isEqualTo(302);
        assertThat(ended.header("Location")).isEqualTo("/admin/login?ended=changed");
        assertThat(theirs.get(ended.header("Location")).body()).contains("your sign-in or role changed");
        var again = signedIn(colleague);
        assertThat(again.get("/admin/settings/staff").body()).doesNotContain("Send invitation")
            .contains("Only an owner can invite staff");
        assertThat(again.postForm("/admin/developers/api-keys", "name=mine&_csrf=" + RawBrowser.csrf(again.get(
            "/admin/settings/staff").body())).status()).isEqualTo(403);
    }

    private RawBrowser signedIn(StaffBrowser member) {
        var browser = RawBrowser.fromAnotherAddress(port);
        assertThat(browser.signIn(member.email(), member.password()).header("Location")).isEqualTo("/admin");
        return browser;
    }

    private static String form(String... pairs) {
        var form = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            form.append(i == 0 ? "" : "&").append(pairs[i]).append('=')
                .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return form.toString();
    }
    /** Sessions last in real time, as staff live it: the sandbox test clock jumping a month signs nobody out. */
    @Test
    void aSessionOutlivesAMonthOfSandboxTime() {
        var browser = signedIn(StaffBrowser.of(db, passwords, accounts.create().id()));

        clock.advance(Duration.ofDays(30));

        assertThat(browser.get("/admin/customers").status()).isEqualTo(200);
    }
}
