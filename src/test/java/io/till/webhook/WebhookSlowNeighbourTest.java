package io.till.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.event.EventSignal;
import io.till.shared.TestClockSync;
import io.till.testing.Api;
import io.till.testing.Await;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A receiver that hangs holds up its own deliveries only: the background senders keep delivering every other
 * endpoint's events while its calls are open, and do not queue more calls to its host than Till makes at once. (Rounds
 * used to wait for their slowest receiver: one endpoint that hangs for the whole timeout held back every account's
 * webhooks for as long, on every round that claimed one of its deliveries.)
 */
@TillIntegrationTest
class WebhookSlowNeighbourTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    WebhookAgenda agenda;
    @Autowired
    WebhookDispatcher dispatcher;
    @Autowired
    TestClockSync testClock;
    @Autowired
    EventSignal events;
    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient db;

    WebhookWorkers workers;

    void startWorkers() {
        workers = new WebhookWorkers(agenda, dispatcher, testClock, events,
            new WebhookSettings(true, 2, 50, Duration.ofSeconds(1), Duration.ofSeconds(120)));
        workers.start();
    }

    @AfterEach
    void stopWorkers() throws Exception {
        if (workers != null) {
            workers.stop();
        }
        io.till.testing.TestClockChecks.advanceGoesThrough(testClock);
    }

    String endpoint(TestAccounts.TestAccount store, String url, String... types) {
        var created = api.post("/api/v1/webhook_endpoints", store.apiKey(), """
            {"url": "%s", "event_types": ["%s"]}""".formatted(url, String.join("\", \"", types)));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    void post(TestAccounts.TestAccount store, String type) {
        var posted = api.post("/api/v1/events", store.apiKey(), "{\"type\": \"%s\", \"data\": {}}".formatted(type));
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
    }

    List<JsonNode> deliveries(TestAccounts.TestAccount store, String endpoint) {
        var all = new ArrayList<JsonNode>();
        api.get("/api/v1/webhook_endpoints/" + endpoint + "/deliveries?limit=100", store.apiKey()).json().get("data")
            .forEach(all::add);
        return all;
    }

    @Test
    void aReceiverThatHangsHoldsUpOnlyItsOwnDeliveries() {
        var store = accounts.create();
        var other = accounts.create();
        try (var hanging = Receiver.holding(); var quick = new Receiver()) {
            String slow = endpoint(store, hanging.url("/hooks"), "acme.order");
            String fast = endpoint(other, quick.url("/hooks"), "acme.order");
            startWorkers();

            // Each sender gets a call that hangs: as many rounds as there are senders would be waiting on it.
            post(store, "acme.order");
            Await.until("the first call reached the hanging receiver", () -> hanging.requests().size() == 1);
            post(store, "acme.order");
            Await.until("the second call reached the hanging receiver", () -> hanging.requests().size() == 2);
            for (int i = 0; i < 3; i++) {
                post(other, "acme.order");
            }

            Await.until("the other account's three events delivered", () -> deliveries(other, fast).stream()
                .filter(d -> d.get("status").asString().equals("succeeded")).count() == 3);
            assertThat(quick.requests()).hasSize(3);
            assertThat(deliveries(store, slow)).as("still on the wire").extracting(d -> d.get("attempt_count").asInt())
                .containsOnly(0);

            hanging.release();
            Await.until("the hanging receiver's answers were written back",
                () -> deliveries(store, slow).stream().allMatch(d -> d.get("status").asString().equals("succeeded")));
            assertThat(hanging.requests()).hasSize(2);
            assertThat(quick.requests()).hasSize(3);
        }
    }

    @Test
    void callsBeyondWhatTillMakesToOneHostAtOnceWaitUnsentWhileOtherHostsAreCalled() {
        var store = accounts.create();
        try (var hanging = Receiver.holding(); var quick = new Receiver()) {
            String slow = endpoint(store, hanging.url("/hooks"), "acme.order");
            String fast = endpoint(store, quick.url("/hooks"), "acme.paid");
            for (int i = 0; i < 12; i++) {
                post(store, "acme.order");
            }
            startWorkers();

            Await.until("ten calls open at the hanging receiver", () -> hanging.requests().size() == 10);
            Await.until("the two beyond them set to wait, unsent", () -> deliveries(store, slow).stream()
                .filter(d -> d.path("last_error").asString("").contains("was not sent")).count() == 2);
            post(store, "acme.paid");
            Await.until("the other host's delivery made meanwhile", () -> deliveries(store, fast).stream()
                .anyMatch(d -> d.get("status").asString().equals("succeeded")));

            var waiting = deliveries(store, slow).stream()
                .filter(d -> d.path("last_error").asString("").contains("was not sent")).toList();
            assertThat(waiting).extracting(d -> d.get("status").asString()).containsOnly("pending");
            assertThat(waiting).as("not one of their attempts").extracting(d -> d.get("attempt_count").asInt())
                .containsOnly(0);
            assertThat(hanging.requests()).hasSize(10);
            assertThat(quick.requests()).hasSize(1);
        }
    }

    /**
     * A node stopping (a deploy) while a call hangs: the call is cut short and logged as an attempt that got no answer,
     * and the delivery stays pending for its next attempt, rather than left to its lease with nothing said.
     */
    @Test
    void stoppingCutsTheCallsOnTheWireShortAndLogsThem() {
        var store = accounts.create();
        try (var hanging = Receiver.holding()) {
            String slow = endpoint(store, hanging.url("/hooks"), "acme.order");
            startWorkers();
            post(store, "acme.order");
            Await.until("the call reached the receiver", () -> hanging.requests().size() == 1);

            workers.stop();

            var cut = deliveries(store, slow).getFirst();
            assertThat(cut.get("status").asString()).isEqualTo("pending");
            assertThat(cut.get("attempt_count").asInt()).as("logged as cut short").isEqualTo(1);
            assertThat(cut.get("next_attempt_at").isNull()).isFalse();
        }
    }

    /**
     * A reviewer's: cut short at its tenth attempt, a delivery was exhausted (and its endpoint marked failing) though
     * the receiver did nothing wrong. Cut short, an attempt is made again at once whatever its number.
     */
    @Test
    void anAttemptCutShortByTheNodeStoppingNeverExhaustsTheDelivery() {
        var store = accounts.create();
        try (var hanging = Receiver.holding()) {
            String slow = endpoint(store, hanging.url("/hooks"), "acme.order");
            post(store, "acme.order");
            agenda.matchEvents();
            assertThat(db.sql("UPDATE webhook_deliveries SET attempt_count = 9 WHERE endpoint_id = :endpoint")
                .param("endpoint", slow).update()).isEqualTo(1);
            startWorkers();
            Await.until("the tenth attempt reached the receiver", () -> hanging.requests().size() == 1);

            workers.stop();

            var cut = deliveries(store, slow).getFirst();
            assertThat(cut.get("status").asString()).isEqualTo("pending");
            assertThat(cut.get("attempt_count").asInt()).isEqualTo(10);
            assertThat(cut.get("last_error").asString()).startsWith("cut short");
            assertThat(cut.get("next_attempt_at").isNull()).isFalse();
        }
    }
}
