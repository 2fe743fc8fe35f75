package io.till.automation;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The builder's steps in a real browser: params drawn from each action's schema, the variable picker, retry and
 * fallback, adding steps to any lane; what is saved is exactly what the seller changed.
 */
@TillIntegrationTest
class BuilderStepsPagesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
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

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    private record Opened(Page page, TestAccounts.TestAccount store, String id, JsonNode before) {}

    private Opened dunningInTheBuilder(int width) {
        var store = accounts.create();
        var created = api.post("/api/v1/automations", store.apiKey(), "{\"template\": \"payment_dunning\"}").json();
        String id = created.get("id").asString();
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(width),
            "/admin/automations/" + id + "/builder");
        // htmx and builder.js are deferred: the builder reacts to typing once the page has loaded.
        page.waitForLoadState();
        return new Opened(page, store, id, created.get("definition"));
    }

    private static void add(Page page, String lane, String choice) {
        page.getByLabel("Step to add to " + lane).selectOption(new SelectOption().setLabel(choice));
        page.getByRole(AriaRole.BUTTON, named("Add the chosen step to " + lane)).click();
    }

    private JsonNode saved(Opened opened) {
        opened.page().getByRole(AriaRole.BUTTON, named("Save as a new draft")).click();
        assertThat(opened.page().locator("p.flash")).containsText("Saved as version 2");
        return api.get("/api/v1/automations/" + opened.id(), opened.store().apiKey()).json().get("definition");
    }

    /** Fields of one row whose labels wrap differently still have their inputs on one line. */
    private static void inputsLevel(Page page, String... inputs) {
        double top = page.locator(inputs[0]).boundingBox().y;
        for (String input : inputs) {
            assertThat(page.locator(input).boundingBox().y).as("top of " + input)
                .isCloseTo(top, Offset.offset(1.0));
        }
    }

    @Test
    void aSellerInsertsAVariableSetsRetryAddsAFallbackAndABranchAndSavesExactlyThat() throws Exception {
        var opened = dunningInTheBuilder(1280);
        var page = opened.page();

        // The subject gets the customer's first name at the caret, from the variable picker.
        var subject = page.locator("#f-steps-0-params-subject");
        subject.fill(", your payment did not go through");
        subject.press("Home");
        page.getByLabel("Insert a variable into subject").first()
            .selectOption(new SelectOption().setValue("{{customer.first_name}}"));
        assertThat(subject).hasValue("{{customer.first_name}}, your payment did not go through");
        assertThat(page.locator("#builder-json")).containsText("{{customer.first_name}}, your payment");

        // Leaving the field sends it once more (change); the next edit starts once that redraw is in.
        subject.blur();
        assertThat(page.locator("#builder-form.htmx-request")).hasCount(0);

        // Retry five times, then create a task for staff.
        page.locator(".bld-step:has(#f-steps-0-id) > .bld-card > .bld-fails > summary").first().click();
        page.locator("#f-steps-0-retry-attempts").pressSequentially("5");
        page.locator("#f-steps-0-retry-attempts").press("Tab");
        assertThat(page.locator("#builder-json")).containsText("\"attempts\" : 5");
        // Pauses are typed and shown in words, kept as ISO-8601; what is not a duration is said so in words too.
        var firstPause = page.getByLabel("First pause (30 seconds, 5 minutes)").first();
        firstPause.fill("soon");
        firstPause.press("Tab");
        assertThat(page.locator(".bld-step:has(#f-steps-0-id) .bld-fails .bld-problem").first())
            .hasText("must be a duration such as 3 days, 2 hours or 30 minutes");
        page.locator("#f-steps-0-retry-backoff").fill("2 minutes");
        page.locator("#f-steps-0-retry-backoff").press("Tab");
        assertThat(page.locator("#builder-json")).containsText("\"backoff\" : \"PT2M\"");
        page.getByLabel("Longest pause (1 hour, 2 days)").first().fill("2h");
        page.locator("#f-steps-0-retry-cap").press("Tab");
        assertThat(page.locator("#builder-json")).containsText("\"cap\" : \"PT2H\"");
        assertThat(page.locator("#f-steps-0-retry-cap")).hasValue("2 hours");
        assertThat(page.locator("#f-steps-0-retry-backoff")).hasValue("2 minutes");
        inputsLevel(page, "#f-steps-0-retry-attempts", "#f-steps-0-retry-backoff", "#f-steps-0-retry-cap");
        page.locator(".bld-step:has(#f-steps-0-id) > .bld-card > .bld-fails > .bld-retry").screenshot(
            new Locator.ScreenshotOptions().setPath(Path.of("target",
                "screenshots", "builder-retry-in-words-1280.png")));
        add(page, "gentle: If it still fails", "Create task");
        assertThat(page.locator("#f-steps-0-fallback-0-params-title")).isVisible();
        assertThat(page.locator(".bld-save h2")).hasText("1 problem to fix");
        page.locator("#f-steps-0-fallback-0-params-title").fill("Call {{customer.name}}");
        assertThat(page.locator(".bld-save h2")).hasText("Ready to save");

        // A branch at the end, with a wait in its otherwise lane.
        add(page, "the steps", "If … then … otherwise …");
        page.locator("#f-steps-3-if-all-0-field").fill("customer.email");
        page.locator("#f-steps-3-if-all-0-op").selectOption("exists");
        assertThat(page.locator("#builder-json")).containsText("\"op\" : \"exists\"");
        add(page, "branch: Otherwise", "Wait");
        assertThat(page.locator("#f-steps-3-else-0-duration")).hasValue("1 day");
        // A wait is typed in words and kept as ISO-8601.
        page.locator("#f-steps-3-else-0-duration").fill("2 days 12 hours");
        page.locator("#f-steps-3-else-0-duration").press("Tab");
        assertThat(page.locator("#builder-json")).containsText("\"duration\" : \"P2DT12H\"");
        assertThat(page.locator(".bld-save h2")).hasText("Ready to save");
        Chromium.screenshot(page, "builder-steps-1280");

        var expected = (ObjectNode) opened.before().deepCopy();
        var gentle = (ObjectNode) expected.at("/steps/0");
        ((ObjectNode) gentle.get("params")).put("subject", "{{customer.first_name}}, your payment did not go through");
        gentle.set("retry", JSON.readTree("{\"attempts\": 5, \"backoff\": \"PT2M\", \"cap\": \"PT2H\"}"));
        gentle.set("fallback", JSON.readTree("""
            [{"id": "create_task", "type": "action", "action": "create_task",
              "params": {"title": "Call {{customer.name}}"}}]"""));
        ((ArrayNode) expected.get("steps")).add(JSON.readTree("""
            {"id": "branch", "type": "branch", "if": {"all": [{"field": "customer.email", "op": "exists"}]},
             "then": [{"id": "stop", "type": "stop"}],
             "else": [{"id": "delay", "type": "delay", "duration": "P2DT12H"}]}"""));
        assertThat(saved(opened)).isEqualTo(expected);

        var phone = StaffBrowser.of(db, passwords, opened.store().id()).signIn(api, chromium.page(390),
            "/admin/automations/" + opened.id() + "/builder");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(390);
        Chromium.screenshot(phone, "builder-steps-390");
        assertThat(phone.locator("#f-steps-0-retry-cap")).hasValue("2 hours");
        // Two side by side on a phone, "First pause (30 seconds, 5 minutes)" on three lines beside "Tries in all".
        inputsLevel(phone, "#f-steps-0-retry-attempts", "#f-steps-0-retry-backoff");
        phone.locator(".bld-step:has(#f-steps-0-id) > .bld-card > .bld-fails > .bld-retry").screenshot(
            new Locator.ScreenshotOptions().setPath(Path.of("target",
                "screenshots", "builder-retry-in-words-390.png")));
    }

    /** A reviewer's: a delay until a time of the run (PRODUCT: delays) could be neither made nor edited in the builder. */
    @Test
    void aSellerMakesAWaitUntilATimeTheRunKnowsAndSavesExactlyThat() throws Exception {
        var opened = dunningInTheBuilder(1280);
        var page = opened.page();

        add(page, "the steps", "Wait");
        page.locator("#f-steps-3-duration").fill("");
        page.locator("#f-steps-3-duration").press("Tab");
        page.getByLabel("Or wait until a time the run knows (subscription.current_period_end, invoice.due_at)")
            .last().fill("invoice.due_at");
        assertThat(page.locator("#f-steps-3-until")).hasValue("invoice.due_at");
        page.locator("#f-steps-3-until").press("Tab");
        assertThat(page.locator("#builder-json")).containsText("\"until\" : \"invoice.due_at\"");
        assertThat(page.locator(".bld-save h2")).hasText("Ready to save");
        page.locator(".bld-step:has(#f-steps-3-until)").screenshot(new Locator.ScreenshotOptions().setPath(Path.of(
            "target", "screenshots", "builder-wait-until-1280.png")));

        var expected = (ObjectNode) opened.before().deepCopy();
        ((ArrayNode) expected.get("steps")).add(JSON.readTree("""
            {"id": "delay", "type": "delay", "until": "invoice.due_at"}"""));
        assertThat(saved(opened)).isEqualTo(expected);
    }

    /**
     * A loop over a list a failed payment's context really holds (the customer's tags, README: {@code loop} and the
     * context), with an action inside it that reads each item: saved exactly as the seller built it.
     */
    @Test
    void aSellerAddsALoopOverTheCustomersTagsWithATaskForEachAndSavesExactlyThat() throws Exception {
        var opened = dunningInTheBuilder(1280);
        var page = opened.page();

        add(page, "the steps", "Repeat for each item");
        assertThat(page.locator("#f-steps-3-id")).hasValue("loop");
        assertThat(page.locator(".bld-step:has(#f-steps-3-id) .bld-title").first()).hasText("For each of order.items");
        // A loop with nothing to repeat is not saved: the builder says so in its lane.
        assertThat(page.locator(".bld-step:has(#f-steps-3-id) .bld-problem").first())
            .hasText("must be a non-empty list of steps");
        assertThat(page.locator(".bld-save h2")).hasText("1 problem to fix");
        page.locator("#f-steps-3-over").fill("customer.tags");
        page.locator("#f-steps-3-over").press("Tab");
        assertThat(page.locator("#builder-json")).containsText("\"over\" : \"customer.tags\"");
        assertThat(page.locator(".bld-step:has(#f-steps-3-id) .bld-title").first())
            .hasText("For each of customer.tags");
        page.locator("#f-steps-3-max").fill("5");
        page.locator("#f-steps-3-max").press("Tab");
        assertThat(page.locator("#builder-json")).containsText("\"max\" : 5");

        add(page, "loop: Each time", "Create task");
        var title = page.locator("#f-steps-3-steps-0-params-title");
        assertThat(title).isVisible();
        // Inside the loop the picker offers the loop's own variables; outside it, it does not.
        title.fill(" tag of {{customer.name}}");
        title.press("Home");
        page.locator("#f-steps-3-steps-0-params-title ~ select.bld-vars").selectOption(new SelectOption().setLabel(
            "The current item"));
        title.press("Home");
        title.pressSequentially("Review the ");
        assertThat(title).hasValue("Review the {{item}} tag of {{customer.name}}");
        assertThat(page.locator("#f-steps-0-params-subject ~ select.bld-vars option[value='{{customer.name}}']"))
            .hasCount(1);
        assertThat(page.locator("#f-steps-0-params-subject ~ select.bld-vars option[value='{{item}}']")).hasCount(0);
        assertThat(page.locator("#builder-json")).containsText("Review the {{item}} tag");
        assertThat(page.locator(".bld-save h2")).hasText("Ready to save");
        Chromium.screenshot(page, "builder-loop-1280");
        page.locator(".bld-step:has(#f-steps-3-id)").screenshot(new Locator.ScreenshotOptions().setPath(Path.of(
            "target", "screenshots", "builder-loop-step-1280.png")));

        var expected = (ObjectNode) opened.before().deepCopy();
        ((ArrayNode) expected.get("steps")).add(JSON.readTree("""
            {"id": "loop", "type": "loop", "over": "customer.tags", "max": 5,
             "steps": [{"id": "create_task", "type": "action", "action": "create_task",
                        "params": {"title": "Review the {{item}} tag of {{customer.name}}"}}]}"""));
        assertThat(saved(opened)).isEqualTo(expected);

        var phone = StaffBrowser.of(db, passwords, opened.store().id()).signIn(api, chromium.page(390),
            "/admin/automations/" + opened.id() + "/builder");
        assertThat(phone.locator("#f-steps-3-over")).hasValue("customer.tags");
        assertThat(phone.locator("#f-steps-3-steps-0-params-title"))
            .hasValue("Review the {{item}} tag of {{customer.name}}");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(390);
        Chromium.screenshot(phone, "builder-loop-390");
        phone.locator(".bld-step:has(#f-steps-3-id)").screenshot(new Locator.ScreenshotOptions().setPath(Path.of(
            "target", "screenshots", "builder-loop-step-390.png")));
    }

    /** "Stop the run" from the add menu puts a stop step in the lane it was added to, and nowhere else. */
    @Test
    void aSellerAddsAStopToABranchsOtherwiseLaneAndSavesExactlyThat() throws Exception {
        var opened = dunningInTheBuilder(1280);
        var page = opened.page();

        add(page, "still_unpaid: Otherwise", "Stop the run");
        assertThat(page.locator("#f-steps-2-else-0-id")).hasValue("stop");
        assertThat(page.locator(".bld-step:has(#f-steps-2-else-0-id)").last()).containsText("The run ends here.");
        assertThat(page.locator(".bld-save h2")).hasText("Ready to save");

        var expected = (ObjectNode) opened.before().deepCopy();
        ((ObjectNode) expected.at("/steps/2")).set("else", JSON.readTree("[{\"id\": \"stop\", \"type\": \"stop\"}]"));
        assertThat(saved(opened)).isEqualTo(expected);
    }

    @Test
    void booleanChoiceAndJsonParamsRoundTripAndBadJsonIsShownBesideItsField() throws Exception {
        var opened = dunningInTheBuilder(1280);
        var page = opened.page();

        add(page, "the steps", "Update customer");
        assertThat(page.locator("#f-steps-3-id")).hasValue("update_customer");
        page.getByLabel("marketing consent").check();
        assertThat(page.locator("#builder-json")).containsText("\"marketing_consent\" : true");
        page.locator("#f-steps-3-params-metadata").fill("{oops");
        assertThat(page.locator(".bld-step:has(#f-steps-3-id) .bld-problem").first()).containsText("must be an object");
        page.locator("#f-steps-3-params-metadata").fill("{\"tier\": \"gold\"}");
        assertThat(page.locator(".bld-save h2")).hasText("Ready to save");

        add(page, "the steps", "Add a tag in the CRM");
        page.locator("#f-steps-4-params-crm").selectOption("hubspot");
        assertThat(page.locator("#builder-json")).containsText("\"crm\" : \"hubspot\"");
        page.locator("#f-steps-4-params-tag").fill("vip");
        assertThat(page.locator(".bld-save h2")).hasText("Ready to save");

        var saved = saved(opened);
        assertThat(saved.at("/steps/3/params")).isEqualTo(JSON.readTree("""
            {"marketing_consent": true, "metadata": {"tier": "gold"}}"""));
        assertThat(saved.at("/steps/4/params")).isEqualTo(JSON.readTree("{\"crm\": \"hubspot\", \"tag\": \"vip\"}"));

        // Drawn back as saved; unchecking keeps the param, now false.
        page.waitForLoadState();
        assertThat(page.getByLabel("marketing consent")).isChecked();
        assertThat(page.locator("#f-steps-4-params-crm")).hasValue("hubspot");
        assertThat(page.locator("#f-steps-3-params-metadata")).hasValue("{\n  \"tier\" : \"gold\"\n}");
        page.getByLabel("marketing consent").uncheck();
        assertThat(page.locator("#builder-json")).containsText("\"marketing_consent\" : false");
    }
    /**
     * A reviewer found a number or yes-or-no param holding a template (saved through the API) rewritten by any edit in
     * the builder: the number field blanked it, so apply_credits spent all the credit; the checkbox read it as false, so
     * a cancel at period end canceled now. Such a param is drawn as text, with the variable picker, and kept.
     */
    @Test
    void aNumberOrYesOrNoParamHoldingATemplateIsKeptAsWrittenThroughAnEdit() throws Exception {
        var store = accounts.create();
        var created = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Capped", "trigger": {"type": "event", "event": "invoice.overdue"},
             "steps": [{"id": "spend", "type": "action", "action": "apply_credits",
                        "params": {"invoice_id": "{{invoice.id}}", "amount": "{{event.data.cap}}"}},
                       {"id": "end", "type": "action", "action": "cancel_subscription",
                        "params": {"subscription_id": "{{invoice.subscription_id}}",
                                   "at_period_end": "{{event.data.at_end}}"}}]}""");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/automations/" + id + "/builder");
        page.waitForLoadState();
        assertThat(page.locator("#f-steps-0-params-amount")).hasValue("{{event.data.cap}}");
        assertThat(page.locator("#f-steps-1-params-at_period_end")).hasValue("{{event.data.at_end}}");

        page.getByLabel("Name of the automation").fill("Capped credit");
        var saved = saved(new Opened(page, store, id, created.json().get("definition")));

        assertThat(saved.at("/name").asString()).isEqualTo("Capped credit");
        assertThat(saved.at("/steps/0/params/amount").asString()).isEqualTo("{{event.data.cap}}");
        assertThat(saved.at("/steps/1/params/at_period_end").asString()).isEqualTo("{{event.data.at_end}}");
    }
}
