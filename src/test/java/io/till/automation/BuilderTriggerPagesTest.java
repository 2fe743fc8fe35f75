package io.till.automation;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import io.till.testing.Api;
import io.till.testing.Chromium;
import io.till.testing.MutableClock;
import io.till.testing.StaffBrowser;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import tools.jackson.databind.json.JsonMapper;

/**
 * The builder's trigger and conditions in a real browser: a seller starts from a manual automation, picks an event
 * and scopes it to one of their real subscription groups, tries a schedule and sees when it would fire in Paris, comes
 * back to the event, builds an OR of two conditions from the field picker, and saves exactly what they chose.
 */
@TillIntegrationTest
class BuilderTriggerPagesTest {

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
    MutableClock clock;

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
    void aSellerScopesAnEventToTheirGroupPreviewsAScheduleAndSavesAnOrOfTwoPickedConditionsAndABranch() {
        var store = accounts.create();
        api.post("/api/v1/subscription_groups", store.apiKey(), "{\"name\": \"Basic plans\"}");
        String group = api.post("/api/v1/subscription_groups", store.apiKey(), "{\"name\": \"Pro plans\"}").json()
            .get("id").asString();
        String id = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Save a failing Pro subscription", "trigger": {"type": "manual"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "at-risk"}}]}""")
            .json().get("id").asString();
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/automations/" + id + "/builder");
        assertThat(page.locator(".bldw-trigger")).containsText("Runs only when started by hand");

        page.getByRole(AriaRole.BUTTON, named("An event happens")).click();
        pickEventScopedToPro(page);
        assertThat(page.locator(".bldw-trigger .bldw-sentence"))
            .hasText("When a subscription payment fails for a subscription in Pro plans");
        assertThat(page.locator("#f-trigger-scope-subscription_group_id option"))
            .containsText(new String[]{"Any", "Basic plans", "Pro plans"});
        // A subscription payment is never about an addon or a checkout: no picker for them.
        assertThat(page.locator("#f-trigger-scope-addon_id")).hasCount(0);

        assertThat(api.send("PUT", "/api/v1/account/branding", store.apiKey(), "{\"time_zone\": \"America/New_York\"}",
            java.util.List.of("Content-Type", "application/json")).status()).isEqualTo(200);
        page.getByRole(AriaRole.BUTTON, named("On a schedule")).click();
        // A new schedule starts in the store's time zone.
        assertThat(page.locator("#f-trigger-time_zone")).hasValue("America/New_York");
        // Every so often, typed and shown in words, kept as ISO-8601.
        page.getByRole(AriaRole.BUTTON, named("Every…")).click();
        page.getByLabel("Every (1 hour, 1 day, 1 week)").fill("2 days");
        page.getByLabel("Every (1 hour, 1 day, 1 week)").press("Tab");
        assertThat(page.locator("#builder-json")).containsText("\"every\" : \"P2D\"");
        assertThat(page.getByLabel("Every (1 hour, 1 day, 1 week)")).hasValue("2 days");
        page.getByRole(AriaRole.BUTTON, named("On a day")).click();
        assertThat(page.locator("#f-trigger-calendar")).hasValue("first_day_of_month");
        page.locator("#f-trigger-time_zone").fill("Europe/Paris");
        assertThat(page.locator(".bldw-next h3")).hasText("Next 5 times (Europe/Paris)");
        assertThat(page.locator(".bldw-next li")).hasText(firstDaysOfMonthAtNineInParis());
        assertThat(page.locator(".bldw-trigger .bldw-sentence"))
            .hasText("On the first day of each month at 09:00 (Europe/Paris)");
        Chromium.screenshot(page, "builder-when-schedule-1280");

        page.getByRole(AriaRole.BUTTON, named("An event happens")).click();
        pickEventScopedToPro(page);

