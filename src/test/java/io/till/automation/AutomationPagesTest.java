package io.till.automation;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.LoadState;
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

/**
 * The automations part of the dashboard in a real browser, as a seller who has never written JSON would use it: from
 * the templates gallery to an active, scoped Payment Dunning, through the JSON tab's inline errors, pause and resume,
 * and the versions' diff and restore; at 1280 and 390 px.
 */
@TillIntegrationTest
class AutomationPagesTest {

    private static final String CALL_THE_TEAM = """
        {"name": "Call the team", "trigger": {"type": "manual"},
         "steps": [{"id": "note", "type": "action", "action": "create_task", "params": {"title": "Call"}}]}""";

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
    AutomationAgenda agenda;

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

    private static Locator.GetByRoleOptions button(String name) {
        return new Locator.GetByRoleOptions().setName(name).setExact(true);
    }

    /**
     * Clicks a button whose form asks first and answers the question.
     */
    private static void clickAndConfirm(Page page, String name, String question, String button) {
        page.waitForLoadState(LoadState.LOAD);
        page.getByRole(AriaRole.BUTTON, named(name)).click();
        assertThat(page.getByRole(AriaRole.DIALOG)).containsText(question);
        confirm(page, button);
    }

    private static void confirm(Page page, String button) {
        var dialog = page.getByRole(AriaRole.DIALOG);
        assertThat(dialog).isVisible();
        dialog.getByRole(AriaRole.BUTTON, button(button)).click();
    }

    private static Locator row(Page page, String text) {
        return page.locator("tbody tr", new Page.LocatorOptions().setHasText(text));
    }

    private static void openAutomationsFromTheNavigation(Page page) {
        page.getByRole(AriaRole.NAVIGATION, named("Dashboard")).getByRole(AriaRole.LINK, button("Automations"))
            .click();
        assertThat(page.getByRole(AriaRole.HEADING, named("Automations"))).isVisible();
    }

