package io.till.automation;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import tools.jackson.databind.JsonNode;

/**
 * "Run now" for an automation started by hand (a probe found the builder promising "runs when started by hand" with no
 * way to start it but the API): staff pick a customer by name, add data, and open the run it started; what the API
 * refuses is refused beside the form, keeping what was typed.
 */
@TillIntegrationTest
class AutomationRunNowPagesTest {

    private static final String CALL_THE_CUSTOMER = """
        {"name": "Call the customer", "trigger": {"type": "manual"},
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
    java.time.Clock clock;

    @BeforeAll
    static void launch() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void close() {
        chromium.close();
    }

    private String automation(TestAccounts.TestAccount store, String definition, boolean activate) {
        var created = api.post("/api/v1/automations", store.apiKey(), definition);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        if (activate) {
            var activated = api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null);
            assertThat(activated.status()).as(activated.text()).isEqualTo(200);
        }
        return id;
    }

    private String customer(TestAccounts.TestAccount store, String name, String email) {
        var created = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "%s", "email": "%s"}""".formatted(name, email));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    /** Presses Run now and answers its confirm: a run sends emails and may charge cards. */
    private static void runNow(Page page, String forWhom) {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Run now " + forWhom)).click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Run it"))
            .click();
    }

    private JsonNode runs(TestAccounts.TestAccount store, String automation) {
        return api.get("/api/v1/executions?automation_id=" + automation, store.apiKey()).json().get("data");
    }

    @Test
    void staffPickACustomerByNameAddDataRunTheAutomationAndOpenTheRun() {
        var store = accounts.create();
        String automation = automation(store, CALL_THE_CUSTOMER, true);
        String ada = customer(store, "Ada Lovelace", "ada@analytical.example");
        customer(store, "Grace Hopper", "grace@cobol.example");
        // Not an owner: running an automation is staff's work, as any API key may run one.
        var page = StaffBrowser.of(db, passwords, store.id(), "staff").signIn(api, chromium.page(1280),
            "/admin/automations/" + automation);

        var run = page.locator("#run");
        assertThat(run.getByRole(AriaRole.HEADING)).hasText("Run now");
        assertThat(run.locator("form[method=post] input[name=_csrf]")).hasCount(1);
        assertThat(run.locator("#run-needs-customer")).hasCount(0);
        run.getByLabel("Pick a customer by name or email (optional)").pressSequentially("lov",
            new Locator.PressSequentiallyOptions().setDelay(30));
        assertThat(run.locator("#run-customers")).containsText("Customers matching “lov”");
        assertThat(run.locator("#run-customers li")).hasCount(1);
        run.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Ada Lovelace")).click();
        assertThat(page.locator("#run .aut-test-chosen")).containsText("For Ada Lovelace");
        page.getByLabel("Data (optional JSON object").fill("{\"source\": \"phone call\"}");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Run now for Ada Lovelace")).click();
        // A run sends emails and may charge cards: it is asked first, as starting one for an event is.
        var confirm = page.getByRole(AriaRole.DIALOG);
        assertThat(confirm).containsText("Run Call the customer now for Ada Lovelace? Its steps run as for any run");
        confirm.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Run it")).click();

        var started = page.locator("#run .aut-run-started");
        assertThat(started).containsText("Started a run for Ada Lovelace. Follow its steps →");
        var runs = runs(store, automation);
        assertThat(runs).hasSize(1);
        String execution = runs.get(0).get("id").asString();
        assertThat(runs.get(0).get("customer_id").asString()).isEqualTo(ada);
        assertThat(runs.get(0).get("trigger").get("type").asString()).isEqualTo("manual");
        assertThat(runs.get(0).get("trigger").get("data").get("source").asString()).isEqualTo("phone call");
        Chromium.screenshot(page, "automation-run-now-started-1280");
        started.getByRole(AriaRole.LINK).click();
        assertThat(page).hasURL(Pattern.compile("/admin/executions/" + execution + "$"));
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Call the customer · run")))
            .isVisible();

        // Its runs are a tab away on the automation's page, and a click away on the list.
        page.navigate(api.uri("/admin/automations/" + automation).toString());
        page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Automation"))
            .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Runs")).click();
        assertThat(page).hasURL(Pattern.compile("/admin/executions\\?automation=" + automation + "$"));
        assertThat(page.locator("main table a[href='/admin/executions/" + execution + "']").first()).isVisible();
        page.navigate(api.uri("/admin/automations").toString());
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("1 run of Call the customer in 7 days: "
            + "see them")).click();
        // The runs it counted, of the same 7 days where the store is.
        assertThat(page).hasURL(Pattern.compile("/admin/executions\\?automation=" + automation + "&from="
            + java.time.LocalDate.now(clock).minusDays(6) + "$"));
        assertThat(page.locator("main table a[href='/admin/executions/" + execution + "']").first()).isVisible();

        var phone = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(390),
            "/admin/automations/" + automation + "?customer=" + ada);
        assertThat(phone.locator("#run .aut-test-chosen")).containsText("Ada Lovelace");
        phone.locator("#run").scrollIntoViewIfNeeded();
        Chromium.screenshot(phone, "automation-run-now-390");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        // The data field's label names event.data whole: it moves to the next line, not "even" / "t.data".
        assertThat((Integer) phone.locator("label[for=run-data] code").evaluate("code => code.getClientRects().length"))
            .as("lines event.data takes").isEqualTo(1);
    }

    @Test
    void whatTheRunRefusesIsSaidBesideTheFormKeepingWhatWasTypedAndStartsNothing() {
        var store = accounts.create();
        var other = accounts.create();
        String automation = automation(store, """
            {"name": "Only when asked", "trigger": {"type": "manual"},
             "conditions": {"field": "event.data.ok", "op": "eq", "value": true},
             "steps": [{"id": "note", "type": "action", "action": "create_task",
                        "params": {"title": "Call {{customer.name}}"}}]}""",
            true);
        String ada = customer(store, "Ada Lovelace", "ada@analytical.example");
        String stranger = customer(other, "Someone Else", "else@example.com");
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/automations/" + automation + "?customer=" + ada);
        var data = page.getByLabel("Data (optional JSON object");

        data.fill("{\"ok\": ");
        var refused = page.waitForResponse(r -> r.url().endsWith("/run"), () -> runNow(page, "for Ada Lovelace"));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(page.locator("#run-refused")).containsText("Data");
        assertThat(page.locator("#run-refused")).containsText("Is not valid JSON");
        assertThat(page.getByLabel("Data (optional JSON object")).hasValue("{\"ok\": ");
        assertThat(page.locator("#run .aut-test-chosen")).containsText("Ada Lovelace");
        Chromium.screenshot(page, "automation-run-now-refused-1280");

        page.getByLabel("Data (optional JSON object").fill("[1]");
        runNow(page, "for Ada Lovelace");
        assertThat(page.locator("#run-refused")).containsText("Must be a JSON object");

        page.getByLabel("Data (optional JSON object").fill("{\"ok\": false}");
        runNow(page, "for Ada Lovelace");
        assertThat(page.locator("#run-refused")).containsText("conditions do not hold");
        assertThat(page.getByLabel("Data (optional JSON object")).hasValue("{\"ok\": false}");

        // A customer of another account, sent in place of the one picked, is refused as the API refuses it.
        page.locator("#run input[name=customer]").evaluate("(input, id) => input.value = id", stranger);
        page.getByLabel("Data (optional JSON object").fill("{\"ok\": true}");
        runNow(page, "for Ada Lovelace");
        assertThat(page.locator("#run-refused")).containsText("Customer");
        assertThat(page.locator("#run-refused")).containsText("in this account");
        assertThat(page.locator("main")).not().containsText("Someone Else");
        assertThat(runs(store, automation)).isEmpty();

        page.navigate(api.uri("/admin/automations/" + automation + "?customer=" + stranger).toString());
        assertThat(page.locator("#run")).containsText("That customer is not in this account");
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(
            "Run now without a customer"))).isVisible();
        // Its step reads the customer: a run without one is warned of, beside its button.
        assertThat(page.locator("#run-needs-customer")).containsText("Its steps read the customer");
    }

    @Test
    void aDraftOrPausedManualAutomationSaysWhatToDoFirstAndOneStartedByEventsOffersNoRun() throws IOException {
        var store = accounts.create();
        String draft = automation(store, CALL_THE_CUSTOMER, false);
        String paused = automation(store, CALL_THE_CUSTOMER, true);
        assertThat(api.post("/api/v1/automations/" + paused + "/pause", store.apiKey(), null).status())
            .isEqualTo(200);
        String definition;
        try (InputStream in = getClass().getResourceAsStream("/automations/tag_new_signups.json")) {
            definition = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String onEvents = automation(store, definition, true);
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280));

        page.navigate(api.uri("/admin/automations/" + draft).toString());
        assertThat(page.locator("#run")).containsText("Activate version 1 to run it by hand.");
        assertThat(page.locator("#run form[method=post]")).hasCount(0);
        page.navigate(api.uri("/admin/automations/" + paused).toString());
        assertThat(page.locator("#run")).containsText("resume it to run it by hand");
        assertThat(page.locator("#run form[method=post]")).hasCount(0);
        page.navigate(api.uri("/admin/automations/" + onEvents).toString());
        assertThat(page.locator(".aut-steps")).isVisible();
        assertThat(page.locator("#run")).hasCount(0);
    }
}
