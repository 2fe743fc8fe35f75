package io.till.action;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.automation.AutomationAgenda;
import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@code create_task} step renders its title from the run's customer when it begins; a reviewer found that a step
 * whose customer was erased before its task was written made the task anyway, their name back in the tasks inbox.
 */
@TillIntegrationTest
class CreateTaskErasedTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    CreateTaskAction action;
    @Autowired
    JdbcClient db;
    @Autowired
    AutomationAgenda agenda;

    private ActionCall call(Shops.Shop shop, String customer, String params) {
        return new ActionCall(shop.accountId(), "exe_erased", "call", "exe_erased:call:" + customer, 1, customer,
            (ObjectNode) JSON.readTree(params), Instant.now());
    }

    private long tasks(Shops.Shop shop) {
        return db.sql("SELECT count(*) FROM tasks WHERE account_id = :a").param("a", shop.accountId())
            .query(Long.class).single();
    }

    private String customer(Shops.Shop shop, String name) {
        var created = api.post("/api/v1/customers", shop.apiKey(), """
            {"name": "%s", "email": "%s@example.com"}""".formatted(name, name.toLowerCase().replace(' ', '.')));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    @Test
    void aTaskWhoseCustomerWasErasedWhileItsStepRanIsNotMade() {
        var shop = shops.open();
        String zelda = customer(shop, "Zelda Quux");
        assertThat(api.post("/api/v1/customers/" + zelda + "/redact", shop.apiKey(), null).status()).isEqualTo(200);

        var result = action.perform(call(shop, zelda, "{\"title\": \"Call Zelda Quux\"}"));

        assertThat(result).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> {
            assertThat(failed.code()).isEqualTo("customer_erased");
            assertThat(failed.retryable()).isFalse();
        });
        assertThat(tasks(shop)).isZero();
    }

    @Test
    void aTaskAboutAnErasedCustomerFromAnotherCustomersRunIsNotMadeEither() {
        var shop = shops.open();
        String ada = customer(shop, "Ada Lovelace");
        String zelda = customer(shop, "Zelda Quux");
        assertThat(api.post("/api/v1/customers/" + zelda + "/redact", shop.apiKey(), null).status()).isEqualTo(200);

        var refused = action.perform(call(shop, ada, "{\"title\": \"Call Zelda\", \"customer_id\": \"" + zelda
            + "\"}"));
        var made = action.perform(call(shop, ada, "{\"title\": \"Call Ada\"}"));

        assertThat(refused).isInstanceOf(ActionResult.Failed.class);
        assertThat(made).isInstanceOf(ActionResult.Done.class);
        assertThat(tasks(shop)).isEqualTo(1);
    }

    /**
     * A run of Zelda's that makes a task about another customer writes Zelda's name into it: erasing Zelda rewrites
     * that task too, and her copy lists it. A review found it kept her name for good, and left out of her copy.
     */
    @Test
    void aTaskHerRunMadeAboutAnotherCustomerLosesHerDataAndIsInHerCopy() {
        var shop = shops.open();
        String zelda = customer(shop, "Zelda Quux");
        String bob = customer(shop, "Bob Plain");
        String automation = api.post("/api/v1/automations", shop.apiKey(), """
            {"name": "Tell Bob", "trigger": {"type": "manual"},
             "steps": [{"id": "call", "type": "action", "action": "create_task",
                        "params": {"customer_id": "%s", "title": "Tell Bob about {{customer.name}}",
                                   "notes": "Write to {{customer.email}}"}}]}""".formatted(bob)).json().get("id")
            .asString();
        assertThat(api.post("/api/v1/automations/" + automation + "/activate", shop.apiKey(), null).status())
            .isEqualTo(200);
        assertThat(api.post("/api/v1/automations/" + automation + "/run", shop.apiKey(), """
            {"customer_id": "%s"}""".formatted(zelda)).status()).isEqualTo(201);
        agenda.runDue();
        assertThat(taskAbout(shop, bob)).isEqualTo("Tell Bob about Zelda Quux | Write to zelda.quux@example.com");

        var copy = api.get("/api/v1/customers/" + zelda + "/personal_data", shop.apiKey());
        assertThat(copy.json().get("records").get("tasks").toString()).contains("Tell Bob about Zelda Quux");
        assertThat(api.post("/api/v1/customers/" + zelda + "/redact", shop.apiKey(), null).status()).isEqualTo(200);

        assertThat(taskAbout(shop, bob)).doesNotContain("Zelda", "Quux", "zelda.quux")
            .startsWith("Tell Bob about");
    }

    private String taskAbout(Shops.Shop shop, String customer) {
        return db.sql("SELECT title || ' | ' || notes FROM tasks WHERE account_id = :a AND customer_id = :c")
            .param("a", shop.accountId()).param("c", customer).query(String.class).single();
    }
}
