package io.till.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Guessing passwords on the sign-in form: five failures for one email, or thirty from one address, within fifteen
 * minutes and the form answers 429 with Retry-After (still the page), whether or not the email belongs to anyone.
 */
@TillIntegrationTest
class SignInThrottleTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    TestAccounts accounts;

    @Autowired
    JdbcClient db;

    @Autowired
    SignInThrottle throttle;

    @Autowired
    PasswordEncoder passwords;

    @Test
    void theSixthWrongPasswordForAnEmailIsRefusedWithTheSignInPageAnd429() {
        var browser = browserFromAnotherAddress();
        String email = staffMember("right password 1");

        var failures = new ArrayList<Integer>();
        for (int i = 0; i < 5; i++) {
            failures.add(browser.signIn(email, "wrong password " + i).status());
        }
        var refused = browser.signIn(email, "wrong password 6");

        assertThat(failures).containsOnly(302);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Content-Type")).startsWith("text/html");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 900L);
        assertThat(refused.body()).contains("Too many sign-in attempts").contains("name=\"_csrf\"");
    }

    @Test
    void whileThrottledEvenTheRightPasswordIsRefused() {
        var browser = browserFromAnotherAddress();
        String email = staffMember("right password 2");
        for (int i = 0; i < 5; i++) {
            browser.signIn(email, "wrong password " + i);
        }

        assertThat(browser.signIn(email, "right password 2").status()).isEqualTo(429);
        var dashboard = browser.get("/admin/customers");
        assertThat(dashboard.status()).isEqualTo(302);
        assertThat(dashboard.header("Location")).isEqualTo("/admin/login");
    }

    @Test
    void anEmailWrittenWithControlCharactersAroundItIsTheSameEmailToTheLockout() {
        var browser = browserFromAnotherAddress();
        String email = staffMember("right password 12");
        for (int i = 0; i < 5; i++) {
            browser.signIn(email, "wrong password " + i);
        }

        // The sign-in trims every character up to the space from the ends, control characters among them.
        for (String variant : List.of("\u0001" + email, email + "\u001b", "\u0002 " + email.toUpperCase() + "\t")) {
            assertThat(browser.signIn(variant, "right password 12").status()).as(variant).isEqualTo(429);
        }
    }

    /**
     * The database lowers a dotted capital I (U+0130) to a plain i, as it compares emails, while Java lowers it to i and
     * a combining dot: a probe found that writing an i of the email so signed in with a lockout of its own, five more
     * guesses for every i the email holds.
     */
    @Test
    void anEmailWrittenWithADottedCapitalIIsTheSameEmailToTheLockout() {
        var browser = browserFromAnotherAddress();
        String email = staffMember("right password 13");
        for (int i = 0; i < 5; i++) {
            browser.signIn(email, "wrong password " + i);
        }

        String dotted = email.replace("till.test", "t\u0130ll.test");
        var answer = browser.signIn(dotted, "right password 13");

        assertThat(answer.header("Location")).isNotEqualTo("/admin");
        assertThat(answer.status()).isEqualTo(429);
        assertThat(browser.get("/admin/customers").header("Location")).isEqualTo("/admin/login");
    }

    @Test
    void theLockedOutPageSaysWhenToTryAgain() {
        var browser = browserFromAnotherAddress();
        String email = staffMember("right password 6");
        for (int i = 0; i < 5; i++) {
            browser.signIn(email, "wrong password " + i);
        }
        String until = java.time.format.DateTimeFormatter.ofPattern("HH:mm 'UTC'")
            .withZone(java.time.ZoneOffset.UTC)
            .format(clock.realTime().instant().plus(Duration.ofMinutes(15)).plusSeconds(59));

        var refused = browser.signIn(email, "right password 6");

        assertThat(refused.body()).contains("Too many sign-in attempts. Try again in 15 minutes, after " + until + ".");
    }

    /**
     * Someone who knows a staff member's email cannot keep them out with five wrong passwords: the email is locked for
     * browsers it never signed in from, while the browser the staff member signed in from before (a device cookie, as
     * OWASP advises against lockout by others) still signs in, its own wrong passwords limited as the email's are.
     */
    @Test
    void aLockedOutEmailStillSignsInFromABrowserThatSignedInWithItBefore() {
        String email = staffMember("right password 10");
        var own = browserFromAnotherAddress();
        assertThat(own.signIn(email, "right password 10").header("Location")).isEqualTo("/admin");
        assertThat(own.cookie("till_device")).as("the browser is known from now on").isNotBlank();

        var stranger = browserFromAnotherAddress();
        for (int i = 0; i < 5; i++) {
            stranger.signIn(email, "wrong password " + i);
        }
        assertThat(stranger.signIn(email, "right password 10").status()).isEqualTo(429);

        var again = own.signIn(email, "right password 10");
        assertThat(again.status()).isEqualTo(302);
        assertThat(again.header("Location")).isEqualTo("/admin");

        for (int i = 0; i < 5; i++) {
            assertThat(own.signIn(email, "own wrong password " + i).status()).isEqualTo(302);
        }
        assertThat(own.signIn(email, "right password 10").status()).as("the known browser guesses no more")
            .isEqualTo(429);
        // Known for one email only: another email from that browser is counted as from any stranger.
        String other = staffMember("right password 11");
        for (int i = 0; i < 5; i++) {
            stranger.signIn(other, "wrong password " + i);
        }
        assertThat(own.signIn(other, "right password 11").status()).isEqualTo(429);
    }

    /**
     * A browser that keeps signing in stays known: each sign-in makes it known for 90 days from then. A review found
     * it known for 90 days from its first sign-in only, after which anyone knowing the email locked its owner out.
     */
    @Test
    void aBrowserThatKeepsSigningInStaysKnownPastNinetyDaysFromItsFirst() {
        String email = staffMember("right password 12");
        var own = browserFromAnotherAddress();
        assertThat(own.signIn(email, "right password 12").header("Location")).isEqualTo("/admin");
        // Sixty days pass for the browser's cookie (by its row's age: real time moved on by months would leave every
        // later test's idempotency keys, which child Tills write by the machine's clock, expired).
        ageKnownBrowser(own, Duration.ofDays(60));
        own.forgetAllBut("till_device");
        assertThat(own.signIn(email, "right password 12").header("Location")).isEqualTo("/admin");
        ageKnownBrowser(own, Duration.ofDays(60));
        own.forgetAllBut("till_device");

        var stranger = browserFromAnotherAddress();
        for (int i = 0; i < 5; i++) {
            stranger.signIn(email, "wrong password " + i);
        }
        assertThat(stranger.signIn(email, "right password 12").status()).isEqualTo(429);

        var again = own.signIn(email, "right password 12");
        assertThat(again.status()).isEqualTo(302);
        assertThat(again.header("Location")).isEqualTo("/admin");
    }

    private void ageKnownBrowser(RawBrowser browser, Duration by) {
        String token = browser.cookie("till_device");
        assertThat(token).as("the browser is known").isNotBlank();
        String hash;
        try {
            hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        assertThat(db.sql("UPDATE sign_in_devices SET created_at = created_at - CAST(:by AS interval) "
            + "WHERE token_hash = :hash").param("by", by.toSeconds() + " seconds").param("hash", hash).update())
            .isEqualTo(1);
    }

    @Test
    void movingTheSandboxTestClockLiftsNoLockout() {
        var browser = browserFromAnotherAddress();
        String email = staffMember("right password 7");
        for (int i = 0; i < 5; i++) {
            browser.signIn(email, "wrong password " + i);
        }

        clock.advance(Duration.ofDays(1));

        assertThat(browser.signIn(email, "right password 7").status()).isEqualTo(429);
    }

    @Test
    void anUnknownEmailGetsTheSameAnswersAsAKnownOne() {
        var known = tryTimes(staffMember("right password 3"), 7);
        var unknown = tryTimes("nobody-" + UUID.randomUUID() + "@till.test", 7);

        assertThat(unknown).isEqualTo(known).containsExactly("302", "302", "302", "302", "302", "429", "429");
    }

    @Test
    void theWindowSlidesWithTheClock() {
        var browser = browserFromAnotherAddress();
        String email = staffMember("right password 4");
        for (int i = 0; i < 3; i++) {
            browser.signIn(email, "early wrong " + i);
        }
        clock.passRealTime(Duration.ofMinutes(10));
        browser.signIn(email, "late wrong 1");
        browser.signIn(email, "late wrong 2");
        var refused = browser.signIn(email, "too many");
        Instant refusedAt = clock.instant();

        clock.passRealTime(Duration.ofSeconds(Long.parseLong(refused.header("Retry-After"))));
        var afterTheWait = browser.signIn(email, "right password 4");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(Duration.ofSeconds(Long.parseLong(refused.header("Retry-After"))))
            .as("until the three early failures leave the window").isEqualTo(Duration.ofMinutes(5));
        assertThat(afterTheWait.status()).as("signed in at %s", refusedAt).isEqualTo(302);
        assertThat(afterTheWait.header("Location")).isEqualTo("/admin");
    }

    /**
     * An IPv6 client holds a /64 and can take a new address from it for every request: its addresses count as one
     * (a probe could have a store send a sign-in email to every customer, each from a fresh address).
     */
    @Test
    void theAddressesOfOneIpv6NetworkCountAsOneClient() {
        var limits = new SignInThrottle.Limits("ipv6-test-" + UUID.randomUUID(), 100, 2);
        var answers = new ArrayList<Boolean>();
        for (int i = 1; i <= 3; i++) {
            answers.add(throttle.admit(limits, "buyer-" + i + "@till.test", "2001:db8:0:1::" + i).isEmpty());
        }

        assertThat(answers).containsExactly(true, true, false);
        assertThat(throttle.admit(limits, "buyer-4@till.test", "2001:db8:0:2::1")).as("another network").isEmpty();
        assertThat(SignInThrottle.client("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(SignInThrottle.client("192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(SignInThrottle.client("2001:db8:0:1:aaaa::9")).isEqualTo("20010db800000001::/64");
    }

    @Test
    void oneAddressTryingManyEmailsIsRefused() {
        var browser = browserFromAnotherAddress();
        var answers = new ArrayList<Integer>();
        for (int i = 0; i < 31; i++) {
            answers.add(browser.signIn("spray-" + i + "-" + UUID.randomUUID() + "@till.test", "password").status());
        }

        assertThat(answers.subList(0, 30)).containsOnly(302);
        assertThat(answers.get(30)).isEqualTo(429);
        assertThat(new RawBrowser(port).signIn("owner@till.test", "correct horse battery").status())
            .as("another address is not concerned").isEqualTo(302);
    }

    @Test
    void twentyConcurrentGuessesForOneEmailGetFiveChecksAtMost() throws Exception {
        String email = staffMember("right password 5");
        var browsers = new ArrayList<RawBrowser>();
        var forms = new ArrayList<String>();
        for (int i = 0; i < 20; i++) {
            var browser = browserFromAnotherAddress();
            forms.add("username=" + email + "&password=wrong" + i + "&_csrf="
                + RawBrowser.csrf(browser.get("/admin/login").body()));
            browsers.add(browser);
        }
        var start = new CountDownLatch(1);
        var answers = new ArrayList<Future<Integer>>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                var browser = browsers.get(i);
                String form = forms.get(i);
                answers.add(threads.submit(() -> {
                    start.await();
                    return browser.postForm("/admin/login", form).status();
                }));
            }
            start.countDown();
        }

        var statuses = new ArrayList<Integer>();
        for (var answer : answers) {
            statuses.add(answer.get());
        }
        assertThat(statuses).filteredOn(status -> status == 302).hasSize(5);
        assertThat(statuses).filteredOn(status -> status == 429).hasSize(15);
    }

    private List<String> tryTimes(String email, int times) {
        var browser = browserFromAnotherAddress();
        var answers = new ArrayList<String>();
        for (int i = 0; i < times; i++) {
            answers.add(String.valueOf(browser.signIn(email, "wrong password " + i).status()));
        }
        return answers;
    }

    /** A staff member of a fresh account, so that locking them out locks out nobody else. */
    @Test
    void guessingTheCurrentPasswordOnTheProfilePageIsThrottledLikeSigningIn() {
        var browser = browserFromAnotherAddress();
        String email = staffMember("right password 9");
        assertThat(browser.signIn(email, "right password 9").header("Location")).isEqualTo("/admin");
        String csrf = RawBrowser.csrf(browser.get("/admin/settings/profile").body());

        var answers = new ArrayList<String>();
        for (int i = 0; i < 6; i++) {
            browser.postForm("/admin/settings/profile/password", "current=guess+" + i
                + "&password=a+new+long+password&confirmation=a+new+long+password&_csrf=" + csrf);
            answers.add(browser.get("/admin/settings/profile").body());
        }
        browser.postForm("/admin/settings/profile/password",
            "current=right+password+9&password=a+new+long+password&confirmation=a+new+long+password&_csrf=" + csrf);

        assertThat(answers.subList(0, 5)).allSatisfy(page -> assertThat(page).contains("not right"));
        assertThat(answers.get(5)).contains("Too many wrong passwords");
        assertThat(browser.get("/admin/settings/profile").body()).contains("Too many wrong passwords");
        assertThat(passwords.matches("right password 9", db.sql(
            "SELECT password_hash FROM staff_users WHERE email = :email").param("email", email).query(String.class)
            .single())).as("the right password, while throttled, changed nothing").isTrue();
    }

    /**
     * A reviewer's: the right current password forgot the profile page's earlier wrong guesses only for the sign-in
     * form, so four wrong, one right and two more typos locked the member out of their own page for 15 minutes.
     */
    @Test
    void theRightPasswordOnTheProfilePageForgetsTheWrongGuessesBeforeIt() {
        var browser = browserFromAnotherAddress();
        String email = staffMember("right password 5");
        assertThat(browser.signIn(email, "right password 5").header("Location")).isEqualTo("/admin");
        String csrf = RawBrowser.csrf(browser.get("/admin/settings/profile").body());
        for (int i = 0; i < 4; i++) {
            browser.postForm("/admin/settings/profile/password", "current=guess+" + i
                + "&password=a+new+long+password&confirmation=a+new+long+password&_csrf=" + csrf);
            assertThat(browser.get("/admin/settings/profile").body()).contains("not right");
        }
        browser.postForm("/admin/settings/profile/password",
            "current=right+password+5&password=a+new+long+password&confirmation=a+new+long+password&_csrf=" + csrf);
        assertThat(browser.get("/admin/settings/profile").body()).contains("Password changed");

        var answers = new ArrayList<String>();
        for (int i = 0; i < 2; i++) {
            browser.postForm("/admin/settings/profile/password", "current=typo+" + i
                + "&password=another+long+password&confirmation=another+long+password&_csrf=" + csrf);
            answers.add(browser.get("/admin/settings/profile").body());
        }

        assertThat(answers).allSatisfy(page -> assertThat(page).contains("not right")
            .doesNotContain("Too many wrong passwords"));
    }

    /**
     * A stranger who knows a staff member's email cannot keep them from changing their password: wrong passwords at
     * the sign-in form count for the email, those on the profile page for the signed-in member. A review found five
     * bad sign-ins from anywhere refusing the member's own change, with the right current password, for 15 minutes.
     */
    @Test
    void wrongSignInsForAnEmailDoNotLockItsSignedInMemberOutOfChangingTheirPassword() {
        var member = browserFromAnotherAddress();
        String email = staffMember("right password 7");
        assertThat(member.signIn(email, "right password 7").header("Location")).isEqualTo("/admin");
        String csrf = RawBrowser.csrf(member.get("/admin/settings/profile").body());
        assertThat(tryTimes(email, 6)).contains("429");

        member.postForm("/admin/settings/profile/password",
            "current=right+password+7&password=a+new+long+password&confirmation=a+new+long+password&_csrf=" + csrf);

        assertThat(member.get("/admin/settings/profile").body()).contains("Password changed");
        assertThat(passwords.matches("a new long password", db.sql(
            "SELECT password_hash FROM staff_users WHERE email = :email").param("email", email).query(String.class)
            .single())).isTrue();
    }

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

    private RawBrowser browserFromAnotherAddress() {
        return RawBrowser.fromAnotherAddress(port);
    }
}
