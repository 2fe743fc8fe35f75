package io.till.message;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.till.action.ActionCall;
import io.till.action.ActionResult;
import io.till.shared.SecretBox;
import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** send_sms against a stub shaped like Twilio's documented Messages API, and into the dev mailbox without it. */
@TillIntegrationTest
class SendSmsTest {

    static final String SID = "AC00000000000000000000000000000001";
    static final String TOKEN = "twilio-token-5b2d8e";
    static final String MESSAGES = "/2010-04-01/Accounts/" + SID + "/Messages.json";
    static final String PARAMS = """
        {"to": "+447700900123", "text": "Your order shipped"}""";

    private final WireMockServer twilio = new WireMockServer(options().dynamicPort());
    private final JsonMapper json = JsonMapper.builder().build();

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    SendSmsAction sendSms;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient db;
    @Autowired
    SecretBox secrets;
    @Autowired
    io.till.action.OutboundCalls outboundCalls;
    @Autowired
    io.till.integration.Integrations integrations;
    @Autowired
    io.till.integration.TwilioClient twilioClient;
    @Autowired
    DevMailbox mailbox;
    @Autowired
    io.till.account.Brandings brandings;
    @Autowired
    io.till.account.Accounts accountsOfTill;
    @Autowired
    org.springframework.transaction.support.TransactionTemplate transaction;
    @Autowired
    MarketingConsent consent;

    @BeforeEach
    void start() {
        twilio.start();
    }

    @AfterEach
    void stop() {
        twilio.stop();
    }

