package io.till.automation;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.Shops;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import tools.jackson.databind.JsonNode;

/**
 * The automation reports in a real browser: the runs-per-day chart draws and its table counts the runs made here by
 * outcome; a failed-payment automation's recovered revenue counts the invoice paid after a new card, and the unpaid.
 */
@TillIntegrationTest
class ExecutionReportPagesTest {

    private static Chromium chromium;

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    Shops shops;
    @Autowired
    AutomationAgenda agenda;
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

    private String activate(String apiKey, String definition) {
        var created = api.post("/api/v1/automations", apiKey, definition);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", apiKey, null).status()).isEqualTo(200);
        return id;
    }

    private String run(String apiKey, String automation) {
        var started = api.post("/api/v1/automations/" + automation + "/run", apiKey, null);
        assertThat(started.status()).as(started.text()).isEqualTo(201);
        agenda.runDue();
        return started.json().get("id").asString();
    }

    private static List<String> cells(Locator row) {
        return new ArrayList<>(row.locator("td").allInnerTexts().stream().map(String::strip).toList());
    }

    @Test
    void theRunsChartDrawsAndItsTableCountsEachAutomationsRunsByOutcome() {
        var store = accounts.create();
        String good = activate(store.apiKey(), """
            {"name": "Always works", "trigger": {"type": "manual"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");
        String broken = activate(store.apiKey(), """
            {"name": "Never works", "trigger": {"type": "manual"},
             "steps": [{"id": "notify", "type": "action", "action": "send_slack",
                        "params": {"webhook_url": "http://169.254.169.254/hook", "text": "hi"}}]}""");
        String slow = activate(store.apiKey(), """
            {"name": "Takes a week", "trigger": {"type": "manual"},
             "steps": [{"id": "wait", "type": "delay", "duration": "P7D"},
                       {"id": "note", "type": "action", "action": "test.record"}]}""");
        run(store.apiKey(), good);
        run(store.apiKey(), good);
        run(store.apiKey(), broken);
        run(store.apiKey(), slow);
        String canceled = run(store.apiKey(), slow);
        assertThat(api.post("/api/v1/executions/" + canceled + "/cancel", store.apiKey(), null).status())
            .isEqualTo(200);
        // A run its cancel-on event ends (the invoice paid while dunning waited) is no cancellation.
        String customer = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada", "email": "ada@example.com"}""").json().get("id").asString();
        activate(store.apiKey(), """
            {"name": "Nudge", "trigger": {"type": "event", "event": "acme.cart_abandoned"},
             "cancel_on": ["acme.order_placed"],
             "steps": [{"id": "later", "type": "delay", "duration": "P1D"},
                       {"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "nudged"}}]}""");
        for (String type : List.of("acme.cart_abandoned", "acme.order_placed")) {
            assertThat(api.post("/api/v1/events", store.apiKey(), """
                {"type": "%s", "customer_id": "%s", "data": {}}""".formatted(type, customer)).status())
                .isEqualTo(201);
            agenda.runDue();
        }

        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280));
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Executions").setExact(true)).click();
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Reports")).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Runs per day"))).isVisible();
        assertThat(page.locator("#runs-chart canvas")).hasCount(1);
        assertThat(page.locator("#runs-chart")).containsText("Succeeded");
        var rows = page.locator("#runs-table tbody tr");
        assertThat(rows).hasCount(4);
        // Day, automation, succeeded, stopped by an event, failed, canceled, in progress, total.
        assertThat(cells(rows.filter(new Locator.FilterOptions().setHasText("Always works"))).subList(2, 8))
            .containsExactly("2", "0", "0", "0", "0", "2");
        assertThat(cells(rows.filter(new Locator.FilterOptions().setHasText("Never works"))).subList(2, 8))
            .containsExactly("0", "0", "1", "0", "0", "1");
        assertThat(cells(rows.filter(new Locator.FilterOptions().setHasText("Takes a week"))).subList(2, 8))
            .containsExactly("0", "0", "0", "1", "1", "2");
        assertThat(cells(rows.filter(new Locator.FilterOptions().setHasText("Nudge"))).subList(2, 8))
            .containsExactly("0", "1", "0", "0", "0", "1");
        assertThat(page.locator("#runs-chart")).containsText("Stopped by an event");
        // One bar for the day, its outcomes stacked: the top of each part is the runs up to it, all six at the top.
        assertThat(page.evaluate("(() => { const plot = document.querySelector('#runs-chart').plot;"
            + " return plot.series.slice(1).map((s, i) => s.label + ' ' + plot.data[i + 1].at(-1)).join(', '); })()"))
            .isEqualTo("In progress 6, Canceled 5, Failed 4, Stopped by an event 3, Succeeded 2");
        assertThat(page.locator("main")).containsText("No failed payment started an automation");
        Chromium.screenshot(page, "execution-reports-1280");

        page.getByLabel("Automation", new Page.GetByLabelOptions().setExact(true)).selectOption(good);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show")).click();
        assertThat(rows).hasCount(1);
        assertThat(rows.first()).containsText("Always works");
        assertThat(page.locator("#runs-chart canvas")).hasCount(1);

        // The chart's days are the table's (UTC) wherever the browser is: west of Greenwich, midnight UTC is the
        // evening before, and the axis labelled each day as the one before.
        var utc = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280, "UTC"),
            "/admin/executions/reports");
        var west = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280, "America/Los_Angeles"),
            "/admin/executions/reports");
        // Each day's label and where it stands: the ticks' labels and their instants (at midnight UTC, where the day's
        // point is drawn).
        String labels = "(() => { const axis = document.querySelector('#runs-chart').plot.axes[0];"
            + " return axis._values.map((v, i) => v + ' @ ' + axis._splits[i]).join(' | '); })()";
        assertThat(utc.locator("#runs-chart canvas")).hasCount(1);
        assertThat(west.locator("#runs-chart canvas")).hasCount(1);
        assertThat((String) west.evaluate(labels)).isNotBlank().isEqualTo((String) utc.evaluate(labels));

        var phone = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(390),
            "/admin/executions/reports");
        assertThat(phone.locator("#runs-chart canvas")).hasCount(1);
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(phone, "execution-reports-390");
    }

    @Test
    void aDaysLinkInTheRunsTableListsThatDaysRunsAndAFilterMistakeIsToldBesideTheFilters() {
        var store = accounts.create();
        String good = activate(store.apiKey(), """
            {"name": "Always works", "trigger": {"type": "manual"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");
        String first = run(store.apiKey(), good);
        String second = run(store.apiKey(), good);
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/executions/reports");

        page.locator("#runs-table").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Always works"))
            .click();

        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Executions"))).isVisible();
        assertThat(page.locator("main table.list tbody tr")).hasCount(2);
        assertThat(page.locator("main")).containsText(first);
        assertThat(page.locator("main")).containsText(second);

        page.getByLabel("From (UTC)").fill("2026-12-02");
        page.getByLabel("To (UTC)").fill("2026-12-01");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
        assertThat(page.locator("#f-to-error")).hasText("To must be on or after the first day.");
        assertThat(page.getByLabel("To (UTC)")).hasAttribute("aria-invalid", "true");
        assertThat(page.getByLabel("From (UTC)")).hasValue("2026-12-02");
        assertThat(page.getByLabel("Automation", new Page.GetByLabelOptions().setExact(true))).hasValue(good);
        Chromium.screenshot(page, "executions-filter-refused-1280");
    }

    /**
     * The reports and the runs of an archived automation (reached from its page's tabs) keep it chosen in their filter:
     * the filter said "All automations" over its figures, and pressing Show dropped it.
     */
    @Test
    void anArchivedAutomationStaysChosenInTheFiltersOfItsReportsAndRuns() {
        var store = accounts.create();
        String old = activate(store.apiKey(), """
            {"name": "Old flow", "trigger": {"type": "manual"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");
        run(store.apiKey(), old);
        var archived = api.send("DELETE", "/api/v1/automations/" + old, store.apiKey(), null, List.of());
        assertThat(archived.status()).as(archived.text()).isEqualTo(200);
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/executions/reports?automation=" + old);

        assertThat(page.locator("#r-automation")).hasValue(old);
        assertThat(page.locator("#r-automation option:checked")).hasText("Old flow (archived)");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show")).click();
        assertThat(page).hasURL(java.util.regex.Pattern.compile("automation=" + old));

        page.navigate(api.uri("/admin/executions?automation=" + old).toString());
        assertThat(page.getByLabel("Automation", new Page.GetByLabelOptions().setExact(true))).hasValue(old);
        assertThat(page.locator("main table.list tbody tr")).hasCount(1);
    }

    /**
     * The buyer of {@code order} saves a card that works and pays their subscription with it: what it owes is retried at
     * once, by billing's jobs, which run as the clock moves.
     */
    private void payWithANewCard(Shops.Shop shop, JsonNode order) {
        var card = api.post("/api/v1/customers/" + order.get("customer_id").asString() + "/payment_methods",
            shop.apiKey(), "{\"token\": \"pm_card_visa\", \"make_default\": true}");
        assertThat(card.status()).as(card.text()).isEqualTo(201);
        var changed = api.post("/api/v1/subscriptions/" + order.get("subscription_id").asString() + "/change_card",
            shop.apiKey(), "{\"payment_method_id\": \"" + card.json().get("id").asString() + "\"}");
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
    }

    /** How long after its failed payment first started a run the buyer's failed invoice was paid. */
    private Duration paidAfterFailure(Shops.Shop shop, JsonNode order) {
        String firstRun = api.get("/api/v1/executions?customer_id=" + order.get("customer_id").asString(),
            shop.apiKey()).json().get("data").valueStream().min(java.util.Comparator.comparing(run -> Instant.parse(
                run
                    .get("created_at").asString())))
            .orElseThrow().get("id").asString();
        var first = api.get("/api/v1/executions/" + firstRun, shop.apiKey()).json();
        var invoice = api.get("/api/v1/invoices/" + first.at("/trigger/data/invoice/id").asString(), shop.apiKey())
            .json();
        assertThat(invoice.get("status").asString()).isEqualTo("paid");
        return Duration.between(Instant.parse(first.get("created_at").asString()), Instant.parse(invoice.get(
            "paid_at").asString()));
    }

    /**
     * Recovered revenue counts an invoice paid within 30 days of its failure ({@link ExecutionReports#RECOVERY_DAYS});
     * one paid 31 days after is no longer the dunning's doing: paid, so not unpaid either, and not recovered.
     */
    @Test
    void anInvoicePaidThirtyOneDaysAfterItFailedIsNotRecoveredWhileOnePaidWithinThirtyIs() {
        var shop = shops.open();
        activate(shop.apiKey(), """
            {"name": "Failed payment note", "trigger": {"type": "event", "event": "payment.failed"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "failed_payment"}}]}""");
        var ada = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        var grace = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "grace@example.com");
        // The trial ends and both first charges fail; 19 days on, Ada pays; 12 days after her, Grace.
        assertThat(shops.advance(shop, "P14DT1H").status()).isEqualTo(200);
        assertThat(shops.advance(shop, "P19D").status()).isEqualTo(200);
        payWithANewCard(shop, ada);
        assertThat(shops.advance(shop, "PT1H").status()).isEqualTo(200);
        assertThat(shops.advance(shop, "P12D").status()).isEqualTo(200);
        payWithANewCard(shop, grace);
        assertThat(shops.advance(shop, "PT1H").status()).isEqualTo(200);
        assertThat(paidAfterFailure(shop, ada)).isBetween(Duration.ofDays(19), Duration.ofDays(20));
        assertThat(paidAfterFailure(shop, grace)).isBetween(Duration.ofDays(31), Duration.ofDays(32));

        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280),
            "/admin/executions/reports");
        var weeks = page.locator("#recovery-table tbody tr");
        assertThat(weeks).hasCount(1);
        // Week, failed invoices, recovered, recovered amount, rate, still unpaid.
        assertThat(cells(weeks.first()).subList(1, 6)).containsExactly("2", "1", "$19.00", "50 %", "$0.00 (0)");
        assertThat(page.locator("#recovery-chart canvas")).hasCount(1);
        Chromium.screenshot(page, "execution-recovery-window-1280");

        var phone = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(390),
            "/admin/executions/reports");
        assertThat(cells(phone.locator("#recovery-table tbody tr").first()).subList(1, 6))
            .containsExactly("2", "1", "$19.00", "50 %", "$0.00 (0)");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(phone, "execution-recovery-window-390");
    }

    @Test
    void recoveredRevenueCountsTheInvoicePaidAfterItsFailureNextToTheOneStillUnpaid() {
        var shop = shops.open();
        activate(shop.apiKey(), """
            {"name": "Failed payment note", "trigger": {"type": "event", "event": "payment.failed"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "failed_payment"}}]}""");
        var recovered = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "grace@example.com");
        assertThat(shops.advance(shop, "P14DT1H").status()).isEqualTo(200);

        payWithANewCard(shop, recovered);
        assertThat(shops.advance(shop, "P3D").status()).isEqualTo(200);
        assertThat(shops.subscription(shop, recovered.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("active");

        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280));
        var problems = new ArrayList<String>();
        page.onConsoleMessage(message -> {
            // The layout links every part's stylesheet; a part not merged yet answers 404, which is not this page's.
            boolean otherPart = message.text().contains("/admin/assets/") && !message.text().contains("executions");
            if ((message.type().equals("error") || message.type().equals("warning")) && !otherPart) {
                problems.add(message.text());
            }
        });
        page.onPageError(problems::add);
        page.navigate(api.uri("/admin/executions/reports").toString());
        assertThat(page.locator("#recovery-chart canvas")).hasCount(1);
        var weeks = page.locator("#recovery-table tbody tr");
        assertThat(weeks).hasCount(1);
        // Week, failed invoices, recovered, recovered amount, rate, still unpaid.
        assertThat(cells(weeks.first()).subList(1, 6)).containsExactly("2", "1", "$19.00", "50 %", "$19.00 (1)");
        Chromium.screenshot(page, "execution-recovery-1280");
        assertThat(problems).as("no script error and nothing the CSP refused").isEmpty();

        // Each run says whether its invoice was recovered: "succeeded" is the run's, not the money's.
        var runs = api.get("/api/v1/executions", shop.apiKey()).json().get("data");
        for (var run : runs) {
            boolean ada = run.get("customer_id").asString().equals(recovered.get("customer_id").asString());
            page.navigate(api.uri("/admin/executions/" + run.get("id").asString()).toString());
            assertThat(page.locator(".run-invoice")).containsText(ada ? "$19.00 · paid on" : "$19.00 · still unpaid");
            assertThat(page.locator("header:has(#run-facts) .pill").nth(1)).hasText(ada
                ? "invoice paid"
                : "invoice unpaid");
        }
        assertThat(runs).as("one run per failure: Ada once, Grace each time").hasSize(4);
    }
}
