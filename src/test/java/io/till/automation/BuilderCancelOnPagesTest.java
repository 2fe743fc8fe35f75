package io.till.automation;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import tools.jackson.databind.json.JsonMapper;

/**
 * The builder's "Stop early" part in a real browser: a seller makes a paid invoice end the dunning run of that invoice,
 * and a refund from their own system end any run of the customer, then removes one again and saves what is left.
 */
@TillIntegrationTest
class BuilderCancelOnPagesTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;
    @Autowired
    PasswordEncoder passwords;

    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    @Test
    void aSellerEndsDunningWhenTheInvoiceIsPaidAndWhenTheirOwnSystemRefunds() {
        var store = accounts.create();
        String id = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Dunning", "trigger": {"type": "event", "event": "payment.failed"},
             "steps": [{"id": "wait", "type": "delay", "duration": "P3D"},
                       {"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "late"}}]}""")
            .json().get("id").asString();
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/automations/" + id + "/builder");
        page.waitForLoadState();
        assertThat(page.locator(".bldw-cancel")).hasCount(0);

        page.getByRole(AriaRole.BUTTON, named("Add an event that stops a run")).click();
        assertThat(page.locator("#f-cancel_on-0-event")).hasValue("invoice.paid");
        page.locator("#f-cancel_on-0-match").selectOption("invoice");
        assertThat(page.locator("#f-cancel_on-0-match")).hasValue("invoice");

        page.getByRole(AriaRole.BUTTON, named("Add an event that stops a run")).click();
        assertThat(page.locator("#f-cancel_on-1-event")).hasValue("invoice.paid");
        // Twice the same event is a mistake the builder names beside it.
        assertThat(page.locator(".bldw-cancel").nth(1)).containsText("invoice.paid is listed twice");
        page.locator("#f-cancel_on-1-event").selectOption(new SelectOption().setLabel("A custom event…"));
        assertThat(page.locator("#f-cancel_on-1-event-custom")).isVisible();
        page.locator("#f-cancel_on-1-event-custom").fill("acme.refunded");
        assertThat(page.locator(".bld-save h2")).hasText("Ready to save");
        Chromium.screenshot(page, "builder-cancel-on-1280");

        page.getByRole(AriaRole.BUTTON, named("Add an event that stops a run")).click();
        assertThat(page.locator(".bldw-cancel")).hasCount(3);
        page.getByRole(AriaRole.BUTTON, named("Remove “invoice.paid”")).last().click();
        assertThat(page.locator(".bldw-cancel")).hasCount(2);

        // How often: once a quarter per customer.
        page.locator("#f-limit-runs").fill("1");
        page.locator("#f-limit-per").fill("90 days");
        assertThat(page.locator("#builder-json")).containsText("\"per\" : \"P90D\"");
        assertThat(page.locator("#f-limit-per")).hasValue("90 days");
        page.locator("#f-concurrency").selectOption(new SelectOption().setLabel("One at a time per invoice"));
        assertThat(page.locator("#f-concurrency")).hasValue("invoice");
        assertThat(page.locator(".bld-save h2")).hasText("Ready to save");

        page.getByRole(AriaRole.BUTTON, named("Save as a new draft")).click();
        assertThat(page.locator("p.flash")).containsText("Saved as version 2");
        var saved = api.get("/api/v1/automations/" + id, store.apiKey()).json().get("definition");
        assertThat(saved.get("cancel_on")).isEqualTo(json.readTree("""
            [{"event": "invoice.paid", "match": "invoice"}, {"event": "acme.refunded", "match": "customer"}]"""));
        assertThat(saved.get("limit")).isEqualTo(json.readTree("{\"runs\": 1, \"per\": \"P90D\"}"));
        assertThat(saved.get("concurrency").asString()).isEqualTo("invoice");

        // The steps' picture says both, between the trigger and the steps.
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Steps").setExact(true)).click();
        page.waitForURL("**/admin/automations/" + id);
        assertThat(page.locator(".aut-flow > li").nth(1)).containsText(
            "At most 1 run per customer every 90 days; one at a time per invoice");
        assertThat(page.locator(".aut-flow > li").nth(2)).containsText(
            "A run stops when Invoice paid (same invoice) or acme.refunded happens to its customer");
        Chromium.screenshot(page, "automation-flow-limits-1280");

        var phone = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(390),
            "/admin/automations/" + id + "/builder");
        assertThat(phone.locator("#f-cancel_on-1-event-custom")).hasValue("acme.refunded");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(390);
        phone.locator(".bldw-cancel").first().scrollIntoViewIfNeeded();
        Chromium.screenshot(phone, "builder-cancel-on-390");
    }

    /**
     * Edits live in the builder until they are saved: leaving for another tab first asks (the browser's own question),
     * and staying keeps every edit. Without it, a click on a tab of the header dropped them without a word.
     */
    @Test
    void leavingTheBuilderWithEditsNotSavedAsksFirst() {
        var store = accounts.create();
        String id = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Dunning", "trigger": {"type": "event", "event": "payment.failed"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "late"}}]}""")
            .json().get("id").asString();
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/automations/" + id + "/builder");
        page.waitForLoadState();
        page.locator("#f-limit-runs").fill("1");
        page.locator("#f-limit-per").fill("90 days");
        assertThat(page.locator("#builder-json")).containsText("\"per\" : \"P90D\"");
        var asked = new java.util.ArrayList<String>();
        page.onDialog(dialog -> {
            asked.add(dialog.type());
            dialog.dismiss();
        });

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Steps").setExact(true)).click();

        page.waitForCondition(() -> !asked.isEmpty());
        assertThat(asked).containsExactly("beforeunload");
        assertThat(page).hasURL(java.util.regex.Pattern.compile(".*/builder$"));
        assertThat(page.locator("#f-limit-per")).hasValue("90 days");
    }

    @Test
    void aSellerAddsAWaitForThePaidInvoiceOfTheRunAndSeesItOnTheFlow() {
        var store = accounts.create();
        String id = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Dunning", "trigger": {"type": "event", "event": "payment.failed"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "late"}}]}""")
            .json().get("id").asString();
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/automations/" + id + "/builder");
        page.waitForLoadState();

        page.getByLabel("Step to add to the steps").last().selectOption(new SelectOption().setLabel(
            "Wait for an event"));
        page.getByRole(AriaRole.BUTTON, named("Add the chosen step to the steps")).last().click();
        assertThat(page.locator("#f-steps-1-event")).hasValue("invoice.paid");
        assertThat(page.locator(".bld-step").nth(1)).containsText("Wait up to 3 days for invoice.paid");
        page.locator("#f-steps-1-match").selectOption("invoice");
        // Each edit is a round trip: the step's title says when the page has it.
        assertThat(page.locator(".bld-step").nth(1)).containsText("Wait up to 3 days for invoice.paid (same invoice)");
        page.locator("#f-steps-1-timeout").fill("P5D");
        assertThat(page.locator(".bld-step").nth(1)).containsText("Wait up to 5 days for invoice.paid (same invoice)");
        assertThat(page.locator(".bld-save h2")).hasText("Ready to save");
        Chromium.screenshot(page, "builder-wait-for-event-1280");

        page.getByRole(AriaRole.BUTTON, named("Save as a new draft")).click();
        assertThat(page.locator("p.flash")).containsText("Saved as version 2");
        assertThat(api.get("/api/v1/automations/" + id, store.apiKey()).json().get("definition").get("steps")
            .get(1)).isEqualTo(json.readTree("""
                {"id": "wait_for_event", "type": "wait_for_event", "event": "invoice.paid", "match": "invoice",
                 "timeout": "P5D"}"""));
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Steps").setExact(true)).click();
        page.waitForURL("**/admin/automations/" + id);
        assertThat(page.locator("#main")).containsText("Wait up to 5 days for invoice.paid (same invoice)");
    }
}
