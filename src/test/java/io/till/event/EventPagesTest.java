package io.till.event;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.automation.AutomationAgenda;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.MutableClock;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import io.till.webhook.WebhookAgenda;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/** The event log in the dashboard: filters, each event's JSON, and what the event set off. */
@TillIntegrationTest
class EventPagesTest {

    private static Chromium chromium;

    private final WireMockServer peer = new WireMockServer(options().dynamicPort());

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;
    @Autowired
    PasswordEncoder passwords;
    @Autowired
    AutomationAgenda automations;
    @Autowired
    WebhookAgenda webhooks;
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

    @BeforeEach
    void startPeer() {
        peer.start();
        peer.stubFor(post(urlEqualTo("/hooks")).willReturn(aResponse().withStatus(204)));
    }

    @AfterEach
    void stopPeer() {
        peer.stop();
    }

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    private String created(Api.Response response) {
        assertThat(response.status()).as(response.text()).isIn(200, 201);
        return response.json().get("id").asString();
    }

    @Test
    void filtersTheLogByTypeAndShowsAnEventsJsonWithTheRunsAndDeliveriesItCaused() {
        var account = accounts.create();
        String customer = created(api.post("/api/v1/customers", account.apiKey(), """
            {"name": "Grace Hopper", "email": "grace@navy.example"}"""));
        created(api.post("/api/v1/webhook_endpoints", account.apiKey(), """
            {"url": "http://127.0.0.1:%d/hooks", "event_types": ["acme.signup"]}""".formatted(peer.port())));
        String automation = created(api.post("/api/v1/automations", account.apiKey(), """
            {"name": "Tag signups", "trigger": {"type": "event", "event": "acme.signup"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "signed-up"}}]}"""));
        assertThat(api.post("/api/v1/automations/" + automation + "/activate", account.apiKey(), null).status())
            .isEqualTo(200);
        String signup = created(api.post("/api/v1/events", account.apiKey(), """
            {"type": "acme.signup", "customer_id": "%s", "data": {"note": "<script>alert(1)</script>"}}"""
            .formatted(customer)));
        created(api.post("/api/v1/events", account.apiKey(), """
            {"type": "acme.upgrade", "data": {"plan": "gold"}}"""));
        automations.runDue();
        webhooks.runDue();

        var page = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(1280));
        page.getByRole(AriaRole.LINK, named("Developers")).click();
        page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Developers").setExact(true))
            .getByRole(AriaRole.LINK, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Events"))
            .click();
        assertThat(page.getByRole(AriaRole.HEADING, named("Events"))).isVisible();
        // customer.created, acme.signup, acme.upgrade and the customer.updated of the automation's tag.
        assertThat(page.locator("table.list tbody tr")).hasCount(4);
        assertThat(page.locator("table.list")).containsText("acme.upgrade");
        // The customer by name, linked to their record; never her id.
        assertThat(page.locator("table.list").getByRole(AriaRole.LINK,
            new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Grace Hopper"))).hasCount(3);
        assertThat(page.locator("table.list td[data-label=Customer]").first()).not().containsText("cus_");
        Chromium.screenshot(page, "dashboard-events-1280");

        page.getByLabel("Type").fill("acme.signup");
        page.getByRole(AriaRole.BUTTON, named("Filter")).click();
        assertThat(page.locator("table.list tbody tr")).hasCount(1);
        page.getByRole(AriaRole.LINK, named("acme.signup")).click();

        assertThat(page.getByRole(AriaRole.HEADING, named("acme.signup"))).isVisible();
        assertThat(page.locator(".heading").getByRole(AriaRole.LINK,
            new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Grace Hopper")))
            .hasAttribute("href", "/admin/customers/" + customer);
        assertThat(page.locator("pre.json")).containsText("\"note\" : \"<script>alert(1)</script>\"");
        assertThat(page.locator("pre.json")).containsText("\"id\" : \"" + signup + "\"");
        assertThat(page.locator("pre.json script")).hasCount(0);
        var runs = page.locator("section", new Page.LocatorOptions().setHasText("Automations it started"));
        assertThat(runs.getByRole(AriaRole.LINK, new com.microsoft.playwright.Locator.GetByRoleOptions().setName(
            "Tag signups"))).hasAttribute("href", Pattern.compile("^/admin/executions/exe_"));
        assertThat(runs.locator(".pill")).hasText("succeeded");
        var sent = page.locator("section", new Page.LocatorOptions().setHasText("Webhook deliveries it caused"));
        assertThat(sent).containsText("http://127.0.0.1:" + peer.port() + "/hooks");
        assertThat(sent.locator(".pill")).hasText("succeeded");
        Chromium.screenshot(page, "dashboard-event-1280");

        // The customer's events, found by her email as staff know her (or by her id); and none from a day still to
        // come.
        page.navigate(api.uri("/admin/developers/events").toString());
        page.getByLabel("Customer (email or id)").fill("Grace@Navy.example");
        page.getByRole(AriaRole.BUTTON, named("Filter")).click();
        assertThat(page.locator("table.list tbody tr")).hasCount(3);
        assertThat(page.locator("table.list")).not().containsText("acme.upgrade");
        page.getByLabel("Customer (email or id)").fill("nobody@navy.example");
        page.getByRole(AriaRole.BUTTON, named("Filter")).click();
        assertThat(page.locator("#filter-customer + .error")).hasText("No customer has this email.");
        assertThat(page.getByLabel("Customer (email or id)")).hasValue("nobody@navy.example");
        page.navigate(api.uri("/admin/developers/events?customer=" + customer).toString());
        assertThat(page.locator("table.list tbody tr")).hasCount(3);
        String tomorrow = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(1).toString();
        page.getByLabel("From (UTC)").fill(tomorrow);
        page.getByRole(AriaRole.BUTTON, named("Filter")).click();
        assertThat(page.locator("main")).containsText("No event matches these filters.");

        var phone = StaffBrowser.of(db, passwords, account.id()).signIn(api, chromium.page(390),
            "/admin/developers/events");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(phone, "dashboard-events-390");
        phone.navigate(api.uri("/admin/developers/events/" + signup).toString());
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(phone, "dashboard-event-390");
    }

    @Test
    void anotherAccountsEventIsNotFound() {
        var other = accounts.create();
        String theirs = created(api.post("/api/v1/events", other.apiKey(), """
            {"type": "acme.secret", "data": {"plan": "gold"}}"""));
        var page = StaffBrowser.of(db, passwords, accounts.create().id()).signIn(api, chromium.page(1280));

        var answer = page.navigate(api.uri("/admin/developers/events/" + theirs).toString());

        assertThat(answer.status()).isEqualTo(404);
        assertThat(page.getByRole(AriaRole.HEADING, named("We couldn't find that"))).isVisible();
        assertThat(page.locator("main")).not().containsText("acme.secret");
        Chromium.screenshot(page, "dashboard-event-not-found-1280");
    }
}