    TestAccounts.TestAccount connected() {
        var store = accounts.create();
        var saved = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "twilio", "config": {"account_sid": "%s", "auth_token": "%s", "from_number": "+14155550100",
             "base_url": "%s"}}""".formatted(SID, TOKEN, twilio.baseUrl()));
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        return store;
    }

    ActionCall call(TestAccounts.TestAccount store, String key, String params) {
        return new ActionCall(store.id(), "exe_test", "sms", key, 1, null, (ObjectNode) json.readTree(params), clock
            .instant());
    }

    void twilioAnswers(int status, String body, String... headers) {
        var response = aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
        for (int i = 0; i < headers.length; i += 2) {
            response.withHeader(headers[i], headers[i + 1]);
        }
        twilio.stubFor(post(urlEqualTo(MESSAGES)).willReturn(response));
    }

    @Test
    void sendsThroughTwilioOncePerKey() {
        var store = connected();
        twilioAnswers(201, """
            {"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued", "to": "+447700900123",
             "from": "+14155550100", "body": "Your order shipped"}""");

        var sent = sendSms.perform(call(store, "k1", PARAMS));
        var again = sendSms.perform(call(store, "k1", PARAMS));

        assertThat(sent).isInstanceOfSatisfying(ActionResult.Done.class, done -> {
            assertThat(done.output().get("sid").asString()).isEqualTo("SM0123456789abcdef0123456789abcdef");
            assertThat(done.output().get("via").asString()).isEqualTo("twilio");
        });
        assertThat(again).isEqualTo(sent);
        String basic = "Basic " + Base64.getEncoder().encodeToString((SID + ":" + TOKEN).getBytes());
        twilio.verify(1, postRequestedFor(urlEqualTo(MESSAGES))
            .withHeader("Authorization", equalTo(basic))
            .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
            .withFormParam("To", equalTo("+447700900123"))
            .withFormParam("From", equalTo("+14155550100"))
            .withFormParam("Body", equalTo("Your order shipped")));
    }

    @Test
    void aRetryAfterAnAttemptThatNeverLearntItsOutcomeSaysTheSmsMayHaveBeenSentTwice() {
        var store = connected();
        twilioAnswers(201, """
            {"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued"}""");
        // An attempt that reserved its key and never heard back (a timeout after Twilio took the message, a crash):
        // Twilio cannot tell a repeat, so the retry sends, and says the buyer may get the text twice.
        assertThat(outboundCalls.reserve(call(store, "k-doubt", PARAMS), "send_sms"))
            .isInstanceOf(io.till.action.OutboundCalls.Nothing.class);

        var retried = sendSms.perform(call(store, "k-doubt", PARAMS));
        var refusedFirst = sendSms.perform(call(store, "k-clean", PARAMS));

        assertThat(retried).isInstanceOfSatisfying(ActionResult.Done.class,
            done -> assertThat(done.output().get("may_have_been_sent_twice").asBoolean()).isTrue());
        assertThat(refusedFirst).isInstanceOfSatisfying(ActionResult.Done.class,
            done -> assertThat(done.output().has("may_have_been_sent_twice")).isFalse());
    }

    @Test
    void aRetryAfterTwilioRefusedIsNotInDoubt() {
        var store = connected();
        twilioAnswers(503, "Service Unavailable");
        var unavailable = sendSms.perform(call(store, "k1", PARAMS));
        twilio.resetAll();
        twilioAnswers(201, """
            {"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued"}""");

        var sent = sendSms.perform(call(store, "k1", PARAMS));

        assertThat(unavailable).isInstanceOf(ActionResult.Failed.class);
        assertThat(sent).isInstanceOfSatisfying(ActionResult.Done.class,
            done -> assertThat(done.output().has("may_have_been_sent_twice")).isFalse());
    }

    /** A reviewer's: a refusal after an attempt whose outcome is unknown does not clear the doubt. */
    @Test
    void aRefusalAfterAnAttemptInDoubtKeepsTheDoubtForTheAttemptThatSends() {
        var store = connected();
        twilioAnswers(502, "Bad Gateway");
        var gateway = sendSms.perform(call(store, "k-doubt-kept", PARAMS));
        twilio.resetAll();
        twilioAnswers(429, "Too Many Requests");
        var limited = sendSms.perform(call(store, "k-doubt-kept", PARAMS));
        twilio.resetAll();
        twilioAnswers(201, """
            {"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued"}""");

        var sent = sendSms.perform(call(store, "k-doubt-kept", PARAMS));

        assertThat(gateway).isInstanceOf(ActionResult.Failed.class);
        assertThat(limited).isInstanceOf(ActionResult.Failed.class);
        assertThat(sent).isInstanceOfSatisfying(ActionResult.Done.class,
            done -> assertThat(done.output().get("may_have_been_sent_twice").asBoolean()).isTrue());
    }

    /** A reviewer's: a receiver that acted and answered with a redirect (POST, then 303) was taken as one that did not. */
    @Test
    void aRetryAfterARedirectSaysTheSmsMayHaveBeenSentTwice() {
        var store = connected();
        twilioAnswers(303, "", "Location", "/elsewhere");
        var redirected = sendSms.perform(call(store, "k-303", PARAMS));
        twilio.resetAll();
        twilioAnswers(201, """
            {"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued"}""");

        var sent = sendSms.perform(call(store, "k-303", PARAMS));

        assertThat(redirected).isInstanceOf(ActionResult.Failed.class);
        assertThat(sent).isInstanceOfSatisfying(ActionResult.Done.class,
            done -> assertThat(done.output().get("may_have_been_sent_twice").asBoolean()).isTrue());
    }

    @Test
    void retriesARateLimitNoSoonerThanTwilioAsks() {
        var store = connected();
        twilioAnswers(429, """
            {"code": 20429, "message": "Too Many Requests", "status": 429}""", "Retry-After", "30");

        var result = sendSms.perform(call(store, "k1", PARAMS));

        assertThat(result).isEqualTo(new ActionResult.Failed("sms_rate_limited",
            "Twilio answered 429 (Twilio error 20429)", true, Duration.ofSeconds(30)));
    }

    @Test
    void retriesAServerErrorAndFailsForGoodOnARefusal() {
        var store = connected();
        twilioAnswers(503, "Service Unavailable");
        var unavailable = sendSms.perform(call(store, "k1", PARAMS));
        twilio.resetAll();
        twilioAnswers(400, """
            {"code": 21211, "message": "The 'To' number +447700900123 is not a valid phone number.", "status": 400}""");
        var refused = sendSms.perform(call(store, "k1", PARAMS));

        assertThat(unavailable).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> {
            assertThat(failed.retryable()).isTrue();
            assertThat(failed.code()).isEqualTo("sms_unavailable");
        });
        assertThat(refused).isEqualTo(ActionResult.Failed.permanent("sms_rejected",
            "Twilio answered 400 (Twilio error 21211)"));
    }

    @Test
    void refusesANumberNotInE164WithoutCallingTwilio() {
        var store = connected();

        var result = sendSms.perform(call(store, "k1", """
            {"to": "07700 900123", "text": "Hi"}"""));

        assertThat(result).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> {
            assertThat(failed.code()).isEqualTo("invalid_phone");
            assertThat(failed.retryable()).isFalse();
        });
        twilio.verify(0, postRequestedFor(urlEqualTo(MESSAGES)));
    }

    /** The text sent is the text whose length was checked: trailing lines a template left are not sent. */
    @Test
    void sendsTheTextAsItsLengthWasCheckedWithoutTheSpacesAroundIt() {
        var store = connected();
        twilioAnswers(201, """
            {"sid": "SM0123456789abcdef0123456789abcdee", "status": "queued"}""");
        String full = "x".repeat(1600);

        var sent = sendSms.perform(call(store, "k-long", """
            {"to": "+447700900123", "text": "%s \\n\\n"}""".formatted(full)));

        assertThat(sent).isInstanceOf(ActionResult.Done.class);
        twilio.verify(1, postRequestedFor(urlEqualTo(MESSAGES)).withFormParam("Body", equalTo(full)));
    }

    @Test
    void putsTheSmsInTheDevMailboxWithoutTwilio() {
        var store = accounts.create();

        var sent = sendSms.perform(call(store, "k1", PARAMS));

        assertThat(sent).isInstanceOfSatisfying(ActionResult.Done.class, done -> assertThat(done.output().get("via")
            .asString()).isEqualTo("dev_mailbox"));
        var messages = api.get("/api/v1/dev/mailbox", store.apiKey()).json().get("data");
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).get("kind").asString()).isEqualTo("sms");
        assertThat(messages.get(0).get("to").asString()).isEqualTo("+447700900123");
        assertThat(messages.get(0).get("text").asString()).isEqualTo("Your order shipped");
    }

    /**
     * A reviewer's: a text put in the dev mailbox and then never marked sent (the node died between the two) was put
     * there again by the retry. Now both are one transaction: either both happen, or neither and the retry puts it once.
     */
    @Test
    void aDevMailboxTextNotMarkedSentIsNotLeftInTheMailbox() {
        var store = accounts.create();
        var dying = new MessageSends(db, clock.realTime(), json) {
            @Override
            void markSent(String accountId, String key, tools.jackson.databind.JsonNode output) {
                throw new IllegalStateException("the node died here");
            }
        };
        var action = new SendSmsAction(integrations, twilioClient, mailbox, dying, outboundCalls, brandings,
            accountsOfTill, transaction, consent);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> action.perform(call(store, "k-dies", PARAMS)))
            .hasMessage("the node died here");
        var retried = sendSms.perform(call(store, "k-dies", PARAMS));

        assertThat(retried).isInstanceOf(ActionResult.Done.class);
        assertThat(api.get("/api/v1/dev/mailbox", store.apiKey()).json().get("data")).hasSize(1);
    }

    @Test
    void aTwilioBaseUrlThatBecameReservedFailsForGoodAndNothingConnects() throws IOException {
        var store = accounts.create();
        try (var listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(0));
            listener.configureBlocking(false);
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            // Written past the save-time check, as a name that resolved elsewhere then would be.
            db.sql("""
                INSERT INTO integrations (account_id, type, config, created_at, updated_at)
                VALUES (:id, 'twilio', CAST(:config AS jsonb), now(), now())
                """)
                .param("id", store.id())
                .param("config", """
                    {"account_sid": "%s", "auth_token": "%s", "from_number": "+14155550100",
                     "base_url": "http://127.0.0.2:%d"}""".formatted(SID, secrets.seal(TOKEN, store.id() + "/twilio"),
                    port))
                .update();

            var result = sendSms.perform(call(store, "k1", PARAMS));

            assertThat(result).isInstanceOfSatisfying(ActionResult.Failed.class, failed -> {
                assertThat(failed.code()).isEqualTo("destination_refused");
                assertThat(failed.retryable()).isFalse();
            });
            assertThat(listener.accept()).as("a connection reached the listener").isNull();
        }
    }
}
