package io.till.webhook;

import static io.till.webhook.Receiver.assertSignedWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.till.action.ActionCall;
import io.till.action.ActionResult;
import io.till.action.Actions;
import io.till.action.OutboundCalls;
import io.till.automation.AutomationAgenda;
import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import io.till.webhook.Receiver.Answer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The send_webhook and send_slack actions, from an automation and called directly as the engine calls them. */
@TillIntegrationTest
class WebhookActionsTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda automations;
    @Autowired
    WebhookAgenda webhooks;
    @Autowired
    Actions actions;
    @Autowired
    MutableClock clock;
    @Autowired
    OutboundCalls outboundCalls;

    ActionResult perform(String action, TestAccounts.TestAccount store, String key, String params) {
        var call = new ActionCall(store.id(), "exe_test", "step", key, 1, null, (ObjectNode) JSON.readTree(params),
            clock.instant());
        return actions.find(action).orElseThrow().perform(call);
    }

    @Test
    void sendWebhookFromAnAutomationReachesTheReceiverOnceEvenWhenTheStepRunsTwice() {
        var store = accounts.create();
        try (var receiver = new Receiver()) {
            var endpoint = api.post("/api/v1/webhook_endpoints", store.apiKey(), """
                {"url": "%s", "event_types": ["acme.unused"]}""".formatted(receiver.url("/orders"))).json();
            String endpointId = endpoint.get("id").asString();
            var created = api.post("/api/v1/automations", store.apiKey(), """
                {"name": "Fulfil", "trigger": {"type": "manual"},
                 "steps": [{"id": "fulfil", "type": "action", "action": "send_webhook",
                            "params": {"endpoint_id": "%s", "event_type": "acme.order_ready",
                                       "payload": {"order": "ord_1"}}}]}""".formatted(endpointId));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            String automation = created.json().get("id").asString();
            assertThat(api.post("/api/v1/automations/" + automation + "/activate", store.apiKey(), null).status())
                .isEqualTo(200);

            var run = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), null);
            assertThat(run.status()).as(run.text()).isEqualTo(201);
            automations.runDue();
            var execution = api.get("/api/v1/executions/" + run.json().get("id").asString(), store.apiKey()).json();
            assertThat(execution.get("status").asString()).as(execution.toString()).isEqualTo("succeeded");
            JsonNode step = execution.get("steps").get(0);
            String key = step.get("idempotency_key").asString();
            String deliveryId = step.get("output").get("delivery_id").asString();

            var again = perform("send_webhook", store, key, """
                {"endpoint_id": "%s", "event_type": "acme.order_ready", "payload": {"order": "ord_1"}}"""
                .formatted(endpointId));
            webhooks.runDue();
            webhooks.runDue();

            assertThat(again).isInstanceOfSatisfying(ActionResult.Done.class,
                done -> assertThat(done.output().get("delivery_id").asString()).isEqualTo(deliveryId));
            assertThat(receiver.requests()).hasSize(1);
            var request = receiver.requests().getFirst();
            assertSignedWith(request, endpoint.get("secret").asString());
            assertThat(request.header("webhook-id")).isEqualTo(step.get("output").get("webhook_id").asString());
            JsonNode body = JSON.readTree(request.body());
            assertThat(body.get("type").asString()).isEqualTo("acme.order_ready");
            assertThat(body.get("data").get("order").asString()).isEqualTo("ord_1");
        }
    }

    /**
     * A step taken again after its first attempt queued the delivery (its result lost in a crash) answers that
     * delivery even when the endpoint was disabled since: a review found it refused, the step going to its fallback
     * while its delivery waited to be sent once the endpoint was enabled.
     */
    @Test
    void aStepTakenAgainAfterItQueuedItsDeliveryAnswersThatDeliveryThoughItsEndpointWasDisabledSince() {
        var store = accounts.create();
        try (var receiver = new Receiver()) {
            String endpointId = api.post("/api/v1/webhook_endpoints", store.apiKey(), """
                {"url": "%s", "event_types": ["acme.unused"]}""".formatted(receiver.url("/orders"))).json()
                .get("id").asString();
            String params = """
                {"endpoint_id": "%s", "event_type": "acme.order_ready", "payload": {"order": "ord_1"}}"""
                .formatted(endpointId);
            var first = perform("send_webhook", store, "exe_test:fulfil", params);
            var disabled = api.send("PATCH", "/api/v1/webhook_endpoints/" + endpointId, store.apiKey(),
                "{\"status\": \"disabled\"}", java.util.List.of("Content-Type", "application/json"));
            assertThat(disabled.status()).as(disabled.text()).isEqualTo(200);

            var again = perform("send_webhook", store, "exe_test:fulfil", params);
            var fresh = perform("send_webhook", store, "exe_test:other", params);

            assertThat(first).isInstanceOf(ActionResult.Done.class);
            assertThat(again).isEqualTo(first);
            assertThat(fresh).as("a step that queued nothing is still refused")
                .isInstanceOfSatisfying(ActionResult.Failed.class,
                    failed -> assertThat(failed.code()).isEqualTo("endpoint_disabled"));
        }
    }

    @Test
    void sendWebhookToAOneOffUrlIsUnsignedAndRetriesOnItsOwn() {
        var store = accounts.create();
        try (var receiver = new Receiver(new Answer(500))) {
            var result = perform("send_webhook", store, "exe_1:notify", """
                {"url": "%s", "payload": {"hello": "world"}}""".formatted(receiver.url("/zap")));
            webhooks.runDue();
            clock.advance(Duration.ofSeconds(6));
            webhooks.runDue();

            assertThat(result).isInstanceOf(ActionResult.Done.class);
            assertThat(receiver.requests()).hasSize(2);
            assertThat(receiver.requests()).allSatisfy(r -> {
                assertThat(r.header("webhook-signature")).isNull();
                assertThat(r.header("webhook-id")).isEqualTo(receiver.requests().getFirst().header("webhook-id"));
            });
        }
    }

    @Test
    void aDeliveryToAOneOffUrlIsReadByItsIdFromTheStepOutputWithItsAttemptsAndOnlyByItsAccount() {
        var store = accounts.create();
        var other = accounts.create();
        try (var receiver = new Receiver(new Answer(500))) {
            var created = api.post("/api/v1/automations", store.apiKey(), """
                {"name": "Fulfil", "trigger": {"type": "manual"},
                 "steps": [{"id": "fulfil", "type": "action", "action": "send_webhook",
                            "params": {"url": "%s", "payload": {"order": "ord_1"}}}]}"""
                .formatted(receiver.url("/zap")));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            String automation = created.json().get("id").asString();
            assertThat(api.post("/api/v1/automations/" + automation + "/activate", store.apiKey(), null).status())
                .isEqualTo(200);
            var run = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), null);
            automations.runDue();
            webhooks.runDue();

            var execution = api.get("/api/v1/executions/" + run.json().get("id").asString(), store.apiKey()).json();
            JsonNode output = execution.get("steps").get(0).get("output");
            String deliveryId = output.get("delivery_id").asString();
            assertThat(output.get("delivery_url").asString()).isEqualTo("/api/v1/webhook_deliveries/" + deliveryId);
            var read = api.get(output.get("delivery_url").asString(), store.apiKey());
            var elsewhere = api.get(output.get("delivery_url").asString(), other.apiKey());

            assertThat(read.status()).as(read.text()).isEqualTo(200);
            JsonNode delivery = read.json();
            assertThat(delivery.get("id").asString()).isEqualTo(deliveryId);
            assertThat(delivery.get("endpoint_id").isNull()).isTrue();
            assertThat(delivery.get("url").asString()).isEqualTo(receiver.url("/zap"));
            assertThat(delivery.get("status").asString()).isEqualTo("pending");
            assertThat(delivery.get("attempt_count").asInt()).isEqualTo(1);
            assertThat(delivery.get("attempts")).hasSize(1);
            assertThat(delivery.get("attempts").get(0).get("response_status").asInt()).isEqualTo(500);
            assertThat(elsewhere.status()).as("another account's delivery is not found, not forbidden")
                .isEqualTo(404);

            // A reviewer's: belonging to no endpoint, it could not be replayed (PRODUCT §5: every delivery can be).
            var replayedElsewhere = api.post(output.get("delivery_url").asString() + "/replay", other.apiKey(), null);
            var replayed = api.post(output.get("delivery_url").asString() + "/replay", store.apiKey(), null);
            webhooks.runDue();

            assertThat(replayedElsewhere.status()).isEqualTo(404);
            assertThat(replayed.status()).as(replayed.text()).isEqualTo(202);
            assertThat(replayed.json().get("webhook_id").asString()).isEqualTo(delivery.get("webhook_id").asString());
            assertThat(api.get(output.get("delivery_url").asString(), store.apiKey()).json().get("attempts"))
                .hasSize(2);
            assertThat(receiver.requests()).hasSize(2);
        }
    }

    @Test
    void sendWebhookRefusesWhatCannotWork() {
        var store = accounts.create();
        String huge = "x".repeat(300 * 1024);

        var neither = perform("send_webhook", store, "k1", "{\"payload\": {}}");
        var unknown = perform("send_webhook", store, "k2", """
            {"endpoint_id": "we_01jdq5aaaaaaaaaaaaaaaaaaaa", "payload": {}}""");
        var tooLarge = perform("send_webhook", store, "k3", """
            {"url": "https://example.com/x", "payload": {"blob": "%s"}}""".formatted(huge));
        var reserved = perform("send_webhook", store, "k4", """
            {"url": "http://0x0a000001/hook", "payload": {}}""");

        assertThat(neither).isInstanceOfSatisfying(ActionResult.Failed.class,
            f -> assertThat(f.retryable()).isFalse());
        assertThat(unknown).isInstanceOfSatisfying(ActionResult.Failed.class,
            f -> assertThat(f.code()).isEqualTo("not_found"));
        assertThat(tooLarge).isInstanceOfSatisfying(ActionResult.Failed.class, f -> {
            assertThat(f.code()).isEqualTo("payload_too_large");
            assertThat(f.retryable()).isFalse();
        });
        assertThat(reserved).as("a step that could never deliver fails, instead of succeeding with a delivery that "
            + "will be refused").isInstanceOfSatisfying(ActionResult.Failed.class, f -> {
                assertThat(f.code()).isEqualTo("destination_refused");
                assertThat(f.retryable()).isFalse();
            });
    }

    @Test
    void sendSlackPostsTheMessageAndSortsFailuresIntoRetryableAndPermanent() {
        var store = accounts.create();
        try (var slack = new Receiver(new Answer(200), new Answer(429, "Retry-After", "30"), new Answer(503),
            new Answer(404))) {
            String params = """
                {"webhook_url": "%s", "text": "Ada passed 1000 calls", "blocks": [{"type": "divider"}]}"""
                .formatted(slack.url("/services/T/B/X"));

            // Four steps: a step's key posts at most once (see the next test).
            var sent = perform("send_slack", store, "s1", params);
            var limited = perform("send_slack", store, "s1-limited", params);
            var down = perform("send_slack", store, "s1-down", params);
            var gone = perform("send_slack", store, "s1-gone", params);

            assertThat(sent).isInstanceOf(ActionResult.Done.class);
            JsonNode posted = JSON.readTree(slack.requests().getFirst().body());
            assertThat(posted.get("text").asString()).isEqualTo("Ada passed 1000 calls");
            assertThat(posted.get("blocks").get(0).get("type").asString()).isEqualTo("divider");
            assertThat(limited).isInstanceOfSatisfying(ActionResult.Failed.class, f -> {
                assertThat(f.retryable()).isTrue();
                assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(30));
            });
            // What the receiver said is not Slack's own error code, so it is not repeated to the seller: a URL aimed
            // at some other service must not turn the execution log into a window onto that service's answers.
            assertThat(down).isInstanceOfSatisfying(ActionResult.Failed.class, f -> {
                assertThat(f.retryable()).isTrue();
                assertThat(f.message()).isEqualTo("Slack answered 503");
            });
            assertThat(gone).isInstanceOfSatisfying(ActionResult.Failed.class, f -> {
                assertThat(f.retryable()).isFalse();
                assertThat(f.message()).isEqualTo("Slack answered 404");
            });
        }
    }

    /**
     * A Slack webhook that hangs holds the calls this node makes to it (ten at once), and no more: the next post to it
     * is not sent and waits its turn without spending an attempt, rather than holding a worker's room until the host
     * frees a connection, while a post to another host goes at once. Once the host answers, the waiting one posts as
     * a first post would (not in doubt: it was never sent).
     */
    @Test
    void aPostToAHostWhoseCallsAreAllOpenWaitsItsTurnUnsentWhileOtherHostsAreCalled() throws Exception {
        var store = accounts.create();
        try (var hanging = Receiver.holding();
            var quick = new Receiver();
            var calls = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            String slow = "{\"webhook_url\": \"%s\", \"text\": \"hi\"}".formatted(hanging.url("/services/T/B/H"));
            var held = new java.util.ArrayList<java.util.concurrent.Future<ActionResult>>();
            for (int i = 0; i < io.till.egress.EgressClient.MAX_CALLS_PER_HOST; i++) {
                String key = "held-" + i;
                held.add(calls.submit(() -> perform("send_slack", store, key, slow)));
            }
            io.till.testing.Await.until("every call this node makes to the host is open",
                () -> hanging.requests().size() == io.till.egress.EgressClient.MAX_CALLS_PER_HOST);

            var waiting = perform("send_slack", store, "one-more", slow);
            var elsewhere = perform("send_slack", store, "elsewhere", "{\"webhook_url\": \"%s\", \"text\": \"hi\"}"
                .formatted(quick.url("/services/T/B/Q")));

            assertThat(waiting).isInstanceOfSatisfying(ActionResult.Deferred.class, deferred -> {
                assertThat(deferred.code()).isEqualTo("host_busy");
                assertThat(deferred.after()).isEqualTo(ActionResult.Deferred.HOST_BUSY);
            });
            assertThat(elsewhere).isInstanceOf(ActionResult.Done.class);
            assertThat(hanging.requests()).as("the waiting post was not sent")
                .hasSize(io.till.egress.EgressClient.MAX_CALLS_PER_HOST);
            hanging.release();
            for (var call : held) {
                assertThat(call.get()).isInstanceOf(ActionResult.Done.class);
            }
            assertThat(perform("send_slack", store, "one-more", slow)).isInstanceOfSatisfying(ActionResult.Done.class,
                done -> assertThat(done.output().has("may_have_been_sent_twice")).isFalse());
        }
    }

    @Test
    void sendSlackPostsOncePerStepAndSaysSoWhenAnEarlierAttemptsOutcomeWasUnknown() {
        var store = accounts.create();
        try (var slack = new Receiver(new Answer(200), new Answer(503), new Answer(200), new Answer(200))) {
            String params = """
                {"webhook_url": "%s", "text": "Ada's card was declined"}""".formatted(slack.url("/services/T/B/Y"));

            // A step run again after it posted (a crash before its result was written, a lease taken over) answers
            // what the post got, and Slack sees one post.
            var first = perform("send_slack", store, "once", params);
            var again = perform("send_slack", store, "once", params);
            assertThat(slack.requests()).hasSize(1);
            assertThat(again).isEqualTo(first);

            // Slack refused (a 503): nothing was posted, so the retry posts without doubt.
            var refused = perform("send_slack", store, "retried", params);
            var retried = perform("send_slack", store, "retried", params);
            assertThat(refused).isInstanceOf(ActionResult.Failed.class);
            assertThat(retried).isInstanceOfSatisfying(ActionResult.Done.class,
                d -> assertThat(d.output().has("may_have_been_sent_twice")).isFalse());

            // An attempt that reserved its key and never learnt the outcome (killed mid-call): Slack cannot tell a
            // repeat, so the retry posts and its output says the message may show twice.
            var crashed = new ActionCall(store.id(), "exe_test", "step", "crashed", 1, null,
                (ObjectNode) JSON.readTree(params), clock.instant());
            assertThat(outboundCalls.reserve(crashed, "send_slack")).isInstanceOf(OutboundCalls.Nothing.class);
            var afterCrash = perform("send_slack", store, "crashed", params);
            assertThat(afterCrash).isInstanceOfSatisfying(ActionResult.Done.class,
                d -> assertThat(d.output().get("may_have_been_sent_twice").asBoolean()).isTrue());
            assertThat(slack.requests()).hasSize(4);
        }
    }

    /**
     * A 502 or 504 may come from a gateway in front of Slack after Slack posted: the retry posts, and says the message
     * may show twice (it said nothing, as after a refusal).
     */
    @Test
    void aRetryAfterAGatewaysAnswerSaysTheSlackMessageMayHaveBeenPostedTwice() {
        var store = accounts.create();
        try (var slack = new Receiver(new Answer(502), new Answer(200))) {
            String params = """
                {"webhook_url": "%s", "text": "Ada's card was declined"}""".formatted(slack.url("/services/T/B/Z"));

            var gateway = perform("send_slack", store, "gateway", params);
            var retried = perform("send_slack", store, "gateway", params);

            assertThat(gateway).isInstanceOfSatisfying(ActionResult.Failed.class, f -> assertThat(f.retryable())
                .isTrue());
            assertThat(retried).isInstanceOfSatisfying(ActionResult.Done.class,
                d -> assertThat(d.output().get("may_have_been_sent_twice").asBoolean()).isTrue());
            assertThat(slack.requests()).hasSize(2);
        }
    }

    /**
     * A reviewer's: once an attempt's outcome is unknown, a later refusal does not clear the doubt. A 502 (Slack may
     * have posted), then a 429 (nothing posted by that attempt), then a 200: the message may show twice, and the
     * output says so.
     */
    @Test
    void aRefusalAfterAnAttemptInDoubtKeepsTheDoubtForTheAttemptThatPosts() {
        var store = accounts.create();
        try (var slack = new Receiver(new Answer(502), new Answer(429), new Answer(200))) {
            String params = """
                {"webhook_url": "%s", "text": "Ada's card was declined"}""".formatted(slack.url("/services/T/B/D"));

            var gateway = perform("send_slack", store, "doubt", params);
            var limited = perform("send_slack", store, "doubt", params);
            var posted = perform("send_slack", store, "doubt", params);

            assertThat(gateway).isInstanceOf(ActionResult.Failed.class);
            assertThat(limited).isInstanceOf(ActionResult.Failed.class);
            assertThat(posted).isInstanceOfSatisfying(ActionResult.Done.class,
                d -> assertThat(d.output().get("may_have_been_sent_twice").asBoolean()).isTrue());
            assertThat(slack.requests()).hasSize(3);
        }
    }

    /** A post that never left Till (nothing listened) is not in doubt: the retry posts once, saying nothing more. */
    @Test
    void aRetryAfterAPostThatNeverConnectedIsNotInDoubt() throws java.io.IOException {
        var store = accounts.create();
        int closed;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        try (var slack = new Receiver(new Answer(200))) {
            var unreachable = perform("send_slack", store, "never-connected", """
                {"webhook_url": "http://127.0.0.1:%d/services/T/B/W", "text": "hi"}""".formatted(closed));
            var retried = perform("send_slack", store, "never-connected", """
                {"webhook_url": "%s", "text": "hi"}""".formatted(slack.url("/services/T/B/W")));

            assertThat(unreachable).isInstanceOfSatisfying(ActionResult.Failed.class, f -> {
                assertThat(f.code()).isEqualTo("slack_unreachable");
                assertThat(f.retryable()).isTrue();
            });
            assertThat(retried).isInstanceOfSatisfying(ActionResult.Done.class,
                d -> assertThat(d.output().has("may_have_been_sent_twice")).isFalse());
            assertThat(slack.requests()).hasSize(1);
        }
    }

    /**
     * Slack's Retry-After date is counted from the real time, as Slack wrote it: from a sandbox's clock moved days
     * ahead, it lay in the past, and the post was tried again at once.
     */
    @Test
    void aRetryAfterDateIsReadAgainstTheRealTimeWhateverTheSandboxClockSays() {
        var store = accounts.create();
        String date = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.realTime().instant()
            .plusSeconds(120).atZone(java.time.ZoneOffset.UTC));
        try (var slack = new Receiver(new Answer(429, "Retry-After", date))) {
            var call = new ActionCall(store.id(), "exe_test", "step", "limited", 1, null, (ObjectNode) JSON.readTree("""
                {"webhook_url": "%s", "text": "hi"}""".formatted(slack.url("/services/T/B/R"))), clock.instant().plus(
                java.time.Duration.ofDays(3)));

            var limited = actions.find("send_slack").orElseThrow().perform(call);

            assertThat(limited).isInstanceOfSatisfying(ActionResult.Failed.class, f -> assertThat(f.retryAfter())
                .isBetween(java.time.Duration.ofSeconds(110), java.time.Duration.ofSeconds(120)));
        }
    }

    @Test
    void sendSlackRefusesAPrivateDestination() {
        var store = accounts.create();

        var refused = perform("send_slack", store, "s2", """
            {"webhook_url": "http://169.254.169.254/latest/meta-data", "text": "hi"}""");

        assertThat(refused).isInstanceOfSatisfying(ActionResult.Failed.class, f -> {
            assertThat(f.code()).isEqualTo("destination_refused");
            assertThat(f.retryable()).isFalse();
        });
    }
}
