package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@TillIntegrationTest
class AutomationsApiTest {

    private static final String TAG_NEW_SIGNUPS = """
        {"name": "Tag new signups",
         "trigger": {"type": "event", "event": "acme.signup"},
         "conditions": {"all": [{"field": "customer.email", "op": "contains", "value": "@"}]},
         "steps": [
           {"id": "tag_new", "type": "action", "action": "add_tag", "params": {"tag": "new"}},
           {"id": "wait", "type": "delay", "duration": "P3D"},
           {"id": "check", "type": "branch",
            "if": {"all": [{"field": "customer.tags", "op": "contains", "value": "new"}]},
            "then": [{"id": "tag_day3", "type": "action", "action": "add_tag", "params": {"tag": "day3"}}],
            "else": [{"id": "halt", "type": "stop"}]}]}""";

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;

    @Test
    void savesTheContractExampleAsADraft() {
        var store = accounts.create();

        var created = api.post("/api/v1/automations", store.apiKey(), TAG_NEW_SIGNUPS);

        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().get("id").asString()).startsWith("aut_");
        assertThat(created.json().get("version").asInt()).isEqualTo(1);
        assertThat(created.json().get("status").asString()).isEqualTo("draft");
        assertThat(created.json().get("definition").get("steps")).hasSize(3);
    }

    @Test
    void versionsActivatesAndRestores() {
        var store = accounts.create();
        String id = api.post("/api/v1/automations", store.apiKey(), TAG_NEW_SIGNUPS).json().get("id").asString();

        var activated = api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null);
        var second = api.send("PUT", "/api/v1/automations/" + id, store.apiKey(),
            TAG_NEW_SIGNUPS.replace("Tag new signups", "Tag signups v2"), List.of("Content-Type", "application/json"));
        var secondActive = api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), "{\"version\": 2}");
        var restored = api.post("/api/v1/automations/" + id + "/versions/1/restore", store.apiKey(), null);
        var versions = api.get("/api/v1/automations/" + id + "/versions", store.apiKey()).json().get("data");

        assertThat(activated.json().get("active_version").asInt()).isEqualTo(1);
        assertThat(second.json().get("version").asInt()).isEqualTo(2);
        assertThat(second.json().get("active_version").asInt()).isEqualTo(1);
        assertThat(secondActive.json().get("active_version").asInt()).isEqualTo(2);
        assertThat(restored.json().get("version").asInt()).isEqualTo(3);
        assertThat(restored.json().get("name").asString()).isEqualTo("Tag new signups");
        var statuses = new ArrayList<String>();
        versions.forEach(v -> statuses.add(v.get("version").asInt() + ":" + v.get("status").asString()));
        assertThat(statuses).containsExactly("3:draft", "2:active", "1:inactive");
    }

    @Test
    void savingTheSameDefinitionAgainKeepsTheVersionItIs() {
        var store = accounts.create();
        String id = api.post("/api/v1/automations", store.apiKey(), TAG_NEW_SIGNUPS).json().get("id").asString();
        api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null);
        var json = List.of("Content-Type", "application/json");

        var again = api.send("PUT", "/api/v1/automations/" + id, store.apiKey(), TAG_NEW_SIGNUPS, json);
        var reordered = api.send("PUT", "/api/v1/automations/" + id, store.apiKey(),
            TAG_NEW_SIGNUPS.replace("{\"name\": \"Tag new signups\",\n", "{").replace("\"steps\": [",
                "\"name\": \"Tag new signups\", \"steps\": ["),
            json);
        var restored = api.post("/api/v1/automations/" + id + "/versions/1/restore", store.apiKey(), null);
        var versions = api.get("/api/v1/automations/" + id + "/versions", store.apiKey()).json().get("data");

        assertThat(again.status()).as(again.text()).isEqualTo(200);
        assertThat(again.json().get("version").asInt()).isEqualTo(1);
        assertThat(again.json().get("status").asString()).isEqualTo("active");
        assertThat(reordered.json().get("version").asInt()).as(reordered.text()).isEqualTo(1);
        assertThat(restored.json().get("version").asInt()).isEqualTo(1);
        assertThat(versions).hasSize(1);
    }

    @Test
    void pausesAndResumes() {
        var store = accounts.create();
        String id = api.post("/api/v1/automations", store.apiKey(), TAG_NEW_SIGNUPS).json().get("id").asString();

        assertThat(api.post("/api/v1/automations/" + id + "/pause", store.apiKey(), null).json().get("paused")
            .asBoolean()).isTrue();
        assertThat(api.post("/api/v1/automations/" + id + "/pause", store.apiKey(), null).status()).isEqualTo(409);
        assertThat(api.post("/api/v1/automations/" + id + "/resume", store.apiKey(), null).json().get("paused")
            .asBoolean()).isFalse();
    }

    @Test
    void startsFromATemplate() {
        var store = accounts.create();

        var templates = api.get("/api/v1/automation_templates", store.apiKey());
        var dunning = api.post("/api/v1/automations", store.apiKey(), "{\"template\": \"payment_dunning\"}");
        var unknown = api.post("/api/v1/automations", store.apiKey(), "{\"template\": \"nope\"}");

        assertThat(templates.json().get("data")).hasSize(7);
        assertThat(templates.json().get("has_more").asBoolean()).isFalse();
        assertThat(dunning.status()).as(dunning.text()).isEqualTo(201);
        assertThat(dunning.json().get("name").asString()).isEqualTo("Payment Dunning");
        assertThat(unknown.status()).isEqualTo(400);
    }

    /**
     * The body is a definition or a template reference, as the document's oneOf says: a field beside template is
     * refused, naming it (it was read as a definition, refused for a trigger and steps it never meant to give).
     */
    @Test
    void refusesAFieldBesideATemplateNamingItAndSavesNothing() {
        var store = accounts.create();

        var both = api.post("/api/v1/automations", store.apiKey(), """
            {"template": "payment_dunning", "name": "My dunning"}""");
        var notText = api.post("/api/v1/automations", store.apiKey(), "{\"template\": 7}");

        assertThat(both.status()).as(both.text()).isEqualTo(400);
        assertThat(both.json().get("errors")).hasSize(1);
        assertThat(both.json().at("/errors/0/field").asString()).isEqualTo("name");
        assertThat(both.json().at("/errors/0/code").asString()).isEqualTo("not_allowed");
        assertThat(notText.status()).as(notText.text()).isEqualTo(400);
        assertThat(notText.json().at("/errors/0/field").asString()).isEqualTo("template");
        assertThat(api.get("/api/v1/automations", store.apiKey()).json().get("data")).isEmpty();
    }

    /** An event trigger without its event type (left out, null, not text) is a 400 naming trigger.event, not a 500. */
    @Test
    void refusesAnEventTriggerWithoutAnEventTypeNamingIt() {
        var store = accounts.create();

        for (String trigger : List.of("{\"type\": \"event\"}", "{\"type\": \"event\", \"event\": null}",
            "{\"type\": \"event\", \"event\": 5}")) {
            var refused = api.post("/api/v1/automations", store.apiKey(), """
                {"name": "x", "trigger": %s, "steps": [{"id": "a", "type": "stop"}]}""".formatted(trigger));

            assertThat(refused.status()).as(trigger + " " + refused.text()).isEqualTo(400);
            assertThat(refused.json().at("/errors/0/field").asString()).isEqualTo("trigger.event");
        }
        assertThat(api.get("/api/v1/automations", store.apiKey()).json().get("data")).isEmpty();
    }

    @Test
    void refusesAnInvalidDefinitionNamingEveryPathAndSavesNothing() {
        var store = accounts.create();

        var response = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Broken", "trigger": {"type": "schedule", "cron": "daily"},
             "steps": [{"id": "mail", "type": "action", "action": "send_email",
                        "params": {"to": "{{customer.emial}}", "subject": "Hi"}},
                       {"id": "loop", "type": "loop", "over": "customer.tags", "steps": [{"id": "s", "type": "stop"}]}]}
            """);

        assertThat(response.status()).isEqualTo(400);
        var fields = new ArrayList<String>();
        response.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("trigger.cron", "steps[0].params.to", "steps[0].params.text",
            "steps[1].over", "steps[1].max");
        assertThat(api.get("/api/v1/automations", store.apiKey()).json().get("data")).isEmpty();
    }

    @Test
    void hidesAnotherAccountsAutomations() {
        var alice = accounts.create();
        var bob = accounts.create();
        String id = api.post("/api/v1/automations", alice.apiKey(), TAG_NEW_SIGNUPS).json().get("id").asString();

        assertThat(api.get("/api/v1/automations/" + id, bob.apiKey()).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/automations/" + id + "/activate", bob.apiKey(), null).status()).isEqualTo(404);
    }

    @Test
    void refusesUnknownActionsAndParamsAndLaterStepsOutputs() {
        var store = accounts.create();

        var response = api.post("/api/v1/automations", store.apiKey(),
            """
                {"name": "Broken", "trigger": {"type": "manual"},
                 "steps": [{"id": "a", "type": "action", "action": "launch_rocket"},
                           {"id": "b", "type": "action", "action": "add_tag", "params": {"tags": "x"}},
                           {"id": "c", "type": "action", "action": "create_task",
                            "params": {"title": "{{steps.d.output.task_id}}"}},
                           {"id": "d", "type": "action", "action": "create_task", "params": {"title": "{{steps.d.output}}"}},
                           {"id": "d", "type": "stop"}]}""");

        assertThat(response.status()).isEqualTo(400);
        var errors = new ArrayList<String>();
        response.json().get("errors").forEach(e -> errors.add(e.get("field").asString() + " " + e.get("code")
            .asString()));
        assertThat(errors).containsExactlyInAnyOrder("steps[0].action unknown_action", "steps[1].params.tags "
            + "unknown_param", "steps[1].params.tag required", "steps[2].params.title unknown_variable",
            "steps[3].params.title unknown_variable", "steps[4].id duplicate");
        assertThat(api.get("/api/v1/automations", store.apiKey()).json().get("data")).isEmpty();
    }

    @Test
    void refusesTheLoopsItemOutsideALoopAndAnExecutionNoRunCarries() {
        var store = accounts.create();

        var response = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Broken", "trigger": {"type": "manual"},
             "steps": [{"id": "a", "type": "action", "action": "create_task", "params": {"title": "{{item.name}}"}},
                       {"id": "b", "type": "branch", "if": {"field": "loop.index", "op": "gt", "value": 0},
                        "then": [{"id": "c", "type": "action", "action": "create_task",
                                  "params": {"title": "Run {{execution.id}}"}}]},
                       {"id": "each", "type": "loop", "over": "event.data.items", "max": 10,
                        "steps": [{"id": "d", "type": "action", "action": "create_task",
                                   "params": {"title": "{{loop.index}}: {{item.name}}"}}]}]}""");

        assertThat(response.status()).as(response.text()).isEqualTo(400);
        var errors = new ArrayList<String>();
        response.json().get("errors").forEach(e -> errors.add(e.get("field").asString() + " " + e.get("code")
            .asString() + ": " + e.get("message").asString()));
        assertThat(errors).containsExactlyInAnyOrder(
            "steps[0].params.title unknown_variable: {{item.name}} is not a variable here: item is the current item "
                + "of a loop, which only the loop's steps have",
            "steps[1].if.field unknown_field: loop.index is never in the context of this automation",
            "steps[1].then[0].params.title unknown_variable: {{execution.id}} is not a variable of this trigger");
    }

    @Test
    void refusesTenThousandNestedStepsAndADefinitionOverItsSizeLimit() {
        var store = accounts.create();
        var nested = new StringBuilder("{\"id\": \"leaf\", \"type\": \"stop\"}");
        for (int i = 0; i < 10_000; i++) {
            nested.insert(0, "{\"id\": \"b" + i + "\", \"type\": \"branch\", \"if\": {\"field\": \"event.x\", "
                + "\"op\": \"exists\"}, \"then\": [").append("]}");
        }
        String deep = "{\"name\": \"deep\", \"trigger\": {\"type\": \"manual\"}, \"steps\": [" + nested + "]}";
        String huge = "{\"name\": \"huge\", \"trigger\": {\"type\": \"manual\"}, \"steps\": [{\"id\": \"t\", "
            + "\"type\": \"action\", \"action\": \"create_task\", \"params\": {\"title\": \"x\", \"notes\": \""
            + "n".repeat(300 * 1024) + "\"}}]}";

        var tooDeep = api.post("/api/v1/automations", store.apiKey(), deep);
        var tooBig = api.post("/api/v1/automations", store.apiKey(), huge);

        assertThat(tooDeep.status()).as(tooDeep.text()).isEqualTo(400);
        assertThat(tooDeep.json().get("detail").asString()).containsIgnoringCase("nest");
        assertThat(tooBig.status()).as(tooBig.text()).isEqualTo(400);
        assertThat(tooBig.json().get("errors").get(0).get("field").asString()).isEqualTo("body");
        assertThat(tooBig.json().get("errors").get(0).get("code").asString()).isEqualTo("too_large");
        assertThat(api.get("/api/v1/automations", store.apiKey()).json().get("data")).isEmpty();
    }

    @Test
    void exportsADefinitionThatImportsAsIs() {
        var store = accounts.create();
        var other = accounts.create();
        String id = api.post("/api/v1/automations", store.apiKey(), TAG_NEW_SIGNUPS).json().get("id").asString();

        var exported = api.get("/api/v1/automations/" + id + "/export", store.apiKey());
        var imported = api.post("/api/v1/automations", other.apiKey(), exported.text());

        assertThat(exported.status()).isEqualTo(200);
        assertThat(exported.header("Content-Disposition")).contains(id + "-v1.json");
        assertThat(imported.status()).as(imported.text()).isEqualTo(201);
        assertThat(imported.json().get("definition")).isEqualTo(exported.json());
        assertThat(api.get("/api/v1/automations/" + id + "/export", other.apiKey()).status()).isEqualTo(404);
    }

    @Test
    void listsVersionsAPageAtATimeLikeEveryList() {
        var store = accounts.create();
        String id = api.post("/api/v1/automations", store.apiKey(), TAG_NEW_SIGNUPS).json().get("id").asString();
        for (int i = 0; i < 2; i++) {
            api.send("PUT", "/api/v1/automations/" + id, store.apiKey(), TAG_NEW_SIGNUPS.replace("Tag new signups",
                "Tag new signups " + i), List.of("Content-Type", "application/json"));
        }

        var first = api.get("/api/v1/automations/" + id + "/versions?limit=2", store.apiKey()).json();
        var second = api.get("/api/v1/automations/" + id + "/versions?limit=2&cursor="
            + first.get("next_cursor").asString(), store.apiKey()).json();
        var forged = api.get("/api/v1/automations/" + id + "/versions?cursor=bm9wZQ", store.apiKey());

        assertThat(first.get("data")).extracting(v -> v.get("version").asInt()).containsExactly(3, 2);
        assertThat(first.get("has_more").asBoolean()).isTrue();
        assertThat(second.get("data")).extracting(v -> v.get("version").asInt()).containsExactly(1);
        assertThat(second.get("has_more").asBoolean()).isFalse();
        assertThat(forged.status()).isEqualTo(400);
    }

    @Test
    void deleteArchivesTheAutomationStartingNothingMoreAndKeepingItsHistory() {
        var store = accounts.create();
        String ada = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada", "email": "ada@example.com"}""").json().get("id").asString();
        String id = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Note", "trigger": {"type": "event", "event": "acme.signup"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""").json().get("id").asString();
        api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null);
        String signup = """
            {"type": "acme.signup", "customer_id": "%s", "data": {}}""".formatted(ada);
        api.post("/api/v1/events", store.apiKey(), signup);
        agenda.runDue();

        var archived = api.delete("/api/v1/automations/" + id, store.apiKey());
        api.post("/api/v1/events", store.apiKey(), signup);
        agenda.runDue();

        assertThat(archived.status()).as(archived.text()).isEqualTo(200);
        assertThat(archived.json().get("archived_at").isNull()).isFalse();
        assertThat(archived.json().get("status").asString()).isEqualTo("archived");
        var runs = api.get("/api/v1/executions?automation_id=" + id, store.apiKey()).json().get("data");
        assertThat(runs).hasSize(1);
        assertThat(api.get("/api/v1/executions/" + runs.get(0).get("id").asString(), store.apiKey()).status())
            .isEqualTo(200);
        assertThat(api.get("/api/v1/automations/" + id, store.apiKey()).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/automations/" + id + "/versions", store.apiKey()).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/automations", store.apiKey()).json().get("data")).isEmpty();
        assertThat(api.post("/api/v1/automations/" + id + "/run", store.apiKey(), null).status()).isEqualTo(409);
        assertThat(api.post("/api/v1/automations/" + id + "/resume", store.apiKey(), null).status()).isEqualTo(409);
        assertThat(api.delete("/api/v1/automations/" + id, store.apiKey()).status()).isEqualTo(200);
    }
}
