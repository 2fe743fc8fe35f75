package io.till.automation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.LoadState;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.ClockDatabase;
import io.till.testing.Shops;
import io.till.testing.StaffBrowser;
import io.till.testing.TillIntegrationTest;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Seed 002's acceptance, tried as a new seller would in the dashboard: the Payment Dunning Workflow from the gallery,
 * its wait changed in the builder (the JSON following), tested on a real failed invoice, activated; the test clock
 * moved until a real run has done every step, whose timeline shows them all; a run that failed at a webhook retried
 * from that step; and the recovery report. Its own database: the clock moves by weeks.
 */
@TillIntegrationTest
@ClockDatabase
class AutomationJourneyTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    JdbcClient db;
    @Autowired
    PasswordEncoder passwords;

    private final WireMockServer team = new WireMockServer(options().dynamicPort());

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    @BeforeEach
    void startPeer() {
        team.start();
    }

    @AfterEach
    void stopPeer() {
        team.stop();
    }

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    private static void confirm(Page page, String question, String button) {
        var dialog = page.getByRole(AriaRole.DIALOG);
        assertThat(dialog).containsText(question);
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(button).setExact(true)).click();
    }

    /** Moves the sandbox clock as the dashboard's test clock does, then lets the automation workers catch up. */
    private void advance(Shops.Shop shop, String by) {
        assertThat(shops.advance(shop, by).status()).isEqualTo(200);
        agenda.runDue();
    }

    /**
     * Changes the first wait of the open automation in the builder's form, sees the JSON follow, and saves a new
     * draft.
     */
    private static void changeTheFirstWait(Page page, String from, String to, String kept) {
        page.getByRole(AriaRole.LINK, named("Builder")).click();
        page.waitForLoadState(LoadState.LOAD);
        var wait = page.getByLabel("Wait for (5 days, 2 hours, 1 day 12 hours)").first();
        assertThat(wait).hasValue(from);
        wait.fill(to);
        assertThat(page.locator("#builder-json")).containsText("\"duration\" : \"" + kept + "\"");
        assertThat(page.locator(".bld-save h2")).hasText("Ready to save");
        page.getByRole(AriaRole.BUTTON, named("Save as a new draft")).click();
        assertThat(page.locator("p.flash")).containsText("Saved as version 2");
        page.getByRole(AriaRole.LINK, named("Steps")).click();
    }

    @Test
    void aSellerCreatesTestsAndActivatesPaymentDunningThenFollowsARunAndRetriesAFailedOne() {
        var shop = shops.open();
        // A customer whose payment already failed: the one to test on.
        shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        advance(shop, "P14DT1H");

        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280));
        page.getByRole(AriaRole.NAVIGATION, named("Dashboard")).getByRole(AriaRole.LINK,
            new Locator.GetByRoleOptions().setName("Automations").setExact(true)).click();
        page.getByRole(AriaRole.LINK, named("Browse the templates")).click();
        page.getByRole(AriaRole.BUTTON, named("Use the Payment Dunning template")).click();
        assertThat(page.locator("p.flash")).containsText("Draft created from the Payment Dunning template");
        String automation = page.url().substring(page.url().lastIndexOf('/') + 1);

        changeTheFirstWait(page, "3 days", "5 days", "P5D");
        assertThat(page.locator(".aut-steps")).containsText("Wait 5 days");

        // Test the new draft on Ada's real failed payment: nothing is sent, no run is recorded.
        page.getByRole(AriaRole.LINK, named("Test")).click();
        page.locator("#test-customers").getByRole(AriaRole.LINK).filter(new Locator.FilterOptions().setHasText(
            "ada@example.com")).click();
        assertThat(page.getByLabel("Version")).hasValue("2");
        assertThat(page.getByLabel(Pattern.compile("Their payment\\.failed of"))).isChecked();
        page.getByRole(AriaRole.BUTTON, named("Run the test")).click();
        var tested = page.locator("#test-result");
        assertThat(tested).containsText("Version 2 would run to the end.");
        assertThat(tested).containsText("Hi Buyer, your payment of $19.00 for Membership did not go through.");
        assertThat(tested).containsText("Wait 5 days");
        Chromium.screenshot(page, "journey-test-1280");
        assertThat(db.sql("SELECT count(*) FROM executions WHERE account_id = :a").param("a", shop.accountId())
            .query(Integer.class).single()).isZero();

        // Activate it.
        page.waitForLoadState(LoadState.LOAD);
        page.getByRole(AriaRole.BUTTON, named("Activate version 2")).click();
        confirm(page, "Activate version 2?", "Activate");
        assertThat(page.locator("p.flash")).containsText("Version 2 is active");

        // A new customer's payment fails; the clock moves through the whole sequence.
        shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "grace@example.com");
        advance(shop, "P14DT1H");
        advance(shop, "P5D");
        advance(shop, "P7D");

        page.getByRole(AriaRole.NAVIGATION, named("Dashboard")).getByRole(AriaRole.LINK,
            new Locator.GetByRoleOptions().setName("Executions").setExact(true)).click();
        var runRow = page.locator("tbody tr", new Page.LocatorOptions().setHasText("Payment Dunning"));
        assertThat(runRow).hasCount(1);
        assertThat(runRow).containsText("succeeded");
        runRow.getByRole(AriaRole.LINK).first().click();
        assertThat(page.getByRole(AriaRole.HEADING, named("Payment Dunning · run"))).isVisible();
        var steps = page.locator("ol.timeline > li .step-name strong");
        // Each step says what it does as the automation's page draws it, beside its id; a wait is one line.
        assertThat(steps).hasText(new String[]{"Send email", "Wait 5 days", "If Invoice · Status is “issued” (open)",
                "Retry payment", "If Step “retry” · Status is “declined”", "Send email", "Wait 7 days",
                "If Invoice · Status is “issued” (open)", "Send email", "Create task"});
        assertThat(page.locator("ol.timeline > li .step-name .muted")).hasText(new String[]{"· gentle · attempt 1",
                "· wait", "· still_unpaid", "· retry · attempt 1", "· retry_failed", "· urgent · attempt 1",
                "· wait_more", "· final_check", "· final_notice · attempt 1", "· task · attempt 1"});
        assertThat(page.locator("ol.timeline")).containsText("Took the “then” path");
        // The run succeeded, and says the money did not come: the invoice it is about, as it stands now.
        assertThat(page.locator(".run-invoice")).containsText("$19.00 · still unpaid");
        assertThat(page.locator("header:has(#run-facts) .pill")).hasText(new String[]{"succeeded", "invoice unpaid"});
        // An email reads as the buyer got it, and opens in the dev mailbox.
        var gentle = page.locator("ol.timeline > li").first();
        assertThat(gentle.locator(".aut-outcome-facts")).containsText("grace@example.com");
        assertThat(gentle.locator(".aut-outcome-facts")).containsText("We couldn't process your payment");
        assertThat(gentle.locator(".aut-outcome-text")).containsText("/portal/");
        assertThat(gentle.getByText("Open it in the dev mailbox")).isVisible();
        // The task it made is about Grace, named as staff know her, not by her id.
        var task = page.locator("ol.timeline > li").last().locator(".aut-outcome-facts");
        assertThat(task).containsText("Buyer");
        assertThat(task).not().containsText("cus_");
        Chromium.screenshot(page, "journey-run-1280");

        // A run that fails at a webhook is retried from that step once the peer is back.
        team.stubFor(post(urlEqualTo("/hooks/team")).willReturn(aResponse().withStatus(500)));
        var created = api.post("/api/v1/automations", shop.apiKey(), """
            {"name": "Tell the team", "trigger": {"type": "manual"},
             "steps": [{"id": "notify", "type": "action", "action": "send_slack",
                        "params": {"webhook_url": "%s", "text": "A payment failed"},
                        "retry": {"attempts": 1, "backoff": "PT1M", "cap": "PT1M"}}]}"""
            .formatted(team.baseUrl() + "/hooks/team"));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String notify = created.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + notify + "/activate", shop.apiKey(), null).status())
            .isEqualTo(200);
        String failed = api.post("/api/v1/automations/" + notify + "/run", shop.apiKey(), null).json().get("id")
            .asString();
        agenda.runDue();
        page.navigate(api.uri("/admin/executions?status=failed").toString());
        page.getByRole(AriaRole.LINK, named(failed)).click();
        assertThat(page.locator("ol.timeline")).containsText("Slack was unavailable");
        team.resetAll();
        team.stubFor(post(urlEqualTo("/hooks/team")).willReturn(aResponse().withStatus(200).withBody("ok")));
        page.waitForLoadState(LoadState.LOAD);
        page.getByRole(AriaRole.BUTTON, named("Retry from the failed step")).click();
        confirm(page, "Retry this run from the step that failed?", "Retry");
        assertThat(page.locator("p.flash")).containsText("Retrying from the failed step.");
        agenda.runDue();
        page.reload();
        assertThat(page.locator("header:has(#run-facts) .pill")).hasText("succeeded");

        // The reports: runs per day, and Grace's invoice failed and is still unpaid.
        page.navigate(api.uri("/admin/executions/reports").toString());
        assertThat(page.locator("#runs-table")).containsText("Payment Dunning");
        assertThat(page.locator("#runs-table")).containsText("Tell the team");
        var weeks = page.locator("#recovery-table tbody tr");
        assertThat(weeks).hasCount(1);
        assertThat(weeks.first()).containsText("$19.00 (1)");
        Chromium.screenshot(page, "journey-reports-1280");
    }
}
