package io.till.access;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Inviting a colleague in a real browser: the owner sends the invitation, the email arrives through a real SMTP server
 * (GreenMail), its link lets the colleague choose a password and signs them in as staff; the link works once and
 * for seven days.
 */
@TillIntegrationTest
class StaffInvitePageTest {

    private static final String SMTP_PASSWORD = "smtp-pass-st4ff";
    private static final Pattern LINK = Pattern.compile("http\\S*/admin/invites/[a-z0-9]+");

    @RegisterExtension
    static GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
        .withConfiguration(GreenMailConfiguration.aConfig().withUser("shop@shop.test", "till", SMTP_PASSWORD));

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;
    @Autowired
    PasswordEncoder passwords;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    @Test
    void anInvitedColleagueChoosesAPasswordAndIsSignedInAsStaffOnALaptop() throws Exception {
        inviteJourney(1280);
    }

    @Test
    void anInvitedColleagueChoosesAPasswordAndIsSignedInAsStaffOnAPhone() throws Exception {
        inviteJourney(390);
    }

    private void inviteJourney(int width) throws Exception {
        var account = accountWithMail();
        // On the phone, the store is branded: the page names it as the email does, by the branding's name.
        String store = width < 600 ? "Lumen Yoga" : "Test store";
        if (width < 600) {
            api.send("PUT", "/api/v1/account/branding", account.apiKey(), "{\"company_name\": \"Lumen Yoga\"}",
                java.util.List.of("Content-Type", "application/json"));
        }
        var owner = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(width));
        String colleague = "grace-" + UUID.randomUUID() + "@example.com";

        owner.navigate(api.uri("/admin/settings/staff").toString());
        Chromium.screenshot(owner, "staff-owner-" + width);
        assertNoSidewaysScroll(owner, width);
        owner.getByLabel("Email", new Page.GetByLabelOptions().setExact(true)).fill(colleague);
        owner.getByLabel("Role", new Page.GetByLabelOptions().setExact(true)).selectOption("staff");
        owner.getByRole(AriaRole.BUTTON, named("Send invitation")).click();
        assertThat(owner.locator(".flash")).containsText("Invitation sent to " + colleague);
        assertThat(owner.locator("main")).containsText("pending");
        Chromium.screenshot(owner, "staff-invited-" + width);

        String link = invitationLink(colleague, store);
        var page = chromium.page(width);
        page.navigate(link);
        assertThat(page.getByRole(AriaRole.HEADING, named("Join " + store))).isVisible();
        assertThat(page.locator("main")).containsText(colleague);
        Chromium.screenshot(page, "staff-invite-" + width);
        assertNoSidewaysScroll(page, width);
        page.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill("grace's own password");
        page.getByLabel("Password again").fill("grace's own password");
        page.getByRole(AriaRole.BUTTON, named("Join and sign in")).click();

        assertThat(page.getByRole(AriaRole.HEADING, named("Customers"))).isVisible();
        page.navigate(api.uri("/admin/developers/api-keys").toString());
        assertThat(page.locator("main")).containsText("Only an owner can create or revoke API keys");
        assertThat(page.getByRole(AriaRole.BUTTON, named("Create API key"))).hasCount(0);
        page.navigate(api.uri("/admin/settings/integrations").toString());
        assertThat(page.getByRole(AriaRole.HEADING, named("Only an owner can do this"))).isVisible();
        Chromium.screenshot(page, "staff-forbidden-" + width);
        assertThat(db.sql("SELECT role FROM staff_users WHERE lower(email) = lower(:email)")
            .param("email", colleague).query(String.class).single()).isEqualTo("staff");