        // Each edit is a round trip; the next waits for its redraw, as a seller waits to see it.
        page.getByRole(AriaRole.BUTTON, named("Add a condition")).click();
        assertThat(page.locator("#f-conditions-all-0-field")).isVisible();
        page.getByRole(AriaRole.BUTTON, named("Any of")).click();
        assertThat(page.getByRole(AriaRole.BUTTON, named("Any of"))).hasAttribute("aria-pressed", "true");
        page.getByRole(AriaRole.BUTTON, named("Add a condition to conditions")).click();
        assertThat(page.locator("#f-conditions-any-1-field")).isVisible();
        // The picker offers what a failed subscription payment's context holds, and nothing it never holds.
        assertThat(page.locator("#bldw-variables option[value='invoice.amount_due']")).hasCount(1);
        assertThat(page.locator("#bldw-variables option[value='customer.first_name']")).hasCount(1);
        assertThat(page.locator("#bldw-variables option[value='order.total']")).hasCount(0);

        condition(page, 0, "invoice.amount_due", "is at least", "5000");
        assertThat(page.locator(".bldw-compare .bldw-sentence").first())
            .hasText("Invoice · Amount due is at least 5000");
        condition(page, 1, "payment.failure_code", "is one of", "card_declined, expired_card");
        assertThat(page.locator(".bldw-compare .bldw-sentence").nth(1))
            .hasText("Payment · Failure code is one of card_declined, expired_card");
        assertThat(page.locator(".bld-save h2")).hasText("Ready to save");
        Chromium.screenshot(page, "builder-when-1280");

        // And a branch after the tag: for customers tagged vip, stop there.
        page.getByLabel("Step to add to the steps").selectOption(new SelectOption().setLabel(
            "If … then … otherwise …"));
        page.getByRole(AriaRole.BUTTON, named("Add the chosen step to the steps")).click();
        assertThat(page.locator("#f-steps-1-if-all-0-field")).isVisible();
        page.locator("#f-steps-1-if-all-0-field").fill("customer.tags");
        assertThat(page.locator("#f-steps-1-if-all-0-field")).hasValue("customer.tags");
        page.locator("#f-steps-1-if-all-0-op").selectOption(new SelectOption().setLabel("contains"));
        assertThat(page.locator("#f-steps-1-if-all-0-op")).hasValue("contains");
        page.locator("#f-steps-1-if-all-0-value").fill("vip");
        assertThat(page.locator("#f-steps-1-if-all-0-value")).hasValue("vip");
        assertThat(page.locator(".bld-save h2")).hasText("Ready to save");

        page.getByRole(AriaRole.BUTTON, named("Save as a new draft")).click();
        assertThat(page.locator("p.flash")).containsText("Saved as version 2");
        var saved = api.get("/api/v1/automations/" + id, store.apiKey()).json().get("definition");
        assertThat(saved).isEqualTo(json.readTree("""
            {"name": "Save a failing Pro subscription",
             "trigger": {"type": "event", "event": "subscription.payment_failed",
                         "scope": {"subscription_group_id": "%s"}},
             "conditions": {"any": [
               {"field": "invoice.amount_due", "op": "gte", "value": 5000},
               {"field": "payment.failure_code", "op": "in", "value": ["card_declined", "expired_card"]}]},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "at-risk"}},
                       {"id": "branch", "type": "branch",
                        "if": {"all": [{"field": "customer.tags", "op": "contains", "value": "vip"}]},
                        "then": [{"id": "stop", "type": "stop"}]}]}"""
            .formatted(group)));

