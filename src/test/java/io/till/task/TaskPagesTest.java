package io.till.task;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.till.automation.AutomationAgenda;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import tools.jackson.databind.JsonNode;

/** The tasks inbox in a real browser: a task made by a create_task step is assigned to a staff member and completed. */
@TillIntegrationTest
class TaskPagesTest {

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
    @Autowired
    io.till.testing.Shops shops;

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
    void aTaskMadeByAnAutomationIsAssignedToAStaffMemberAndCompleted() {
        var store = accounts.create();
        String ada = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada Lovelace", "email": "ada@example.com"}""").json().get("id").asString();
        var created = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Follow up", "trigger": {"type": "manual"},
             "steps": [{"id": "call", "type": "action", "action": "create_task",
                        "params": {"title": "Call Ada about the failed payment", "notes": "She asked for a call",
                                   "due_in": "P2D"}}]}""");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String automation = created.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + automation + "/activate", store.apiKey(), null).status())
            .isEqualTo(200);
        var run = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), """
            {"customer_id": "%s"}""".formatted(ada));
        assertThat(run.status()).as(run.text()).isEqualTo(201);
        String execution = run.json().get("id").asString();
        agenda.runDue();
        var colleague = StaffBrowser.of(db, passwords, store.id());
        var stranger = StaffBrowser.of(db, passwords, accounts.create().id());

        var staff = StaffBrowser.of(db, passwords, store.id());
        var page = staff.signIn(api, chromium.page(1280));
        page.getByRole(AriaRole.LINK, named("Tasks")).click();
        var row = page.locator("tr", new Page.LocatorOptions().setHasText("Call Ada about the failed payment"));
        assertThat(row).containsText("She asked for a call");
        // The customer by name, as staff know them, not by id.
        assertThat(row.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Ada Lovelace")))
            .hasAttribute("href", "/admin/customers/" + ada);
        assertThat(row.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Automation run")))
            .hasAttribute("href", "/admin/executions/" + execution);
        var assignee = page.getByLabel("Assignee of Call Ada about the failed payment");
        assertThat(assignee.locator("option")).hasCount(3);
        assertThat(assignee.locator("option", new Locator.LocatorOptions().setHasText(colleague.email())))
            .hasCount(1);
        assertThat(assignee.locator("option", new Locator.LocatorOptions().setHasText(stranger.email())))
            .hasCount(0);
        Chromium.screenshot(page, "tasks-open-1280");

        assignee.selectOption(colleague.email());
        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Assign Call Ada about the failed "
            + "payment")).click();
        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("assigned")))
            .hasText("Task assigned to " + colleague.email() + ".");
        assertThat(page.getByLabel("Assignee of Call Ada about the failed payment")).hasValue(colleague.email());

        var phone = staff.signIn(api, chromium.page(390), "/admin/tasks");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
            .isLessThanOrEqualTo(390);
        Chromium.screenshot(phone, "tasks-open-390");

        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Complete Call Ada about the failed "
            + "payment")).click();
        page.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions()
            .setName("Mark done")).click();
        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("done")))
            .hasText("Task done.");
        assertThat(page.locator("main")).containsText("No open tasks.");
        page.getByRole(AriaRole.LINK, named("Done")).click();
        assertThat(page.locator("tr", new Page.LocatorOptions().setHasText("Call Ada"))).containsText(colleague
            .email());
        Chromium.screenshot(page, "tasks-done-1280");
        assertThat(api.get("/api/v1/executions/" + execution, store.apiKey()).json().get("steps").get(0)
            .get("output").get("task_id").asString()).startsWith("task_");

        // A late click on the phone, where the task still shows as open, is refused with the reason.
        phone.getByRole(AriaRole.BUTTON, named("Complete Call Ada about the failed payment")).click();
        phone.getByRole(AriaRole.DIALOG).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions()
            .setName("Mark done")).click();
        assertThat(phone.getByRole(AriaRole.ALERT)).hasText("The task is already done.");
    }

    @Test
    void anOpenTaskPastItsDueTimeIsMarkedOverdueAndOneStillDueOrDoneIsNot() {
        var store = accounts.create();
        Instant now = Instant.parse(advance(store, "PT1S").get("now").asString());
        String late = task(store, "Call Ada about the overdue invoice", now.plus(Duration.ofDays(1)));
        task(store, "Send Grace the new plan", now.plus(Duration.ofDays(3)));
        String finished = task(store, "Thank Alan", now.plus(Duration.ofDays(1)));
        assertThat(api.post("/api/v1/tasks/" + finished + "/complete", store.apiKey(), null).status()).isEqualTo(200);
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280), "/admin/tasks");
        assertThat(page.locator(".pill", new Page.LocatorOptions().setHasText("overdue"))).hasCount(0);

        advance(store, "P2D");

        for (int width : new int[]{1280, 390}) {
            var shown = width == 1280
                ? page
                : StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(width));
            shown.navigate(api.uri("/admin/tasks").toString());
            assertThat(shown.locator("#" + late + " td[data-label=Due] .pill.bad")).hasText("overdue");
            assertThat(shown.locator(".pill", new Page.LocatorOptions().setHasText("overdue"))).hasCount(1);
            assertThat((Integer) shown.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling")
                .isLessThanOrEqualTo(width);
            Chromium.screenshot(shown, "tasks-overdue-" + width);
        }
        page.getByRole(AriaRole.LINK, named("Done")).click();
        assertThat(page.locator("tr", new Page.LocatorOptions().setHasText("Thank Alan"))).not().containsText(
            "overdue");
    }

    private JsonNode advance(TestAccounts.TestAccount store, String by) {
        var advanced = api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"" + by + "\"}");
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        return advanced.json();
    }

    private String task(TestAccounts.TestAccount store, String title, Instant due) {
        var created = api.post("/api/v1/tasks", store.apiKey(), """
            {"title": "%s", "due_at": "%s"}""".formatted(title, due));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    /**
     * A walk-through found "Call Eli about an unpaid invoice" still open after Eli paid: a task about an invoice says
     * where the invoice stands, so that staff do not call a customer who has paid since.
     */
    @Test
    void aTaskAboutAnInvoiceSaysWhetherItHasBeenPaidSince() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "eli@example.com");
        shops.advance(shop, "P14DT1H");
        String customer = order.get("customer_id").asString();
        String invoice = api.get("/api/v1/invoices?customer_id=" + customer, shop.apiKey()).json().get("data").get(0)
            .get("id").asString();
        var task = api.post("/api/v1/tasks", shop.apiKey(), """
            {"title": "Call Eli about an unpaid invoice", "customer_id": "%s", "invoice_id": "%s"}"""
            .formatted(customer, invoice));
        assertThat(task.status()).as(task.text()).isEqualTo(201);
        assertThat(task.json().get("invoice_id").asString()).isEqualTo(invoice);
        var unknown = api.post("/api/v1/tasks", shop.apiKey(), """
            {"title": "Call", "invoice_id": "inv_01kdoesnotexist0000000000"}""");
        assertThat(unknown.status()).as(unknown.text()).isEqualTo(400);
        assertThat(unknown.text()).contains("invoice_id");

        var page = StaffBrowser.of(db, passwords, shop.accountId()).signIn(api, chromium.page(1280), "/admin/tasks");
        var row = page.locator("tbody tr", new Page.LocatorOptions().setHasText("Call Eli"));
        assertThat(row.locator(".task-invoice")).containsText("Invoice $19.00 · still unpaid");

        var card = api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(), """
            {"token": "pm_card_visa"}""");
        assertThat(card.status()).as(card.text()).isEqualTo(201);
        var paid = api.post("/api/v1/invoices/" + invoice + "/pay", shop.apiKey(), """
            {"payment_method_id": "%s"}""".formatted(card.json().get("id").asString()));
        assertThat(paid.status()).as(paid.text()).isEqualTo(200);
        assertThat(api.get("/api/v1/invoices/" + invoice, shop.apiKey()).json().get("status").asString())
            .isEqualTo("paid");
        page.reload();
        assertThat(row.locator(".task-invoice")).containsText("Invoice $19.00 · paid on");
        assertThat(row.locator(".task-invoice")).containsText("this may be done already");
        Chromium.screenshot(page, "tasks-invoice-paid-1280");
    }
}
