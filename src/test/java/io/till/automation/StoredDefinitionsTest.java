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
 * A version saved before a save-time check grew stricter still runs: only its own step fails, never the listeners of
 * every account that share its event type.
 */
@TillIntegrationTest
class StoredDefinitionsTest {

    private static final String TAGGING = """
        {"name": "Tag", "trigger": {"type": "event", "event": "acme.stored_check"},
         "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "%s"}}]}""";

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    JdbcClient db;

    private String activate(TestAccounts.TestAccount store, String definition) {
        String id = api.post("/api/v1/automations", store.apiKey(), definition).json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null).status()).isEqualTo(200);
        return id;
    }

    private String signUp(TestAccounts.TestAccount store) {
        String customer = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada Lovelace", "email": "ada@example.com"}""").json().get("id").asString();
        var posted = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.stored_check", "customer_id": "%s", "data": {}}""".formatted(customer));
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
        return customer;
    }

    @Test
    void aVersionSavedBeforeTheTemplateCheckFailsOnlyItsOwnStep() {
        var old = accounts.create();
        var other = accounts.create();
        String oldAutomation = activate(old, TAGGING.formatted("{{customer.first_name}}"));
        activate(other, TAGGING.formatted("{{customer.first_name}}"));
        // As the version would have been kept before templates were read as data paths only.
        db.sql("""
            UPDATE automation_versions
               SET definition = jsonb_set(definition, '{steps,0,params,tag}', '"{{customer.name.bytes}}"')
             WHERE automation_id = :id
            """).param("id", oldAutomation).update();

        signUp(old);
        String otherCustomer = signUp(other);
        agenda.runDue();

        JsonNode executions = api.get("/api/v1/executions?automation_id=" + oldAutomation, old.apiKey()).json()
            .get("data");
        assertThat(executions).hasSize(1);
        JsonNode failed = api.get("/api/v1/executions/" + executions.get(0).get("id").asString(), old.apiKey())
            .json();
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        assertThat(failed.get("error").get("code").asString()).isEqualTo("template_error");
        assertThat(failed.get("error").get("message").asString())
            .isEqualTo("params.tag: the context has no customer.name.bytes (line 1)");
        assertThat(api.get("/api/v1/customers/" + otherCustomer, other.apiKey()).json().get("tags").get(0).asString())
            .isEqualTo("Ada");
    }
}
