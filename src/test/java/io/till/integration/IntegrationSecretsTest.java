package io.till.integration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A config read back is masked; posted again (as a client that edits one field does) it keeps the stored secrets, and
 * a mask is never stored as a credential.
 */
@TillIntegrationTest
class IntegrationSecretsTest {

    static final String KEY = "ac_secret_key_1234567890";
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final WireMockServer crm = new WireMockServer(options().dynamicPort());

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    Integrations integrations;

    @BeforeEach
    void start() {
        crm.start();
        crm.stubFor(get(urlEqualTo("/api/3/users/me")).willReturn(aResponse().withStatus(200)
            .withHeader("Content-Type", "application/json")
            .withBody("""
                {"user": {"email": "owner@shop.test"}}""")));
    }

    @AfterEach
    void stop() {
        crm.stop();
    }

    @Test
    void aConfigPostedBackWithItsMaskedSecretKeepsTheStoredSecret() {
        var store = accounts.create();
        var created = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "activecampaign", "config": {"base_url": "https://x.api-us1.com", "api_key": "%s"}}"""
            .formatted(KEY));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        var config = (ObjectNode) api.get("/api/v1/integrations/activecampaign", store.apiKey()).json().get("config");
        assertThat(config.get("api_key").asString()).isEqualTo("••••7890");

        config.put("base_url", crm.baseUrl());
        var saved = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "activecampaign", "config": %s}""".formatted(JSON.writeValueAsString(config)));
        var tested = api.post("/api/v1/integrations/activecampaign/test", store.apiKey(), null);

        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        assertThat(saved.json().get("config").get("api_key").asString()).isEqualTo("••••7890");
        assertThat(tested.json().get("ok").asBoolean()).as(tested.text()).isTrue();
        crm.verify(1, getRequestedFor(urlEqualTo("/api/3/users/me")).withHeader("Api-Token", equalTo(KEY)));
        assertThat(opened(store.id(), IntegrationType.ACTIVECAMPAIGN).get("api_key").asString()).isEqualTo(KEY);
    }

    @Test
    void aSecretLeftOutOfAPostedConfigKeepsTheStoredSecret() {
        var store = accounts.create();
        api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "activecampaign", "config": {"base_url": "https://x.api-us1.com", "api_key": "%s"}}"""
            .formatted(KEY));

        var saved = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "activecampaign", "config": {"base_url": "%s"}}""".formatted(crm.baseUrl()));
        var tested = api.post("/api/v1/integrations/activecampaign/test", store.apiKey(), null);

        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        assertThat(saved.json().get("config").get("api_key").asString()).isEqualTo("••••7890");
        assertThat(tested.json().get("ok").asBoolean()).as(tested.text()).isTrue();
        crm.verify(1, getRequestedFor(urlEqualTo("/api/3/users/me")).withHeader("Api-Token", equalTo(KEY)));
    }

    @Test
    void aMaskedOrLeftOutRequiredSecretWithNothingStoredIsRefusedNamingIt() {
        var store = accounts.create();

        var masked = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "activecampaign", "config": {"base_url": "https://x.api-us1.com", "api_key": "••••7890"}}""");
        var leftOut = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "hubspot", "config": {"tag_property": "tags"}}""");
        var maskedUrl = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "slack", "config": {"webhook_url": "https://hooks.slack.com/services/T…/…/****"}}""");

        assertThat(IntegrationsApiTest.fields(masked)).containsExactly("config.api_key");
        assertThat(IntegrationsApiTest.fields(leftOut)).containsExactly("config.access_token");
        assertThat(IntegrationsApiTest.fields(maskedUrl)).containsExactly("config.webhook_url");
        assertThat(api.get("/api/v1/integrations", store.apiKey()).json()).isEmpty();
    }

    @Test
    void aSlackConfigPostedBackWithItsMaskedUrlKeepsTheStoredUrl() {
        var store = accounts.create();
        String url = "https://hooks.slack.com/services/T0123ABC/B0456DEF/slackurlsecret42";
        api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "slack", "config": {"webhook_url": "%s"}}""".formatted(url));
        var config = api.get("/api/v1/integrations/slack", store.apiKey()).json().get("config");

        var saved = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "slack", "config": %s}""".formatted(JSON.writeValueAsString(config)));

        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        assertThat(opened(store.id(), IntegrationType.SLACK).get("webhook_url").asString()).isEqualTo(url);
        assertThat(saved.json().get("config")).isEqualTo(config);
    }

    private ObjectNode opened(String accountId, IntegrationType type) {
        return integrations.opened(accountId, type).orElseThrow();
    }
}
