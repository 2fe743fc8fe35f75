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
import org.springframework.jdbc.core.simple.JdbcClient;
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
    @Autowired
    JdbcClient db;

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
            {"type": "activecampaign", "config": {"base_url": "%s", "api_key": "%s"}}"""
            .formatted(crm.baseUrl(), KEY));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        var config = (ObjectNode) api.get("/api/v1/integrations/activecampaign", store.apiKey()).json().get("config");
        assertThat(config.get("api_key").asString()).isEqualTo("••••7890");

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
            {"type": "activecampaign", "config": {"base_url": "%s", "api_key": "%s"}}"""
            .formatted(crm.baseUrl(), KEY));

        var saved = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "activecampaign", "config": {"base_url": "%s"}}""".formatted(crm.baseUrl()));
        var tested = api.post("/api/v1/integrations/activecampaign/test", store.apiKey(), null);

        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        assertThat(saved.json().get("config").get("api_key").asString()).isEqualTo("••••7890");
        assertThat(tested.json().get("ok").asBoolean()).as(tested.text()).isTrue();
        crm.verify(1, getRequestedFor(urlEqualTo("/api/3/users/me")).withHeader("Api-Token", equalTo(KEY)));
    }

    /**
     * A reviewer posted a stored HubSpot config back with only its base URL changed, to a server of theirs, and the
     * connection test sent it the stored token: masked in every answer, the secret could still be had. A stored secret
     * goes only where it went when it was given; to send it elsewhere, give it again.
     */
    @Test
    void aStoredSecretIsNotSentToAChangedBaseUrlOrHostUntilItIsGivenAgain() {
        var store = accounts.create();
        var elsewhere = new WireMockServer(options().dynamicPort());
        elsewhere.start();
        try {
            assertThat(api.post("/api/v1/integrations", store.apiKey(), """
                {"type": "activecampaign", "config": {"base_url": "%s", "api_key": "%s"}}"""
                .formatted(crm.baseUrl(), KEY)).status()).isEqualTo(201);
            var config = (ObjectNode) api.get("/api/v1/integrations/activecampaign", store.apiKey()).json()
                .get("config");
            config.put("base_url", elsewhere.baseUrl());

            var masked = api.post("/api/v1/integrations", store.apiKey(), """
                {"type": "activecampaign", "config": %s}""".formatted(JSON.writeValueAsString(config)));
            var leftOut = api.post("/api/v1/integrations", store.apiKey(), """
                {"type": "activecampaign", "config": {"base_url": "%s"}}""".formatted(elsewhere.baseUrl()));
            api.post("/api/v1/integrations/activecampaign/test", store.apiKey(), null);

            assertThat(IntegrationsApiTest.fields(masked)).containsExactly("config.api_key");
            assertThat(masked.text()).contains("must be given again to change base_url");
            assertThat(IntegrationsApiTest.fields(leftOut)).containsExactly("config.api_key");
            assertThat(elsewhere.getAllServeEvents()).isEmpty();
            assertThat(opened(store.id(), IntegrationType.ACTIVECAMPAIGN).get("base_url").asString())
                .isEqualTo(crm.baseUrl());
            var given = api.post("/api/v1/integrations", store.apiKey(), """
                {"type": "activecampaign", "config": {"base_url": "%s", "api_key": "%s"}}"""
                .formatted(elsewhere.baseUrl(), KEY));
            assertThat(given.status()).as(given.text()).isEqualTo(200);
        } finally {
            elsewhere.stop();
        }

        assertThat(api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "smtp", "config": {"host": "smtp.example.com", "port": 587, "username": "shop",
                                        "password": "smtp-secret-1", "from_email": "shop@example.com"}}""")
            .status()).isEqualTo(201);
        var otherHost = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "smtp", "config": {"host": "mail.example.net", "port": 587, "username": "shop",
                                        "from_email": "shop@example.com"}}""");
        var inClear = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "smtp", "config": {"host": "smtp.example.com", "port": 587, "username": "shop",
                                        "starttls": false, "from_email": "shop@example.com"}}""");
        var same = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "smtp", "config": {"host": "smtp.example.com", "port": 587, "username": "shop",
                                        "from_email": "sales@example.com"}}""");
        assertThat(IntegrationsApiTest.fields(otherHost)).containsExactly("config.password");
        assertThat(IntegrationsApiTest.fields(inClear)).containsExactly("config.password");
        assertThat(same.status()).as(same.text()).isEqualTo(200);
        assertThat(opened(store.id(), IntegrationType.SMTP).get("password").asString()).isEqualTo("smtp-secret-1");
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
        assertThat(api.get("/api/v1/integrations", store.apiKey()).json().get("data")).isEmpty();
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

    @Test
    void aSecretInsideAnArrayIsStoredSealedAndAnsweredMasked() {
        var store = accounts.create();

        var saved = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "slack", "config": {"webhook_url": "https://hooks.slack.com/services/T000/B000/X",
             "list": [{"token": "arraytokensecret123"}, "plain"]}}""");

        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        assertThat(saved.json().get("config").get("list").get(0).get("token").asString()).isEqualTo("••••t123");
        assertThat(saved.json().get("config").get("list").get(1).asString()).isEqualTo("plain");
        assertThat(rawConfig(store.id())).doesNotContain("arraytokensecret123");
        assertThat(opened(store.id(), IntegrationType.SLACK).get("list").get(0).get("token").asString())
            .isEqualTo("arraytokensecret123");
    }

    @Test
    void fieldsNamedAsSecretsInAnyCaseOrSeparatorsAreSealedAndMasked() {
        var store = accounts.create();
        var names = java.util.List.of("refresh_token", "client_secret", "access_token", "apiKey", "api-key",
            "private_key", "password", "X-API-KEY", "Client.Secret", "db_password");
        var oauth = JSON.createObjectNode();
        for (int i = 0; i < names.size(); i++) {
            oauth.put(names.get(i), "pasted-secret-value-" + i + "-abcd");
        }
        oauth.put("client_id", "client-id-in-clear-1");

        var saved = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "keap", "config": {"access_token": "keap-token-0123456789", "oauth": %s}}"""
            .formatted(JSON.writeValueAsString(oauth)));

        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        for (String name : names) {
            assertThat(saved.json().get("config").get("oauth").get(name).asString()).as(name).isEqualTo("••••abcd");
        }
        assertThat(saved.json().get("config").get("oauth").get("client_id").asString())
            .isEqualTo("client-id-in-clear-1");
        assertThat(saved.text()).doesNotContain("pasted-secret-value");
        assertThat(rawConfig(store.id())).doesNotContain("pasted-secret-value").contains("client-id-in-clear-1");
    }

    @Test
    void aNestedSecretThatIsNotAStringIsRefusedNamingItsPath() {
        var store = accounts.create();

        var refused = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "hubspot", "config": {"access_token": "pat-na1-0123456789abcdef",
             "oauth": {"refresh_token": 42}, "list": [{"apiKey": {"nested": "x"}}]}}""");

        var slack = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "slack", "config": {"webhook_url": 42}}""");

        assertThat(IntegrationsApiTest.fields(refused)).containsExactlyInAnyOrder("config.oauth.refresh_token",
            "config.list[0].apiKey");
        assertThat(IntegrationsApiTest.fields(slack)).containsExactly("config.webhook_url");
    }

    @Test
    void aSecretStoredInClearBeforeItsNameCountedAsSecretIsStillReadAndAnsweredMasked() {
        var store = accounts.create();
        db.sql("""
            INSERT INTO integrations (account_id, type, config, created_at, updated_at)
            VALUES (:id, 'keap', CAST(:config AS jsonb), now(), now())
            """)
            .param("id", store.id())
            .param("config", """
                {"access_token": "keap-token-in-clear-0123", "refresh_token": "refresh-in-clear-4567"}""")
            .update();

        var read = api.get("/api/v1/integrations/keap", store.apiKey());

        assertThat(read.status()).as(read.text()).isEqualTo(200);
        assertThat(read.json().get("config").get("refresh_token").asString()).isEqualTo("••••4567");
        assertThat(opened(store.id(), IntegrationType.KEAP).get("refresh_token").asString())
            .isEqualTo("refresh-in-clear-4567");
    }

    private String rawConfig(String accountId) {
        return db.sql("SELECT config::text FROM integrations WHERE account_id = :id")
            .param("id", accountId)
            .query(String.class)
            .single();
    }

    private ObjectNode opened(String accountId, IntegrationType type) {
        return integrations.opened(accountId, type).orElseThrow();
    }
}
