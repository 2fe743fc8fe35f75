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
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The visual builder in a real browser: a seller edits an automation in forms, sees the JSON follow and each problem
 * beside its field as they type, adds, moves and deletes steps, and saves a new draft version.
 */
@TillIntegrationTest
class AutomationBuilderPagesTest {

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

    @Test
    void aSellerChangesTheWaitInTheFormSeesTheJsonFollowFixesAnInlineErrorAndSaves() {
        var store = accounts.create();
        String id = api.post("/api/v1/automations", store.apiKey(), "{\"template\": \"payment_dunning\"}").json()
            .get("id").asString();
        // What the browser refuses (a style the page's policy does not allow) shows in its console, a script's
        // uncaught error as a page error: both are listened to from the first page on.
        var browserPage = chromium.page(1280);
        var consoleErrors = new java.util.ArrayList<String>();
        browserPage.onConsoleMessage(message -> {
            if (message.type().equals("error")) {
                consoleErrors.add(message.text());
            }
        });
        browserPage.onPageError(consoleErrors::add);
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, browserPage, "/admin/automations/" + id);
        page.getByRole(AriaRole.LINK, named("Builder")).click();
        assertThat(page.getByRole(AriaRole.HEADING, named("Steps"))).isVisible();
        // htmx is deferred: the builder reacts to typing once the page has loaded.
        page.waitForLoadState();

        Chromium.screenshot(page, "builder-open-1280");
        var wait = page.getByLabel("Wait for (5 days, 2 hours, 1 day 12 hours)").first();
        assertThat(wait).hasValue("3 days");
        wait.fill("P3X");
        assertThat(page.locator(".bld-step:has(#f-steps-1-duration) .bld-problem").first())
            .hasText("must be a duration such as 3 days, 2 hours or 30 minutes");
        assertThat(page.locator(".bld-save")).not().containsText("ISO-8601");
        assertThat(page.locator(".bld-save h2")).hasText("1 problem to fix");
        Chromium.screenshot(page, "builder-error-1280");

        page.getByLabel("Wait for (5 days, 2 hours, 1 day 12 hours)").first().fill("5 days");
        assertThat(page.locator("#builder-json")).containsText("\"duration\" : \"P5D\"");
        // The template's condition reads the event's own invoice (its attempt at the time): in words, as its page says.
        assertThat(page.locator(".bldw-compare .bldw-sentence").first()).hasText("Invoice · Attempt count is 1");
        // Its field has a line of its own in the form column: the path shows whole, not cut after "attempt".
        assertThat(page.locator("#f-conditions-all-0-field")).hasValue("event.data.invoice.attempt_count");
        assertThat((java.util.List<?>) page.locator(".bldw-field input").evaluateAll(
            "inputs => inputs.filter(i => i.scrollWidth > i.clientWidth).map(i => i.value)"))
            .as("condition fields cut in their input").isEmpty();
        assertThat(page.locator(".bld-save h2")).hasText("Ready to save");

        // A step added at the end, moved up above the branch, then deleted again.
        page.getByLabel("Step to add to the steps").selectOption(new SelectOption().setLabel("Wait"));
        page.getByRole(AriaRole.BUTTON, named("Add the chosen step to the steps")).click();
        assertThat(page.locator("#f-steps-3-id")).hasValue("delay");
        page.getByRole(AriaRole.BUTTON, named("Move delay up")).click();
        assertThat(page.locator("#f-steps-2-id")).hasValue("delay");
        page.getByRole(AriaRole.BUTTON, named("Delete delay")).click();
        assertThat(page.locator("#f-steps-2-id")).hasValue("still_unpaid");
        Chromium.screenshot(page, "builder-1280");