    private static void fitsAPhone(Page page, String screenshot) {
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scroll on "
            + screenshot).isLessThanOrEqualTo(390);
        Chromium.screenshot(page, screenshot);
    }

    @Test
    void aSellerCreatesPaymentDunningFromTheGalleryFixesItsJsonActivatesPausesAndRestoresAVersion() {
        var store = accounts.create();
        String group = api.post("/api/v1/subscription_groups", store.apiKey(), "{\"name\": \"Pro plans\"}").json()
            .get("id").asString();
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280));

        // No automation yet: the list points at the templates.
        openAutomationsFromTheNavigation(page);
        assertThat(page.locator("main")).containsText("No automations yet.");
        Chromium.screenshot(page, "automations-empty-1280");
        page.getByRole(AriaRole.LINK, named("Browse the templates")).click();
        assertThat(page.locator(".aut-template")).hasCount(7);
        var dunning = page.locator(".aut-template", new Page.LocatorOptions().setHasText("Payment Dunning"));
        assertThat(dunning.locator(".aut-step").first()).hasText(java.util.regex.Pattern.compile(
            "When a payment fails"));
        // On a wide screen every template shows its steps, with nothing to unfold.
        assertThat(page.locator(".aut-template-steps > summary:visible")).hasCount(0);
        assertThat(page.locator(".aut-template-steps:not([open])")).hasCount(0);
        Chromium.screenshot(page, "automations-templates-1280");

        // Use this template: a draft, drawn as its steps.
        page.getByRole(AriaRole.BUTTON, named("Use the Payment Dunning template")).click();
        assertThat(page.getByRole(AriaRole.HEADING, named("Payment Dunning"))).isVisible();
        assertThat(page.locator("p.flash")).containsText("Draft created from the Payment Dunning template");
        var steps = page.locator(".aut-steps");
        assertThat(steps).containsText("When a payment fails");
        assertThat(steps).containsText("Only if Invoice · Attempt count is 1");
        assertThat(steps).containsText("Wait 3 days");
        assertThat(steps).containsText("If Invoice · Status is “issued”");
        assertThat(steps).containsText("Retry payment");
        assertThat(steps).containsText("Wait 7 days");
        assertThat(steps.locator(".aut-action")).hasCount(5);
        Chromium.screenshot(page, "automation-steps-1280");
        String id = page.url().substring(page.url().lastIndexOf('/') + 1);

        // The JSON tab: a broken duration is named by its path as it is typed, and again on save, with the text kept.
        page.getByRole(AriaRole.LINK, named("JSON")).click();
        page.waitForLoadState(); // htmx (deferred) listens for typing only once the page has loaded
        var editor = page.getByLabel("Definition (JSON)");
        String original = editor.inputValue();
        assertThat(original).contains("\"P3D\"");
        editor.fill(original.replace("\"P3D\"", "\"P3X\""));
        var problems = page.locator("#json-problems");
        assertThat(problems).containsText("steps[1].duration");
        assertThat(problems).containsText("must be an ISO-8601 duration");
        Chromium.screenshot(page, "automation-json-error-1280");
        var refused = page.waitForResponse(r -> r.request().method().equals("POST") && r.url().endsWith("/json"),
            () -> page.getByRole(AriaRole.BUTTON, named("Save as a new draft")).click());
        assertThat(refused.status()).isEqualTo(422);
        page.waitForLoadState();
        assertThat(page.locator("#json-problems")).containsText("steps[1].duration");
        assertThat(page.getByLabel("Definition (JSON)")).hasValue(java.util.regex.Pattern.compile("\"P3X\""));

        // Malformed JSON is placed by line and column.
        page.getByLabel("Definition (JSON)").fill("{\"name\": ");
        assertThat(page.locator("#json-problems")).containsText("is not valid JSON (line 1");

        String fixed = original.replace("\"P3D\"", "\"P5D\"").replace("\"payment.failed\"",
            "\"payment.failed\", \"scope\": {\"subscription_group_id\": \"" + group + "\"}");
        page.getByLabel("Definition (JSON)").fill(fixed);
        assertThat(page.locator("#json-problems")).containsText("No problems: this definition can be saved.");
        page.getByRole(AriaRole.BUTTON, named("Save as a new draft")).click();
        assertThat(page.locator("p.flash")).containsText("Saved as version 2, a draft.");
        // Nothing is active yet: nothing to pause, and the head says the latest is a draft.
        assertThat(page.locator(".aut-actions button", new Page.LocatorOptions().setHasText("Pause"))).hasCount(0);
        assertThat(page.locator(".aut-status")).containsText("Latest version 2 (draft)");
        assertThat(page.locator(".aut-steps")).containsText("Wait 5 days");
        assertThat(page.locator(".aut-steps"))
            .containsText("When a payment fails for a subscription in Pro plans");

        // Activate: the dashboard asks first and says what happens to runs under way.
        clickAndConfirm(page, "Activate version 2", "Activate version 2?", "Activate");
        assertThat(page.locator("p.flash")).containsText("Version 2 is active");
        // Said once: the latest version is the active one.
        assertThat(page.locator(".aut-status")).hasText(java.util.regex.Pattern.compile(
            "^\\s*active\\s+Version 2 is active\\s*$"));

        // The list: the trigger in words, the status, the active version; runs of the last 7 days counted.
        String manual = api.post("/api/v1/automations", store.apiKey(), CALL_THE_TEAM).json().get("id").asString();
        api.post("/api/v1/automations/" + manual + "/activate", store.apiKey(), null);
        assertThat(api.post("/api/v1/automations/" + manual + "/run", store.apiKey(), null).status()).isEqualTo(201);
        openAutomationsFromTheNavigation(page);
        var dunningRow = row(page, "Payment Dunning");
        assertThat(dunningRow).containsText("When a payment fails for a subscription in Pro plans");
        assertThat(dunningRow.locator("[data-label=Status]")).containsText("active");
        assertThat(dunningRow.locator("[data-label='Active version']")).hasText("v2");
        assertThat(dunningRow.locator("[data-label='Runs, 7 days']")).hasText("0");
        assertThat(dunningRow.locator("[data-label='Last run']")).hasText("never");
        var manualRow = row(page, "Call the team");
        assertThat(manualRow.locator("[data-label='Runs, 7 days']")).hasText("1");
        assertThat(manualRow.locator("[data-label='Last run'] time")).hasCount(1);
        Chromium.screenshot(page, "automations-list-1280");

        // Pause and resume from the list, through the service the API uses.
        page.getByRole(AriaRole.BUTTON, named("Pause Payment Dunning")).click();
        assertThat(page.locator("p.flash")).containsText("“Payment Dunning” is paused");
        assertThat(row(page, "Payment Dunning").locator("[data-label=Status]")).containsText("paused");
        assertThat(api.get("/api/v1/automations/" + id, store.apiKey()).json().get("paused").asBoolean()).isTrue();
        page.getByRole(AriaRole.BUTTON, named("Resume Payment Dunning")).click();
        assertThat(page.locator("p.flash")).containsText("is running again");
        assertThat(row(page, "Payment Dunning").locator("[data-label=Status]")).containsText("active");

        // Filters: by trigger type.
        page.getByLabel("Trigger").selectOption("manual");
        page.getByRole(AriaRole.BUTTON, named("Filter")).click();
        assertThat(page.locator("tbody tr")).hasCount(1);
        assertThat(page.locator("tbody tr")).containsText("Call the team");
        // Pausing from a filtered list comes back to the same filter.
        page.getByRole(AriaRole.BUTTON, named("Pause Call the team")).click();
        assertThat(page.locator("p.flash")).containsText("“Call the team” is paused");
        assertThat(page.getByLabel("Trigger")).hasValue("manual");
        assertThat(page.locator("tbody tr")).hasCount(1);
        page.getByRole(AriaRole.BUTTON, named("Resume Call the team")).click();
        assertThat(page.getByLabel("Trigger")).hasValue("manual");
        page.getByLabel("Trigger").selectOption("");
        page.getByLabel("Status").selectOption("draft");
        page.getByRole(AriaRole.BUTTON, named("Filter")).click();
        assertThat(page.locator("main")).containsText("No automation matches these filters.");

        // A third save, then the versions' diff shows the changed line side by side.
        page.navigate(api.uri("/admin/automations/" + id + "/json").toString());
        String v2 = page.getByLabel("Definition (JSON)").inputValue();
        page.getByLabel("Definition (JSON)").fill(v2.replace("We couldn't process your payment",
            "Your payment did not go through"));
        page.getByRole(AriaRole.BUTTON, named("Save as a new draft")).click();
        assertThat(page.locator("p.flash")).containsText("Version 2 keeps running until you activate this one");
        page.getByRole(AriaRole.LINK, named("Versions")).click();
        assertThat(page.getByRole(AriaRole.HEADING, named("Version 2 and version 3 side by side"))).isVisible();
        var changed = page.locator("tr.aut-changed");
        assertThat(changed).hasCount(1);
        assertThat(changed.locator(".aut-left")).containsText("We couldn't process your payment");
        assertThat(changed.locator(".aut-right")).containsText("Your payment did not go through");
        // And in words, above the JSON: which step changed, by its id and what it does.
        assertThat(page.locator(".aut-changes li")).hasCount(1);
        assertThat(page.locator(".aut-changes li")).hasText("Changed step “gentle” (Send email)");
        assertThat(row(page, "v2").locator("[data-label=Status]")).hasText("active");
        Chromium.screenshot(page, "automation-versions-1280");

        // Restore the template's version as a new draft; the active version is untouched.
        page.getByRole(AriaRole.BUTTON, named("Restore version 1 as a draft")).click();
        assertThat(page.locator("p.flash")).containsText("Version 1 restored as version 4, a draft.");
        assertThat(row(page, "v4").locator("[data-label=Status]")).hasText("draft");
        assertThat(row(page, "v2").locator("[data-label=Status]")).hasText("active");
        page.getByRole(AriaRole.LINK, named("Steps")).click();
        assertThat(page.locator(".aut-steps")).containsText("Wait 3 days");

        // The list reads the trigger of the version that runs, not of the draft waiting.
        openAutomationsFromTheNavigation(page);
        assertThat(row(page, "Payment Dunning")).containsText("When a payment fails for a subscription in Pro plans");
        assertThat(row(page, "Payment Dunning")).containsText("v4 draft not active yet");

        // Rolling back: a version's own Activate button, which says runs under way keep theirs, before and after.
        page.navigate(api.uri("/admin/automations/" + id + "/versions").toString());
        assertThat(page.locator("main")).containsText("Runs under way keep the version they started with.");
        clickAndConfirm(page, "Activate version 1", "Activate version 1? New runs use it; runs already under way "
            + "keep the version they started with.", "Activate");
        assertThat(page.locator("p.flash")).containsText("Version 1 is active: new runs use it. Runs already under "
            + "way keep the version they started with.");
        assertThat(row(page, "v1").locator("[data-label=Status]")).hasText("active");
        assertThat(row(page, "v2").locator("[data-label=Status]")).not().hasText("active");
        assertThat(api.get("/api/v1/automations/" + id, store.apiKey()).json().get("active_version").asInt())
            .isEqualTo(1);
        openAutomationsFromTheNavigation(page);
        assertThat(row(page, "Payment Dunning").locator("[data-label=Trigger]")).hasText("When a payment fails");
        assertThat(row(page, "Payment Dunning").locator("[data-label='Active version']")).hasText("v1");

        // Archive asks first; the automation leaves the list for the archived ones, where it is read, not changed.
        clickAndConfirm(page, "Archive Call the team", "Archive “Call the team”?", "Archive");
        assertThat(page.locator("p.flash")).containsText("“Call the team” is archived");
        assertThat(row(page, "Call the team")).hasCount(0);
        page.getByLabel("Status").selectOption("archived");
        page.getByRole(AriaRole.BUTTON, named("Filter")).click();
        assertThat(page.locator("tbody tr")).hasCount(1);
        assertThat(row(page, "Call the team").locator("[data-label=Status] .pill")).hasText("archived");
        assertThat(row(page, "Call the team").getByRole(AriaRole.BUTTON)).hasCount(0);
        assertThat(row(page, "Call the team").locator("[data-label='Runs, 7 days']")).hasText("1");
        row(page, "Call the team").getByRole(AriaRole.LINK, button("Call the team")).click();
        assertThat(page.locator(".aut-status .pill")).hasText("archived");

        // A phone: every page fits 390 px.
        var phone = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(390), "/admin/automations");
        fitsAPhone(phone, "automations-list-390");
        phone.navigate(api.uri("/admin/automations/templates").toString());
        // On a phone the steps start folded, so that the seven templates read as a short list; one unfolds its own.
        var phoneDunning = phone.locator(".aut-template", new Page.LocatorOptions().setHasText("Payment Dunning"));
        assertThat(phone.locator(".aut-template-steps[open]")).hasCount(0);
        assertThat(phoneDunning.locator(".aut-step").first()).isHidden();
        assertThat(phoneDunning.getByRole(AriaRole.BUTTON, button("Use the Payment Dunning template"))).isVisible();
        fitsAPhone(phone, "automations-templates-390");
        phoneDunning.getByText("Show its steps").click();
        assertThat(phoneDunning.locator(".aut-step").first()).isVisible();
        assertThat(phoneDunning.getByText("Hide its steps")).isVisible();
        assertThat(phone.locator(".aut-template-steps[open]")).hasCount(1);
        Chromium.screenshot(phone, "automations-templates-unfolded-390");
        phone.navigate(api.uri("/admin/automations/" + id).toString());
        fitsAPhone(phone, "automation-steps-390");
        phone.navigate(api.uri("/admin/automations/" + id + "/json").toString());
        phone.getByLabel("Definition (JSON)").fill("{\"name\": \"x\"}");
        assertThat(phone.locator("#json-problems")).containsText("trigger");
        fitsAPhone(phone, "automation-json-390");
        phone.navigate(api.uri("/admin/automations/" + id + "/versions?from=1&to=3").toString());
        assertThat(phone.getByRole(AriaRole.HEADING, named("Version 1 and version 3 side by side"))).isVisible();
        assertThat(phone.locator(".aut-changes")).containsText("Trigger: When a payment fails → When a payment "
            + "fails for a subscription in Pro plans");
        fitsAPhone(phone, "automation-versions-390");
        // A reviewer's: the oldest version asked for was compared with a newer one on its left (the changes read
        // backwards), and a version that is no number gave a bare error page.
        phone.navigate(api.uri("/admin/automations/" + id + "/versions?to=1").toString());
        assertThat(phone.getByRole(AriaRole.HEADING, named("Version 1 and version 2 side by side"))).isVisible();
        phone.navigate(api.uri("/admin/automations/" + id + "/versions?from=abc&to=3").toString());
        assertThat(phone.getByRole(AriaRole.HEADING, named("Version 2 and version 3 side by side"))).isVisible();
        // An archived automation's pill says archived (it starts nothing more), and the version it ran was active.
        phone.navigate(api.uri("/admin/automations/" + manual).toString());
        assertThat(phone.locator(".aut-status .pill")).hasText("archived");
        assertThat(phone.locator(".aut-status span:not(.pill)")).hasText("Version 1 was active");
        fitsAPhone(phone, "automation-archived-390");
    }

    @Test
    void aSellerStartsFromScratchAndLandsInTheBuilderOfADraftStartedByHand() {
        var store = accounts.create();
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280), "/admin/automations");

        page.getByRole(AriaRole.BUTTON, named("Start from scratch")).click();

        assertThat(page.locator("p.flash")).containsText("Draft created. Choose what starts it, then add its steps");
        assertThat(page).hasURL(java.util.regex.Pattern.compile(".*/admin/automations/aut_[0-9a-z]+/builder$"));
        assertThat(page.locator(".bldw-trigger")).containsText("Runs only when started by hand");
        var automations = api.get("/api/v1/automations", store.apiKey()).json().get("data");
        assertThat(automations).hasSize(1);
        assertThat(automations.get(0).get("status").asString()).isEqualTo("draft");
        assertThat(automations.get(0).get("name").asString()).isEqualTo("New automation");
        Chromium.screenshot(page, "automation-from-scratch-1280");

        // The gallery offers the same, for a seller who looked at the templates first.
        var phone = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(390),
            "/admin/automations/templates");
        phone.getByRole(AriaRole.BUTTON, named("Start from scratch")).click();
        assertThat(phone.locator(".bldw-trigger")).containsText("Runs only when started by hand");
        assertThat(api.get("/api/v1/automations", store.apiKey()).json().get("data")).hasSize(2);
    }

    /**
     * Staff rename an automation and change its description from its page: the header shows the description of its
     * latest version, a refused name or description is said beside its field with what was typed kept, and a save is
     * a new draft version, as a PUT of the API makes it.
     */
    @Test
    void staffEditTheNameAndDescriptionFromTheAutomationsPageByTheApisRule() {
        var store = accounts.create();
        String id = api.post("/api/v1/automations", store.apiKey(), CALL_THE_TEAM.replace("\"name\": \"Call the "
            + "team\",", "\"name\": \"Call the team\", \"description\": \"Old words.\",")).json().get("id")
            .asString();
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(390),
            "/admin/automations/" + id);
        assertThat(page.locator(".aut-description")).hasText("Old words.");

        page.getByText("Edit name and description").click();
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill(" ");
        page.getByLabel("Description").fill("d".repeat(2001));
        page.getByRole(AriaRole.BUTTON, named("Save name and description")).click();
        assertThat(page.locator("#about-name-error")).hasText("is required, at most 200 characters");
        assertThat(page.locator("#about-description-error")).hasText("must be text, at most 2,000 characters");
        assertThat(page.getByLabel("Description")).hasValue("d".repeat(2001));
        assertThat(page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true))).hasAttribute(
            "aria-invalid", "true");
        assertThat(api.get("/api/v1/automations/" + id, store.apiKey()).json().get("version").asInt()).isEqualTo(1);
        fitsAPhone(page, "automation-about-refused-390");

        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("Call the whole team");
        page.getByLabel("Description").fill("Asks the team to call.");
        page.getByRole(AriaRole.BUTTON, named("Save name and description")).click();
        assertThat(page.locator("p.flash")).containsText("Saved as version 2, a draft.");
        assertThat(page.locator("h1")).hasText("Call the whole team");
        assertThat(page.locator(".aut-description")).hasText("Asks the team to call.");
        var saved = api.get("/api/v1/automations/" + id, store.apiKey()).json();
        assertThat(saved.get("name").asString()).isEqualTo("Call the whole team");
        assertThat(saved.get("definition").get("description").asString()).isEqualTo("Asks the team to call.");
        assertThat(saved.get("definition").get("steps").get(0).get("id").asString()).isEqualTo("note");

        // The API refuses the same description, by the same rule.
        var refused = api.send("PUT", "/api/v1/automations/" + id, store.apiKey(), CALL_THE_TEAM.replace("\"name\": "
            + "\"Call the team\",", "\"name\": \"Call the team\", \"description\": 12,"),
            java.util.List.of("Content-Type",
                "application/json"));
        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("description");
    }

    /**
     * The header's "Activate version 1" activates version 1, even when a newer version was saved (by the API, another
     * staff member, the builder) after the page was opened: the one that went live was whichever was latest.
     */
    @Test
    void activateMakesActiveTheVersionItsButtonNamesNotOneSavedSince() {
        var store = accounts.create();
        String id = api.post("/api/v1/automations", store.apiKey(), CALL_THE_TEAM).json().get("id").asString();
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/automations/" + id);
        var saved = api.send("PUT", "/api/v1/automations/" + id, store.apiKey(), CALL_THE_TEAM.replace("\"Call\"",
            "\"Call now\""), java.util.List.of("Content-Type", "application/json"));
        assertThat(saved.status()).as(saved.text()).isEqualTo(200);

        clickAndConfirm(page, "Activate version 1", "Activate version 1?", "Activate");

        assertThat(page.locator("p.flash")).containsText("Version 1 is active");
        var automation = api.get("/api/v1/automations/" + id, store.apiKey()).json();
        assertThat(automation.get("active_version").asInt()).isEqualTo(1);
        assertThat(automation.get("version").asInt()).isEqualTo(2);
    }

    /**
     * A rename refused for another part of the definition (a step's webhook endpoint deleted since) says which part
     * and where to fix it: it said "correct the fields marked below", with none marked.
     */
    @Test
    void aRenameRefusedForAnotherPartOfTheDefinitionSaysWhichAndWhere() {
        var store = accounts.create();
        String endpoint = api.post("/api/v1/webhook_endpoints", store.apiKey(), """
            {"url": "https://hooks.example.com/till", "event_types": ["*"]}""").json().get("id").asString();
        var created = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Tell the CRM", "trigger": {"type": "manual"},
             "steps": [{"id": "hook", "type": "action", "action": "send_webhook",
                        "params": {"endpoint_id": "%s", "payload": {"ok": true}}}]}""".formatted(endpoint));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        api.send("DELETE", "/api/v1/webhook_endpoints/" + endpoint, store.apiKey(), null, java.util.List.of());
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/automations/" + id);

        page.getByText("Edit name and description").click();
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("Tell the whole CRM");
        page.getByRole(AriaRole.BUTTON, named("Save name and description")).click();

        assertThat(page.locator(".aut-about .form-error")).hasText("Nothing was saved.");
        assertThat(page.locator(".aut-about")).containsText("The latest version has a problem elsewhere, to fix in its "
            + "Builder or JSON tab first: steps[0].params.endpoint_id: no webhook endpoint " + endpoint);
        assertThat(page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true))).hasValue("Tell the whole CRM");
        assertThat(api.get("/api/v1/automations/" + id, store.apiKey()).json().get("version").asInt()).isEqualTo(1);
    }

    /** Every tab of an automation's page can be reached on a phone: Runs and Reports are not hidden off-screen. */
    @Test
    void allOfAnAutomationsTabsAreInViewOnAPhone() {
        var store = accounts.create();
        String id = api.post("/api/v1/automations", store.apiKey(), CALL_THE_TEAM).json().get("id").asString();
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(390),
            "/admin/automations/" + id);
        var tabs = page.getByRole(AriaRole.NAVIGATION, named("Automation"));
        for (String tab : new String[]{"Steps", "Builder", "JSON", "Versions", "Test", "Runs", "Reports"}) {
            var link = tabs.getByRole(AriaRole.LINK, button(tab));
            assertThat(link).isInViewport();
        }
        fitsAPhone(page, "automation-tabs-390");
    }

    /**
     * The list's failure rate is the share of an automation's finished runs of the last 7 days that failed, marked as
     * an error; an automation that has not run says nothing rather than "0 %".
     */
    @Test
    void theListShowsTheFailureRateOfAnAutomationWhoseRunsFailedAndADashForOneThatNeverRan() {
        var store = accounts.create();
        String sometimes = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Fails when asked", "trigger": {"type": "manual"},
             "steps": [{"id": "asked", "type": "branch",
                        "if": {"field": "event.data.fail", "op": "eq", "value": true},
                        "then": [{"id": "broken", "type": "action", "action": "test.flaky",
                                  "params": {"fail_times": 1, "permanent": true}}],
                        "else": [{"id": "fine", "type": "action", "action": "test.record"}]}]}""")
            .json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + sometimes + "/activate", store.apiKey(), null).status())
            .isEqualTo(200);
        api.post("/api/v1/automations", store.apiKey(), CALL_THE_TEAM);
        for (String fail : new String[]{"true", "false"}) {
            var started = api.post("/api/v1/automations/" + sometimes + "/run", store.apiKey(),
                "{\"data\": {\"fail\": " + fail + "}}");
            assertThat(started.status()).as(started.text()).isEqualTo(201);
        }
        agenda.runDue();
        assertThat(db.sql("SELECT status FROM executions WHERE automation_id = :id ORDER BY status")
            .param("id", sometimes).query(String.class).list()).containsExactly("failed", "succeeded");

        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280), "/admin/automations");

        var rate = row(page, "Fails when asked").locator("td[data-label='Failure rate']");
        assertThat(rate).hasText("50 %");
        assertThat(rate.locator("span")).hasClass("error");
        assertThat(row(page, "Call the team").locator("td[data-label='Failure rate']")).hasText("—");
    }

    /**
     * A reviewer's: both versions are shown masked, and two hooks of one Slack workspace mask alike, so a step sent to
     * another channel read "These two versions are the same."
     */
    @Test
    void aCredentialReplacedIsAChangeThoughBothVersionsShowItMaskedAlike() {
        var store = accounts.create();
        String definition = """
            {"name": "Tell the team", "trigger": {"type": "manual"},
             "steps": [{"id": "tell", "type": "action", "action": "send_slack",
                        "params": {"webhook_url": "https://hooks.slack.com/services/T0123ABC/%s", "text": "Sold"}}]}""";
        String id = api.post("/api/v1/automations", store.apiKey(), definition.formatted("B0456DEF/firstToken"))
            .json().get("id").asString();
        var replaced = api.send("PUT", "/api/v1/automations/" + id, store.apiKey(),
            definition.formatted("B0789GHI/secondToken"), java.util.List.of("Content-Type", "application/json"));
        assertThat(replaced.status()).as(replaced.text()).isEqualTo(200);
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/automations/" + id + "/versions");

        assertThat(page.locator("main")).not().containsText("These two versions are the same.");
        assertThat(page.locator(".aut-changes li")).hasText("Changed step “tell” (Post to Slack): its credential, "
            + "shown masked");
        assertThat(page.locator("main")).not().containsText("secondToken");
    }

    @Test
    void anotherAccountsAutomationIsAFriendlyNotFound() {
        var mine = accounts.create();
        var theirs = accounts.create();
        String theirId = api.post("/api/v1/automations", theirs.apiKey(), CALL_THE_TEAM).json().get("id").asString();
        var page = StaffBrowser.of(db, passwords, mine.id()).signIn(api, chromium.page(1280));

        for (String path : new String[]{"", "/json", "/versions"}) {
            var response = page.navigate(api.uri("/admin/automations/" + theirId + path).toString());
            assertThat(response.status()).isEqualTo(404);
            assertThat(page.getByRole(AriaRole.HEADING, named("We couldn't find that"))).isVisible();
            assertThat(page.locator("main")).not().containsText("Call the team");
        }
        Chromium.screenshot(page, "automation-not-found-1280");

        // Nor can a change reach it: pausing another account's automation is the same not-found page.
        page.navigate(api.uri("/admin/automations").toString());
        var pause = page.evaluate("id => fetch('/admin/automations/' + id + '/pause', {method: 'POST', headers: "
            + "{'Content-Type': 'application/x-www-form-urlencoded'}, body: '_csrf=' + encodeURIComponent("
            + "document.querySelector('input[name=_csrf]').value)}).then(r => r.status)", theirId);
        assertThat(pause).isEqualTo(404);
        assertThat(api.get("/api/v1/automations/" + theirId, theirs.apiKey()).json().get("paused").asBoolean())
            .isFalse();
    }
}