        var again = chromium.page(width);
        var answer = again.navigate(link);
        assertThat(answer.status()).isEqualTo(410);
        assertThat(again.getByRole(AriaRole.HEADING, named("This invitation no longer works"))).isVisible();
        Chromium.screenshot(again, "staff-invite-used-" + width);
    }

    @Test
    void anExpiredInvitationIsRefusedEvenFromAPageOpenedInTime() throws Exception {
        var account = accountWithMail();
        var ownerMember = StaffBrowser.of(db, passwords, account.id());
        var owner = ownerMember.signIn(api, chromium.page(1280));
        String colleague = "late-" + UUID.randomUUID() + "@example.com";
        owner.navigate(api.uri("/admin/settings/staff").toString());
        owner.getByLabel("Email", new Page.GetByLabelOptions().setExact(true)).fill(colleague);
        owner.getByRole(AriaRole.BUTTON, named("Send invitation")).click();
        assertThat(owner.locator(".flash")).containsText("Invitation sent");
        String link = invitationLink(colleague);

        var page = chromium.page(1280);
        page.navigate(link);
        // A week passes for the invitation. Its timestamps move back rather than the clock forward: a week of the test
        // clock's real time would also age every lease and key that other tests' child Tills write in real time.
        db.sql("""
            UPDATE staff_invites SET created_at = created_at - interval '7 days 1 minute',
                                     expires_at = expires_at - interval '7 days 1 minute'
             WHERE lower(email) = lower(:email)
            """).param("email", colleague).update();
        page.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill("a password in time");
        page.getByLabel("Password again").fill("a password in time");
        page.getByRole(AriaRole.BUTTON, named("Join and sign in")).click();

        assertThat(page.getByRole(AriaRole.HEADING, named("This invitation no longer works"))).isVisible();
        assertThat(chromium.page(1280).navigate(link).status()).isEqualTo(410);
        assertThat(db.sql("SELECT count(*) FROM staff_users WHERE lower(email) = lower(:email)")
            .param("email", colleague).query(Long.class).single()).isZero();
        // The owner sees the invitation expired.
        var later = ownerMember.signIn(api, chromium.page(1280), "/admin/settings/staff");
        assertThat(later.locator("main")).containsText("expired");
    }

    @Test
    void aRevokedInvitationAndAShortPasswordAreRefusedWithTheReason() throws Exception {
        var account = accountWithMail();
        var owner = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280));
        String colleague = "revoked-" + UUID.randomUUID() + "@example.com";
        owner.navigate(api.uri("/admin/settings/staff").toString());
        owner.getByLabel("Email", new Page.GetByLabelOptions().setExact(true)).fill(colleague);
        owner.getByRole(AriaRole.BUTTON, named("Send invitation")).click();
        String link = invitationLink(colleague);

        var page = chromium.page(1280);
        page.navigate(link);
        page.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill("short");
        page.getByLabel("Password again").fill("short");
        // The browser's own minlength check would stop the form: the server's rule is what is tested here.
        page.locator("form").evaluate("form => form.noValidate = true");
        page.getByRole(AriaRole.BUTTON, named("Join and sign in")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("The password must be at least 8 characters long.");

        owner.getByRole(AriaRole.BUTTON, named("Revoke the invitation to " + colleague)).click();
        owner.getByRole(AriaRole.DIALOG)
            .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke invitation"))
            .click();
        assertThat(owner.locator(".flash")).containsText("Invitation revoked");
        assertThat(chromium.page(1280).navigate(link).status()).isEqualTo(410);
    }

    private TestAccounts.TestAccount accountWithMail() {
        var account = accounts.create();
        var smtp = api.post("/api/v1/integrations", account.apiKey(), """
            {"type": "smtp", "config": {"host": "127.0.0.1", "port": %d, "username": "till", "password": "%s",
             "starttls": false, "from_email": "shop@shop.test"}}""".formatted(mail.getSmtp().getPort(), SMTP_PASSWORD));
        org.assertj.core.api.Assertions.assertThat(smtp.status()).as(smtp.text()).isIn(200, 201);
        return account;
    }

    private String invitationLink(String to) throws Exception {
        return invitationLink(to, "Test store");
    }

    private String invitationLink(String to, String store) throws Exception {
        org.assertj.core.api.Assertions.assertThat(mail.waitForIncomingEmail(10_000, 1)).isTrue();
        for (MimeMessage message : mail.getReceivedMessages()) {
            if (message.getAllRecipients()[0].toString().equals(to)) {
                org.assertj.core.api.Assertions.assertThat(message.getSubject()).isEqualTo("Join " + store
                    + " on Till");
                var matcher = LINK.matcher(plainText(message));
                org.assertj.core.api.Assertions.assertThat(matcher.find()).isTrue();
                return matcher.group();
            }
        }
        throw new AssertionError("no invitation to " + to);
    }

    private static String plainText(Part part) throws Exception {
        if (part.getContent() instanceof Multipart multipart) {
            var text = new StringBuilder();
            for (int i = 0; i < multipart.getCount(); i++) {
                text.append(plainText(multipart.getBodyPart(i)));
            }
            return text.toString();
        }
        return part.isMimeType("text/plain") ? part.getContent().toString() : "";
    }

    private static void assertNoSidewaysScroll(Page page, int width) {
        org.assertj.core.api.Assertions
            .assertThat(((Number) page.evaluate("document.documentElement.scrollWidth")).intValue())
            .isLessThanOrEqualTo(width);
    }

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }
}
