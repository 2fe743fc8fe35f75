package io.till.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

/** An invitation link is used by one conditional update: two submissions at once make one staff member. */
@TillIntegrationTest
class StaffInvitesTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    TestAccounts accounts;

    @Autowired
    StaffInvites invites;

    @Autowired
    JdbcClient db;
    @Autowired
    io.till.account.StaffUsers staffUsers;

    @Test
    void twoSubmissionsOfOneInvitationAtOnceMakeOneStaffMember() throws Exception {
        String email = "twice-" + UUID.randomUUID() + "@example.com";
        String accountId = accounts.create().id();
        String owner = staffUsers.create(accountId, "owner-" + UUID.randomUUID() + "@example.com", "{noop}unused",
            "owner").id();
        var issued = invites.issue(accountId, email, "staff", owner);
        String path = "/admin/invites/" + issued.token();
        var browsers = new ArrayList<RawBrowser>();
        var forms = new ArrayList<String>();
        for (int i = 0; i < 2; i++) {
            var browser = RawBrowser.fromAnotherAddress(port);
            forms.add("password=password-number-" + i + "&confirmation=password-number-" + i + "&_csrf="
                + RawBrowser.csrf(browser.get(path).body()));
            browsers.add(browser);
        }

        var start = new CountDownLatch(1);
        var answers = new ArrayList<Future<RawBrowser.Response>>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 2; i++) {
                var browser = browsers.get(i);
                String form = forms.get(i);
                answers.add(threads.submit(() -> {
                    start.await();
                    return browser.postForm(path, form);
                }));
            }
            start.countDown();
        }

        var statuses = new ArrayList<Integer>();
        for (var answer : answers) {
            statuses.add(answer.get().status());
        }
        assertThat(statuses).containsExactlyInAnyOrder(302, 410);
        assertThat(db.sql("SELECT count(*) FROM staff_users WHERE lower(email) = lower(:email)")
            .param("email", email).query(Long.class).single()).isEqualTo(1);
    }

    /**
     * The page opened, then left past the session it made (its CSRF token went with it): the invitee, who has no login
     * yet, is shown the invitation again saying why, not the staff sign-in page; the invitation still works.
     */
    @Test
    void anInvitationFormSentAfterItsPageExpiredShowsTheInvitationAgainSayingWhy() {
        String accountId = accounts.create().id();
        String owner = staffUsers.create(accountId, "owner-" + UUID.randomUUID() + "@example.com", "{noop}unused",
            "owner").id();
        var issued = invites.issue(accountId, "late-" + UUID.randomUUID() + "@example.com", "staff", owner);
        String path = "/admin/invites/" + issued.token();
        var browser = RawBrowser.fromAnotherAddress(port);

        var late = browser.postForm(path, "password=a-long-password-1&confirmation=a-long-password-1&_csrf=stale");

        assertThat(late.status()).isEqualTo(302);
        assertThat(late.header("Location")).isEqualTo(path + "?expired");
        var again = browser.get(late.header("Location"));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).contains("This page was open too long and expired", "Join");
        var joined = browser.postForm(path, "password=a-long-password-1&confirmation=a-long-password-1&_csrf="
            + RawBrowser.csrf(again.body()));
        assertThat(joined.status()).isEqualTo(302);
        assertThat(joined.header("Location")).isEqualTo("/admin");
    }

    @Test
    void theInvitationPageShowsNothingForATokenThatIsNotOne() {
        var browser = RawBrowser.fromAnotherAddress(port);

        var answer = browser.get("/admin/invites/not-a-token");

        assertThat(answer.status()).isEqualTo(410);
        assertThat(answer.body()).contains("This invitation no longer works");
    }

    /**
     * Someone already signed in (an owner opening the link they sent, to check it) who accepted an invitation was
     * signed out of their own session and into the new member's without a word: the page says so before they choose a
     * password.
     */
    @Test
    void theInvitationPageTellsWhoIsSignedInThatJoiningSignsThemOut(
        @Autowired org.springframework.security.crypto.password.PasswordEncoder passwords) {
        String accountId = accounts.create().id();
        var owner = io.till.testing.StaffBrowser.of(db, passwords, accountId, "owner");
        String ownerId = staffUsers.findByEmail(owner.email()).orElseThrow().id();
        String email = "joining-" + UUID.randomUUID() + "@example.com";
        var issued = invites.issue(accountId, email, "staff", ownerId);
        var browser = RawBrowser.fromAnotherAddress(port);
        assertThat(browser.signIn(owner.email(), owner.password()).header("Location")).isEqualTo("/admin");

        var signedIn = browser.get("/admin/invites/" + issued.token());
        var stranger = RawBrowser.fromAnotherAddress(port).get("/admin/invites/" + issued.token());

        assertThat(signedIn.body()).contains("You are signed in as <strong>" + owner.email()
            + "</strong>. Joining signs you out of that session and in as " + email + ".");
        assertThat(stranger.body()).contains("Join").doesNotContain("You are signed in as");
    }
}