        var phone = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(390),
            "/admin/automations/" + id + "/builder");
        assertThat(phone.locator("#f-conditions-any-1-value")).hasValue("card_declined, expired_card");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(390);
        Chromium.screenshot(phone, "builder-when-390");
    }

    /**
     * The whole journey from the automations list: "Start from scratch", an event scoped to one of the store's groups,
     * an OR of two conditions, and a branch whose otherwise lane tags the customer; the saved definition is exactly
     * that, around the email the blank draft starts with.
     */
    @Test
    void aSellerStartsFromScratchAndSavesAScopedEventAnOrConditionAndABranch() {
        var store = accounts.create();
        api.post("/api/v1/subscription_groups", store.apiKey(), "{\"name\": \"Basic plans\"}");
        String group = api.post("/api/v1/subscription_groups", store.apiKey(), "{\"name\": \"Pro plans\"}").json()
            .get("id").asString();
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280), "/admin/automations");

        page.getByRole(AriaRole.BUTTON, named("Start from scratch")).click();
        assertThat(page.locator("p.flash")).containsText("Draft created.");
        page.waitForLoadState();
        String id = page.url().replaceAll(".*/admin/automations/(aut_[0-9a-z]+)/builder$", "$1");
        assertThat(id).startsWith("aut_");
        assertThat(page.locator(".bldw-trigger")).containsText("Runs only when started by hand");

        page.getByRole(AriaRole.BUTTON, named("An event happens")).click();
        pickEventScopedToPro(page);
        assertThat(page.locator(".bldw-trigger .bldw-sentence"))
            .hasText("When a subscription payment fails for a subscription in Pro plans");

        page.getByRole(AriaRole.BUTTON, named("Add a condition")).click();
        assertThat(page.locator("#f-conditions-all-0-field")).isVisible();
        page.getByRole(AriaRole.BUTTON, named("Any of")).click();
        assertThat(page.getByRole(AriaRole.BUTTON, named("Any of"))).hasAttribute("aria-pressed", "true");
        page.getByRole(AriaRole.BUTTON, named("Add a condition to conditions")).click();
        assertThat(page.locator("#f-conditions-any-1-field")).isVisible();
        condition(page, 0, "invoice.amount_due", "is at least", "5000");
        condition(page, 1, "customer.stats.missed_payments", "is at least", "2");
        assertThat(page.locator(".bldw-compare .bldw-sentence").nth(1)).containsText("is at least 2");

        page.getByLabel("Step to add to the steps").selectOption(new SelectOption().setLabel(
            "If … then … otherwise …"));
        page.getByRole(AriaRole.BUTTON, named("Add the chosen step to the steps")).click();
        assertThat(page.locator("#f-steps-1-if-all-0-field")).isVisible();
        page.locator("#f-steps-1-if-all-0-field").fill("customer.tags");
        assertThat(page.locator("#f-steps-1-if-all-0-field")).hasValue("customer.tags");
        page.locator("#f-steps-1-if-all-0-op").selectOption(new SelectOption().setLabel("contains"));
        assertThat(page.locator("#f-steps-1-if-all-0-op")).hasValue("contains");
        page.locator("#f-steps-1-if-all-0-value").fill("vip");
        assertThat(page.locator("#f-steps-1-if-all-0-value")).hasValue("vip");
        page.getByLabel("Step to add to branch: Otherwise").selectOption(new SelectOption().setLabel("Add tag"));
        page.getByRole(AriaRole.BUTTON, named("Add the chosen step to branch: Otherwise")).click();
        page.locator("#f-steps-1-else-0-params-tag").fill("at-risk");
        assertThat(page.locator("#builder-json")).containsText("\"tag\" : \"at-risk\"");
        assertThat(page.locator(".bld-save h2")).hasText("Ready to save");
        Chromium.screenshot(page, "builder-from-scratch-1280");

        page.getByRole(AriaRole.BUTTON, named("Save as a new draft")).click();
        assertThat(page.locator("p.flash")).containsText("Saved as version 2");
        assertThat(api.get("/api/v1/automations/" + id, store.apiKey()).json().get("definition"))
            .isEqualTo(json.readTree("""
                {"name": "New automation",
                 "trigger": {"type": "event", "event": "subscription.payment_failed",
                             "scope": {"subscription_group_id": "%s"}},
                 "conditions": {"any": [
                   {"field": "invoice.amount_due", "op": "gte", "value": 5000},
                   {"field": "customer.stats.missed_payments", "op": "gte", "value": 2}]},
                 "steps": [{"id": "email", "type": "action", "action": "send_email",
                            "params": {"to": "{{customer.email}}", "subject": "Hello {{customer.first_name}}",
                                       "text": "Write your message here."}},
                           {"id": "branch", "type": "branch",
                            "if": {"all": [{"field": "customer.tags", "op": "contains", "value": "vip"}]},
                            "then": [{"id": "stop", "type": "stop"}],
                            "else": [{"id": "add_tag", "type": "action", "action": "add_tag",
                                      "params": {"tag": "at-risk"}}]}]}"""
                .formatted(group)));

        var phone = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(390),
            "/admin/automations/" + id + "/builder");
        assertThat(phone.locator("#f-trigger-scope-subscription_group_id option:checked")).hasText("Pro plans");
        assertThat(phone.locator("#f-steps-1-else-0-params-tag")).hasValue("at-risk");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(390);
        Chromium.screenshot(phone, "builder-from-scratch-390");
    }

    @Test
    void aCustomEventShowsItsNameAndANotConditionIsAddedFilledAndRemoved() {
        var store = accounts.create();
        String id = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Welcome signups", "trigger": {"type": "event", "event": "acme.signup"},
             "conditions": {"all": [{"field": "customer.email", "op": "exists"}]},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "new"}}]}""")
            .json().get("id").asString();
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/automations/" + id + "/builder");

        assertThat(page.locator("#f-trigger-event option:checked")).hasText("A custom event…");
        assertThat(page.locator("#f-trigger-event-custom")).hasValue("acme.signup");
        assertThat(page.locator("#bldw-variables option[value='event.data']")).hasCount(1);
        // exists takes no value: there is no box for one.
        assertThat(page.locator("#f-conditions-all-0-value")).hasCount(0);
        assertThat(page.locator(".bldw-compare .bldw-sentence").first()).hasText("Customer · Email has a value");

        page.getByRole(AriaRole.BUTTON, named("Add a NOT condition to conditions")).click();
        assertThat(page.locator("#f-conditions-all-1-not-field")).isVisible();
        page.locator("#f-conditions-all-1-not-field").fill("customer.tags");
        page.locator("#f-conditions-all-1-not-op").selectOption("contains");
        assertThat(page.locator(".bldw-negation .bldw-sentence")).containsText("Customer · Tags contains");
        page.locator("#f-conditions-all-1-not-value").fill("vip");
        assertThat(page.locator(".bldw-negation .bldw-sentence")).hasText("Customer · Tags contains “vip”");
        assertThat(page.locator(".bldw-negation")).containsText("Not — this must not hold");
        Chromium.screenshot(page, "builder-when-not-1280");

        page.getByRole(AriaRole.BUTTON, named("Remove the condition conditions.all[1].not")).click();
        assertThat(page.locator(".bldw-negation")).hasCount(0);

        page.locator("#f-trigger-event").selectOption(new SelectOption().setLabel("A customer is created"));
        assertThat(page.locator("#f-trigger-event-custom")).hasCount(0);
        assertThat(page.locator(".bldw-trigger .bldw-sentence")).hasText("When a customer is created");
        page.getByRole(AriaRole.BUTTON, named("Save as a new draft")).click();
        assertThat(page.locator("p.flash")).containsText("Saved as version 2");
        assertThat(api.get("/api/v1/automations/" + id, store.apiKey()).json().get("definition"))
            .isEqualTo(json.readTree("""
                {"name": "Welcome signups", "trigger": {"type": "event", "event": "customer.created"},
                 "conditions": {"all": [{"field": "customer.email", "op": "exists"}]},
                 "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "new"}}]}"""));
    }

    @Test
    void anUpcomingEventAsksHowManyDaysAheadAndSavesIt() {
        var store = accounts.create();
        String id = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Renewal reminder", "trigger": {"type": "event", "event": "subscription.renewal_upcoming"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "renewing"}}]}""")
            .json().get("id").asString();
        var page = StaffBrowser.of(db, passwords, store.id()).signIn(api, chromium.page(1280),
            "/admin/automations/" + id + "/builder");
        page.waitForLoadState();

        assertThat(page.locator(".bldw-trigger .bldw-sentence")).hasText("When a subscription is about to renew");
        assertThat(page.locator("#f-trigger-days_before")).hasAttribute("placeholder", "7");
        assertThat(page.locator("#bldw-days-hint")).containsText("your standard notice, 7 days ahead");
        assertThat(page.locator("#bldw-variables option[value='event.data.days_before']")).hasCount(1);
        page.locator("#f-trigger-days_before").fill("30");
        assertThat(page.locator(".bldw-trigger .bldw-sentence")).hasText("30 days before a subscription renews");
        Chromium.screenshot(page, "builder-when-days-before-1280");

        page.getByRole(AriaRole.BUTTON, named("Save as a new draft")).click();
        assertThat(page.locator("p.flash")).containsText("Saved as version 2");
        assertThat(api.get("/api/v1/automations/" + id, store.apiKey()).json().get("definition").get("trigger"))
            .isEqualTo(json.readTree("""
                {"type": "event", "event": "subscription.renewal_upcoming", "days_before": 30}"""));

        // Another event is never announced ahead: the number goes with a way to remove it, and the save says why.
        // The save reloaded the page: its scripts (deferred) must run before a change makes a round trip.
        page.waitForLoadState();
        page.locator("#f-trigger-event").selectOption(new SelectOption().setLabel("A payment fails"));
        assertThat(page.locator("#f-trigger-days_before")).hasCount(0);
        assertThat(page.locator(".bldw-trigger")).containsText("payment.failed is not announced ahead of time");
        page.getByRole(AriaRole.BUTTON, named("Remove days before")).click();
        assertThat(page.locator(".bldw-trigger")).not().containsText("not announced ahead");
        assertThat(page.locator(".bldw-trigger .bldw-sentence")).hasText("When a payment fails");
    }

    private static void pickEventScopedToPro(Page page) {
        page.locator("#f-trigger-event").selectOption(new SelectOption().setLabel("A subscription payment fails"));
        Locator groups = page.locator("#f-trigger-scope-subscription_group_id");
        assertThat(groups).isVisible();
        groups.selectOption(new SelectOption().setLabel("Pro plans"));
        assertThat(page.locator(".bldw-trigger .bldw-sentence")).containsText("in Pro plans");
    }

    /** Fills one comparison of the root group, waiting for each redraw before the next field. */
    private static void condition(Page page, int index, String field, String operator, String value) {
        String at = "#f-conditions-any-" + index;
        page.locator(at + "-field").fill(field);
        assertThat(page.locator(".bldw-compare").nth(index).locator(".bldw-sentence")).isVisible();
        page.locator(at + "-op").selectOption(new SelectOption().setLabel(operator));
        assertThat(page.locator(".bldw-compare").nth(index).locator(".bldw-sentence")).containsText(operator);
        page.locator(at + "-value").fill(value);
        assertThat(page.locator(at + "-value")).hasValue(value);
    }

    /** The first day of the next five months at 09:00 in Paris, written as the preview writes a moment. */
    private String[] firstDaysOfMonthAtNineInParis() {
        ZoneId paris = ZoneId.of("Europe/Paris");
        var format = DateTimeFormatter.ofPattern("EEE, MMM d, uuuu 'at' HH:mm", Locale.US);
        ZonedDateTime now = clock.instant().atZone(paris);
        ZonedDateTime day = now.withDayOfMonth(1).with(LocalTime.of(9, 0));
        if (!day.isAfter(now)) {
            day = day.plusMonths(1);
        }
        var times = new ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            times.add(format.format(day.plusMonths(i)));
        }
        return times.toArray(String[]::new);
    }
}
