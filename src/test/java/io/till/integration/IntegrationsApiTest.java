package io.till.integration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

@TillIntegrationTest
class IntegrationsApiTest {

    static final String SMTP_PASSWORD = "smtp-pass-Zq81xK";
    static final String SID = "AC0123456789abcdef0123456789abcdef";
    static final String TOKEN = "twilio-token-0c7e5d3f9a";

    @RegisterExtension
    static GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
        .withConfiguration(GreenMailConfiguration.aConfig().withUser("till@shop.test", "till", SMTP_PASSWORD));

    private final WireMockServer twilio = new WireMockServer(options().dynamicPort());

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;

    @BeforeEach
    void start() {
        twilio.start();
    }

    @AfterEach
    void stop() {
        twilio.stop();
    }

    String smtp(String password) {
        return """
            {"type": "smtp", "config": {"host": "127.0.0.1", "port": %d, "username": "till", "password": "%s",
             "starttls": false, "from_email": "shop@shop.test"}}""".formatted(mail.getSmtp().getPort(), password);
    }

    String twilioConfig() {
        return """
            {"type": "twilio", "config": {"account_sid": "%s", "auth_token": "%s", "from_number": "+14155550100",
             "base_url": "%s"}}""".formatted(SID, TOKEN, twilio.baseUrl());
    }

    @Test
    void storesSecretsSealedAndAnswersThemMasked() {
        var store = accounts.create();

        var created = api.post("/api/v1/integrations", store.apiKey(), smtp(SMTP_PASSWORD));
        var twilioCreated = api.post("/api/v1/integrations", store.apiKey(), twilioConfig());
        var one = api.get("/api/v1/integrations/smtp", store.apiKey());
        var all = api.get("/api/v1/integrations", store.apiKey());

        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(twilioCreated.status()).as(twilioCreated.text()).isEqualTo(201);
        assertThat(one.json().get("config").get("password").asString()).isEqualTo("••••81xK");
        assertThat(one.json().get("config").get("host").asString()).isEqualTo("127.0.0.1");
        assertThat(twilioCreated.json().get("config").get("auth_token").asString()).isEqualTo("••••3f9a");
        assertThat(all.json().get("data")).extracting(i -> i.get("type").asString()).containsExactly("smtp", "twilio");
        for (var response : List.of(created, twilioCreated, one, all)) {
            assertThat(response.text()).doesNotContain(SMTP_PASSWORD).doesNotContain(TOKEN);
        }
        var stored = db.sql("SELECT config::text FROM integrations WHERE account_id = :id")
            .param("id", store.id())
            .query(String.class)
            .list();
        assertThat(stored).hasSize(2).allSatisfy(row -> assertThat(row).doesNotContain(SMTP_PASSWORD)
            .doesNotContain(TOKEN)
            .contains("\"v1:"));
    }

