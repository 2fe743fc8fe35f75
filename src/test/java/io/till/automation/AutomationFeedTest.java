package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Which events reach the matcher: those of a type that some version of one of the account's automations reacts to (its
 * trigger, a cancel_on entry, a wait_for_event step at any depth). Any other event, such as a page view a shop posts,
 * costs the matcher nothing, and no automation could have started, ended or woken a run for it.
 */
@TillIntegrationTest
class AutomationFeedTest {

    /** Triggered by acme.cart_abandoned, ended by %s; waits in a branch for acme.coupon_used. */
    private static final String REMINDER = """
        {"name": "Cart reminder", "trigger": {"type": "event", "event": "acme.cart_abandoned"},
         "cancel_on": %s,
         "steps": [{"id": "first", "type": "action", "action": "add_tag", "params": {"tag": "reminded"}},
                   {"id": "check", "type": "branch",
                    "if": {"field": "customer.email", "op": "exists"},
                    "then": [{"id": "coupon", "type": "wait_for_event", "event": "acme.coupon_used",
                              "timeout": "P1D"}],
                    "else": []},
                   {"id": "second", "type": "action", "action": "add_tag", "params": {"tag": "reminded_again"}}]}""";

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    JdbcClient db;

    @Test
    void anEventNoAutomationReactsToLeavesNothingForTheMatcher() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        shop.activate(REMINDER.formatted("[{\"event\": \"acme.cart_recovered\", \"match\": \"customer\"}]"));

        shop.post("acme.page_viewed", ada, "{}");
        String abandoned = shop.post("acme.cart_abandoned", ada, "{}");
        String recovered = shop.post("acme.cart_recovered", ada, "{}");
        String coupon = shop.post("acme.coupon_used", ada, "{}");
        // Another account's automation reacts to page views: this account's page views are still nothing to match.
        new StoreApi(api, accounts.create()).activate("""
            {"name": "Views", "trigger": {"type": "event", "event": "acme.page_viewed"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "viewer"}}]}""");
        shop.post("acme.page_viewed", ada, "{}");

        assertThat(db.sql("SELECT event_id FROM event_inbox WHERE account_id = :id ORDER BY event_id")
            .param("id", store.id()).query(String.class).list()).as("events waiting for the matcher")
            .containsExactly(abandoned, recovered, coupon);
    }

    @Test
    void aVersionInsertedByOtherCodeThanTodaysStillHasItsEventsMatched() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String automation = shop.activate(REMINDER.formatted("[]"));
        // As a node of an older release would write it during a rolling upgrade: the database keeps the types.
        db.sql("""
            INSERT INTO automation_versions (account_id, automation_id, version, status, definition, created_at)
            SELECT account_id, automation_id, 2, 'draft',
                   jsonb_set(definition, '{cancel_on}', '["acme.order_shipped", {"event": "acme.left"}]'), now()
              FROM automation_versions WHERE automation_id = :id AND version = 1
            """)
            .param("id", automation)
            .update();

        assertThat(db.sql("SELECT event_type FROM automation_event_types WHERE account_id = :id ORDER BY 1")
            .param("id", store.id()).query(String.class).list())
            .containsExactly("acme.cart_abandoned", "acme.coupon_used", "acme.left", "acme.order_shipped");
    }

    @Test
    void aRunOfAnOlderVersionStillEndsOnTheEventThatVersionNamed() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(REMINDER.formatted("[\"acme.cart_recovered\"]"));
        shop.post("acme.cart_abandoned", ada, "{}");
        agenda.runDue();
        assertThat(shop.onlyRun(automation, ada).get("status").asString()).isEqualTo("waiting");
        // Version 2 no longer cancels on the recovery; the run under way keeps version 1, which does.
        var updated = api.send("PUT", "/api/v1/automations/" + automation, store.apiKey(),
            REMINDER.formatted("[]"), java.util.List.of("Content-Type", "application/json"));
        assertThat(updated.status()).as(updated.text()).isEqualTo(200);
        var activated = api.post("/api/v1/automations/" + automation + "/activate", store.apiKey(), null);
        assertThat(activated.status()).as(activated.text()).isEqualTo(200);

        String recovered = shop.post("acme.cart_recovered", ada, "{}");
        agenda.runDue();

        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("canceled");
        assertThat(run.get("canceled_by_event").asString()).isEqualTo(recovered);
    }

    @Test
    void aWaitInsideABranchWakesOnItsEvent() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(REMINDER.formatted("[]"));
        shop.post("acme.cart_abandoned", ada, "{}");
        agenda.runDue();
        assertThat(shop.onlyRun(automation, ada).get("status").asString()).isEqualTo("waiting");

        shop.post("acme.coupon_used", ada, "{}");
        agenda.runDue();

        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(shop.tags(ada)).containsExactly("reminded", "reminded_again");
    }
}
