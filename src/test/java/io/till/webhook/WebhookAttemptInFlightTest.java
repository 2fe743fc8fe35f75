package io.till.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.till.testing.Api;
import io.till.testing.ConnectionNestingGuard;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * An attempt that is on the wire: a replay does not start a second one beside it, and the attempt is logged however
 * its outcome ends up (PRODUCT.md §5: every delivery attempt is logged).
 */
@TillIntegrationTest
class WebhookAttemptInFlightTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    WebhookAgenda agenda;
    @Autowired
    MutableClock clock;
    @Autowired
    WebhookSettings settings;
    @Autowired
    WebhookDeliveries deliveries;
    @Autowired
    WebhookEndpoints endpoints;

    /** A receiver that holds its first request open until released and answers it {@code firstStatus}; 200 after. */
    static final class HoldingReceiver implements AutoCloseable {

        final CountDownLatch arrived = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> webhookIds = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        HoldingReceiver(int firstStatus) {
            this(firstStatus, () -> {
            });
        }

        /** {@code onFirst} runs as the first request arrives, before it is answered. */
        HoldingReceiver(int firstStatus, Runnable onFirst) {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/held", exchange -> {
                exchange.getRequestBody().readAllBytes();
                webhookIds.add(exchange.getRequestHeaders().getFirst("webhook-id"));
                int status = 200;
                if (webhookIds.size() == 1) {
                    status = firstStatus;
                    onFirst.run();
                    arrived.countDown();
                    try {
                        release.await(2, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/held";
        }

        void awaitFirst() throws InterruptedException {
            assertThat(arrived.await(1, TimeUnit.MINUTES)).as("the first attempt reached the receiver").isTrue();
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
        }
    }

    String createEndpoint(TestAccounts.TestAccount store, String url) {
        var created = api.post("/api/v1/webhook_endpoints", store.apiKey(), """
            {"url": "%s", "event_types": ["acme.slow"]}""".formatted(url));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    String postEventAndFindItsDelivery(TestAccounts.TestAccount store, String endpoint) {
        var posted = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.slow", "data": {}}""");
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
        agenda.matchEvents();
        return deliveries(store, endpoint).getFirst().get("id").asString();
    }

    List<JsonNode> deliveries(TestAccounts.TestAccount store, String endpoint) {
        var all = new ArrayList<JsonNode>();
        api.get("/api/v1/webhook_endpoints/" + endpoint + "/deliveries", store.apiKey()).json().get("data")
            .forEach(all::add);
        return all;
    }

    JsonNode delivery(TestAccounts.TestAccount store, String endpoint, String id) {
        return api.get("/api/v1/webhook_endpoints/" + endpoint + "/deliveries/" + id, store.apiKey()).json();
    }

    /**
     * A node stopping (a deploy) interrupts its round while one receiver still holds its request: what the other
     * receiver answered is written back, and the held attempt is logged as cut short. The round left without writing
     * anything, so the answered delivery was sent again after its lease, its attempt never logged.
     */
    @Test
    void aRoundInterruptedByAShutdownWritesBackWhatTheReceiversAnswered() throws Exception {
        var store = accounts.create();
        try (var held = new HoldingReceiver(200); var quick = new Receiver()) {
            String slow = createEndpoint(store, held.url());
            String fast = createEndpoint(store, quick.url("/quick"));
            var posted = api.post("/api/v1/events", store.apiKey(), "{\"type\": \"acme.slow\", \"data\": {}}");
            assertThat(posted.status()).as(posted.text()).isEqualTo(201);
            agenda.matchEvents();
            var round = Thread.ofPlatform().start(agenda::sendDue);
            held.awaitFirst();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (quick.requests().isEmpty()) {
                assertThat(System.nanoTime()).as("the quick receiver was sent its delivery").isLessThan(deadline);
                Thread.onSpinWait();
            }

            round.interrupt();
            round.join(TimeUnit.MINUTES.toMillis(1));

            assertThat(round.isAlive()).isFalse();
            var answered = deliveries(store, fast).getFirst();
            assertThat(answered.get("attempt_count").asInt()).as("its attempt written back").isEqualTo(1);
            var cut = deliveries(store, slow).getFirst();
            assertThat(cut.get("attempt_count").asInt()).as("logged as cut short").isEqualTo(1);
            assertThat(cut.get("status").asString()).isEqualTo("pending");
        }
    }

    /**
     * The write of an attempt's outcome sent again (its commit went through but the answer from the database was lost,
     * and WriteBack tried again): the attempt is counted and logged once. It was taken for an answer that came after
     * the lease and counted a second time.
     */
    @Test
    void anOutcomeWrittenTwiceCountsItsAttemptOnce() {
        var store = accounts.create();
        var local = new io.till.egress.EgressSettings("127.0.0.1/32", java.time.Duration.ofSeconds(5),
            java.time.Duration.ofSeconds(30));
        var egress = new io.till.egress.EgressClient(new io.till.egress.EgressGuard(local), local);
        var dispatcher = new WebhookDispatcher(deliveries, endpoints, egress, settings, clock, clock.realTime());
        try (var receiver = new Receiver()) {
            String endpoint = createEndpoint(store, receiver.url("/hooks"));
            String id = postEventAndFindItsDelivery(store, endpoint);
            var claimed = dispatcher.claim(10).toSend().stream().filter(d -> d.id().equals(id)).toList();
            assertThat(claimed).hasSize(1);
            var outcome = dispatcher.attempt(claimed.getFirst());

            dispatcher.writeBack(List.of(outcome));
            dispatcher.writeBack(List.of(outcome));

            var delivery = delivery(store, endpoint, id);
            assertThat(delivery.get("status").asString()).isEqualTo("succeeded");
            assertThat(delivery.get("attempt_count").asInt()).isEqualTo(1);
            assertThat(delivery.get("attempts")).hasSize(1);
            assertThat(receiver.requests()).hasSize(1);
        }
    }

    /**
     * A delivery that found every connection to its receiver's host taken (ten, by calls still waiting for answers)
     * was never sent: it is not one of its ten attempts, nothing is logged as the receiver's doing, and it is due again
     * in moments. Counted, a burst to one slow receiver used up deliveries' attempts, even to "exhausted", unsent.
     */
    @Test
    void aDeliveryThatGotNoConnectionToItsHostIsNotAnAttempt() throws Exception {
        var store = accounts.create();
        var busy = new io.till.egress.EgressSettings("127.0.0.1/32", java.time.Duration.ofSeconds(1),
            java.time.Duration.ofSeconds(30));
        var egress = new io.till.egress.EgressClient(new io.till.egress.EgressGuard(busy), busy);
        var dispatcher = new WebhookDispatcher(deliveries, endpoints, egress, settings, clock, clock.realTime());
        var release = new CountDownLatch(1);
        var arrived = new java.util.concurrent.atomic.AtomicInteger();
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            arrived.incrementAndGet();
            try {
                release.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        var waiting = new ArrayList<Thread>();
        try {
            String endpoint = createEndpoint(store, base + "/hooks");
            String id = postEventAndFindItsDelivery(store, endpoint);
            for (int i = 0; i < 10; i++) {
                // Each holds a connection to the receiver's host until the receiver answers.
                waiting.add(Thread.ofVirtual().start(() -> egress.download(base + "/slow", 1024, java.time.Duration
                    .ofMinutes(1))));
            }
            io.till.testing.Await.until("ten calls at the receiver", () -> arrived.get() == 10);

            dispatcher.runRound();

            var delivery = delivery(store, endpoint, id);
            assertThat(delivery.get("status").asString()).isEqualTo("pending");
            assertThat(delivery.get("attempt_count").asInt()).isZero();
            assertThat(delivery.get("last_error").asString()).contains("was not sent");
            assertThat(delivery.path("attempts")).isEmpty();
            assertThat(arrived).hasValue(10);
        } finally {
            release.countDown();
            for (Thread thread : waiting) {
                thread.join();
            }
            server.stop(0);
            egress.destroy();
        }
    }

    @Test
    void aReplayWhileAnAttemptIsInFlightIsRefusedAndChangesNothing() throws Exception {
        var store = accounts.create();
        try (var receiver = new HoldingReceiver(200); var sender = Executors.newVirtualThreadPerTaskExecutor()) {
            String endpoint = createEndpoint(store, receiver.url());
            String id = postEventAndFindItsDelivery(store, endpoint);
            var sending = sender.submit(agenda::runDue);
            receiver.awaitFirst();

            var replay = api.post("/api/v1/webhook_endpoints/" + endpoint + "/deliveries/" + id + "/replay",
                store.apiKey(), null);

            assertThat(replay.status()).as(replay.text()).isEqualTo(409);
            assertThat(replay.json().get("code").asString()).isEqualTo("invalid_state");
            assertThat(replay.json().get("detail").asString()).contains("replay it once that attempt has ended");
            var during = delivery(store, endpoint, id);
            assertThat(during.get("status").asString()).isEqualTo("pending");
            assertThat(during.get("attempt_count").asInt()).isZero();

            receiver.release.countDown();
            sending.get(1, TimeUnit.MINUTES);
            agenda.runDue();

            var after = delivery(store, endpoint, id);
            assertThat(receiver.webhookIds).hasSize(1);
            assertThat(after.get("status").asString()).isEqualTo("succeeded");
            assertThat(after.get("attempt_count").asInt()).isEqualTo(1);
            assertThat(after.get("attempts")).hasSize(1);
        }
    }

    @Test
    void anAttemptWhoseLeaseWasTakenOverIsStillLoggedWithoutChangingTheOutcome() throws Exception {
        var store = accounts.create();
        try (var receiver = new HoldingReceiver(500); var sender = Executors.newVirtualThreadPerTaskExecutor()) {
            String endpoint = createEndpoint(store, receiver.url());
            String id = postEventAndFindItsDelivery(store, endpoint);
            var slowRound = sender.submit(agenda::runDue);
            receiver.awaitFirst();

            // The first sender holds on past its lease: another takes the delivery over and succeeds.
            clock.advance(settings.lease().plusSeconds(1));
            agenda.runDue();
            receiver.release.countDown();
            slowRound.get(1, TimeUnit.MINUTES);

            var after = delivery(store, endpoint, id);
            assertThat(receiver.webhookIds).hasSize(2);
            assertThat(after.get("status").asString()).isEqualTo("succeeded");
            assertThat(after.get("last_response_status").asInt()).isEqualTo(200);
            assertThat(after.get("attempt_count").asInt()).isEqualTo(2);
            assertThat(after.get("attempts")).hasSize(2);
            assertThat(after.get("attempts").get(0).get("response_status").asInt()).isEqualTo(200);
            assertThat(after.get("attempts").get(1).get("response_status").asInt()).isEqualTo(500);
        }
    }

    @Test
    void anAnswerWhoseWriteFindsNoConnectionForAMomentIsWrittenOnceOneIsFreeAndNotSentAgain() throws Exception {
        var store = accounts.create();
        Thread round = Thread.currentThread();
        // As the receiver answers, the round's thread finds the pool dry twice (every connection busy, or the database
        // restarting) when it comes to write what the receiver said.
        try (var receiver = new HoldingReceiver(200, () -> ConnectionNestingGuard.refuseConnections(round, 2))) {
            receiver.release.countDown();
            String endpoint = createEndpoint(store, receiver.url());
            String id = postEventAndFindItsDelivery(store, endpoint);

            try {
                agenda.sendDue();
            } finally {
                ConnectionNestingGuard.refuseConnections(round, 0);
            }
            clock.advance(settings.lease().plusSeconds(1));
            agenda.runDue();

            var after = delivery(store, endpoint, id);
            assertThat(receiver.webhookIds).as("sent once, not again when the lease ran out").hasSize(1);
            assertThat(after.get("status").asString()).isEqualTo("succeeded");
            assertThat(after.get("attempt_count").asInt()).isEqualTo(1);
        }
    }
}