        page.getByRole(AriaRole.BUTTON, named("Save as a new draft")).click();
        assertThat(page.locator("p.flash")).containsText("Saved as version 2");
        org.assertj.core.api.Assertions.assertThat(consoleErrors).as("the browser's console").isEmpty();
        var saved = api.get("/api/v1/automations/" + id, store.apiKey()).json();
        assertThat(saved.get("version").asInt()).isEqualTo(2);
        assertThat(saved.at("/definition/steps/1/duration").asString()).isEqualTo("P5D");
        assertThat(saved.at("/definition/steps").size()).isEqualTo(3);
        // Saving again without an edit keeps version 2: no copy of it in the history.
        page.getByRole(AriaRole.BUTTON, named("Save as a new draft")).click();
        assertThat(page.locator("p.flash")).containsText("Nothing changed: version 2 is already this.");

        var phone = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(390),
            "/admin/automations/" + id + "/builder");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(390);
        Chromium.screenshot(phone, "builder-390");
        // Every step's ↑ ↓ Delete stay at the right of its head, under a branch's long title as beside a short one.
        assertThat((java.util.List<?>) phone.locator(".bld-step-head").evaluateAll("""
            heads => heads.filter(head => head.getBoundingClientRect().right
                - head.querySelector('.bld-moves > :last-child').getBoundingClientRect().right > 2)
              .map(head => head.querySelector('.bld-title').textContent)"""))
            .as("step heads whose Delete is not at their right").isEmpty();

        // Four levels deep (still_unpaid → retry_failed → final_check → task), a field is still half the phone wide:
        // each level of nesting used to take 44 px of it, leaving the task's title 160 px.
        var deepest = phone.locator("#f-steps-2-then-1-then-2-then-1-params-title").boundingBox();
        assertThat(deepest.width).as("width of a field four levels deep").isGreaterThanOrEqualTo(195);
        // An empty Otherwise lane is one line, its name beside its Add control, not a heading with a row under it.
        var emptyOtherwise = phone.locator(".bld-arm:has(> .bld-lane > .bld-add[data-lane='steps[2].else'])");
        var add = emptyOtherwise.locator(".bld-add").boundingBox();
        var arm = emptyOtherwise.boundingBox();
        assertThat(arm.height).as("height of an empty Otherwise lane").isLessThanOrEqualTo(add.height * 1.5);
        assertThat(emptyOtherwise.locator(".bld-label").boundingBox().y).isGreaterThanOrEqualTo(add.y - 1);
        // "Per customer every" wraps beside "At most (runs)": the two inputs stay level.
        assertThat(phone.locator("#f-limit-per").boundingBox().y)
            .isCloseTo(phone.locator("#f-limit-runs").boundingBox().y, Offset.offset(1.0));
    }

    @Test
    void theJsonPanelEditsTheSameDefinitionAndMalformedJsonIsPlacedByLine() {
        var store = accounts.create();
        String id = api.post("/api/v1/automations", store.apiKey(), "{\"template\": \"payment_dunning\"}").json()
            .get("id").asString();
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/automations/" + id + "/builder");
        page.waitForLoadState();

        page.locator("#builder-json").fill("{\"name\": \"Short\", \"trigger\": {\"type\": \"manual\"},\n \"steps\": [");
        assertThat(page.locator(".bld-unreadable")).containsText("line 2");
        page.locator("#builder-json").fill("{\"name\": \"Short\", \"trigger\": {\"type\": \"manual\"}, \"steps\": "
            + "[{\"id\": \"pause\", \"type\": \"delay\", \"duration\": \"PT2H\"}]}");
        assertThat(page.locator("#f-steps-0-duration")).hasValue("2 hours");
        assertThat(page.locator("#f-name")).hasValue("Short");

        // Archived meanwhile (in another tab): the save is refused with the reason, and the edits stay on the page.
        api.delete("/api/v1/automations/" + id, store.apiKey());
        page.getByRole(AriaRole.BUTTON, named("Save as a new draft")).click();
        assertThat(page.locator(".bld-refused")).containsText("Not saved: The automation is archived");
        assertThat(page.locator("#f-steps-0-duration")).hasValue("2 hours");
    }
}
