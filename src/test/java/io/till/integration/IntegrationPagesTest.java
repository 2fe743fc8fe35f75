package io.till.integration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Settings › Integrations in a real browser, against a Twilio-speaking WireMock peer. */
@TillIntegrationTest
class IntegrationPagesTest {

    static final String SID = "AC0123456789abcdef0123456789abcdef";
    static final String TOKEN = "twilio-token-0c7e5d3f9a";

    private static Chromium chromium;
    private final WireMockServer twilio = new WireMockServer(options().dynamicPort());

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

    @BeforeEach
    void start() {
        twilio.start();
    }

    @AfterEach
    void stop() {
        twilio.stop();
    }

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    @Test
    void anEditLeavingTheSecretBlankKeepsItAndTestConnectionShowsTheOutcome() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280), "/admin/settings");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(java.util.regex.Pattern.compile(
            "^Integrations"))).click();
        page.getByRole(AriaRole.LINK, named("Connect Twilio (SMS)")).click();
        page.getByLabel("Account SID").fill(SID);
        page.getByLabel("Auth token").fill(TOKEN);
        page.getByLabel("From number").fill("+14155550100");
        page.getByLabel("API base URL (optional)").fill(twilio.baseUrl());
        Chromium.screenshot(page, "settings-integration-new-1280");
        page.getByRole(AriaRole.BUTTON, named("Connect")).click();
        assertThat(page.locator(".flash")).hasText("Twilio (SMS) connected.");
        assertThat(page.locator("#integration-twilio")).containsText("connected");

        // Editing shows that a token is stored, never the token or any part of it.
        page.getByRole(AriaRole.LINK, named("Edit Twilio (SMS)")).click();
        assertThat(page.getByLabel("Auth token")).hasValue("");
        assertThat(page.locator("#auth_token-hint")).hasText("An auth token is saved. Leave this empty to keep it, "
            + "or type a new one to replace it.");
        // Not its last letters either (the page's own, in main: the signed-in staff member's random email once
        // ended in them).
        assertThat(page.content()).doesNotContain(TOKEN);
        assertThat(page.locator("main").innerHTML()).doesNotContain("3f9a");
        page.getByLabel("From number").fill("+14155550199");
        page.getByRole(AriaRole.BUTTON, named("Save")).click();
        assertThat(page.locator(".flash")).hasText("Twilio (SMS) saved.");
        var saved = api.get("/api/v1/integrations/twilio", account.apiKey()).json().get("config");
        assertThat(saved.get("from_number").asString()).isEqualTo("+14155550199");
        assertThat(saved.get("auth_token").asString()).isEqualTo("••••3f9a");

        // The peer takes only the token typed at first: the blank edit kept it.
        String basic = "Basic " + Base64.getEncoder().encodeToString((SID + ":" + TOKEN).getBytes());
        twilio.stubFor(get(urlEqualTo("/2010-04-01/Accounts/" + SID + ".json"))
            .withHeader("Authorization", equalTo(basic))
            .willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"sid\": \"" + SID + "\", \"status\": \"active\"}")));
        page.getByRole(AriaRole.BUTTON, named("Test connection to Twilio (SMS)")).click();
        assertThat(page.locator("#integration-twilio .test-result")).hasText("Connection works: signed in to "
            + "account " + SID);
        Chromium.screenshot(page, "settings-integrations-tested-1280");

        twilio.resetAll();
        twilio.stubFor(get(urlEqualTo("/2010-04-01/Accounts/" + SID + ".json"))
            .willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\": 20003, \"message\": \"Authenticate peer-words\", \"status\": 401}")));
        page.getByRole(AriaRole.BUTTON, named("Test connection to Twilio (SMS)")).click();
        assertThat(page.locator("#integration-twilio .test-result"))
            .hasText("Connection failed: The server refused the credentials.");
        assertThat(page.locator("main")).not().containsText("peer-words");

        page.getByRole(AriaRole.BUTTON, named("Disconnect Twilio (SMS)")).click();
        page.getByRole(AriaRole.DIALOG)
            .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Disconnect"))
            .click();
        assertThat(page.locator("#integration-twilio")).containsText("Not connected");
        assertThat(api.get("/api/v1/integrations/twilio", account.apiKey()).status()).isEqualTo(404);
    }

    @Test
    void slackOffersNoConnectionTestButSaysWhyInsteadOfFailingOne() {
        var account = accounts.create();
        var saved = api.post("/api/v1/integrations", account.apiKey(),
            """
                {"type": "slack", "config": {"webhook_url": "https://hooks.slack.com/services/T0123ABC/B0456DEF/abc123"}}""");
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280),
            "/admin/settings/integrations");

        var slack = page.locator("#integration-slack");
        assertThat(slack).containsText("connected");
        assertThat(slack.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(
            "Test connection to Slack"))).hasCount(0);
        assertThat(slack).containsText("Slack cannot be checked without posting to its channel");
        assertThat(slack.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Edit Slack"))).hasCount(1);
    }

    /**
     * A host with a space is refused beside the Host field, by the API's rule; once saved, the password's hint says
     * what leaving it empty does: the saved one is kept, and removing it takes disconnecting.
     */
    @Test
    void anImpossibleSmtpHostIsRefusedBesideItAndThePasswordHintSaysAnEmptyFieldKeepsTheSavedOne() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(390),
            "/admin/settings/integrations/smtp");
        assertThat(page.getByLabel("Require STARTTLS")).isChecked();
        assertThat(page.locator("#starttls-hint")).containsText("without it the password and every email cross the "
            + "network in clear");
        page.getByLabel("Host").fill("smtp example.com");
        page.getByLabel("Port").fill("587");
        page.getByLabel("User name (optional)").fill("till");
        page.getByLabel("Password (optional)").fill("smtp-secret-Zq81xK");
        page.getByLabel("From email").fill("shop@shop.test");
        page.getByRole(AriaRole.BUTTON, named("Connect")).click();

        assertThat(page.getByRole(AriaRole.ALERT)).containsText("Nothing was saved");
        assertThat(page.locator("#host-error")).hasText("must be a host name such as smtp.example.com (letters, "
            + "digits, hyphens and dots, no spaces) or an IP address");
        assertThat(page.getByLabel("Host")).hasAttribute("aria-invalid", "true");
        assertThat(page.getByLabel("Host")).hasValue("smtp example.com");
        assertThat(api.get("/api/v1/integrations/smtp", account.apiKey()).status()).isEqualTo(404);
        Chromium.screenshot(page, "settings-integration-host-error-390");

        page.getByLabel("Host").fill("smtp.example.com");
        page.getByLabel("Password (optional)").fill("smtp-secret-Zq81xK");
        page.getByRole(AriaRole.BUTTON, named("Connect")).click();
        assertThat(page.locator(".flash")).hasText("SMTP (email) connected.");
        page.navigate(api.uri("/admin/settings/integrations/smtp").toString());
        assertThat(page.locator("#password-hint")).hasText("A password is saved. Leave this empty to keep it, or "
            + "type a new one to replace it. To remove it, disconnect SMTP (email) and connect it again.");
        Chromium.screenshot(page, "settings-integration-smtp-edit-390");
        page.getByRole(AriaRole.BUTTON, named("Save")).click();
        assertThat(api.get("/api/v1/integrations/smtp", account.apiKey()).json().get("config").get("password")
            .asString()).isEqualTo("••••81xK");
        assertThat(api.get("/api/v1/integrations/smtp", account.apiKey()).json().get("config").get("starttls")
            .asBoolean()).isTrue();

        // smtp.example.com does not resolve here: the test fails, and the status beside it says so too.
        page.navigate(api.uri("/admin/settings/integrations").toString());
        page.getByRole(AriaRole.BUTTON, named("Test connection to SMTP (email)")).click();
        assertThat(page.locator("#integration-smtp .test-result")).containsText("Connection failed");
        assertThat(page.locator("#integration-smtp .pill")).hasText("not working");
    }

    @Test
    void aBadFieldIsNamedNextToItsInputAndATypedSecretIsNotSentBack() {
        var account = accounts.create();
        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(390),
            "/admin/settings/integrations/smtp");
        page.getByLabel("Host").fill("smtp.shop.test");
        page.getByLabel("Port").fill("70000");
        page.getByLabel("User name (optional)").fill("till");
        page.getByLabel("Password (optional)").fill("smtp-secret-Zq81xK");
        page.getByLabel("From email").fill("shop@shop.test");
        page.getByRole(AriaRole.BUTTON, named("Connect")).click();

        assertThat(page.getByRole(AriaRole.ALERT)).containsText("Nothing was saved");
        assertThat(page.locator("#port-error")).containsText("must be a port number");
        assertThat(page.getByLabel("Host")).hasValue("smtp.shop.test");
        assertThat(page.getByLabel("Password (optional)")).hasValue("");
        assertThat(page.content()).doesNotContain("smtp-secret-Zq81xK");
        assertThat(api.get("/api/v1/integrations/smtp", account.apiKey()).status()).isEqualTo(404);
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(page, "settings-integration-errors-390");
        page.navigate(api.uri("/admin/settings/integrations").toString());
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(page, "settings-integrations-390");
    }
}