    @Test
    void replacesTheIntegrationOfATypeWhenPostedAgain() {
        var store = accounts.create();

        var first = api.post("/api/v1/integrations", store.apiKey(), smtp(SMTP_PASSWORD));
        var second = api.post("/api/v1/integrations", store.apiKey(), smtp("another-password-9876"));

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).as(second.text()).isEqualTo(200);
        assertThat(second.json().get("config").get("password").asString()).isEqualTo("••••9876");
        assertThat(api.get("/api/v1/integrations", store.apiKey()).json().get("data")).hasSize(1);
    }

    @Test
    void namesEveryBadFieldAndStoresNothing() {
        var store = accounts.create();

        var smtp = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "smtp", "config": {"host": "", "port": 70000, "password": 12, "from_email": "nope",
             "colour": "red"}}""");
        var twilioBad = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "twilio", "config": {"account_sid": "XX1", "from_number": "555", "base_url": "ftp://x"}}""");
        var unknown = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "mailchimp", "config": []}""");

        assertThat(fields(smtp)).containsExactlyInAnyOrder("config.host", "config.port", "config.password",
            "config.from_email", "config.colour");
        assertThat(fields(twilioBad)).containsExactlyInAnyOrder("config.account_sid", "config.auth_token",
            "config.from_number", "config.base_url");
        assertThat(fields(unknown)).containsExactlyInAnyOrder("type", "config");
        assertThat(api.get("/api/v1/integrations", store.apiKey()).json().get("data")).isEmpty();
    }

    /**
     * A field the settings form shows as one value takes one: a list given for HubSpot's tag_property was stored, and
     * Settings › Integrations then failed for every staff member.
     */
    @Test
    void refusesAListOrAnObjectWhereAFieldTakesOneValue() {
        var store = accounts.create();

        var hubspot = api.post("/api/v1/integrations", store.apiKey(),
            """
                {"type": "hubspot", "config": {"access_token": "pat-na1-0123456789abcdef", "tag_property": ["till_tags"]}}""");
        var activecampaign = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "activecampaign", "config": {"base_url": {"url": "https://acme.api-us1.com"}, "api_key": "k"}}""");

        assertThat(fields(hubspot)).containsExactly("config.tag_property");
        assertThat(fields(activecampaign)).contains("config.base_url");
        assertThat(api.get("/api/v1/integrations", store.apiKey()).json().get("data")).isEmpty();
    }

    /** A host no server can have (a space, an empty or over-long label, a leading hyphen) is refused on the field. */
    @Test
    void refusesAnSmtpHostThatCannotBeAHostName() {
        var store = accounts.create();
        for (String host : List.of("smtp example.com", "smtp..example.com", "-smtp.example.com",
            "smtp_1.example.com", "smtp.example.com/25", "smtp.example.123", "300.1.2.3", "a".repeat(64) + ".com")) {
            var refused = api.post("/api/v1/integrations", store.apiKey(),
                """
                    {"type": "smtp", "config": {"host": "%s", "port": 587, "starttls": false, "from_email": "shop@shop.test"}}"""
                    .formatted(host));

            assertThat(fields(refused)).as(host).containsExactly("config.host");
            assertThat(refused.json().get("errors").get(0).get("code").asString()).as(host)
                .isEqualTo("invalid_host");
            assertThat(refused.json().get("errors").get(0).get("message").asString()).as(host)
                .contains("host name such as smtp.example.com");
        }
        assertThat(api.get("/api/v1/integrations", store.apiKey()).json().get("data")).isEmpty();
        for (String host : List.of("smtp.example.com", "mail-1.Example.co.uk.", "127.0.0.1", " smtp.example.com ")) {
            var saved = api.post("/api/v1/integrations", store.apiKey(),
                """
                    {"type": "smtp", "config": {"host": "%s", "port": 587, "starttls": false, "from_email": "shop@shop.test"}}"""
                    .formatted(host));
            assertThat(saved.status()).as(host + ": " + saved.text()).isIn(200, 201);
        }
    }

    static List<String> fields(Api.Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(400);
        var fields = new ArrayList<String>();
        response.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        return fields;
    }

    @Test
    void deletesAnIntegrationAndHidesOtherAccounts() {
        var alice = accounts.create();
        var bob = accounts.create();
        api.post("/api/v1/integrations", alice.apiKey(), smtp(SMTP_PASSWORD));

        assertThat(api.get("/api/v1/integrations/smtp", bob.apiKey()).status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/integrations/smtp", bob.apiKey()).status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/integrations/smtp", alice.apiKey()).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/integrations/smtp", alice.apiKey()).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/integrations/fax", alice.apiKey()).status()).isEqualTo(404);
    }

    @Test
    void storesTheOtherTypesWithTheirSecretsSealed() {
        var store = accounts.create();

        var hubspot = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "hubspot", "config": {"access_token": "pat-na1-0123456789abcdef", "portal": 42}}""");
        var tested = api.post("/api/v1/integrations/hubspot/test", store.apiKey(), null);

        assertThat(hubspot.status()).as(hubspot.text()).isEqualTo(201);
        assertThat(hubspot.json().get("config").get("access_token").asString()).isEqualTo("••••cdef");
        assertThat(hubspot.json().get("config").get("portal").asInt()).isEqualTo(42);
        assertThat(tested.json().get("ok").asBoolean()).isFalse();
        // No network here: HubSpot cannot be reached, and the test connection says so instead of pretending.
        assertThat(tested.json().get("message").asString()).isNotBlank();
        assertThat(db.sql("SELECT config::text FROM integrations WHERE account_id = :id")
            .param("id", store.id())
            .query(String.class)
            .single()).doesNotContain("pat-na1-0123456789abcdef");
    }

    @Test
    void testsAnSmtpConnectionBySigningIn() {
        var store = accounts.create();
        api.post("/api/v1/integrations", store.apiKey(), smtp(SMTP_PASSWORD));
        var good = api.post("/api/v1/integrations/smtp/test", store.apiKey(), null);
        api.post("/api/v1/integrations", store.apiKey(), smtp("wrong-password-0000"));
        var bad = api.post("/api/v1/integrations/smtp/test", store.apiKey(), null);

        assertThat(good.status()).as(good.text()).isEqualTo(200);
        assertThat(good.json().get("ok").asBoolean()).as(good.text()).isTrue();
        assertThat(bad.json().get("ok").asBoolean()).as(bad.text()).isFalse();
        assertThat(bad.json().get("message").asString()).isEqualTo("The server refused the credentials.");
        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    /**
     * Left out, STARTTLS is required: a password never crosses the network in clear by omission. A server without it
     * fails the test in words that say so, and nothing is sent.
     */
    @Test
    void smtpRequiresStartTlsUnlessToldNotToAndATestSaysWhenTheServerLacksIt() {
        var store = accounts.create();
        var saved = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "smtp", "config": {"host": "127.0.0.1", "port": %d, "username": "till", "password": "%s",
             "from_email": "shop@shop.test"}}""".formatted(mail.getSmtp().getPort(), SMTP_PASSWORD));
        assertThat(saved.status()).as(saved.text()).isIn(200, 201);
        assertThat(api.get("/api/v1/integrations/smtp", store.apiKey()).json().get("config").get("starttls")
            .asBoolean()).isTrue();

        var tested = api.post("/api/v1/integrations/smtp/test", store.apiKey(), null);

        assertThat(tested.json().get("ok").asBoolean()).as(tested.text()).isFalse();
        assertThat(tested.json().get("message").asString()).isEqualTo("The server does not offer STARTTLS, which "
            + "this connection requires: use the server's TLS port (587 or 465), or turn off Require STARTTLS only "
            + "for a server on a network you trust.");
        api.post("/api/v1/integrations", store.apiKey(), smtp(SMTP_PASSWORD));
        assertThat(api.get("/api/v1/integrations/smtp", store.apiKey()).json().get("config").get("starttls")
            .asBoolean()).as("turned off when told").isFalse();
        assertThat(api.post("/api/v1/integrations/smtp/test", store.apiKey(), null).json().get("ok").asBoolean())
            .isTrue();
        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    @Test
    void testsATwilioConnectionByReadingTheAccount() {
        var store = accounts.create();
        api.post("/api/v1/integrations", store.apiKey(), twilioConfig());
        String basic = "Basic " + Base64.getEncoder().encodeToString((SID + ":" + TOKEN).getBytes());
        twilio.stubFor(get(urlEqualTo("/2010-04-01/Accounts/" + SID + ".json"))
            .withHeader("Authorization", equalTo(basic))
            .willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"sid\": \"" + SID + "\", \"status\": \"active\"}")));
        var good = api.post("/api/v1/integrations/twilio/test", store.apiKey(), null);

        twilio.resetAll();
        twilio.stubFor(get(urlEqualTo("/2010-04-01/Accounts/" + SID + ".json"))
            .willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\": 20003, \"message\": \"Authenticate\", \"status\": 401}")));
        var bad = api.post("/api/v1/integrations/twilio/test", store.apiKey(), null);

        assertThat(good.json().get("ok").asBoolean()).as(good.text()).isTrue();
        assertThat(bad.json().get("ok").asBoolean()).isFalse();
        assertThat(bad.json().get("message").asString()).isEqualTo("The server refused the credentials.");
    }

    /** A user name turns signing in on: without a password no email could ever be sent, so it is refused at once. */
    @Test
    void refusesAnSmtpUserNameWithoutAPassword() {
        var store = accounts.create();

        var refused = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "smtp", "config": {"host": "smtp.example.com", "port": 587, "username": "shop",
             "from_email": "shop@shop.test"}}""");

        assertThat(fields(refused)).containsExactly("config.password");
        assertThat(refused.json().get("errors").get(0).get("message").asString()).contains("with a user name");
        assertThat(api.get("/api/v1/integrations", store.apiKey()).json().get("data")).isEmpty();
    }

    /** Spaces around a base URL or a number are taken off as the dashboard's form takes them, not kept to fail later. */
    @Test
    void storesHostsAndUrlsWithoutTheSpacesAroundThem() {
        var store = accounts.create();
        var saved = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "twilio", "config": {"account_sid": "%s", "auth_token": "%s", "from_number": " +14155550100 ",
             "base_url": "%s "}}""".formatted(SID, TOKEN, twilio.baseUrl()));
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        assertThat(saved.json().get("config").get("base_url").asString()).isEqualTo(twilio.baseUrl());
        assertThat(saved.json().get("config").get("from_number").asString()).isEqualTo("+14155550100");
        twilio.stubFor(get(urlEqualTo("/2010-04-01/Accounts/" + SID + ".json"))
            .willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"sid\": \"" + SID + "\", \"status\": \"active\"}")));

        var tested = api.post("/api/v1/integrations/twilio/test", store.apiKey(), null);

        assertThat(tested.json().get("ok").asBoolean()).as(tested.text()).isTrue();
    }
}
