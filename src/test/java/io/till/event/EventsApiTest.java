package io.till.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.automation.AutomationAgenda;
import io.till.testing.Api;
import io.till.testing.Await;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

@TillIntegrationTest
class EventsApiTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    Events events;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void recordsACustomEventInTheEnvelope() {
        var store = accounts.create();

        var posted = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.signup", "data": {"plan": "pro", "seats": 3}}""");

        assertThat(posted.status()).isEqualTo(201);
        var event = posted.json();
        assertThat(event.get("id").asString()).startsWith("evt_");
        assertThat(event.get("type").asString()).isEqualTo("acme.signup");
        assertThat(event.get("account_id").asString()).isEqualTo(store.id());
        assertThat(event.has("occurred_at")).isTrue();
        assertThat(event.get("data").get("plan").asString()).isEqualTo("pro");
        assertThat(api.get("/api/v1/events/" + event.get("id").asString(), store.apiKey()).json()).isEqualTo(event);
    }

    @Test
    void attachesTheNamedCustomerToACustomEvent() {
        var store = accounts.create();
        var customer = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada Lovelace", "email": "ada@example.com"}""").json();
        String customerId = customer.get("id").asString();

        var event = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.signup", "customer_id": "%s", "data": {}}""".formatted(customerId)).json();

        assertThat(event.get("customer_id").asString()).isEqualTo(customerId);
        assertThat(event.get("data").get("customer")).isEqualTo(customer);
    }

    @Test
    void refusesReservedTypesForeignCustomersAndNonObjects() {
        var alice = accounts.create();
        var bob = accounts.create();
        String bobsCustomer = api.post("/api/v1/customers", bob.apiKey(), """
            {"name": "Bob", "email": "bob@example.com"}""").json().get("id").asString();

        var reserved = api.post("/api/v1/events", alice.apiKey(), "{\"type\": \"payment.failed\"}");
        var foreign = api.post("/api/v1/events", alice.apiKey(), """
            {"type": "acme.signup", "customer_id": "%s", "data": [1]}""".formatted(bobsCustomer));
        var malformed = api.post("/api/v1/events", alice.apiKey(), "{\"type\": \"Signup\"}");

        assertThat(reserved.status()).isEqualTo(400);
        assertThat(reserved.json().get("errors").get(0).get("code").asString()).isEqualTo("reserved");
        assertThat(foreign.status()).isEqualTo(400);
        assertThat(fields(foreign.json().get("errors"))).containsExactly("data", "customer_id");
        assertThat(malformed.json().get("errors").get(0).get("field").asString()).isEqualTo("type");
        assertThat(api.get("/api/v1/events", alice.apiKey()).json().get("data")).isEmpty();
    }

    @Test
    void anEventCannotNameItsOwnCustomerInItsDataWithOrWithoutACustomerId() {
        var store = accounts.create();
        String customer = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada", "email": "ada@example.com"}""").json().get("id").asString();

        // Automations read {{customer.…}} from it: a form field forwarded into data must not choose who that is.
        var spoofed = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.who", "data": {"customer": {"id": "%s", "email": "evil@attacker.test"}}}"""
            .formatted(customer));

        assertThat(spoofed.status()).isEqualTo(400);
        assertThat(spoofed.json().get("errors").get(0).get("field").asString()).isEqualTo("data.customer");
        assertThat(spoofed.json().get("errors").get(0).get("code").asString()).isEqualTo("reserved");
        assertThat(api.get("/api/v1/events?type=acme.who", store.apiKey()).json().get("data")).isEmpty();
    }

    /**
     * What Till's own events carry to make automations pass them by cannot be posted: skip_automations switched every
     * automation of the type off for that event, and a caused_by echoed back from a webhook's payload kept the
     * automation it names from starting, as if its own run had set the event off.
     */
    @Test
    void anEventCannotSayThatAutomationsPassItBy() {
        var store = accounts.create();

        var quiet = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.signup", "data": {"skip_automations": true}}""");
        var echoed = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.signup", "data": {"caused_by": {"execution_id": "exe_01knd6p0f3c2y7a9v4w8x5z1q0"}}}""");
        var inBatch = api.post("/api/v1/events/batch", store.apiKey(), """
            {"events": [{"type": "acme.signup", "data": {"plan": "pro"}},
                        {"type": "acme.signup", "data": {"skip_automations": "true"}}]}""");

        assertThat(quiet.status()).isEqualTo(400);
        assertThat(quiet.json().get("errors").get(0).get("field").asString()).isEqualTo("data.skip_automations");
        assertThat(quiet.json().get("errors").get(0).get("code").asString()).isEqualTo("reserved");
        assertThat(echoed.status()).isEqualTo(400);
        assertThat(echoed.json().get("errors").get(0).get("field").asString()).isEqualTo("data.caused_by");
        assertThat(inBatch.status()).isEqualTo(400);
        assertThat(inBatch.text()).contains("events[1].data.skip_automations");
        assertThat(api.get("/api/v1/events", store.apiKey()).json().get("data")).isEmpty();
    }

    @Test
    void refusesTheTypesTillSendsToWebhookEndpointsItself() {
        var store = accounts.create();

        var test = api.post("/api/v1/events", store.apiKey(), "{\"type\": \"webhook.test\", \"data\": {}}");
        var step = api.post("/api/v1/events", store.apiKey(), "{\"type\": \"automation.webhook\", \"data\": {}}");

        assertThat(test.status()).as(test.text()).isEqualTo(400);
        assertThat(test.json().get("errors").get(0).get("code").asString()).isEqualTo("reserved");
        assertThat(step.status()).as(step.text()).isEqualTo(400);
        assertThat(step.json().get("errors").get(0).get("code").asString()).isEqualTo("reserved");
        assertThat(api.get("/api/v1/events", store.apiKey()).json().get("data")).isEmpty();
    }

    @Test
    void recordsARetriedCustomEventOnceWithAnIdempotencyKey() {
        var store = accounts.create();
        String key = UUID.randomUUID().toString();

        var first = api.post("/api/v1/events", store.apiKey(), "{\"type\":\"acme.paid\"}", "Idempotency-Key", key);
        var retry = api.post("/api/v1/events", store.apiKey(), "{\"type\":\"acme.paid\"}", "Idempotency-Key", key);

        assertThat(retry.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(api.get("/api/v1/events", store.apiKey()).json().get("data")).hasSize(1);
    }

    @Test
    void listsNewestFirstAndFiltersByType() {
        var store = accounts.create();
        for (String type : List.of("acme.one", "acme.two", "acme.one")) {
            api.post("/api/v1/events", store.apiKey(), "{\"type\":\"" + type + "\"}");
        }

        var all = api.get("/api/v1/events", store.apiKey()).json().get("data");
        var ones = api.get("/api/v1/events?type=acme.one", store.apiKey()).json().get("data");

        assertThat(types(all)).containsExactly("acme.one", "acme.two", "acme.one");
        assertThat(ids(all)).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(types(ones)).containsExactly("acme.one", "acme.one");
    }

    /**
     * A change that recorded an event and commits after a younger event was read is still read by the poller that
     * passed the younger one: a review found the feed ordered by id alone, ids taken when an event is recorded, so the
     * older event, committed late, was never listed after the cursor.
     */
    @Test
    void anEventCommittedAfterAYoungerOneWasReadIsStillReadByThePoller() {
        var store = accounts.create();
        String start = api.post("/api/v1/events", store.apiKey(), "{\"type\":\"acme.start\"}").json().get("id")
            .asString();
        var seen = new ArrayList<String>();
        var cursor = new String[]{start};

        var written = new TransactionTemplate(transactions).execute(status -> {
            String older = events
                .recordCustom(store.id(), new Events.Custom("acme.older", null, JsonNodeFactory.instance.objectNode()))
                .id();
            String younger = api.post("/api/v1/events", store.apiKey(), "{\"type\":\"acme.younger\"}").json().get(
                "id").asString();
            assertThat(younger).isGreaterThan(older);
            api.get("/api/v1/events?after=" + cursor[0], store.apiKey()).json().get("data").forEach(event -> {
                seen.add(event.get("id").asString());
                cursor[0] = event.get("id").asString();
            });
            return List.of(older, younger);
        });
        api.get("/api/v1/events?after=" + cursor[0], store.apiKey()).json().get("data").forEach(event -> seen.add(
            event.get("id").asString()));

        assertThat(seen).as("every event once, the older's change first").containsExactlyElementsOf(written);
    }

    @Test
    void readsTheFeedInOrderAfterAGivenEvent() {
        var store = accounts.create();
        var ids = new ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            ids.add(api.post("/api/v1/events", store.apiKey(), "{\"type\":\"acme.tick\",\"data\":{\"n\":" + i + "}}")
                .json().get("id").asString());
        }

        // Listed once every transaction begun before theirs has ended (the engine's own, at work beside the test).
        Await.until("the feed lists the four", () -> api.get("/api/v1/events?after=" + ids.get(0), store.apiKey())
            .json().get("data").size() == 4);
        var firstPage = api.get("/api/v1/events?limit=2&after=" + ids.get(0), store.apiKey()).json();
        var secondPage = api.get("/api/v1/events?limit=2&after=" + ids.get(0) + "&cursor="
            + firstPage.get("next_cursor").asString(), store.apiKey()).json();

        assertThat(ids(firstPage.get("data"))).containsExactly(ids.get(1), ids.get(2));
        assertThat(ids(secondPage.get("data"))).containsExactly(ids.get(3), ids.get(4));
        assertThat(secondPage.get("has_more").asBoolean()).isFalse();
    }

    /**
     * A reviewer's: the feed read after an event this account never recorded (another account's, a sandbox's id used
     * with the live key) started again from the first event, and a poller reprocessed its whole history.
     */
    @Test
    void theFeedAfterAnEventThisAccountNeverRecordedIsRefused() {
        var alice = accounts.create();
        var bob = accounts.create();
        api.post("/api/v1/events", alice.apiKey(), "{\"type\":\"acme.first\"}");
        String bobs = api.post("/api/v1/events", bob.apiKey(), "{\"type\":\"acme.bob\"}").json().get("id")
            .asString();

        var refused = api.get("/api/v1/events?after=" + bobs, alice.apiKey());
        var unknown = api.get("/api/v1/events?after=evt_" + "0".repeat(26), alice.apiKey());

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("after");
        assertThat(refused.json().get("errors").get(0).get("code").asString()).isEqualTo("not_found");
        assertThat(unknown.status()).isEqualTo(400);
    }

    @Test
    void hidesAnotherAccountsEvents() {
        var alice = accounts.create();
        var bob = accounts.create();
        String id = api.post("/api/v1/events", alice.apiKey(), "{\"type\":\"acme.secret\"}").json().get("id")
            .asString();

        assertThat(api.get("/api/v1/events/" + id, bob.apiKey()).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/events", bob.apiKey()).json().get("data")).isEmpty();
    }

    private static List<String> types(JsonNode events) {
        var out = new ArrayList<String>();
        events.forEach(node -> out.add(node.get("type").asString()));
        return out;
    }

    private static List<String> ids(JsonNode events) {
        var out = new ArrayList<String>();
        events.forEach(node -> out.add(node.get("id").asString()));
        return out;
    }

    private static List<String> fields(JsonNode errors) {
        var out = new ArrayList<String>();
        errors.forEach(node -> out.add(node.get("field").asString()));
        return out;
    }

    @Test
    void recordsABatchWhollyOrNotAtAll() {
        var store = accounts.create();

        var bad = api.post("/api/v1/events/batch", store.apiKey(), """
            {"events": [{"type": "acme.one", "data": {}}, {"type": "payment.fake"}, {"type": "acme.three",
             "data": [1]}]}""");
        var good = api.post("/api/v1/events/batch", store.apiKey(), """
            {"events": [{"type": "acme.one", "data": {"n": 1}}, {"type": "acme.two"}]}""");
        var empty = api.post("/api/v1/events/batch", store.apiKey(), "{\"events\": []}");

        assertThat(bad.status()).isEqualTo(400);
        var fields = new java.util.ArrayList<String>();
        bad.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactly("events[1].type", "events[2].data");
        assertThat(good.status()).as(good.text()).isEqualTo(201);
        assertThat(good.json().get("data")).hasSize(2);
        assertThat(empty.status()).isEqualTo(400);
        var types = new java.util.ArrayList<String>();
        api.get("/api/v1/events", store.apiKey()).json().get("data").forEach(e -> types.add(e.get("type")
            .asString()));
        assertThat(types).containsExactly("acme.two", "acme.one");
    }

    @Test
    void singleEventsPostedAtTheSameMomentAreEachRecordedOnceAndEachStartsItsRun() throws Exception {
        var store = accounts.create();
        String customer = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada", "email": "ada@example.com"}""").json().get("id").asString();
        String automation = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Record", "trigger": {"type": "event", "event": "acme.concurrent"},
             "steps": [{"id": "only", "type": "action", "action": "test.record"}]}""").json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + automation + "/activate", store.apiKey(), null).status())
            .isEqualTo(200);
        int count = 48;

        var answers = new ConcurrentHashMap<Integer, JsonNode>();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            var start = new CountDownLatch(1);
            for (int i = 0; i < count; i++) {
                int n = i;
                clients.submit(() -> {
                    start.await();
                    var posted = api.post("/api/v1/events", store.apiKey(), """
                        {"type": "acme.concurrent", %s"data": {"n": %d}}""".formatted(
                        n % 2 == 0 ? "\"customer_id\": \"" + customer + "\", " : "", n));
                    assertThat(posted.status()).as(posted.text()).isEqualTo(201);
                    answers.put(n, posted.json());
                    return null;
                });
            }
            start.countDown();
        }

        assertThat(answers).hasSize(count);
        answers.forEach((n, event) -> {
            var stored = api.get("/api/v1/events/" + event.get("id").asString(), store.apiKey()).json();
            assertThat(stored).as("event %d as stored", n).isEqualTo(event);
            assertThat(stored.get("data").get("n").asInt()).isEqualTo(n);
            assertThat(stored.get("customer_id").isNull()).as("event %d has no customer", n).isEqualTo(n % 2 == 1);
        });
        assertThat(db.sql("SELECT count(*) FROM events WHERE account_id = :id AND type = 'acme.concurrent'")
            .param("id", store.id())
            .query(Long.class).single()).isEqualTo(count);
        agenda.runDue();
        var started = db.sql("SELECT trigger_key FROM executions WHERE automation_id = :id")
            .param("id", automation).query(String.class).list();
        assertThat(started).as("one run per event").containsExactlyInAnyOrderElementsOf(
            answers.values().stream().map(e -> e.get("id").asString()).toList());
    }

    /** A probe's 1.0000000000000000000000001 was stored as 1.0, and the answer to the post differed from a read. */
    @Test
    void keepsTheNumbersOfAnEventsDataAsSent() {
        var store = accounts.create();

        var posted = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.measured", "data": {"n": 1.0000000000000000000000001, "big": 9007199254740993.0,
             "huge": 1.2345678901234568E29, "count": 9007199254740993}}""");
        var read = api.get("/api/v1/events/" + posted.json().get("id").asString(), store.apiKey());

        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
        for (var answer : java.util.List.of(posted, read)) {
            assertThat(answer.text()).contains("\"n\":1.0000000000000000000000001", "\"big\":9007199254740993.0",
                "\"huge\":123456789012345680000000000000", "\"count\":9007199254740993");
        }
    }
}
