package io.till.automation;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.ClockDatabase;
import io.till.testing.Shops;
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
 * An automation's Test tab in a real browser: a real customer's real failed payment run through the Payment Dunning
 * draft, drawn on its flow, with nothing sent and no run recorded; sample data, a bad sample and a customer without
 * such events; another account's automation. At 1280 and 390 px. Its own database: the failed payment takes moving
 * the sandbox clock past a trial.
 */
@TillIntegrationTest
@ClockDatabase
class AutomationTestTabTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    Shops shops;
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

    private String create(String apiKey, String definition) {
        var created = api.post("/api/v1/automations", apiKey, definition);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private int count(String table, String accountId) {
        return db.sql("SELECT count(*) FROM " + table + " WHERE account_id = :accountId")
            .param("accountId", accountId).query(Integer.class).single();
    }

    private static void fitsAPhone(Page page, String screenshot) {
        page.setViewportSize(390, 844);
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).as("no sideways scroll on "
            + screenshot).isLessThanOrEqualTo(390);
        Chromium.screenshot(page, screenshot);
    }

    private static Locator step(Page page, String stepTitle) {
        return page.locator("#test-result .aut-step", new Page.LocatorOptions().setHas(page.locator(
            ":scope > .aut-chip > .aut-title", new Page.LocatorOptions().setHasText(stepTitle)))).first();
    }

    @Test
    void testingPaymentDunningOnACustomersRealFailedPaymentDrawsTheWouldBeRunAndSendsNothing() {
        var shop = shops.open();
        shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        assertThat(shops.advance(shop, "P14DT1H").status()).isEqualTo(200);
        String automation = create(shop.apiKey(), "{\"template\": \"payment_dunning\"}");
        // Version 1 is active; version 2, a draft, words its first email otherwise.
        assertThat(api.post("/api/v1/automations/" + automation + "/activate", shop.apiKey(), null).status())
            .isEqualTo(200);
        String definition = api.get("/api/v1/automations/" + automation, shop.apiKey()).json().get("definition")
            .toString().replace("We couldn't process your payment", "Your payment did not go through");
        assertThat(api.send("PUT", "/api/v1/automations/" + automation, shop.apiKey(), definition,
            java.util.List.of("Content-Type", "application/json"))
            .status()).isEqualTo(200);
        int mailBefore = count("dev_messages", shop.accountId());

        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280),
            "/admin/automations/" + automation);
        page.getByRole(AriaRole.LINK, named("Test")).click();
        assertThat(page.getByRole(AriaRole.HEADING, named("1. Who to test on"))).isVisible();

        // The search narrows the customers as it is typed (once htmx, deferred, has loaded); picking one offers
        // their real failed payment.
        page.waitForLoadState(com.microsoft.playwright.options.LoadState.LOAD);
        page.getByLabel("Find a customer by name or email").fill("ada@");
        var found = page.locator("#test-customers");
        assertThat(found).containsText("Customers matching “ada@”");
        found.getByRole(AriaRole.LINK).filter(new Locator.FilterOptions().setHasText("ada@example.com")).click();
        assertThat(page.locator(".aut-test-chosen")).containsText("Testing on Buyer");
        var real = page.getByLabel(java.util.regex.Pattern.compile("Their payment\\.failed of"));
        assertThat(real).isChecked();
        assertThat(page.locator(".aut-test-sources")).containsText("$19.00");
        assertThat(page.getByLabel("Version")).hasValue("2");

        page.getByRole(AriaRole.BUTTON, named("Run the test")).click();
        var result = page.locator("#test-result");
        assertThat(result).containsText("Version 2 would run to the end. Nothing was sent and no run was "
            + "recorded.");
        // The page opens at the answer, below the form and the backtest, not at its top.
        assertThat(page.getByRole(AriaRole.HEADING, named("What would happen"))).isInViewport();
        assertThat(step(page, "When a payment fails")).containsText("Starts on payment.failed");
        var gentle = step(page, "Send email");
        assertThat(gentle).containsText("Would send this email");
        assertThat(gentle).containsText("Your payment did not go through");
        assertThat(gentle.locator(".aut-outcome-text")).containsText("Hi Buyer, your payment of $19.00 for Membership "
            + "did not go through.");
        assertThat(gentle).containsText("ada@example.com");
        // Not a working link into the buyer's cards: a test shows where the link goes, made when an email is sent.
        assertThat(gentle.locator(".aut-outcome-text")).containsText("/card_link/made-when-the-email-is-sent");
        assertThat(step(page, "Wait 3 days")).containsText("Would wait until");
        var branch = step(page, "If Invoice · Status is “issued”");
        assertThat(branch.locator(":scope > .aut-chip")).containsText("The condition holds: takes “Then”");
        assertThat(branch.locator(".aut-lane-label").first()).containsText("Then (taken)");
        assertThat(step(page, "Retry payment")).containsText("Would charge the invoice now");
        // The retry charges nothing and is shown declined: the rest of the sequence (a probe found it hidden) is
        // drawn as a failing card would take it.
        assertThat(step(page, "Retry payment")).containsText("shown declined");
        assertThat(step(page, "If Step “retry” · Status is “declined”").locator(":scope > .aut-chip"))
            .containsText("The condition holds");
        assertThat(step(page, "Wait 7 days")).containsText("Would wait until");
        assertThat(step(page, "Create task")).containsText("Would run");
        Chromium.screenshot(page, "automation-test-1280");

        fitsAPhone(page, "automation-test-390");

        // The active version can be tested too.
        page.getByLabel("Version").selectOption("1");
        page.getByRole(AriaRole.BUTTON, named("Run the test")).click();
        assertThat(result).containsText("Version 1 would run to the end.");
        assertThat(step(page, "Send email")).containsText("We couldn't process your payment");

        assertThat(count("dev_messages", shop.accountId())).as("nothing sent").isEqualTo(mailBefore);
        assertThat(count("executions", shop.accountId())).as("no run recorded").isZero();

        // Activating the draft from the header comes back to the Test tab, still testing on the same customer.
        page.getByRole(AriaRole.BUTTON, named("Activate version 2")).click();
        var dialog = page.getByRole(AriaRole.DIALOG);
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Activate").setExact(true)).click();
        assertThat(page.locator("p.flash")).containsText("Version 2 is active");
        assertThat(page.getByRole(AriaRole.HEADING, named("1. Who to test on"))).isVisible();
        assertThat(page.locator(".aut-test-chosen")).containsText("Testing on Buyer");
        page.getByRole(AriaRole.BUTTON, named("Run the test")).click();
        assertThat(result).containsText("Version 2 would run to the end.");

        // The payment failed before the automation was active: the event's page starts it for that payment.
        result.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("the event's page")).click();
        assertThat(page.getByRole(AriaRole.HEADING, named("Automations for an event"))).isVisible();
        assertThat(page.getByRole(AriaRole.BUTTON, named("Start Payment Dunning for this event"))).isVisible();
    }

    @Test
    void sampleDataRendersEachKindOfStepAndABadSampleIsPlacedByLineAndColumn() {
        var store = accounts.create();
        var customer = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Grace Hopper", "email": "grace@example.com"}""");
        assertThat(customer.status()).as(customer.text()).isEqualTo(201);
        String automation = create(store.apiKey(),
            """
                {"name": "Order follow-up", "trigger": {"type": "event", "event": "order.created"},
                 "conditions": {"all": [{"field": "event.data.total", "op": "gte", "value": 100}]},
                 "steps": [
                   {"id": "hello", "type": "action", "action": "send_email",
                    "params": {"to": "{{customer.email}}", "subject": "Thanks, {{customer.first_name}}",
                               "html": "<h1>Hello {{customer.first_name}}</h1><script>parent.document.title = 'ran'</script>"}},
                   {"id": "each", "type": "loop", "over": "event.data.items", "max": 5,
                    "steps": [{"id": "pack", "type": "action", "action": "create_task",
                               "params": {"title": "Pack {{item.name}}"}}]},
                   {"id": "later", "type": "delay", "duration": "P2D"},
                   {"id": "sms", "type": "action", "action": "send_sms",
                    "params": {"to": "+14155550100", "text": "Your order is on its way"}},
                   {"id": "tell", "type": "action", "action": "send_webhook",
                    "params": {"url": "https://hooks.example.com/orders",
                               "payload": {"total": "{{event.data.total}}", "who": "{{customer.email}}"}}},
                   {"id": "done", "type": "stop"}]}""");

        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/automations/" + automation + "/test");
        page.locator("#test-customers").getByRole(AriaRole.LINK).filter(new Locator.FilterOptions().setHasText(
            "grace@example.com")).click();
        // No order yet: the page says so and the sample starts from her record.
        assertThat(page.locator(".aut-test-sources")).containsText("Grace Hopper has had no order.created event "
            + "yet.");
        assertThat(page.getByLabel("Sample data, for Grace Hopper")).isChecked();
        var data = page.getByLabel("Sample data (the event's data, JSON)");
        assertThat(data).hasValue(java.util.regex.Pattern.compile("grace@example\\.com"));

        // A bad sample comes back with its place and the text kept.
        data.fill("{\"total\": 120,\n \"items\": [}");
        page.getByRole(AriaRole.BUTTON, named("Run the test")).click();
        assertThat(page.locator(".aut-test-refused")).containsText("Sample data");
        assertThat(page.locator(".aut-test-refused")).containsText("is not valid JSON (line 2, column");
        assertThat(page.locator(".aut-test-refused")).not().containsText("Source");
        assertThat(page.locator(".aut-header")).not().containsText("FieldError");
        assertThat(data).hasValue("{\"total\": 120,\n \"items\": [}");
        assertThat(page.locator("#test-result")).hasCount(0);
        Chromium.screenshot(page, "automation-test-bad-sample-1280");

        // Conditions that do not hold say which and with what value.
        data.fill("{\"total\": 20, \"items\": []}");
        page.getByRole(AriaRole.BUTTON, named("Run the test")).click();
        assertThat(page.locator("#test-result")).containsText("Its conditions do not hold");
        assertThat(step(page, "Only if event.data.total is at least 100")).containsText("Wanted event.data.total "
            + "is at least 100, but event.data.total is 20");

        data.fill("{\"total\": 120, \"items\": [{\"name\": \"Mug\"}, {\"name\": \"Poster\"}]}");
        page.getByRole(AriaRole.BUTTON, named("Run the test")).click();
        assertThat(page.locator("#test-result")).containsText("would run to the end");
        var hello = step(page, "Send email");
        assertThat(hello).containsText("Thanks, Grace");
        // The HTML body is drawn only in a frame that runs nothing.
        var frame = hello.locator("iframe.aut-outcome-html");
        assertThat(frame).hasAttribute("sandbox", "");
        assertThat(page.frameLocator("iframe.aut-outcome-html").locator("h1")).hasText("Hello Grace");
        assertThat(page).not().hasTitle("ran");
        var loop = step(page, "For each of event.data.items (at most 5)");
        assertThat(loop.locator(":scope > .aut-chip")).containsText("2 items");
        assertThat(loop.locator(":scope > .aut-chip .aut-outcome-json")).containsText("\"name\" : \"Poster\"");
        assertThat(loop.locator(".aut-lane-label")).containsText("(ran 2 times)");
        assertThat(step(page, "Create task")).containsText("Item 1:");
        assertThat(step(page, "Create task")).containsText("Pack Mug");
        assertThat(step(page, "Create task")).containsText("Pack Poster");
        assertThat(step(page, "Wait 2 days")).containsText("Would wait until");
        var sms = step(page, "Send SMS");
        assertThat(sms).containsText("Would send this text message");
        assertThat(sms).containsText("+14155550100");
        assertThat(sms.locator(".aut-outcome-text")).hasText("Your order is on its way");
        var webhook = step(page, "Call a webhook");
        assertThat(webhook).containsText("Would call this webhook");
        assertThat(webhook).containsText("https://hooks.example.com/orders");
        assertThat(webhook.locator(".aut-outcome-json")).containsText("\"who\" : \"grace@example.com\"");
        assertThat(step(page, "Stop")).containsText("The run would stop here");
        Chromium.screenshot(page, "automation-test-sample-1280");
        assertThat(count("executions", store.id())).isZero();
        fitsAPhone(page, "automation-test-sample-390");
    }

    @Test
    void aBacktestShowsWhichPastEventsWouldHaveStartedARunAndWhyTheOthersWouldNot() {
        var store = accounts.create();
        String grace = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Grace Hopper", "email": "grace@example.com"}""").json().get("id").asString();
        for (String plan : new String[]{"pro", "basic", "pro"}) {
            // The pro signups are Grace's, the basic one about nobody.
            String about = plan.equals("pro") ? ", \"customer_id\": \"" + grace + "\"" : "";
            var posted = api.post("/api/v1/events", store.apiKey(), """
                {"type": "acme.signup", "data": {"plan": "%s"}%s}""".formatted(plan, about));
            assertThat(posted.status()).as(posted.text()).isEqualTo(201);
        }
        String automation = create(store.apiKey(), """
            {"name": "Pro signups", "trigger": {"type": "event", "event": "acme.signup"},
             "conditions": {"all": [{"field": "event.data.plan", "op": "eq", "value": "pro"}]},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "pro"}}]}""");

        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/automations/" + automation + "/test");
        assertThat(page.locator("#backtest")).containsText("Every acme.signup event of the last");
        page.getByLabel("Every acme.signup event of the last").selectOption("7");
        page.getByRole(AriaRole.BUTTON, named("Backtest")).click();

        assertThat(page.locator(".aut-backtest-verdict")).containsText("2 of 3 acme.signup events of the last 7 days "
            + "would have started a run of version 1.");
        assertThat(page.locator(".aut-backtest-reasons")).hasText("its conditions 1");
        assertThat(page.locator("#backtest tbody tr")).hasCount(3);
        assertThat(page.locator("#backtest tbody tr").nth(1)).containsText("No: the conditions do not hold");
        assertThat(page.locator("#backtest tbody tr").nth(1)).containsText("basic");
        assertThat(page.locator("#backtest tbody tr").first()).containsText("Yes");
        // Who an event was about, by name, linking to their record.
        assertThat(page.locator("#backtest tbody tr").first().locator("td[data-label=Customer]")).hasText(
            "Grace Hopper");
        assertThat(page.getByLabel("Every acme.signup event of the last")).hasValue("7");
        Chromium.screenshot(page, "automation-backtest-1280");
        assertThat(count("executions", store.id())).isZero();
        fitsAPhone(page, "automation-backtest-390");
    }

    /**
     * With no customer and no real event, the sample is a made-up failed payment (its invoice in its first attempt),
     * so testing the dunning template takes the path a first failure takes instead of stopping at its condition.
     */
    @Test
    void theSampleForAFailedPaymentIsAFirstFailureThatTheDunningTemplateActsOn() {
        var store = accounts.create();
        String automation = create(store.apiKey(), "{\"template\": \"payment_dunning\"}");
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/automations/" + automation + "/test");

        var data = page.getByLabel("Sample data (the event's data, JSON)");
        assertThat(data).hasValue(java.util.regex.Pattern.compile("\"attempt_count\" : 1"));
        assertThat(data).hasValue(java.util.regex.Pattern.compile("\"failure_message\" : \"Your card was declined.\""));
        page.getByRole(AriaRole.BUTTON, named("Run the test")).click();

        assertThat(page.locator("#test-result")).isVisible();
        Chromium.screenshot(page, "automation-test-sample-dunning-1280");
        assertThat(page.locator("#test-result")).not().containsText("Its conditions do not hold");
        assertThat(step(page, "Only if Invoice · Attempt count is 1")).containsText("Met");
        assertThat(step(page, "If Invoice · Status is “issued”").locator(":scope > .aut-chip")).containsText(
            "The condition holds");
        assertThat(count("executions", store.id())).isZero();
    }

    /** Made up for a trigger scoped to one product, the sample is about that product: the test runs, not refuses. */
    @Test
    void theSampleForAScopedTriggerIsAboutWhatItIsScopedTo() {
        var store = accounts.create();
        String product = api.post("/api/v1/products", store.apiKey(), """
            {"name": "Course", "options": [{"name": "Once", "kind": "one_time", "amount": 4900, "currency": "usd"}]}""")
            .json().get("id").asString();
        String automation = create(store.apiKey(), """
            {"name": "Course buyers", "trigger": {"type": "event", "event": "checkout.purchased",
             "scope": {"product_id": "%s"}},
             "steps": [{"id": "note", "type": "action", "action": "create_task", "params": {"title": "Welcome"}}]}"""
            .formatted(product));
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/automations/" + automation + "/test");

        assertThat(page.getByLabel("Sample data (the event's data, JSON)")).hasValue(java.util.regex.Pattern.compile(
            "\"id\" : \"" + product + "\""));
        page.getByRole(AriaRole.BUTTON, named("Run the test")).click();

        assertThat(page.locator("#test-result")).isVisible();
        assertThat(page.locator("#test-result")).not().containsText("would not start");
        assertThat(count("executions", store.id())).isZero();
    }

    @Test
    void theApisDryRunSaysWhichConditionDoesNotHoldAndWithWhatValue() {
        var store = accounts.create();
        String automation = create(store.apiKey(), "{\"template\": \"payment_dunning\"}");

        var tested = api.post("/api/v1/automations/" + automation + "/test", store.apiKey(), """
            {"event": {"type": "payment.failed", "data": {"invoice": {"attempt_count": 3}}}}""");

        assertThat(tested.status()).as(tested.text()).isEqualTo(200);
        assertThat(tested.json().get("status").asString()).isEqualTo("skipped");
        assertThat(tested.json().get("error").get("code").asString()).isEqualTo("conditions_not_met");
        assertThat(tested.json().get("error").get("message").asString()).isEqualTo("the conditions do not hold: "
            + "wanted event.data.invoice.attempt_count is 1, but event.data.invoice.attempt_count is 3");
    }

    /**
     * A dry run refuses what it would not read, as every other body is refused: a review found a typo testing the
     * active version against no customer in silence, a sample beside an event_id dropped, a type left out become "test".
     */
    @Test
    void theApisDryRunRefusesFieldsItDoesNotReadASampleBesideAnEventIdAndASampleWithoutItsType() {
        var store = accounts.create();
        String automation = create(store.apiKey(), "{\"template\": \"payment_dunning\"}");
        String path = "/api/v1/automations/" + automation + "/test";

        var typo = api.post(path, store.apiKey(), """
            {"verison": 1, "event": {"type": "payment.failed", "customerid": "cus_x"}}""");
        var both = api.post(path, store.apiKey(), """
            {"event": {"type": "payment.failed"}, "event_id": "evt_01jdq5yq3m6b8w0c4s2e7r9t1v"}""");
        var untyped = api.post(path, store.apiKey(), "{\"event\": {\"data\": {}}}");

        assertThat(typo.status()).as(typo.text()).isEqualTo(400);
        assertThat(fields(typo)).containsExactlyInAnyOrder("verison", "event.customerid");
        assertThat(both.status()).as(both.text()).isEqualTo(400);
        assertThat(fields(both)).containsExactly("event_id");
        assertThat(untyped.status()).as(untyped.text()).isEqualTo(400);
        assertThat(fields(untyped)).containsExactly("event.type");
    }

    /**
     * An event_id or a record id in a sample that is no string (an object, a list) is a 400 naming the field, or a
     * record the run does without: a review found both answering 500.
     */
    @Test
    void anEventIdOrARecordIdThatIsNoStringIsRefusedOrDoneWithoutRatherThanA500() {
        var store = accounts.create();
        String automation = create(store.apiKey(), """
            {"name": "Name the product", "trigger": {"type": "event", "event": "acme.sample"},
             "steps": [{"id": "note", "type": "action", "action": "create_task",
                        "params": {"title": "About {{product.name}}"}}]}""");
        String path = "/api/v1/automations/" + automation + "/test";

        var objectId = api.post(path, store.apiKey(), "{\"event_id\": {}}");
        var listId = api.post(path, store.apiKey(), "{\"event_id\": [1]}");
        var sample = api.post(path, store.apiKey(), """
            {"event": {"type": "acme.sample", "data": {"invoice": {"subscription_id": {}},
                                                       "subscription": {"product_id": ["x"]}}}}""");

        assertThat(objectId.status()).as(objectId.text()).isEqualTo(400);
        assertThat(fields(objectId)).containsExactly("event_id");
        assertThat(listId.status()).as(listId.text()).isEqualTo(400);
        assertThat(sample.status()).as(sample.text()).isEqualTo(200);
    }

    private static java.util.List<String> fields(io.till.testing.Api.Response response) {
        return response.json().get("errors").valueStream().map(error -> error.get("field").asString()).toList();
    }

    @Test
    void aVersionThatCannotBeReadAsksToBeFixedFirst() {
        var store = accounts.create();
        String automation = create(store.apiKey(), """
            {"name": "Call the team", "trigger": {"type": "manual"},
             "steps": [{"id": "note", "type": "action", "action": "create_task", "params": {"title": "Call"}}]}""");
        // A draft saved broken (as an unfinished builder draft may be): its steps are not a list.
        db.sql("""
            UPDATE automation_versions SET definition = '{"name": "Call the team", "trigger": {"type": "manual"},
              "steps": "call them"}'::jsonb WHERE automation_id = :id""").param("id", automation).update();

        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280));
        var response = page.navigate(api.uri("/admin/automations/" + automation + "/test").toString());
        assertThat(response.status()).isEqualTo(200);
        var problems = page.locator(".aut-test-problems");
        assertThat(problems).containsText("Version 1 has problems, so it cannot be tested");
        assertThat(problems).containsText("steps");
        assertThat(problems.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("JSON tab")))
            .isVisible();
        assertThat(page.getByRole(AriaRole.BUTTON, named("Run the test"))).hasCount(0);
    }

    @Test
    void anotherAccountsAutomationIsNotFound() {
        var store = accounts.create();
        var other = accounts.create();
        String theirs = create(other.apiKey(), """
            {"name": "Their secret plan", "trigger": {"type": "manual"},
             "steps": [{"id": "note", "type": "action", "action": "create_task", "params": {"title": "Call"}}]}""");

        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280));
        var response = page.navigate(api.uri("/admin/automations/" + theirs + "/test").toString());
        assertThat(response.status()).isEqualTo(404);
        assertThat(page.locator("main")).not().containsText("Their secret plan");
        assertThat(page.locator(".side")).isVisible();
        var search = page.navigate(api.uri("/admin/automations/" + theirs + "/test/customers?q=a").toString());
        assertThat(search.status()).isEqualTo(404);
    }
}
