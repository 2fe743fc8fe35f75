package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A trigger scope names objects of the saving account only: another account's id is as unknown as a made-up one. */
@TillIntegrationTest
class TriggerScopesApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;

    /** One object of every kind a scope can name, made through the API, by scope key. */
    private Map<String, String> catalog(String key) {
        var ids = new LinkedHashMap<String, String>();
        ids.put("subscription_group_id", created(api.post("/api/v1/subscription_groups", key, """
            {"name": "Members"}""")).get("id").asString());
        var product = created(api.post("/api/v1/products", key, """
            {"name": "Membership", "subscription_group_id": "%s", "options": [
              {"name": "Monthly", "kind": "subscription", "amount": 1900, "currency": "usd", "interval": "month"}]}"""
            .formatted(ids.get("subscription_group_id"))));
        ids.put("product_id", product.get("id").asString());
        ids.put("option_id", product.get("options").get(0).get("id").asString());
        var checkout = created(api.post("/api/v1/checkouts", key, """
            {"name": "Join", "product_id": "%s", "addons": [{"name": "Guide", "amount": 900, "currency": "usd"}],
             "upsells": [{"name": "More", "option_id": "%s"}]}""".formatted(ids.get("product_id"),
            ids.get("option_id"))));
        ids.put("checkout_id", checkout.get("id").asString());
        ids.put("addon_id", checkout.get("addons").get(0).get("id").asString());
        ids.put("upsell_id", checkout.get("upsells").get(0).get("id").asString());
        ids.put("promo_code_id", created(api.post("/api/v1/promo_codes", key, """
            {"code": "SPRING", "percent_off": 15}""")).get("id").asString());
        return ids;
    }

    private static JsonNode created(Api.Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    private static String scopedTo(Map<String, String> scope) {
        var definition = JSON.createObjectNode().put("name", "Scoped");
        var trigger = definition.putObject("trigger").put("type", "event").put("event", "lms.course_completed");
        scope.forEach(trigger.putObject("scope")::put);
        definition.putArray("steps").addObject().put("id", "tag").put("type", "action").put("action", "add_tag")
            .putObject("params").put("tag", "scoped");
        return definition.toString();
    }

    private static List<String> errors(Api.Response response) {
        var errors = new ArrayList<String>();
        response.json().get("errors").forEach(e -> errors.add(e.get("field").asString() + ": " + e.get("message")
            .asString()));
        return errors;
    }

    @Test
    void refusesAnotherAccountsCheckoutAndAcceptsItsOwn() {
        var mine = accounts.create();
        var theirs = accounts.create();
        String myCheckout = catalog(mine.apiKey()).get("checkout_id");
        String theirCheckout = catalog(theirs.apiKey()).get("checkout_id");

        var foreign = api.post("/api/v1/automations", mine.apiKey(), scopedTo(Map.of("checkout_id", theirCheckout)));
        var own = api.post("/api/v1/automations", mine.apiKey(), scopedTo(Map.of("checkout_id", myCheckout)));

        assertThat(foreign.status()).as(foreign.text()).isEqualTo(400);
        assertThat(errors(foreign)).containsExactly("trigger.scope.checkout_id: " + theirCheckout
            + " is not a checkout of this account");
        assertThat(own.status()).as(own.text()).isEqualTo(201);
        assertThat(api.get("/api/v1/automations", mine.apiKey()).json().get("data")).hasSize(1);
    }

    @Test
    void refusesAnIdThatNamesNothing() {
        var store = accounts.create();

        var response = api.post("/api/v1/automations", store.apiKey(), scopedTo(Map.of("checkout_id",
            "chk_doesnotexist", "promo_code_id", "SPRING")));

        assertThat(response.status()).isEqualTo(400);
        assertThat(errors(response)).containsExactlyInAnyOrder(
            "trigger.scope.checkout_id: chk_doesnotexist is not a checkout of this account",
            "trigger.scope.promo_code_id: SPRING is not a promo code of this account");
    }

    @Test
    void checksEveryScopeKeyAgainstTheAccountThatSaves() {
        var mine = accounts.create();
        var theirs = accounts.create();
        var myCatalog = catalog(mine.apiKey());
        var theirCatalog = catalog(theirs.apiKey());

        var foreign = api.post("/api/v1/automations", mine.apiKey(), scopedTo(theirCatalog));
        var own = api.post("/api/v1/automations", mine.apiKey(), scopedTo(myCatalog));

        assertThat(foreign.status()).isEqualTo(400);
        assertThat(errors(foreign)).containsExactlyInAnyOrder(
            "trigger.scope.subscription_group_id: " + theirCatalog.get("subscription_group_id")
                + " is not a subscription group of this account",
            "trigger.scope.product_id: " + theirCatalog.get("product_id") + " is not a product of this account",
            "trigger.scope.option_id: " + theirCatalog.get("option_id") + " is not an option of this account",
            "trigger.scope.checkout_id: " + theirCatalog.get("checkout_id") + " is not a checkout of this account",
            "trigger.scope.addon_id: " + theirCatalog.get("addon_id") + " is not an addon of this account",
            "trigger.scope.upsell_id: " + theirCatalog.get("upsell_id") + " is not an upsell of this account",
            "trigger.scope.promo_code_id: " + theirCatalog.get("promo_code_id")
                + " is not a promo code of this account");
        assertThat(own.status()).as(own.text()).isEqualTo(201);
    }

    @Test
    void refusesANewVersionScopedToAnotherAccountsObject() {
        var mine = accounts.create();
        var theirs = accounts.create();
        String myProduct = catalog(mine.apiKey()).get("product_id");
        String theirProduct = catalog(theirs.apiKey()).get("product_id");
        String id = created(api.post("/api/v1/automations", mine.apiKey(), scopedTo(Map.of("product_id",
            myProduct)))).get("id").asString();

        var update = api.send("PUT", "/api/v1/automations/" + id, mine.apiKey(), scopedTo(Map.of("product_id",
            theirProduct)), List.of("Content-Type", "application/json"));

        assertThat(update.status()).isEqualTo(400);
        assertThat(errors(update)).containsExactly("trigger.scope.product_id: " + theirProduct
            + " is not a product of this account");
        assertThat(api.get("/api/v1/automations/" + id, mine.apiKey()).json().get("version").asInt()).isEqualTo(1);
    }

    @Test
    void refusesATemplateThatIsNotADataPathWhenSaving() {
        var store = accounts.create();
        String definition = """
            {"name": "Leaky", "trigger": {"type": "manual"},
             "steps": [{"id": "mail", "type": "action", "action": "create_task",
                        "params": {"title": "{{customer.name.bytes}}", "notes": "{{.}}"}}]}""";

        var response = api.post("/api/v1/automations", store.apiKey(), definition);

        assertThat(response.status()).isEqualTo(400);
        assertThat(errors(response)).containsExactly(
            "steps[0].params.title: {{customer.name.bytes}} is not a variable of this trigger",
            "steps[0].params.notes: {{.}} would print the whole context: name a variable such as "
                + "{{customer.first_name}}");
    }

    @Test
    void refusesWhatCouldNeverRunNamingEachPath() {
        var store = accounts.create();
        String upsell = catalog(store.apiKey()).get("upsell_id");

        var typo = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Typo", "trigger": {"type": "event", "event": "payment.faild"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "x"}}]}""");
        var never = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Never", "trigger": {"type": "event", "event": "customer.created", "scope": {"upsell_id": "%s"}},
             "conditions": {"all": [{"field": "invoice.amount_duee", "op": "gt", "value": 0},
                                    {"field": "invoice.amount_due_formatted", "op": "exists"},
                                    {"field": "customer.emial", "op": "exists"}]},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "x"}}]}"""
            .formatted(upsell));

        assertThat(typo.status()).as(typo.text()).isEqualTo(400);
        assertThat(errors(typo)).containsExactly("trigger.event: payment.faild is not an event Till raises: "
            + "payment.succeeded, payment.failed, payment.refunded, payment.disputed are; a custom event needs a prefix "
            + "of its own, such as acme.");
        assertThat(never.status()).as(never.text()).isEqualTo(400);
        assertThat(errors(never)).containsExactly(
            "trigger.scope.upsell_id: customer.created is never about an upsell, so this scope could never match",
            "conditions.all[0].field: invoice.amount_duee is never in the context of this automation: "
                + "customer.created carries only the customer",
            "conditions.all[1].field: invoice.amount_due_formatted is never in the context of this automation: "
                + "customer.created carries only the customer",
            "conditions.all[2].field: customer.emial is never in the context of this automation");
    }

    @Test
    void acceptsASubscriptionEventScopedToAGroupAndRefusesAnAddonScopeOnIt() {
        var store = accounts.create();
        var catalog = catalog(store.apiKey());

        var group = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Members", "trigger": {"type": "event", "event": "subscription.canceled",
             "scope": {"subscription_group_id": "%s", "product_id": "%s"}},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "x"}}]}"""
            .formatted(catalog.get("subscription_group_id"), catalog.get("product_id")));
        var addon = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Addon", "trigger": {"type": "event", "event": "payment.failed",
             "scope": {"addon_id": "%s"}},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "x"}}]}"""
            .formatted(catalog.get("addon_id")));

        assertThat(group.status()).as(group.text()).isEqualTo(201);
        assertThat(addon.status()).isEqualTo(400);
        assertThat(errors(addon)).containsExactly(
            "trigger.scope.addon_id: payment.failed is never about an addon, so this scope could never match");
    }
}
