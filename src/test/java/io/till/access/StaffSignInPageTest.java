package io.till.access;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.MutableClock;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Signing in and out as a staff member sees it in a browser: the lockout, the idle timeout, sign out everywhere. */
@TillIntegrationTest
class StaffSignInPageTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;
    @Autowired
    PasswordEncoder passwords;
    @Autowired
    MutableClock clock;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    @Test
    void signingOutEverywhereEndsTheSessionInAnotherBrowser() {
        var member = StaffBrowser.of(db, passwords, accounts.create().id());
        var laptop = member.signInWithTheForm(api, chromium.page(1280));
        var phone = member.signInWithTheForm(api, chromium.page(390));

        phone.navigate(api.uri("/admin/settings/profile").toString());
        Chromium.screenshot(phone, "staff-profile-390");
        laptop.navigate(api.uri("/admin/settings/profile").toString());
        Chromium.screenshot(laptop, "staff-profile-1280");
        laptop.getByRole(AriaRole.BUTTON, named("Sign out everywhere")).click();
        laptop.getByRole(AriaRole.DIALOG)
            .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Sign out everywhere"))
            .click();

        assertThat(laptop.locator("main")).containsText("You signed out everywhere");
        phone.navigate(api.uri("/admin/customers").toString());
        assertThat(phone.getByRole(AriaRole.BUTTON, named("Sign in"))).isVisible();
        assertThat(phone.locator("main")).containsText("Your session ended");
    }

    @Test
    void anIdleSessionEndsWithAMessageOnTheSignInPage() {
        var member = StaffBrowser.of(db, passwords, accounts.create().id());
        var page = member.signIn(api, chromium.page(390));

        clock.passRealTime(Duration.ofMinutes(31));
        page.navigate(api.uri("/admin/customers").toString());

        assertThat(page.locator("main")).containsText("You were signed out after 30 minutes of inactivity.");
        Chromium.screenshot(page, "staff-signed-out-idle-390");
    }

    @Test
    void aLockedOutEmailIsToldWhenToTryAgainAndSignsInOnceTheLockEnds() {
        var member = StaffBrowser.of(db, passwords, accounts.create().id());
        var page = chromium.page(1280);
        for (int i = 0; i < 5; i++) {
            signIn(page, member.email(), "wrong password " + i);
            assertThat(page.locator("main")).containsText("That email and password do not match.");
        }

        signIn(page, member.email(), member.password());
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("Too many sign-in attempts. Try again in 15 minutes");
        Chromium.screenshot(page, "staff-locked-out-1280");
        page.setViewportSize(390, 844);
        Chromium.screenshot(page, "staff-locked-out-390");

        clock.passRealTime(Duration.ofMinutes(15));
        member.signIn(api, page);
    }

    @Test
    void aWrongPasswordKeepsTheEmailTypedAndAsksForThePasswordAgain() {
        var member = StaffBrowser.of(db, passwords, accounts.create().id());
        var page = chromium.page(390);

        signIn(page, member.email(), "not the password");

        assertThat(page.getByRole(AriaRole.ALERT)).hasText("Sign-in failed. That email and password do not match.");
        assertThat(page.getByLabel("Email")).hasValue(member.email());
        assertThat(page.getByLabel("Password")).hasValue("");
        assertThat(page.getByLabel("Password")).isFocused();
        Chromium.screenshot(page, "staff-sign-in-failed-390");
        page.setViewportSize(1280, 800);
        Chromium.screenshot(page, "staff-sign-in-failed-1280");

        page.getByLabel("Password").fill(member.password());
        page.getByRole(AriaRole.BUTTON, named("Sign in")).click();
        assertThat(page.getByRole(AriaRole.HEADING, named("Customers"))).isVisible();
    }

    private void signIn(Page page, String email, String password) {
        page.navigate(api.uri("/admin/login").toString());
        page.getByLabel("Email").fill(email);
        page.getByLabel("Password").fill(password);
        page.getByRole(AriaRole.BUTTON, named("Sign in")).click();
    }

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }
}
