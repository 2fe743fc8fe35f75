package io.till.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.automation.AutomationAgenda;
import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Slack incoming-webhook URL is a credential: whoever has it can post to the channel. It is stored sealed, in a
 * send_slack step and in a slack integration alike, and every answer and execution log shows it masked.
 */
@TillIntegrationTest
class SlackWebhookUrlTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String TOKEN = "xoxSecretPart0123456789";

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda automations;
    @Autowired
    JdbcClient db;

    @Test
    void aSendSlackStepKeepsItsWebhookUrlSealedAndShowsItMasked() {
        var store = accounts.create();
        try (var slack = new Receiver()) {
            String hook = slack.url("/services/T0123ABC/B0456DEF/" + TOKEN);
            var created = api.post("/api/v1/automations", store.apiKey(), """
                {"name": "Tell the team", "trigger": {"type": "manual"},
                 "steps": [{"id": "tell", "type": "action", "action": "send_slack",
                            "params": {"webhook_url": "%s", "text": "Ada bought"}}]}""".formatted(hook));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            String id = created.json().get("id").asString();
            String shown = created.json().get("definition").get("steps").get(0).get("params").get("webhook_url")
                .asString();
            // Saved again as read, masked URL and all: the step keeps the URL it had.
            var edited = (ObjectNode) created.json().get("definition").deepCopy();
            edited.put("name", "Tell the team at once");
            var updated = api.send("PUT", "/api/v1/automations/" + id, store.apiKey(), edited.toString(), List.of(
                "Content-Type", "application/json"));
            assertThat(updated.status()).as(updated.text()).isEqualTo(200);
            api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null);
            var run = api.post("/api/v1/automations/" + id + "/run", store.apiKey(), null);
            automations.runDue();
            var execution = api.get("/api/v1/executions/" + run.json().get("id").asString(), store.apiKey());
            var dryRun = api.post("/api/v1/automations/" + id + "/test", store.apiKey(), """
                {"event": {"type": "test"}}""");

            assertThat(shown).startsWith("http://127.0.0.1:" + URI.create(hook).getPort() + "/").endsWith("/…/****")
                .doesNotContain(TOKEN);
            assertThat(execution.json().get("status").asString()).as(execution.text()).isEqualTo("succeeded");
            assertThat(slack.requests()).hasSize(1);
            assertThat(slack.requests().getFirst().path()).endsWith(TOKEN);
            var answers = List.of(created, updated, execution, dryRun, api.get("/api/v1/automations/" + id, store
                .apiKey()), api.get("/api/v1/automations/" + id + "/versions", store.apiKey()), api.get(
                    "/api/v1/automations/" + id + "/export", store.apiKey()),
                api.get("/api/v1/automations", store
                    .apiKey()));
            assertThat(answers).allSatisfy(answer -> {
                assertThat(answer.status()).as(answer.text()).isLessThan(300);
                assertThat(answer.text()).doesNotContain(TOKEN).doesNotContain("B0456DEF");
            });
            assertThat(execution.json().get("steps").get(0).get("input").get("webhook_url").asString())
                .isEqualTo(shown);
            assertThat(rows(store.id())).isNotEmpty().allSatisfy(row -> assertThat(row).doesNotContain(TOKEN));
        }
    }

    /**
     * A reviewer's: two hooks of one Slack workspace mask alike, and a masked value was matched to the secret at the
     * same place: steps swapped (or one deleted above) and saved as read posted each message to the other's channel.
     */
    @Test
    void stepsMovedWithTheirMaskedUrlsKeepEachTheirOwnUrl() {
        var store = accounts.create();
        try (var slack = new Receiver()) {
            var created = api.post("/api/v1/automations", store.apiKey(), """
                {"name": "Tell the teams", "trigger": {"type": "manual"},
                 "steps": [{"id": "billing", "type": "action", "action": "send_slack",
                            "params": {"webhook_url": "%s", "text": "to billing"}},
                           {"id": "support", "type": "action", "action": "send_slack",
                            "params": {"webhook_url": "%s", "text": "to support"}}]}""".formatted(
                slack.url("/services/T0123ABC/B0456DEF/billingToken"),
                slack.url("/services/T0123ABC/B0789GHI/supportToken")));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            String id = created.json().get("id").asString();
            var swapped = (ObjectNode) created.json().get("definition").deepCopy();
            var steps = (tools.jackson.databind.node.ArrayNode) swapped.get("steps");
            var first = steps.get(0).deepCopy();
            steps.set(0, steps.get(1).deepCopy());
            steps.set(1, first);
            var updated = api.send("PUT", "/api/v1/automations/" + id, store.apiKey(), swapped.toString(), List.of(
                "Content-Type", "application/json"));
            assertThat(updated.status()).as(updated.text()).isEqualTo(200);
            api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null);

            var run = api.post("/api/v1/automations/" + id + "/run", store.apiKey(), null);
            automations.runDue();

            assertThat(api.get("/api/v1/executions/" + run.json().get("id").asString(), store.apiKey()).json()
                .get("status").asString()).isEqualTo("succeeded");
            assertThat(slack.requests()).extracting(Receiver.Request::path, request -> request.body().contains(
                "to support") ? "support" : "billing").containsExactly(
                    org.assertj.core.groups.Tuple.tuple("/services/T0123ABC/B0789GHI/supportToken", "support"),
                    org.assertj.core.groups.Tuple.tuple("/services/T0123ABC/B0456DEF/billingToken", "billing"));
        }
    }

    /** A step renamed where it stands keeps its URL, though two of the automation's hooks mask alike. */
    @Test
    void aStepRenamedWhereItStandsKeepsItsOwnUrl() {
        var store = accounts.create();
        try (var slack = new Receiver()) {
            var created = api.post("/api/v1/automations", store.apiKey(), """
                {"name": "Tell the teams", "trigger": {"type": "manual"},
                 "steps": [{"id": "billing", "type": "action", "action": "send_slack",
                            "params": {"webhook_url": "%s", "text": "to billing"}},
                           {"id": "support", "type": "action", "action": "send_slack",
                            "params": {"webhook_url": "%s", "text": "to support"}}]}""".formatted(
                slack.url("/services/T0123ABC/B0456DEF/billingToken"),
                slack.url("/services/T0123ABC/B0789GHI/supportToken")));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            String id = created.json().get("id").asString();
            var renamed = (ObjectNode) created.json().get("definition").deepCopy();
            ((ObjectNode) renamed.get("steps").get(0)).put("id", "billing_team");

            var updated = api.send("PUT", "/api/v1/automations/" + id, store.apiKey(), renamed.toString(), List.of(
                "Content-Type", "application/json"));
            assertThat(updated.status()).as(updated.text()).isEqualTo(200);
            api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null);
            api.post("/api/v1/automations/" + id + "/run", store.apiKey(), null);
            automations.runDue();

            assertThat(slack.requests()).extracting(Receiver.Request::path).containsExactly(
                "/services/T0123ABC/B0456DEF/billingToken", "/services/T0123ABC/B0789GHI/supportToken");
        }
    }

    @Test
    void aMaskedUrlThatStandsForNoneOfTheAutomationsIsRefused() {
        var store = accounts.create();

        var created = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Tell the team", "trigger": {"type": "manual"},
             "steps": [{"id": "tell", "type": "action", "action": "send_slack",
                        "params": {"webhook_url": "https://hooks.slack.com/services/T…/…/****", "text": "hi"}}]}""");

        assertThat(created.status()).as(created.text()).isEqualTo(400);
        assertThat(created.json().get("errors").get(0).get("field").asString()).isEqualTo(
            "steps[0].params.webhook_url");
    }

    /**
     * A reviewer's: a template in the sealed URL was saved, then reached Slack unfilled, every run failing on a URL
     * the log showed masked. A credential cannot hold a template: refused when saved, saying so.
     */
    @Test
    void aTemplateInTheSealedUrlIsRefusedWhenSaved() {
        var store = accounts.create();

        var created = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Tell the team", "trigger": {"type": "manual"},
             "steps": [{"id": "tell", "type": "action", "action": "send_slack",
                        "params": {"webhook_url": "https://hooks.slack.com/services/{{event.data.hook}}",
                                   "text": "hi"}}]}""");

        assertThat(created.status()).as(created.text()).isEqualTo(400);
        assertThat(created.json().get("errors").get(0).get("field").asString()).isEqualTo(
            "steps[0].params.webhook_url");
        assertThat(created.json().get("errors").get(0).get("code").asString()).isEqualTo("template_not_allowed");
    }

    @Test
    void aSlackIntegrationKeepsItsWebhookUrlSealedAndShowsItMasked() {
        var store = accounts.create();

        var saved = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "slack", "config": {"webhook_url": "https://hooks.slack.com/services/T0123ABC/B0456DEF/%s"}}"""
            .formatted(TOKEN));
        var read = api.get("/api/v1/integrations/slack", store.apiKey());

        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        assertThat(read.json().get("config").get("webhook_url").asString())
            .isEqualTo("https://hooks.slack.com/services/T…/…/****");
        assertThat(saved.text()).doesNotContain(TOKEN);
        assertThat(db.sql("SELECT config::text FROM integrations WHERE account_id = :id").param("id", store.id())
            .query(String.class).single()).doesNotContain(TOKEN).doesNotContain("hooks.slack.com");
    }

    /** Every row of the account's automations and executions, as text. */
    List<String> rows(String accountId) {
        return db.sql("""
            SELECT definition::text FROM automation_versions WHERE account_id = :id
            UNION ALL SELECT row_to_json(s)::text FROM execution_steps s WHERE account_id = :id
            UNION ALL SELECT row_to_json(e)::text FROM executions e WHERE account_id = :id
            """)
            .param("id", accountId)
            .query(String.class)
            .list();
    }
}
