package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A scope matches the subject the event is about ({@code data.addon.id} of an addon.purchased), never an id that is
 * merely mentioned elsewhere in its data (the order's other items, the upsells the checkout offers).
 */
@TillIntegrationTest
class EventSubjectScopesTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    Shops shops;

    /** A course sold monthly or once in group Members, two addons, and a one-click upsell of a bonus. */
    record Store(String apiKey, String checkoutId, String product, String monthly, String once, String group,
        String addonA, String addonB, String upsell, String bonusProduct, String bonusOption) {}

    private Store store() {
        String key = accounts.create().apiKey();
        String group = created(api.post("/api/v1/subscription_groups", key, """
            {"name": "Members"}""")).get("id").asString();
        var course = created(api.post("/api/v1/products", key, """
            {"name": "Course", "subscription_group_id": "%s", "options": [
              {"name": "Monthly", "kind": "subscription", "amount": 1900, "currency": "usd", "interval": "month"},
              {"name": "Once", "kind": "one_time", "amount": 4900, "currency": "usd"}]}""".formatted(group)));
        var bonus = created(api.post("/api/v1/products", key, """
            {"name": "Bonus", "options": [{"name": "Once", "kind": "one_time", "amount": 900, "currency": "usd"}]}"""));
        String bonusOption = bonus.get("options").get(0).get("id").asString();
        var checkout = created(api.post("/api/v1/checkouts", key, """
            {"name": "Course", "product_id": "%s",
             "addons": [{"name": "Workbook", "amount": 500, "currency": "usd"},
                        {"name": "Cheat sheet", "amount": 300, "currency": "usd"}],
             "upsells": [{"name": "Bonus", "option_id": "%s"}]}""".formatted(course.get("id").asString(),
            bonusOption)));
        return new Store(key, checkout.get("id").asString(), course.get("id").asString(),
            course.get("options").get(0).get("id").asString(), course.get("options").get(1).get("id").asString(),
            group, checkout.get("addons").get(0).get("id").asString(),
            checkout.get("addons").get(1).get("id").asString(), checkout.get("upsells").get(0).get("id").asString(),
            bonus.get("id").asString(), bonusOption);
    }

    /** A coaching programme in group Coaching, monthly or in three payments, at a checkout of its own. */
    record Coaching(String checkoutId, String product, String group, String monthly, String plan) {}

    private Coaching coaching(Store store) {
        String group = created(api.post("/api/v1/subscription_groups", store.apiKey(), """
            {"name": "Coaching"}""")).get("id").asString();
        var product = created(api.post("/api/v1/products", store.apiKey(), """
            {"name": "Coaching", "subscription_group_id": "%s", "options": [
              {"name": "Monthly", "kind": "subscription", "amount": 9900, "currency": "usd", "interval": "month"},
              {"name": "3 payments", "kind": "payment_plan", "amount": 30000, "currency": "usd", "interval": "month",
               "installments": 3}]}""".formatted(group)));
        String checkout = created(api.post("/api/v1/checkouts", store.apiKey(), """
            {"name": "Coaching", "product_id": "%s"}""".formatted(product.get("id").asString()))).get("id")
            .asString();
        return new Coaching(checkout, product.get("id").asString(), group,
            product.get("options").get(0).get("id").asString(), product.get("options").get(1).get("id").asString());
    }

    /** Buys an option at a checkout as a new customer, with a promo code or none; returns the order. */
    private JsonNode buyAt(Store store, String checkoutId, String option, String email, String promoCode) {
        return created(api.post("/api/v1/checkouts/" + checkoutId + "/purchases", store.apiKey(), """
            {"customer": {"name": "Buyer", "email": "%s"}, "token": "pm_card_visa", "option_id": "%s"%s}"""
            .formatted(email, option, promoCode == null ? "" : ", \"promo_code\": \"" + promoCode + "\"")));
    }

    private void cancel(Store store, JsonNode order, boolean atPeriodEnd) {
        created(api.post("/api/v1/subscriptions/" + order.get("subscription_id").asString() + "/cancel",
            store.apiKey(), "{\"at_period_end\": " + atPeriodEnd + "}"));
    }

    /** Buys the option with both addons; returns the order. */
    private JsonNode buy(Store store, String option) {
        return created(api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "addon_ids": ["%s", "%s"]}""".formatted(option, store.addonA(), store.addonB())));
    }

    private String automation(Store store, String event, String scopeKey, String scopeId) {
        String id = created(api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Scoped", "trigger": {"type": "event", "event": "%s", "scope": {"%s": "%s"}},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}"""
            .formatted(event, scopeKey, scopeId))).get("id").asString();
        var activated = api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null);
        assertThat(activated.status()).as(activated.text()).isEqualTo(200);
        return id;
    }

    /** The types and subjects of the events that started this automation's runs. */
    private List<String> runs(Store store, String automation) {
        return runs(store.apiKey(), automation);
    }

    private List<String> runs(String key, String automation) {
        agenda.runDue();
        var runs = new ArrayList<String>();
        api.get("/api/v1/executions?automation_id=" + automation, key).json().get("data")
            .forEach(run -> runs.add(run.get("trigger").get("type").asString()));
        return runs;
    }

    private static JsonNode created(Api.Response response) {
        assertThat(response.status()).as(response.text()).isIn(200, 201);
        return response.json();
    }

    @Test
    void anAddonScopeRunsOnceForItsOwnAddonNeverForASiblingBoughtInTheSameOrder() {
        var store = store();
        String forA = automation(store, "addon.purchased", "addon_id", store.addonA());

        buy(store, store.once());

        assertThat(runs(store, forA)).containsExactly("addon.purchased");
    }

    @Test
    void anOptionScopeMatchesTheOptionChosenNotAnOptionTheCheckoutOffersAsUpsell() {
        var store = store();
        String forBonus = automation(store, "option.selected", "option_id", store.bonusOption());
        String forOnce = automation(store, "option.selected", "option_id", store.once());

        buy(store, store.once());

        assertThat(runs(store, forBonus)).isEmpty();
        assertThat(runs(store, forOnce)).containsExactly("option.selected");
    }

    @Test
    void aProductBoughtAsAnUpsellRaisesProductPurchasedForThatProduct() {
        var store = store();
        String forBonus = automation(store, "product.purchased", "product_id", store.bonusProduct());
        String forUpsell = automation(store, "upsell.purchased", "upsell_id", store.upsell());
        var order = buy(store, store.once());
        assertThat(runs(store, forBonus)).isEmpty();

        created(api.post("/api/v1/orders/" + order.get("id").asString() + "/upsells/" + store.upsell() + "/accept",
            store.apiKey(), null));

        assertThat(runs(store, forBonus)).containsExactly("product.purchased");
        assertThat(runs(store, forUpsell)).containsExactly("upsell.purchased");
    }

    @Test
    void aPaymentOfASubscriptionCanBeScopedToItsGroupAndProduct() {
        var store = store();
        String byGroup = automation(store, "payment.succeeded", "subscription_group_id", store.group());
        String byProduct = automation(store, "payment.succeeded", "product_id", store.product());
        String byBonus = automation(store, "payment.succeeded", "product_id", store.bonusProduct());

        buy(store, store.monthly());

        assertThat(runs(store, byGroup)).containsExactly("payment.succeeded");
        assertThat(runs(store, byProduct)).containsExactly("payment.succeeded");
        assertThat(runs(store, byBonus)).isEmpty();
    }

    @Test
    void aDryRunOnARealEventAppliesTheTriggerTypeAndScopeFirst() {
        var store = store();
        String forA = automation(store, "addon.purchased", "addon_id", store.addonA());
        buy(store, store.once());
        var byAddon = new java.util.HashMap<String, String>();
        api.get("/api/v1/events?type=addon.purchased", store.apiKey()).json().get("data").forEach(event -> byAddon.put(
            event.get("data").get("addon").get("id").asString(), event.get("id").asString()));
        String optionSelected = api.get("/api/v1/events?type=option.selected", store.apiKey()).json().get("data")
            .get(0).get("id").asString();

        var sibling = api.post("/api/v1/automations/" + forA + "/test", store.apiKey(), """
            {"event_id": "%s"}""".formatted(byAddon.get(store.addonB()))).json();
        var otherType = api.post("/api/v1/automations/" + forA + "/test", store.apiKey(), """
            {"event_id": "%s"}""".formatted(optionSelected)).json();
        var own = api.post("/api/v1/automations/" + forA + "/test", store.apiKey(), """
            {"event_id": "%s"}""".formatted(byAddon.get(store.addonA()))).json();

        assertThat(sibling.get("status").asString()).isEqualTo("not_started");
        assertThat(sibling.get("error").get("message").asString()).isEqualTo("would not start: scope addon_id="
            + store.addonA() + " does not match " + store.addonB() + " of this event");
        assertThat(sibling.get("steps")).isEmpty();
        assertThat(otherType.get("error").get("message").asString()).isEqualTo("would not start: this automation "
            + "starts on addon.purchased, not on option.selected");
        assertThat(own.get("status").asString()).isEqualTo("succeeded");

        // Sample data of another type is no event this automation could start on either.
        var sample = api.post("/api/v1/automations/" + forA + "/test", store.apiKey(), """
            {"event": {"type": "acme.other", "data": {}}}""").json();
        assertThat(sample.get("status").asString()).isEqualTo("not_started");
        assertThat(sample.get("error").get("message").asString()).isEqualTo("would not start: this automation "
            + "starts on addon.purchased, not on acme.other");
    }

    @Test
    void aCardEventCanBeScopedToTheGroupOfTheSubscriptionItPays() {
        var store = store();
        String byGroup = automation(store, "card.updated", "subscription_group_id", store.group());
        String byBonus = automation(store, "card.updated", "product_id", store.bonusProduct());
        var order = buy(store, store.monthly());
        String customer = order.get("customer_id").asString();
        assertThat(runs(store, byGroup)).isEmpty();

        String spare = created(api.post("/api/v1/customers/" + customer + "/payment_methods", store.apiKey(), """
            {"token": "pm_card_visa"}""")).get("id").asString();
        assertThat(runs(store, byGroup)).as("a spare card pays no subscription").isEmpty();
        created(api.post("/api/v1/subscriptions/" + order.get("subscription_id").asString() + "/change_card",
            store.apiKey(), """
                {"payment_method_id": "%s"}""".formatted(spare)));

        assertThat(runs(store, byGroup)).containsExactly("card.updated");
        assertThat(runs(store, byBonus)).isEmpty();
    }

    @Test
    void aCardExpiringIsAboutTheSubscriptionsThatCardPays() {
        var store = store();
        String byGroup = automation(store, "card.expiring", "subscription_group_id", store.group());
        var order = buy(store, store.monthly());
        String customer = order.get("customer_id").asString();
        // A card that runs out 75 to 106 days from now: its notice (60 days before) falls 15 to 46 days from now, on
        // whatever day the shared test clock stands (two months from the 31st of December left no notice at all).
        var soon = java.time.YearMonth.from(java.time.Instant.parse(api.get("/api/v1/test_clock", store.apiKey())
            .json().get("now").asString()).atZone(java.time.ZoneOffset.UTC).plusDays(75));
        String expiring = created(api.post("/api/v1/customers/" + customer + "/payment_methods", store.apiKey(), """
            {"token": "pm_card_visa", "exp_month": %d, "exp_year": %d}""".formatted(soon.getMonthValue(),
            soon.getYear()))).get("id").asString();
        created(api.post("/api/v1/subscriptions/" + order.get("subscription_id").asString() + "/change_card",
            store.apiKey(), """
                {"payment_method_id": "%s"}""".formatted(expiring)));

        created(api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"P100D\"}"));

        assertThat(runs(store, byGroup)).containsExactly("card.expiring");
    }

    @Test
    void aCancellationRunsOnlyTheAutomationsScopedToTheGroupOrProductOfTheSubscriptionCanceled() {
        var store = store();
        var coaching = coaching(store);
        String canceledInMembers = automation(store, "subscription.canceled", "subscription_group_id", store.group());
        String canceledOfCourse = automation(store, "subscription.canceled", "product_id", store.product());
        String cancelingInMembers = automation(store, "subscription.canceling", "subscription_group_id",
            store.group());
        String canceledInCoaching = automation(store, "subscription.canceled", "subscription_group_id",
            coaching.group());
        var course = buy(store, store.monthly());
        var other = buyAt(store, coaching.checkoutId(), coaching.monthly(), "grace@example.com", null);

        cancel(store, other, true);
        cancel(store, other, false);

        assertThat(runs(store, cancelingInMembers)).isEmpty();
        assertThat(runs(store, canceledInMembers)).isEmpty();
        assertThat(runs(store, canceledOfCourse)).isEmpty();
        assertThat(runs(store, canceledInCoaching)).containsExactly("subscription.canceled");

        cancel(store, course, true);
        cancel(store, course, false);

        assertThat(runs(store, cancelingInMembers)).containsExactly("subscription.canceling");
        assertThat(runs(store, canceledInMembers)).containsExactly("subscription.canceled");
        assertThat(runs(store, canceledOfCourse)).containsExactly("subscription.canceled");
        assertThat(runs(store, canceledInCoaching)).containsExactly("subscription.canceled");
    }

    @Test
    void renewalAndInstallmentNoticesRunOnlyTheAutomationsScopedToTheirOwnGroupOrProduct() {
        var store = store();
        var coaching = coaching(store);
        String renewingInMembers = automation(store, "subscription.renewal_upcoming", "subscription_group_id",
            store.group());
        String renewingInCoaching = automation(store, "subscription.renewal_upcoming", "subscription_group_id",
            coaching.group());
        String installmentPaidOfCourse = automation(store, "payment_plan.payment_succeeded", "product_id",
            store.product());
        String installmentPaidOfCoaching = automation(store, "payment_plan.payment_succeeded", "product_id",
            coaching.product());
        String installmentDueOfCourse = automation(store, "payment_plan.payment_upcoming", "product_id",
            store.product());
        String installmentDueOfCoaching = automation(store, "payment_plan.payment_upcoming", "product_id",
            coaching.product());
        buyAt(store, coaching.checkoutId(), coaching.plan(), "grace@example.com", null);

        assertThat(runs(store, installmentPaidOfCoaching)).containsExactly("payment_plan.payment_succeeded");
        assertThat(runs(store, installmentPaidOfCourse)).isEmpty();

        buy(store, store.monthly());
        // Past the standard notice (7 days) of the first renewal and of the second installment, short of both.
        created(api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"P25D\"}"));

        assertThat(runs(store, renewingInMembers)).containsExactly("subscription.renewal_upcoming");
        assertThat(runs(store, renewingInCoaching)).isEmpty();
        assertThat(runs(store, installmentDueOfCoaching)).containsExactly("payment_plan.payment_upcoming");
        assertThat(runs(store, installmentDueOfCourse)).isEmpty();
    }

    @Test
    void aPromoCodeScopeRunsForThatCodeAndNotForAnother() {
        var store = store();
        String half = created(api.post("/api/v1/promo_codes", store.apiKey(), """
            {"code": "HALF", "percent_off": 50}""")).get("id").asString();
        created(api.post("/api/v1/promo_codes", store.apiKey(), """
            {"code": "TENOFF", "percent_off": 10}"""));
        String forHalf = automation(store, "promo_code.applied", "promo_code_id", half);

        buyAt(store, store.checkoutId(), store.once(), "grace@example.com", "TENOFF");
        assertThat(runs(store, forHalf)).isEmpty();

        buyAt(store, store.checkoutId(), store.once(), "ada@example.com", "HALF");
        assertThat(runs(store, forHalf)).containsExactly("promo_code.applied");
    }

    @Test
    void anUpsellScopeDoesNotRunWhenASiblingUpsellOfTheSameOrderIsTaken() {
        var shop = shops.openWithUpsells();
        String key = shop.shop().apiKey();
        String id = created(api.post("/api/v1/automations", key, """
            {"name": "Scoped", "trigger": {"type": "event", "event": "upsell.purchased",
             "scope": {"upsell_id": "%s"}}, "steps": [{"id": "note", "type": "action", "action": "test.record"}]}"""
            .formatted(shop.membership()))).get("id").asString();
        created(api.post("/api/v1/automations/" + id + "/activate", key, null));
        var order = created(api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", key, """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(shop.courseOption())));
        String orderUpsells = "/api/v1/orders/" + order.get("id").asString() + "/upsells/";

        created(api.post(orderUpsells + shop.bonus() + "/accept", key, null));
        assertThat(runs(key, id)).isEmpty();

        created(api.post(orderUpsells + shop.membership() + "/accept", key, null));
        assertThat(runs(key, id)).containsExactly("upsell.purchased");
    }
    /** A plan's payment names only the plan: a product or option scope is compared with the plan's own. */
    @Test
    void aFailedInstallmentRunsOnlyTheAutomationsScopedToThePlansProductOrOption() {
        var store = store();
        var coaching = coaching(store);
        String failedOfCoaching = automation(store, "payment.failed", "product_id", coaching.product());
        String failedOfThePlan = automation(store, "payment.failed", "option_id", coaching.plan());
        String failedOfCourse = automation(store, "payment.failed", "product_id", store.product());
        String failedOfMonthly = automation(store, "payment.failed", "option_id", coaching.monthly());
        var order = buyAt(store, coaching.checkoutId(), coaching.plan(), "grace@example.com", null);
        // The plan follows the default card, which from now on declines: the second installment fails.
        created(api.post("/api/v1/customers/" + order.get("customer_id").asString() + "/payment_methods",
            store.apiKey(), """
                {"token": "pm_card_chargeCustomerFail", "make_default": true}"""));

        created(api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"P32D\"}"));

        // The installment and each of billing's retries fail: one run for each payment.failed.
        int failures = api.get("/api/v1/events?type=payment.failed", store.apiKey()).json().get("data").size();
        assertThat(failures).isPositive();
        assertThat(runs(store, failedOfCoaching)).hasSize(failures).containsOnly("payment.failed");
        assertThat(runs(store, failedOfThePlan)).hasSize(failures).containsOnly("payment.failed");
        assertThat(runs(store, failedOfCourse)).isEmpty();
        assertThat(runs(store, failedOfMonthly)).isEmpty();
    }

    /** A change staff made with skip_automations starts nothing, and a dry run on its event says so. */
    @Test
    void aDryRunOnAnEventStaffLetPassQuietlySaysItWouldNotStart() {
        var store = store();
        String canceled = automation(store, "subscription.canceled", "subscription_group_id", store.group());
        var order = buy(store, store.monthly());
        created(api.post("/api/v1/subscriptions/" + order.get("subscription_id").asString() + "/cancel",
            store.apiKey(), "{\"skip_automations\": true}"));
        assertThat(runs(store, canceled)).isEmpty();
        String event = api.get("/api/v1/events?type=subscription.canceled", store.apiKey()).json().get("data").get(0)
            .get("id").asString();

        var tested = api.post("/api/v1/automations/" + canceled + "/test", store.apiKey(), """
            {"event_id": "%s"}""".formatted(event)).json();

        assertThat(tested.get("status").asString()).as(tested.toString()).isEqualTo("not_started");
        assertThat(tested.get("error").get("message").asString()).isEqualTo("would not start: staff asked for this "
            + "change to pass quietly (skip_automations)");
        assertThat(tested.get("steps")).isEmpty();
    }
}
