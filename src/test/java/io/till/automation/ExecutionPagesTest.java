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
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
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
 * Executions in a real browser: a run's timeline with a failing webhook peer (WireMock), retry from the failed step,
 * what a waiting run waits for, cancel a waiting run, the status filter, why an automation did not start for an
 * event, and another account's run.
 */
@TillIntegrationTest
class ExecutionPagesTest {

    /**
     * Whether a field's text (a select's chosen option, else an input's placeholder) fits inside it, measured in its
     * own font; a select keeps room for its arrow.
     */
    private static final String FITS = """
        selector => {
          const field = document.querySelector(selector);
          const style = getComputedStyle(field);
          const context = document.createElement('canvas').getContext('2d');
          context.font = style.font;
          const text = field.tagName === 'SELECT' ? field.selectedOptions[0].text : field.placeholder;
          const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
            - (field.tagName === 'SELECT' ? 20 : 0);
          return context.measureText(text).width <= room;
        }""";

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    JdbcClient db;
    @Autowired
    PasswordEncoder passwords;

    private final WireMockServer slack = new WireMockServer(options().dynamicPort());

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
        slack.start();
    }

    @AfterEach
    void stopPeer() {
        slack.stop();
    }

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    private String activate(TestAccounts.TestAccount store, String definition) {
        var created = api.post("/api/v1/automations", store.apiKey(), definition);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        var activated = api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null);
        assertThat(activated.status()).as(activated.text()).isEqualTo(200);
        return id;
    }

    private String run(TestAccounts.TestAccount store, String automation) {
        var started = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), null);
        assertThat(started.status()).as(started.text()).isEqualTo(201);
        agenda.runDue();
        return started.json().get("id").asString();
    }

    private void advance(TestAccounts.TestAccount store, String by) {
        var advanced = api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"" + by + "\"}");
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
    }

    private Page open(Page page, String path) {
        page.navigate(api.uri(path).toString());
        return page;
    }

    private static void assertNoSidewaysScroll(Page page) {
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
    }

    /** A run canceled before its first step ran is over: its page no longer says it starts in a moment. */
    @Test
    void aRunCanceledBeforeItsFirstStepSaysNoStepRanNotThatItStartsSoon() {
        var store = accounts.create();
        String automation = activate(store, """
            {"name": "By hand", "trigger": {"type": "manual"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "x"}}]}""");
        String execution = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), null).json()
            .get("id").asString();
        var canceled = api.post("/api/v1/executions/" + execution + "/cancel", store.apiKey(), null);
        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);

        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280));
        open(page, "/admin/executions/" + execution);

        assertThat(page.locator("main")).containsText("No step ran: the run was canceled before its first.");
        assertThat(page.locator("main")).not().containsText("starts in a moment");
    }

    @Test
    void aRunEndedByAnEventItStopsOnSaysWhichInWords() {
        var store = accounts.create();
        String customer = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada", "email": "ada@example.com"}""").json().get("id").asString();
        activate(store, """
            {"name": "Nudge", "trigger": {"type": "event", "event": "acme.cart_abandoned"},
             "cancel_on": ["acme.order_placed"],
             "steps": [{"id": "later", "type": "delay", "duration": "P1D"},
                       {"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "nudged"}}]}""");
        assertThat(api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.cart_abandoned", "customer_id": "%s", "data": {}}""".formatted(customer)).status())
            .isEqualTo(201);
        agenda.runDue();
        assertThat(api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.order_placed", "customer_id": "%s", "data": {}}""".formatted(customer)).status())
            .isEqualTo(201);
        agenda.runDue();
        String execution = api.get("/api/v1/executions?customer_id=" + customer, store.apiKey()).json().get("data")
            .get(0).get("id").asString();

        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280));
        open(page, "/admin/executions/" + execution);
        assertThat(page.locator(".canceled-by")).containsText("acme.order_placed, an event this automation stops on");
        assertThat(page.locator("main")).containsText("Ended by");
        Chromium.screenshot(page, "execution-ended-by-event-1280");

        // The list says why it was canceled, not only that it was.
        open(page, "/admin/executions");
        var row = page.locator("tr").filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText(execution));
        assertThat(row.locator(".ended-by")).hasText("by acme.order_placed");
        // And so does the customer's timeline.
        open(page, "/admin/customers/" + customer);
        assertThat(page.locator("#timeline li").filter(new com.microsoft.playwright.Locator.FilterOptions()
            .setHasText("Automation: Nudge"))).containsText("canceled by acme.order_placed");
    }

    @Test
    void aFailedWebhookStepShowsItsErrorAndAttemptsAndRetryingFromItCompletesTheRun() {
        var store = accounts.create();
        slack.stubFor(post(urlEqualTo("/services/T/B/X")).willReturn(aResponse().withStatus(503)
            .withBody("<html>upstream secret-echo-123 java.lang.IllegalStateException</html>")));
        String automation = activate(store, """
            {"name": "Tell the team", "trigger": {"type": "manual"},
             "steps": [{"id": "notify", "type": "action", "action": "send_slack",
                        "params": {"webhook_url": "%s", "text": "A payment failed"},
                        "retry": {"attempts": 2, "backoff": "PT1M", "cap": "PT1M"}}]}"""
            .formatted(slack.baseUrl() + "/services/T/B/X"));
        String execution = run(store, automation);
        advance(store, "PT2M");
        assertThat(api.get("/api/v1/executions/" + execution, store.apiKey()).json().get("status").asString())
            .isEqualTo("failed");

        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280));
        page.getByRole(AriaRole.LINK, named("Executions")).click();
        page.getByLabel("Status").selectOption("succeeded");
        page.getByRole(AriaRole.BUTTON, named("Filter")).click();
        assertThat(page.locator("main")).containsText("No runs match these filters.");
        page.getByLabel("Status").selectOption("failed");
        page.getByRole(AriaRole.BUTTON, named("Filter")).click();
        assertThat(page.locator("main table")).containsText("Tell the team");
        // Each filter shows what it holds whole: "All automations" and the customer field's example.
        assertThat(page.evaluate(FITS, "#f-automation")).as("All automations fits its select").isEqualTo(true);
        assertThat(page.evaluate(FITS, "#f-customer")).as("the example fits the customer field").isEqualTo(true);
        Chromium.screenshot(page, "executions-list-1280");

        page.getByRole(AriaRole.LINK, named(execution)).click();
        assertThat(page.getByRole(AriaRole.HEADING, named("Tell the team · run"))).isVisible();
        var steps = page.locator("ol.timeline > li");
        assertThat(steps).hasCount(2);
        assertThat(steps.nth(0)).containsText("attempt 1");
        assertThat(steps.nth(1)).containsText("attempt 2");
        assertThat(steps.nth(0)).containsText("tried again");
        assertThat(steps.nth(1)).containsText("Slack was unavailable: Slack answered 503");
        assertThat(steps.nth(1)).not().containsText("tried again");
        assertThat(page.locator("main")).containsText("Failed");
        assertThat(page.locator("main")).not().containsText("secret-echo-123");
        assertThat(page.locator("main")).not().containsText("IllegalStateException");
        // The Slack URL is a credential: its host (and port) may show, its path only masked.
        assertThat(page.locator("main")).not().containsText(slack.baseUrl() + "/services/T/B/X");
        Chromium.screenshot(page, "execution-failed-1280");

        slack.resetAll();
        slack.stubFor(post(urlEqualTo("/services/T/B/X")).willReturn(aResponse().withStatus(200).withBody("ok")));
        page.getByRole(AriaRole.BUTTON, named("Retry from the failed step")).click();
        var confirm = page.getByRole(AriaRole.DIALOG);
        assertThat(confirm).containsText("Retry this run from the step that failed?");
        confirm.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Retry")).click();
        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("Retrying")))
            .isVisible();
        agenda.runDue();
        page.reload();
        assertThat(page.locator("#run-facts + .pill, header:has(#run-facts) .pill")).hasText("succeeded");
        assertThat(steps).hasCount(3);
        // The step's third attempt, after the two its retry policy made: not a second "attempt 1".
        assertThat(steps.nth(2)).containsText("attempt 3");
        assertThat(steps.nth(2)).containsText("succeeded");
        assertThat(steps.nth(1)).containsText("tried again");
        assertThat(page.getByRole(AriaRole.BUTTON, named("Retry from the failed step"))).hasCount(0);
        Chromium.screenshot(page, "execution-retried-1280");

        var phone = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(390));
        open(phone, "/admin/executions/" + execution);
        assertNoSidewaysScroll(phone);
        Chromium.screenshot(phone, "execution-retried-390");
        open(phone, "/admin/executions");
        assertNoSidewaysScroll(phone);
        Chromium.screenshot(phone, "executions-list-390");
    }

    /**
     * Each line of a run's timeline opens what its step was given and what it gave back: an email's subject as
     * rendered for the customer, the message id and the way it went; and a step that failed says what went wrong.
     */
    @Test
    void eachStepOfARunShowsItsInputAndOutputAndAFailedActionItsError() {
        var store = accounts.create();
        String ada = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada Lovelace", "email": "ada@example.com"}""").json().get("id").asString();
        String automation = activate(store,
            """
                {"name": "Welcome and tell the team", "trigger": {"type": "manual"},
                 "steps": [{"id": "hello", "type": "action", "action": "send_email",
                            "params": {"to": "{{customer.email}}", "subject": "Welcome, {{customer.first_name}}",
                                       "text": "Glad to have you."}},
                           {"id": "notify", "type": "action", "action": "send_slack",
                            "params": {"webhook_url": "http://169.254.169.254/hook", "text": "{{customer.name}} joined"}}]}""");
        var started = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(),
            "{\"customer_id\": \"" + ada + "\"}");
        assertThat(started.status()).as(started.text()).isEqualTo(201);
        agenda.runDue();
        String execution = started.json().get("id").asString();
        var logged = api.get("/api/v1/executions/" + execution, store.apiKey()).json().get("steps");
        String messageId = logged.get(0).get("output").get("message_id").asString();

        var page = open(StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280)),
            "/admin/executions/" + execution);
        var lines = page.locator("ol.timeline > li");
        assertThat(lines).hasCount(2);

        var email = lines.nth(0);
        assertThat(email.locator(".step-name")).containsText("Send email · hello · attempt 1");
        assertThat(email).containsText("succeeded");
        // How long the action's attempt took, in words (85 ms, 2.4 s); the number is the machine's.
        assertThat(email.locator(".step-meta")).containsText(Pattern.compile(" · took \\d+(\\.\\d)? m?s(\\s|$)"));
        assertThat(part(email, "Input")).not().isVisible();
        assertThat(opened(email, "Input")).containsText("\"subject\" : \"Welcome, Ada\"");
        assertThat(part(email, "Input")).containsText("\"to\" : \"ada@example.com\"");
        assertThat(opened(email, "Output")).containsText("\"message_id\" : \"" + messageId + "\"");
        assertThat(part(email, "Output")).containsText("\"via\" : \"dev_mailbox\"");

        var slackStep = lines.nth(1);
        assertThat(slackStep.locator(".step-name")).containsText("Post to Slack · notify · attempt 1");
        assertThat(slackStep).containsText("failed");
        // The error code in words, with the detail the action wrote, and the code as the API gives it.
        assertThat(slackStep.locator(".step-error"))
            .containsText("The destination is not allowed (a private or local address): ");
        assertThat(slackStep.locator(".step-error .error-code")).hasText("destination_refused");
        // What it was given, its secret masked; a step that failed gave nothing back.
        assertThat(opened(slackStep, "Input")).containsText("\"text\" : \"Ada Lovelace joined\"");
        assertThat(part(slackStep, "Input")).containsText("\"webhook_url\" : \"http://169.254.169.254/****\"");
        assertThat(part(slackStep, "Output")).hasCount(0);
        assertThat(page.locator(".facts .step-error")).containsText("The destination is not allowed");
        assertThat(page.locator(".facts .step-error")).containsText("(step “notify”)");
        Chromium.screenshot(page, "execution-inputs-outputs-1280");

        var phone = open(StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(390)),
            "/admin/executions/" + execution);
        var phoneLines = phone.locator("ol.timeline > li");
        assertThat(opened(phoneLines.nth(0), "Output")).containsText(messageId);
        assertThat(opened(phoneLines.nth(1), "Input")).containsText("Ada Lovelace joined");
        assertNoSidewaysScroll(phone);
        Chromium.screenshot(phone, "execution-inputs-outputs-390");
        // The customer's id beside their name moves to a line of its own, whole, rather than breaking before "shd".
        assertThat((Integer) phone.locator(".run-facts dd code").first().evaluate(
            "code => code.getClientRects().length")).as("lines the customer's id takes").isEqualTo(1);
    }

    /** A line's Input or Output, as its page holds it (closed until staff open it). */
    private static Locator part(Locator line, String name) {
        return line.locator("details:has(> summary:text-is('" + name + "')) > pre");
    }

    /** Opens a line's Input or Output as staff do, by its summary, and answers what it shows. */
    private static Locator opened(Locator line, String name) {
        line.locator("details > summary:text-is('" + name + "')").click();
        return part(line, name);
    }

    @Test
    void aLongRunShowsItsLatestStepsAndLoadsEarlierOnesOnDemand() {
        var store = accounts.create();
        String automation = activate(store, """
            {"name": "Every row", "trigger": {"type": "manual"},
             "steps": [{"id": "each", "type": "loop", "over": "event.data.rows", "max": 150, "steps": [
               {"id": "check", "type": "branch", "if": {"field": "loop.index", "op": "gt", "value": 0},
                "then": [{"id": "later_row", "type": "action", "action": "test.record"}],
                "else": [{"id": "first_row", "type": "action", "action": "test.record"}]}]}]}""");
        String rows = java.util.stream.IntStream.range(0, 150).mapToObj(Integer::toString)
            .collect(java.util.stream.Collectors.joining(",", "[", "]"));
        var started = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(),
            "{\"data\": {\"rows\": " + rows + "}}");
        assertThat(started.status()).as(started.text()).isEqualTo(201);
        agenda.runDue();
        String execution = started.json().get("id").asString();

        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280));
        open(page, "/admin/executions/" + execution);
        var lines = page.locator("ol.timeline > li:not(.earlier)");
        assertThat(lines).hasCount(ExecutionPages.LINES);
        assertThat(lines.last()).containsText("later_row");
        assertThat(page.locator("main")).not().containsText("first_row");

        int logged = db.sql("SELECT count(*) FROM execution_steps WHERE execution_id = :id").param("id", execution)
            .query(Integer.class).single();
        assertThat(logged).isBetween(301, 400);
        page.getByRole(AriaRole.BUTTON, named("Show earlier steps")).click();
        assertThat(lines).hasCount(logged);
        assertThat(page.locator("main")).containsText("first_row");
        assertThat(page.getByRole(AriaRole.BUTTON, named("Show earlier steps"))).hasCount(0);
        Chromium.screenshot(page, "execution-long-1280");
    }

    @Test
    void aWaitingRunSaysUntilWhenAndIsCanceledAfterConfirmingWhileALateCancelIsRefused() {
        var store = accounts.create();
        String automation = activate(store, """
            {"name": "Wait a day", "trigger": {"type": "manual"},
             "steps": [{"id": "wait", "type": "delay", "duration": "P1D"},
                       {"id": "note", "type": "action", "action": "test.record"}]}""");
        String execution = run(store, automation);

        var staff = StaffBrowser.of(db, passwords, store.id());
        var page = open(staff.signIn(api, chromium.page(1280)), "/admin/executions/" + execution);
        assertThat(page.locator("main")).containsText("“Wait 1 day” to end (step wait), until");
        var stale = open(staff.signIn(api, chromium.page(1280)), "/admin/executions/" + execution);
        Chromium.screenshot(page, "execution-waiting-1280");

        page.getByRole(AriaRole.BUTTON, named("Cancel run")).click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions()
            .setName("Cancel run")).click();
        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("canceled")))
            .isVisible();
        assertThat(page.locator("header:has(#run-facts) .pill")).hasText("canceled");
        assertThat(page.getByRole(AriaRole.BUTTON, named("Cancel run"))).hasCount(0);

        stale.getByRole(AriaRole.BUTTON, named("Cancel run")).click();
        stale.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions()
            .setName("Cancel run")).click();
        assertThat(stale.getByRole(AriaRole.ALERT)).containsText("The execution was canceled already.");
        assertThat(api.get("/api/v1/executions/" + execution, store.apiKey()).json().get("status").asString())
            .isEqualTo("canceled");
    }

    @Test
    void aRunWaitingForAnEventSaysWhichEventAboutItsCustomerAndAtWhichStep() {
        var store = accounts.create();
        String ada = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada Lovelace", "email": "ada@example.com"}""").json().get("id").asString();
        String automation = activate(store, """
            {"name": "Until done", "trigger": {"type": "manual"},
             "steps": [{"id": "done", "type": "wait_for_event", "event": "acme.done", "match": "customer",
                        "timeout": "PT3H"},
                       {"id": "note", "type": "action", "action": "test.record"}]}""");
        var started = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(),
            "{\"customer_id\": \"" + ada + "\"}");
        assertThat(started.status()).as(started.text()).isEqualTo(201);
        agenda.runDue();
        String execution = started.json().get("id").asString();

        var page = open(StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280)),
            "/admin/executions/" + execution);

        assertThat(page.locator(".run-facts dd.waiting"))
            .containsText("Event acme.done about this run's customer (step “done”), or its time to end, until");
        var waiting = page.locator("ol.timeline > li");
        assertThat(waiting).hasCount(1);
        assertThat(waiting.locator(".step-meta")).containsText("· Waiting for acme.done begins");
        // A wait took no time of its own yet: only an action's attempt says how long it took.
        assertThat(waiting.locator(".step-meta")).not().containsText("took");
    }

    @Test
    void theEventPageSaysWhichAutomationsStartedAndWhyTheOthersDidNot() {
        var store = accounts.create();
        String ada = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada Lovelace", "email": "ada@example.com"}""").json().get("id").asString();
        activate(store, """
            {"name": "Greet sign-ups", "trigger": {"type": "event", "event": "acme.signup"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");
        activate(store, """
            {"name": "VIP welcome", "trigger": {"type": "event", "event": "acme.signup"},
             "conditions": {"all": [{"field": "event.data.plan", "op": "eq", "value": "vip"}]},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");
        activate(store, """
            {"name": "Farewell", "trigger": {"type": "event", "event": "acme.left"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");
        String event = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.signup", "customer_id": "%s", "data": {"plan": "basic"}}""".formatted(ada)).json()
            .get("id").asString();
        agenda.runDue();
        String execution = api.get("/api/v1/executions", store.apiKey()).json().get("data").get(0).get("id")
            .asString();

        var page = open(StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280)),
            "/admin/executions/" + execution);
        assertThat(page.locator("main")).containsText(event);
        assertThat(page.getByRole(AriaRole.LINK, named("Ada Lovelace"))).hasAttribute("href",
            "/admin/customers/" + ada);
        page.getByRole(AriaRole.LINK, named("which automations started for it")).click();
        assertThat(page.getByRole(AriaRole.HEADING, named("Automations for an event"))).isVisible();
        var started = page.locator("section:has(#started-title)");
        assertThat(started).containsText("Greet sign-ups");
        assertThat(started.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(execution))).isVisible();
        var others = page.locator("section:has(#others-title)");
        assertThat(others.locator("tr", new Locator.LocatorOptions().setHasText("VIP welcome")))
            .containsText("Its conditions did not hold: wanted event.data.plan is “vip”, but event.data.plan is "
                + "“basic”.");
        assertThat(others.locator("tr", new Locator.LocatorOptions().setHasText("Farewell")))
            .containsText("starts on acme.left, not on acme.signup");
        Chromium.screenshot(page, "execution-for-event-1280");

        open(page, "/admin/executions");
        page.getByLabel("Customer (email or id)").fill(ada);
        page.getByRole(AriaRole.BUTTON, named("Filter")).click();
        assertThat(page.locator("main table tbody tr")).hasCount(1);
        assertThat(page.locator("main table tbody tr")).containsText("Ada Lovelace");
        page.getByLabel("Customer (email or id)").fill(" ADA@example.com ");
        page.getByRole(AriaRole.BUTTON, named("Filter")).click();
        assertThat(page.locator("main table tbody tr")).hasCount(1);
        page.getByLabel("Customer (email or id)").fill("grace@example.com");
        page.getByRole(AriaRole.BUTTON, named("Filter")).click();
        assertThat(page.locator("#f-customer-error")).hasText("Customer email matches no customer.");
        page.getByLabel("Customer (email or id)").fill("cus_01knd6p0f3c2y7a9v4w8x5z1q0"); // no customer has it
        page.getByRole(AriaRole.BUTTON, named("Filter")).click();
        assertThat(page.locator("main")).containsText("No runs match these filters.");
    }

    /**
     * A seller who tested a new automation on a real event, then activated it, found no run for that event: the event's
     * page starts it, once however often clicked, and refuses what the matcher would refuse.
     */
    @Test
    void anAutomationActivatedAfterAnEventIsStartedForItFromTheEventsPageOnce() {
        var store = accounts.create();
        String ada = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada Lovelace", "email": "ada@example.com"}""").json().get("id").asString();
        String event = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.signup", "customer_id": "%s", "data": {"plan": "basic"}}""".formatted(ada)).json()
            .get("id").asString();
        agenda.runDue();
        String greet = activate(store, """
            {"name": "Greet sign-ups", "trigger": {"type": "event", "event": "acme.signup"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");
        activate(store, """
            {"name": "VIP welcome", "trigger": {"type": "event", "event": "acme.signup"},
             "conditions": {"all": [{"field": "event.data.plan", "op": "eq", "value": "vip"}]},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");

        var staff = StaffBrowser.of(db, passwords, store.id());
        var page = open(staff.signIn(api, chromium.page(1280)), "/admin/executions/for-event/" + event);
        // Whose event it was, by name, not only by id.
        assertThat(page.locator(".heading")).containsText("acme.signup · Ada Lovelace");
        var others = page.locator("section:has(#others-title)");
        assertThat(others.locator("tr", new Locator.LocatorOptions().setHasText("VIP welcome"))
            .getByRole(AriaRole.BUTTON)).hasCount(0);
        var stale = open(staff.signIn(api, chromium.page(1280)), "/admin/executions/for-event/" + event);
        Chromium.screenshot(page, "execution-for-event-start-1280");
        page.getByRole(AriaRole.BUTTON, named("Start Greet sign-ups for this event")).click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions()
            .setName("Start it")).click();

        assertThat(page.getByRole(AriaRole.HEADING, named("Greet sign-ups · run"))).isVisible();
        assertThat(page.locator("p.flash")).containsText("Started for this event.");
        assertThat(page.locator("main")).containsText(event);
        String run = page.url().substring(page.url().lastIndexOf('/') + 1);
        agenda.runDue();
        assertThat(api.get("/api/v1/executions/" + run, store.apiKey()).json().get("status").asString())
            .isEqualTo("succeeded");

        // A second click, from a page opened before the first: the same run, not another.
        stale.getByRole(AriaRole.BUTTON, named("Start Greet sign-ups for this event")).click();
        stale.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions()
            .setName("Start it")).click();
        assertThat(stale).hasURL(java.util.regex.Pattern.compile(".*/admin/executions/" + run + "$"));
        assertThat(api.get("/api/v1/executions?automation_id=" + greet, store.apiKey()).json().get("data"))
            .hasSize(1);

        // Asked for one whose conditions do not hold (a crafted request): refused, with why, and nothing starts.
        String vip = api.get("/api/v1/automations", store.apiKey()).json().get("data").valueStream()
            .filter(a -> a.get("name").asString().equals("VIP welcome")).findFirst().orElseThrow().get("id")
            .asString();
        var refused = page.request().post(api.uri("/admin/executions/for-event/" + event + "/start").toString(),
            com.microsoft.playwright.options.RequestOptions.create().setForm(com.microsoft.playwright.options.FormData
                .create().set("automation", vip).set("_csrf", csrf(page, "/admin/executions/for-event/" + event))));
        assertThat(refused.url()).endsWith("/admin/executions/for-event/" + event);
        assertThat(refused.text()).contains("Its conditions do not hold for this event, so it was not started.");
        assertThat(api.get("/api/v1/executions?automation_id=" + vip, store.apiKey()).json().get("data")).isEmpty();
    }

    private String csrf(Page page, String path) {
        open(page, path);
        return page.locator("input[name=_csrf]").first().getAttribute("value");
    }

    @Test
    void anotherAccountsRunIsNotFound() {
        var store = accounts.create();
        var other = accounts.create();
        String automation = activate(other, """
            {"name": "Theirs", "trigger": {"type": "manual"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");
        String theirs = run(other, automation);

        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280));
        var response = page.navigate(api.uri("/admin/executions/" + theirs).toString());

        assertThat(response.status()).isEqualTo(404);
        assertThat(page.locator("main")).not().containsText("Theirs");
        assertThat(page.locator(".side")).isVisible();
        var forEvent = page.navigate(api.uri("/admin/executions/for-event/evt_01kdoesnotexist0000000000").toString());
        assertThat(forEvent.status()).isEqualTo(404);
    }
}
