package io.till.integration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * SMTP hosts and Twilio base URLs are aimed by the account, so they pass the egress guard like every other outbound
 * connection, and a test connection never repeats what the server said. The test configuration allows 127.0.0.1/32
 * (for GreenMail and WireMock); 127.0.0.2 is loopback too, and not allowed.
 */
@TillIntegrationTest
class IntegrationEgressTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String SID = "AC0123456789abcdef0123456789abcdef";

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    Integrations integrations;

    static String smtp(String host, int port) {
        return """
            {"type": "smtp", "config": {"host": "%s", "port": %d, "username": "till", "password": "pass-0000",
             "starttls": false, "from_email": "shop@shop.test"}}""".formatted(host, port);
    }

    static String twilio(String baseUrl) {
        return """
            {"type": "twilio", "config": {"account_sid": "%s", "auth_token": "token-0000", "from_number": "+14155550100",
             "base_url": "%s"}}"""
            .formatted(SID, baseUrl);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "127.0.0.2", "10.0.0.5", "169.254.169.254", "[::1]", "[::ffff:10.0.0.1]",
            "167772161", "localhost.localhost", "[2002:7f00:1::]"})
    void savingAnIntegrationAimedAtAReservedAddressIsRefusedNamingTheField(String host) {
        var store = accounts.create();

        var smtp = api.post("/api/v1/integrations", store.apiKey(), smtp(host, 25));
        var twilio = api.post("/api/v1/integrations", store.apiKey(), twilio("http://" + host + ":8080"));

        assertThat(smtp.status()).as(smtp.text()).isEqualTo(400);
        assertThat(smtp.json().get("errors").get(0).get("field").asString()).isEqualTo("config.host");
        assertThat(smtp.json().get("errors").get(0).get("code").asString()).isEqualTo("destination_refused");
        assertThat(twilio.status()).as(twilio.text()).isEqualTo(400);
        assertThat(twilio.json().get("errors").get(0).get("field").asString()).isEqualTo("config.base_url");
        assertThat(api.get("/api/v1/integrations", store.apiKey()).json().get("data")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.2:9/x", "http://127.2:8384/", "http://0x7f.2/", "http://[2002:7f00:1::]/"})
    void aSlackWebhookUrlAimedAtAReservedAddressIsRefusedWhenSaved(String url) {
        var store = accounts.create();

        var slack = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "slack", "config": {"webhook_url": "%s"}}""".formatted(url));

        assertThat(IntegrationsApiTest.fields(slack)).containsExactly("config.webhook_url");
        assertThat(slack.json().get("errors").get(0).get("code").asString()).isEqualTo("destination_refused");
        assertThat(api.get("/api/v1/integrations", store.apiKey()).json().get("data")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a url", "ftp://hooks.slack.com/x", "http://127.1:8384/", "http://0x7f.1/"})
    void aSlackWebhookUrlThatIsNotAnHttpUrlWithAHostIsRefusedWhenSaved(String url) {
        var store = accounts.create();

        var slack = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "slack", "config": {"webhook_url": "%s"}}""".formatted(url));

        assertThat(IntegrationsApiTest.fields(slack)).containsExactly("config.webhook_url");
        assertThat(api.get("/api/v1/integrations", store.apiKey()).json().get("data")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"javascript:alert(1)", "file:///etc/passwd", "http://127.1:8384/", "http://0x7f.1/",
            "http://127.0.0.2:8080", "not a url", "https://"})
    void aCrmBaseUrlThatIsNotAnHttpUrlToAPublicHostIsRefusedWhenSaved(String url) {
        var store = accounts.create();

        var activecampaign = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "activecampaign", "config": {"base_url": "%s", "api_key": "ac-key-0123456789"}}"""
            .formatted(url));
        var hubspot = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "hubspot", "config": {"base_url": "%s", "access_token": "pat-0123456789"}}""".formatted(url));
        var keap = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "keap", "config": {"base_url": "%s", "access_token": "keap-0123456789"}}""".formatted(url));

        for (var response : java.util.List.of(activecampaign, hubspot, keap)) {
            assertThat(IntegrationsApiTest.fields(response)).containsExactly("config.base_url");
        }
        assertThat(api.get("/api/v1/integrations", store.apiKey()).json().get("data")).isEmpty();
    }

    @Test
    void aTestConnectionToAnSmtpHostThatBecameReservedConnectsNowhere() throws IOException {
        var store = accounts.create();
        try (var listener = listener()) {
            // Saved while its name pointed elsewhere: the guard checks again when connecting.
            integrations.save(store.id(), IntegrationType.SMTP, config(smtp("127.0.0.2", port(listener))));

            var tested = api.post("/api/v1/integrations/smtp/test", store.apiKey(), null);

            assertThat(tested.json().get("ok").asBoolean()).as(tested.text()).isFalse();
            assertThat(tested.json().get("message").asString()).contains("Till does not connect to this address");
            assertThat(listener.accept()).as("a connection reached the listener").isNull();
        }
    }

    /** Port 465 speaks TLS from the first byte, through Angus Mail's SMTPS transport: its sockets are guarded too. */
    @Test
    void aTestConnectionOverSmtpsToAReservedAddressIsRefusedByTheGuardNotTriedAndRefusedByThePeer() {
        var store = accounts.create();
        integrations.save(store.id(), IntegrationType.SMTP, config(smtp("127.0.0.2", 465)));

        var tested = api.post("/api/v1/integrations/smtp/test", store.apiKey(), null);

        // Tried unguarded, nothing listens there: the answer would be that the server could not be reached.
        assertThat(tested.json().get("ok").asBoolean()).as(tested.text()).isFalse();
        assertThat(tested.json().get("message").asString()).contains("Till does not connect to this address");
    }

    @Test
    void aTestConnectionToATwilioBaseUrlThatBecameReservedConnectsNowhere() throws IOException {
        var store = accounts.create();
        try (var listener = listener()) {
            integrations.save(store.id(), IntegrationType.TWILIO, config(twilio("http://127.0.0.2:" + port(listener))));

            var tested = api.post("/api/v1/integrations/twilio/test", store.apiKey(), null);

            assertThat(tested.json().get("ok").asBoolean()).as(tested.text()).isFalse();
            assertThat(tested.json().get("message").asString()).contains("Till does not connect to this address");
            assertThat(listener.accept()).as("a connection reached the listener").isNull();
        }
    }

    @Test
    void aTestConnectionNeverShowsWhatTheSmtpServerSaid() throws Exception {
        var store = accounts.create();
        try (var rejecting = new ScriptedSmtp("554 secret-banner-4f2a no service here");
            var refusingLogin = new ScriptedSmtp("220 secret-greeting-77aa ESMTP")) {
            api.post("/api/v1/integrations", store.apiKey(), smtp("127.0.0.1", rejecting.port()));
            var rejected = api.post("/api/v1/integrations/smtp/test", store.apiKey(), null);
            api.post("/api/v1/integrations", store.apiKey(), smtp("127.0.0.1", refusingLogin.port()));
            var refused = api.post("/api/v1/integrations/smtp/test", store.apiKey(), null);

            assertThat(rejected.json().get("ok").asBoolean()).as(rejected.text()).isFalse();
            assertThat(rejected.text()).doesNotContainIgnoringCase("secret");
            assertThat(refused.json().get("ok").asBoolean()).as(refused.text()).isFalse();
            assertThat(refused.json().get("message").asString()).isEqualTo("The server refused the credentials.");
            assertThat(refused.text()).doesNotContainIgnoringCase("secret");
        }
    }

    @Test
    void aTestConnectionNeverShowsWhatTheTwilioServerAnswered() {
        var store = accounts.create();
        var server = new WireMockServer(options().dynamicPort());
        server.start();
        try {
            api.post("/api/v1/integrations", store.apiKey(), twilio("http://127.0.0.1:" + server.port()));
            server.stubFor(get(urlEqualTo("/2010-04-01/Accounts/" + SID + ".json")).willReturn(aResponse()
                .withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"code\": 20003, \"message\": \"secret-internal-token-31d\", \"status\": 401}")));
            var unauthorized = api.post("/api/v1/integrations/twilio/test", store.apiKey(), null);
            server.resetAll();
            server.stubFor(get(urlEqualTo("/2010-04-01/Accounts/" + SID + ".json")).willReturn(aResponse()
                .withStatus(500).withHeader("Content-Type", "application/json")
                .withBody("{\"message\": \"secret-stack-trace-8b2\"}")));
            var broken = api.post("/api/v1/integrations/twilio/test", store.apiKey(), null);

            assertThat(unauthorized.json().get("message").asString()).as(unauthorized.text())
                .isEqualTo("The server refused the credentials.");
            assertThat(broken.json().get("ok").asBoolean()).isFalse();
            assertThat(broken.text()).doesNotContainIgnoringCase("secret");
        } finally {
            server.stop();
        }
    }

    static ObjectNode config(String body) {
        return (ObjectNode) JSON.readTree(body).get("config");
    }

    /** Listens on every local address; a connection that reached it waits in its backlog for accept(). */
    static ServerSocketChannel listener() throws IOException {
        var channel = ServerSocketChannel.open();
        channel.bind(new InetSocketAddress(0));
        channel.configureBlocking(false);
        return channel;
    }

    static int port(ServerSocketChannel channel) throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /** An SMTP server that greets with {@code greeting}, offers AUTH and refuses every login, in its own words. */
    static final class ScriptedSmtp implements AutoCloseable {

        private final ServerSocket server;

        ScriptedSmtp(String greeting) throws IOException {
            server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (Socket client = server.accept()) {
                        converse(client, greeting);
                    } catch (IOException e) {
                        // Closed, or the client hung up: the next connection, if any.
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private static void converse(Socket client, String greeting) throws IOException {
            var in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = client.getOutputStream();
            write(out, greeting);
            if (!greeting.startsWith("220")) {
                return;
            }
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String command = line.toUpperCase(Locale.ROOT);
                if (command.startsWith("EHLO")) {
                    write(out, "250-secret-ehlo-host\r\n250 AUTH PLAIN LOGIN");
                } else if (command.startsWith("AUTH")) {
                    write(out, "535 5.7.8 secret-auth-reply-19c");
                } else if (command.startsWith("QUIT")) {
                    write(out, "221 secret-bye");
                    return;
                } else {
                    write(out, "502 secret-unknown");
                }
            }
        }

        private static void write(OutputStream out, String reply) throws IOException {
            out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
