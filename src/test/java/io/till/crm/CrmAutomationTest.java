package io.till.crm;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.till.automation.AutomationAgenda;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** The crm.* actions as steps of an automation, through the API, against the ActiveCampaign stub. */
@TillIntegrationTest
class CrmAutomationTest extends CrmContract {

    @Autowired
    AutomationAgenda agenda;

    void connectActiveCampaign() {
        connect("activecampaign", """
            {"base_url": "%s", "api_key": "%s"}""".formatted(vendor.baseUrl(), ActiveCampaignTest.KEY));
    }

    String activate(String definition) {
        var created = api.post("/api/v1/automations", store.apiKey(), definition);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        var activated = api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null);
        assertThat(activated.status()).as(activated.text()).isEqualTo(200);
        return id;
    }

    JsonNode run(String automation) {
        var started = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), """
            {"customer_id": "%s"}""".formatted(customerId));
        assertThat(started.status()).as(started.text()).isEqualTo(201);
        agenda.runDue();
        return execution(started.json().get("id").asString());
    }

    JsonNode execution(String id) {
        return api.get("/api/v1/executions/" + id, store.apiKey()).json();
    }

    static List<String> log(JsonNode execution) {
        var log = new ArrayList<String>();
        execution.get("steps").forEach(s -> log.add(s.get("step_id").asString() + ":" + s.get("status").asString()));
        return log;
    }

    @Test
    void syncsTagsAndEnrolsTheCustomerFromAnAutomation() {
        connectActiveCampaign();
        vendor.stubFor(post(urlEqualTo("/api/3/contact/sync")).willReturn(answer(201, ActiveCampaignTest.SYNCED)));
        vendor.stubFor(get(urlPathEqualTo("/api/3/tags")).withQueryParam("search", equalTo("customer")).willReturn(
            answer(200, """
                {"tags": [{"tagType": "contact", "tag": "customer", "id": "21"}], "meta": {"total": "1"}}""")));
        vendor.stubFor(post(urlEqualTo("/api/3/contactTags")).willReturn(answer(201, """
            {"contactTag": {"contact": "113", "tag": "21", "id": "9"}}""")));
        vendor.stubFor(post(urlEqualTo("/api/3/contactAutomations")).willReturn(answer(201, """
            {"contactAutomation": {"contact": "113", "seriesid": "42", "id": "5"}}""")));
        String automation = activate(
            """
                {"name": "Onboard in the CRM", "trigger": {"type": "manual"},
                 "steps": [{"id": "sync", "type": "action", "action": "crm.sync_contact", "params": {"crm": "activecampaign"}},
                           {"id": "tag", "type": "action", "action": "crm.add_tag",
                            "params": {"crm": "activecampaign", "tag": "customer"}},
                           {"id": "enrol", "type": "action", "action": "crm.start_automation",
                            "params": {"crm": "activecampaign", "automation_id": "42"}}]}""");

        JsonNode execution = run(automation);

        assertThat(execution.get("status").asString()).as(execution.toString()).isEqualTo("succeeded");
        assertThat(log(execution)).containsExactly("sync:succeeded", "tag:succeeded", "enrol:succeeded");
        assertThat(execution.get("steps").get(0).get("output").get("contact_id").asString()).isEqualTo("113");
        assertThat(execution.get("steps").get(1).get("output").get("tag_id").asString()).isEqualTo("21");
        vendor.verify(3, postRequestedFor(urlEqualTo("/api/3/contact/sync")).withRequestBody(matchingJsonPath(
            "$.contact.email", equalTo(EMAIL))));
        vendor.verify(1, postRequestedFor(urlEqualTo("/api/3/contactAutomations")).withRequestBody(matchingJsonPath(
            "$.contactAutomation.automation", equalTo("42"))));
    }

    /** sync_to_crm, the name seed 002 gives the action, saves and runs as crm.sync_contact. */
    @Test
    void syncToCrmSavesAndRunsAsTheContactSync() {
        connectActiveCampaign();
        vendor.stubFor(post(urlEqualTo("/api/3/contact/sync")).willReturn(answer(201, ActiveCampaignTest.SYNCED)));
        String automation = activate(
            """
                {"name": "Sync", "trigger": {"type": "manual"},
                 "steps": [{"id": "sync", "type": "action", "action": "sync_to_crm", "params": {"crm": "activecampaign"}}]}""");

        JsonNode execution = run(automation);

        assertThat(execution.get("status").asString()).as(execution.toString()).isEqualTo("succeeded");
        assertThat(execution.get("steps").get(0).get("output").get("contact_id").asString()).isEqualTo("113");
        vendor.verify(1, postRequestedFor(urlEqualTo("/api/3/contact/sync")).withRequestBody(matchingJsonPath(
            "$.contact.email", equalTo(EMAIL))));
    }

    @Test
    void waitsOutARateLimitBeforeTryingAgain() {
        connectActiveCampaign();
        vendor.stubFor(post(urlEqualTo("/api/3/contact/sync")).inScenario("limit").whenScenarioStateIs(
            Scenario.STARTED).willReturn(answer(429, """
                {"message": "Too Many Requests"}""").withHeader("Retry-After", "600")).willSetStateTo("open"));
        vendor.stubFor(post(urlEqualTo("/api/3/contact/sync")).inScenario("limit").whenScenarioStateIs("open")
            .willReturn(answer(201, ActiveCampaignTest.SYNCED)));
        String automation = activate(
            """
                {"name": "Sync", "trigger": {"type": "manual"},
                 "steps": [{"id": "sync", "type": "action", "action": "crm.sync_contact", "params": {"crm": "activecampaign"},
                            "retry": {"attempts": 3, "backoff": "PT30S", "cap": "PT1H"}}]}""");

        Instant before = clock.instant().truncatedTo(ChronoUnit.MICROS);
        JsonNode first = run(automation);

        assertThat(first.get("status").asString()).isEqualTo("waiting");
        assertThat(Duration.between(before, Instant.parse(first.get("wake_at").asString())))
            .isGreaterThanOrEqualTo(Duration.ofSeconds(600));
        var advanced = api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"PT11M\"}");
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        JsonNode done = execution(first.get("id").asString());
        assertThat(done.get("status").asString()).isEqualTo("succeeded");
        assertThat(log(done)).containsExactly("sync:failed", "sync:succeeded");
        vendor.verify(2, postRequestedFor(urlEqualTo("/api/3/contact/sync")));
    }

    @Test
    void refusesToSaveAStepNamingAnUnknownCrm() {
        var response = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Wrong CRM", "trigger": {"type": "manual"},
             "steps": [{"id": "tag", "type": "action", "action": "crm.add_tag",
                        "params": {"crm": "salesforce", "tag": "customer"}}]}""");

        assertThat(response.status()).isEqualTo(400);
        var fields = new ArrayList<String>();
        response.json().get("errors").forEach(e -> fields.add(e.get("field").asString() + ":" + e.get("code")
            .asString()));
        assertThat(fields).containsExactly("steps[0].params.crm:invalid_value");
        assertThat(api.get("/api/v1/automations", store.apiKey()).json().get("data")).isEmpty();
    }

    @Test
    void aLiteralHubSpotTagContainingASemicolonIsRefusedWhenTheAutomationIsSaved() {
        String definition = """
            {"name": "Tag in HubSpot", "trigger": {"type": "manual"},
             "steps": [{"id": "tag", "type": "action", "action": "crm.%s", "params": {"crm": "%s", "tag": "%s"}}]}""";

        var add = api.post("/api/v1/automations", store.apiKey(), definition.formatted("add_tag", "hubspot",
            "vip;gold"));
        var remove = api.post("/api/v1/automations", store.apiKey(), definition.formatted("remove_tag", "hubspot",
            "vip;gold"));
        var otherCrm = api.post("/api/v1/automations", store.apiKey(), definition.formatted("add_tag",
            "activecampaign", "vip;gold"));
        var templated = api.post("/api/v1/automations", store.apiKey(), definition.formatted("add_tag", "hubspot",
            "{{customer.metadata.tag}}"));

        for (var refused : List.of(add, remove)) {
            assertThat(refused.status()).as(refused.text()).isEqualTo(400);
            assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("steps[0].params.tag");
            assertThat(refused.json().get("errors").get(0).get("message").asString()).contains("';'");
        }
        assertThat(otherCrm.status()).as(otherCrm.text()).isEqualTo(201);
        assertThat(templated.status()).as(templated.text()).isEqualTo(201);
    }
}
