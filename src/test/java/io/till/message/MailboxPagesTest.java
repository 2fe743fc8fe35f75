package io.till.message;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.automation.AutomationAgenda;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/** The dev mailbox in the dashboard: what an automation "sent", an email rendered safely and as text, and an SMS. */
@TillIntegrationTest
class MailboxPagesTest {

    private static Chromium chromium;

    /** Stands for any other site an email's HTML could reach for: it must never be asked for anything. */
    private final WireMockServer elsewhere = new WireMockServer(options().dynamicPort());

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;
    @Autowired
    PasswordEncoder passwords;
    @Autowired
    AutomationAgenda agenda;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    @BeforeEach
    void start() {
        elsewhere.start();
        elsewhere.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200)));
    }

    @AfterEach
    void stop() {
        elsewhere.stop();
    }

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    private String created(Api.Response response) {
        assertThat(response.status()).as(response.text()).isIn(200, 201);
        return response.json().get("id").asString();
    }

    /** An automation that emails (HTML with a script and a remote image) and texts the customer, run once. */
    private void sendBoth(TestAccounts.TestAccount account) {
        String customer = created(api.post("/api/v1/customers", account.apiKey(), """
            {"name": "Ada Lovelace", "email": "ada@example.com"}"""));
        String html = ("<p>Your order <b id='order'>shipped</b>.</p>"
            + "<script>parent.document.title = 'ran'; document.title = 'ran'</script>"
            + "<img src='http://127.0.0.1:%d/pixel.png' alt='pixel'>").formatted(elsewhere.port());
        String automation = created(api.post("/api/v1/automations", account.apiKey(), """
            {"name": "Shipping notice", "trigger": {"type": "manual"},
             "steps": [{"id": "mail", "type": "action", "action": "send_email",
                        "params": {"to": "{{customer.email}}", "subject": "Your order shipped",
                                   "html": "%s", "text": "Your order shipped."}},
                       {"id": "sms", "type": "action", "action": "send_sms",
                        "params": {"to": "+447700900123", "text": "Your order shipped, Ada"}}]}"""
            .formatted(html.replace("\"", "\\\""))));
        assertThat(api.post("/api/v1/automations/" + automation + "/activate", account.apiKey(), null).status())
            .isEqualTo(200);
        created(api.post("/api/v1/automations/" + automation + "/run", account.apiKey(), """
            {"customer_id": "%s"}""".formatted(customer)));
        agenda.runDue();
    }

    @Test
    void showsAnAutomationsEmailAsHtmlThatRunsNothingAndAsTextAndItsSms() {
        var account = accounts.create();
        sendBoth(account);
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280));

        page.navigate(api.uri("/admin/developers").toString());
        page.getByRole(AriaRole.LINK, named("Mailbox")).click();
        assertThat(page.getByRole(AriaRole.HEADING, named("Dev mailbox"))).isVisible();
        assertThat(page.locator("table.list tbody tr")).hasCount(2);
        Chromium.screenshot(page, "dashboard-mailbox-1280");

        page.getByRole(AriaRole.LINK, named("Your order shipped")).click();
        assertThat(page.getByRole(AriaRole.HEADING, named("Your order shipped"))).isVisible();
        assertThat(page.locator(".facts")).containsText("ada@example.com");
        var email = page.frameLocator("iframe.message-frame");
        assertThat(email.locator("#order")).hasText("shipped");
        assertThat(page.locator("pre.message-text")).containsText("Your order shipped.");
        assertThat(page).hasTitle("Message · Till");
        var frame = page.frames().stream().filter(f -> f.url().endsWith("/html")).findFirst().orElseThrow();
        assertThat(frame.title()).as("the email's script did not run").isNotEqualTo("ran");
        Chromium.screenshot(page, "dashboard-mailbox-email-1280");
        elsewhere.verify(0, anyRequestedFor(anyUrl()));

        // Opened on its own, the email still runs in no origin and may load nothing from elsewhere.
        String src = page.locator("iframe.message-frame").getAttribute("src");
        assertThat(api.get(src, null).text()).as("without a staff session").doesNotContain("shipped");
        var html = page.request().get(api.uri(src).toString());
        assertThat(html.headers().get("content-security-policy")).contains("sandbox").contains("default-src 'none'")
            .contains("frame-ancestors 'self'");

        page.navigate(api.uri("/admin/developers/mailbox").toString());
        page.getByRole(AriaRole.LINK, named("Your order shipped, Ada")).click();
        assertThat(page.getByRole(AriaRole.HEADING, named("SMS to +447700900123"))).isVisible();
        assertThat(page.locator("pre.message-text")).hasText("Your order shipped, Ada");
        assertThat(page.locator("iframe")).hasCount(0);

        var phone = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(390),
            "/admin/developers/mailbox");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(phone, "dashboard-mailbox-390");
        phone.getByRole(AriaRole.LINK, named("Your order shipped")).click();
        assertThat(phone.frameLocator("iframe.message-frame").locator("#order")).hasText("shipped");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(phone, "dashboard-mailbox-email-390");
        // The email itself, as a phone's mail app shows it, the whole width of the screen: it shrinks to fit.
        phone.navigate(api.uri(src).toString());
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("the email on a phone")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(phone, "email-alone-390");
        elsewhere.verify(0, anyRequestedFor(anyUrl()));

        page.navigate(api.uri("/admin/developers/mailbox").toString());
        page.getByRole(AriaRole.BUTTON, named("Delete all messages")).click();
        page.getByRole(AriaRole.DIALOG)
            .getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Delete all"))
            .click();
        assertThat(page.locator(".flash")).hasText("2 messages deleted.");
        assertThat(page.locator("main")).containsText("No messages yet.");
    }

    /**
     * A link in an email opens in a new tab, as from a mail client, not inside the preview's frame, where a page that
     * may not be framed (the portal) would show broken; a web address in the text version is a link too.
     */
    @Test
    void aLinkInAnEmailOpensItsPageInANewTabAndTheTextVersionsAddressIsALink() {
        var account = accounts.create();
        String customer = created(api.post("/api/v1/customers", account.apiKey(), """
            {"name": "Ada Lovelace", "email": "ada@example.com"}"""));
        String portal = api.uri("/portal/" + account.id()).toString();
        String automation = created(api.post("/api/v1/automations", account.apiKey(), """
            {"name": "Portal link", "trigger": {"type": "manual"},
             "steps": [{"id": "mail", "type": "action", "action": "send_email",
                        "params": {"to": "{{customer.email}}", "subject": "Your account",
                                   "html": "<p><a id='go' href='%s'>Open your account</a></p>",
                                   "text": "Open your account: %s."}}]}""".formatted(portal, portal)));
        assertThat(api.post("/api/v1/automations/" + automation + "/activate", account.apiKey(), null).status())
            .isEqualTo(200);
        created(api.post("/api/v1/automations/" + automation + "/run", account.apiKey(), """
            {"customer_id": "%s"}""".formatted(customer)));
        agenda.runDue();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280),
            "/admin/developers/mailbox");
        page.getByRole(AriaRole.LINK, named("Your account")).click();

        var opened = page.waitForPopup(() -> page.frameLocator("iframe.message-frame").locator("#go").click());

        opened.waitForLoadState();
        assertThat(opened).hasURL(portal);
        assertThat(opened.locator("h1")).isVisible();
        assertThat(page).hasTitle("Message · Till");
        var linked = page.locator("pre.message-text a");
        assertThat(linked).hasText(portal);
        assertThat(linked).hasAttribute("href", portal);
        assertThat(page.locator("pre.message-text")).containsText("Open your account: " + portal + ".");
        opened.close();
    }

    @Test
    void anotherAccountsMessageIsNotFound() {
        var other = accounts.create();
        sendBoth(other);
        String theirs = api.get("/api/v1/dev/mailbox", other.apiKey()).json().get("data").get(0).get("id").asString();
        var page = StaffBrowser.of(db, passwords, accounts.create().id()).signIn(api, chromium.page(1280));

        assertThat(page.navigate(api.uri("/admin/developers/mailbox/" + theirs).toString()).status()).isEqualTo(404);
        assertThat(page.getByRole(AriaRole.HEADING, named("We couldn't find that"))).isVisible();
        assertThat(page.navigate(api.uri("/admin/developers/mailbox/" + theirs + "/html").toString()).status())
            .isEqualTo(404);
        assertThat(page.content()).doesNotContain("shipped");
    }
}
