package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.till.shared.Timestamps;
import io.till.testing.Api;
import io.till.testing.Await;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * wait_for_event (PRODUCT.md §4): a run waits at the step until an event of the type about its customer (and, with
 * match, the same record as its trigger) arrives, or its timeout passes; later steps read which.
 */
@TillIntegrationTest
class WaitForEventTest {

    /** Waits up to 3 days for %s (matched on %s), then tags by whether it came. */
    private static final String FOLLOW_UP = """
        {"name": "Cart follow-up", "trigger": {"type": "event", "event": "acme.cart_abandoned"},
         "steps": [{"id": "paid", "type": "wait_for_event", "event": "acme.order_paid", "match": "%s",
                    "timeout": "P3D"},
                   {"id": "came", "type": "branch",
                    "if": {"all": [{"field": "steps.paid.output.received", "op": "eq", "value": true}]},
                    "then": [{"id": "thanks", "type": "action", "action": "add_tag", "params": {"tag": "paid"}}],
                    "else": [{"id": "nudge", "type": "action", "action": "add_tag", "params": {"tag": "never_paid"}}]}]}""";

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    Triggers triggers;
    @Autowired
    JdbcClient db;
    @Autowired
    MutableClock clock;
    @Autowired
    ExecutionQueue queue;
    @Autowired
    ExecutionResults results;
    @Autowired
    JsonMapper json;
    @Autowired
    ExecutionWaits waits;
    @Autowired
    HikariDataSource dataSource;

    private long waits(String execution) {
        return db.sql("SELECT count(*) FROM execution_waits WHERE execution_id = :id").param("id", execution)
            .query(Long.class).single();
    }

    @Test
    void theEventAboutTheCustomerEndsTheWaitAtOnceAndLaterStepsReadIt() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String bob = shop.customer("Bob");
        String automation = shop.activate(FOLLOW_UP.formatted("customer"));
        shop.post("acme.cart_abandoned", ada, "{}");
        agenda.runDue();
        JsonNode waiting = shop.onlyRun(automation, ada);
        assertThat(waiting.get("status").asString()).isEqualTo("waiting");
        assertThat(StoreApi.log(waiting)).containsExactly("paid:waiting");
        assertThat(waiting.get("steps").get(0).get("output").get("event").asString()).isEqualTo("acme.order_paid");

        // Another customer's payment is not Ada's.
        shop.post("acme.order_paid", bob, "{}");
        agenda.runDue();
        assertThat(shop.onlyRun(automation, ada).get("status").asString()).isEqualTo("waiting");

        String paid = shop.post("acme.order_paid", ada, "{\"order\": {\"id\": \"ord_1\"}}");
        agenda.runDue();

        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(StoreApi.log(run)).containsExactly("paid:waiting", "paid:succeeded", "came:succeeded",
            "thanks:succeeded");
        JsonNode output = run.get("steps").get(1).get("output");
        assertThat(output.get("received").asBoolean()).isTrue();
        assertThat(output.get("event").get("id").asString()).isEqualTo(paid);
        assertThat(output.get("event").get("data").get("order").get("id").asString()).isEqualTo("ord_1");
        assertThat(shop.tags(ada)).containsExactly("paid");
        assertThat(waits(run.get("id").asString())).isZero();
    }

    /**
     * An event staff let pass quietly (skip_automations) wakes no wait, and the wait that times out does not take it
     * for the event it waited for: the matcher skipped it, and a run woken at its timeout once counted it as received.
     */
    @Test
    void anEventLetPassQuietlyIsNotTheEventAWaitGets() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(FOLLOW_UP.formatted("customer"));
        shop.post("acme.cart_abandoned", ada, "{}");
        agenda.runDue();
        shop.advance("PT1H");
        String paid = shop.post("acme.order_paid", ada, "{}");
        // Marked as Till marks its own events of a change staff let pass quietly (a posted event cannot say so).
        db.sql("UPDATE events SET data = data || '{\"skip_automations\": true}' WHERE id = :id").param("id", paid)
            .update();
        db.sql("UPDATE event_inbox SET skip_automations = true WHERE event_id = :id").param("id", paid).update();
        agenda.runDue();

        shop.advance("P3DT1H");

        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("steps").get(1).get("output").get("received").asBoolean()).isFalse();
        assertThat(shop.tags(ada)).containsExactly("never_paid");
    }

    @Test
    void withoutTheEventTheWaitEndsAtItsTimeout() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(FOLLOW_UP.formatted("customer"));
        shop.post("acme.cart_abandoned", ada, "{}");
        agenda.runDue();

        shop.advance("P3DT1H");

        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(StoreApi.log(run)).containsExactly("paid:waiting", "paid:succeeded", "came:succeeded",
            "nudge:succeeded");
        assertThat(run.get("steps").get(1).get("output").get("received").asBoolean()).isFalse();
        assertThat(shop.tags(ada)).containsExactly("never_paid");
        assertThat(waits(run.get("id").asString())).isZero();
        // An event after the wait ended changes nothing.
        shop.post("acme.order_paid", ada, "{}");
        agenda.runDue();
        assertThat(shop.tags(ada)).containsExactly("never_paid");
    }

    @Test
    void anEventTheMatcherSawBeforeTheWaitWasWrittenIsNoticedAtTheTimeoutNeverLost() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(FOLLOW_UP.formatted("customer"));
        shop.post("acme.cart_abandoned", ada, "{}");
        agenda.runDue();
        // The event commits while the wait is being written, and the matcher takes it before it can see the wait:
        // here, it is taken from the inbox without matching.
        String paid = shop.post("acme.order_paid", ada, "{}");
        db.sql("DELETE FROM event_inbox WHERE event_id = :id").param("id", paid).update();
        agenda.runDue();
        assertThat(shop.onlyRun(automation, ada).get("status").asString()).isEqualTo("waiting");

        shop.advance("P3DT1H");

        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(StoreApi.log(run)).containsExactly("paid:waiting", "paid:succeeded", "came:succeeded",
            "thanks:succeeded");
        assertThat(run.get("steps").get(1).get("output").get("event").get("id").asString()).isEqualTo(paid);
    }

    /**
     * Two payments of Ada's matched by two nodes at once, the later one's batch first: the wait ends with the first
     * payment, as it would have one node after the other. The later one's node noted it, and the earlier one's found
     * the wait taken and left it so.
     */
    @Test
    void twoEventsMatchedOutOfOrderEndTheWaitWithTheEarlierOne() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(FOLLOW_UP.formatted("customer"));
        shop.post("acme.cart_abandoned", ada, "{}");
        agenda.runDue();
        String first = shop.post("acme.order_paid", ada, "{\"order\": {\"id\": \"ord_1\"}}");
        String second = shop.post("acme.order_paid", ada, "{\"order\": {\"id\": \"ord_2\"}}");
        db.sql("DELETE FROM event_inbox WHERE event_id IN (:ids)").param("ids", List.of(first, second)).update();

        waits.arrive(List.of(new EventCancels.Arrival(second, store.id(), "acme.order_paid", ada)), clock.instant());
        waits.arrive(List.of(new EventCancels.Arrival(first, store.id(), "acme.order_paid", ada)), clock.instant());
        agenda.runDue();

        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(run.get("steps").get(1).get("output").get("event").get("id").asString()).isEqualTo(first);
    }

    @Test
    void anEventRecordedWhileTheWaitWasWrittenEndsItAtOnceNotAtTheTimeout() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(FOLLOW_UP.formatted("customer"));
        shop.post("acme.cart_abandoned", ada, "{}");
        triggers.matchEvents(AutomationAgenda.EVENT_BATCH);
        // The payment is recorded, and matched by another node, while the run decides to wait and writes its wait
        // (the test clock stands still: it happens at the moment the wait begins).
        String paid = shop.post("acme.order_paid", ada, "{}");
        db.sql("DELETE FROM event_inbox WHERE event_id = :id").param("id", paid).update();
        agenda.runDue();

        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(run.get("steps").get(1).get("output").get("event").get("id").asString()).isEqualTo(paid);
        assertThat(shop.tags(ada)).containsExactly("paid");
    }

    /**
     * The payment commits while the save that enters the wait is being written (after the statement began, before it
     * committed), and its matcher ran before the wait could be seen: neither saw the other, and the run took the
     * payment only at its timeout, days late. The save looks again once committed.
     */
    @Test
    void anEventCommittedWhileTheSaveEnteringTheWaitRanEndsTheWaitAtOnce() throws Exception {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(FOLLOW_UP.formatted("customer"));
        shop.post("acme.cart_abandoned", ada, "{}");
        triggers.matchEvents(AutomationAgenda.EVENT_BATCH);
        String execution = db.sql("SELECT id FROM executions WHERE automation_id = :id").param("id", automation)
            .query(String.class).single();
        // Recorded as another type: no matcher takes it as the payment (as if one had, before the wait was there).
        String paid = shop.post("acme.order_pending", ada, "{}");

        // Connections of their own: the pool's are the round's.
        try (var other = DriverManager.getConnection(dataSource.getJdbcUrl(), dataSource.getUsername(),
            dataSource.getPassword());
            var watch = DriverManager.getConnection(dataSource.getJdbcUrl(),
                dataSource.getUsername(), dataSource.getPassword());
            var round = Executors.newSingleThreadExecutor()) {
            other.setAutoCommit(false);
            try (var becomesPayment = other.prepareStatement("UPDATE events SET type = 'acme.order_paid' WHERE id = ?");
                var holdsTimer = other.prepareStatement("INSERT INTO execution_timers (execution_id, account_id, "
                    + "fire_at) VALUES (?, ?, 'infinity')")) {
                becomesPayment.setString(1, paid);
                becomesPayment.executeUpdate();
                holdsTimer.setString(1, execution);
                holdsTimer.setString(2, store.id());
                holdsTimer.executeUpdate();
            }
            var running = round.submit(agenda::runDue);
            // The save's statement has begun (it waits for the timer row this transaction holds): the payment
            // commits now, after the statement's snapshot was taken.
            Await.until("the save waits for the timer row", () -> waiting(watch));
            other.commit();
            running.get(1, TimeUnit.MINUTES);
        }
        agenda.runDue();

        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(run.get("steps").get(1).get("output").get("event").get("id").asString()).isEqualTo(paid);
        assertThat(shop.tags(ada)).containsExactly("paid");
    }

    private static boolean waiting(Connection watch) {
        try (var locks = watch.createStatement().executeQuery("SELECT count(*) FROM pg_locks WHERE NOT granted")) {
            return locks.next() && locks.getLong(1) > 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for acme.done after acme.start, through %s; tags by whether it came. */
    private static final String START_DONE = """
        {"name": "Start and done", "trigger": {"type": "event", "event": "acme.start"},
         "steps": [%s
                   {"id": "done", "type": "wait_for_event", "event": "acme.done", "match": "customer",
                    "timeout": "PT3H"},
                   {"id": "came", "type": "branch",
                    "if": {"all": [{"field": "steps.done.output.received", "op": "eq", "value": true}]},
                    "then": [{"id": "yes", "type": "action", "action": "add_tag", "params": {"tag": "done"}}],
                    "else": [{"id": "no", "type": "action", "action": "add_tag", "params": {"tag": "never_done"}}]}]}""";

    @Test
    void anEventAfterTheTriggerButBeforeTheRunReachedTheWaitEndsIt() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(START_DONE.formatted(
            "{\"id\": \"first\", \"type\": \"action\", \"action\": \"add_tag\", \"params\": {\"tag\": \"started\"}},"));
        shop.post("acme.start", ada, "{}");
        clock.passRealTime(Duration.ofMillis(4));
        String done = shop.post("acme.done", ada, "{}");
        clock.passRealTime(Duration.ofSeconds(1));

        agenda.runDue();

        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(StoreApi.log(run)).containsExactly("first:succeeded", "done:waiting", "done:succeeded",
            "came:succeeded", "yes:succeeded");
        assertThat(run.get("steps").get(2).get("output").get("event").get("id").asString()).isEqualTo(done);
    }

    @Test
    void anEventPostedInTheTriggersBatchAfterItEndsTheWaitOfALaterStep() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(START_DONE.formatted(
            "{\"id\": \"later\", \"type\": \"delay\", \"duration\": \"PT1H\"},"));
        var posted = api.post("/api/v1/events/batch", store.apiKey(), """
            {"events": [{"type": "acme.start", "customer_id": "%1$s"}, {"type": "acme.done", "customer_id": "%1$s"}]}"""
            .formatted(ada));
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
        agenda.runDue();

        shop.advance("PT1H1M");

        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(StoreApi.log(run)).containsExactly("later:waiting", "later:succeeded", "done:waiting",
            "done:succeeded", "came:succeeded", "yes:succeeded");
        assertThat(shop.tags(ada)).containsExactly("done");
    }

    @Test
    void anEventBeforeTheTriggerNeverEndsTheWaitEvenAtTheSameInstant() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(START_DONE.formatted(""));
        // The clock stands still: both happen at the same instant, the done first.
        shop.post("acme.done", ada, "{}");
        shop.post("acme.start", ada, "{}");
        agenda.runDue();
        assertThat(shop.onlyRun(automation, ada).get("status").asString()).isEqualTo("waiting");

        shop.advance("PT3H1M");

        assertThat(shop.onlyRun(automation, ada).get("status").asString()).isEqualTo("succeeded");
        assertThat(shop.tags(ada)).containsExactly("never_done");
    }

    @Test
    void eachWaitOfALoopTakesAnEventNoEarlierWaitOfTheRunTook() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate("""
            {"name": "Twice", "trigger": {"type": "event", "event": "acme.start"},
             "steps": [{"id": "each", "type": "loop", "over": "event.data.items", "max": 3,
                        "steps": [{"id": "done", "type": "wait_for_event", "event": "acme.done", "match": "customer",
                                   "timeout": "PT1H"}]},
                       {"id": "last", "type": "action", "action": "add_tag",
                        "params": {"tag": "looped"}}]}""");
        shop.post("acme.start", ada, "{\"items\": [1, 2, 3]}");
        String first = shop.post("acme.done", ada, "{}");
        agenda.runDue();
        // The second wait began at the instant the first event happened (the clock stands still), and a timeout
        // between the two must not let the third take the first's event again.
        shop.advance("PT1H1M");
        shop.advance("PT1H1M");

        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        var received = new ArrayList<String>();
        run.get("steps").forEach(s -> {
            if (s.get("step_id").asString().equals("done") && s.get("status").asString().equals("succeeded")) {
                received.add(s.get("output").get("received").asBoolean()
                    ? s.get("output").get("event").get("id").asString()
                    : "timed out");
            }
        });
        assertThat(received).containsExactly(first, "timed out", "timed out");
        assertThat(shop.tags(ada)).containsExactly("looped");
    }

    @Test
    void withAMatchOnARecordOnlyThatRecordsEventEndsItsWait() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(FOLLOW_UP.formatted("order"));
        shop.post("acme.cart_abandoned", ada, "{\"order\": {\"id\": \"ord_one\"}}");
        shop.post("acme.cart_abandoned", ada, "{\"order\": {\"id\": \"ord_two\"}}");
        agenda.runDue();

        shop.post("acme.order_paid", ada, "{\"order\": {\"id\": \"ord_two\"}}");
        shop.post("acme.order_paid", ada, "{}");
        agenda.runDue();

        assertThat(shop.runs(automation, ada)).extracting(run -> run.get("trigger").get("data").get("order")
            .get("id").asString() + ":" + run.get("status").asString()).containsExactly("ord_one:waiting",
                "ord_two:succeeded");
    }

    /**
     * Fails the waiting run where it stands, as a step whose result PostgreSQL refused fails it: woken (as an arrival
     * wakes it), claimed, and written back failed with its state as claimed, at its wait; its wait's row goes.
     */
    private void failWhileWaiting(String execution) {
        agenda.runDue();
        Instant now = Timestamps.now(clock);
        db.sql("DELETE FROM execution_timers WHERE execution_id = :id").param("id", execution).update();
        db.sql("""
            INSERT INTO execution_queue (execution_id, account_id, due_at)
            SELECT id, account_id, :now FROM executions WHERE id = :id""")
            .param("id", execution).param("now", Timestamps.of(now)).update();
        UUID token = UUID.randomUUID();
        var claimed = queue.claim(token, 100, now, Duration.ofSeconds(30)).stream()
            .filter(c -> c.id().equals(execution)).findFirst().orElseThrow();
        results.save(token, List.of(new ExecutionResults.Written(claimed, "waiting", claimed.state(), null, null,
            List.of()).refused(json)), now);
        assertThat(waits(execution)).isZero();
    }

    private void retry(TestAccounts.TestAccount store, JsonNode run) {
        assertThat(run.get("status").asString()).isEqualTo("failed");
        var retried = api.post("/api/v1/executions/" + run.get("id").asString() + "/retry", store.apiKey(), null);
        assertThat(retried.status()).as(retried.text()).isEqualTo(200);
        agenda.runDue();
    }

    @Test
    void aRunRetriedAtItsWaitEndsAtTheDeadlineTheWaitFirstHadNotAFreshTimeoutLater() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(FOLLOW_UP.formatted("customer"));
        shop.post("acme.cart_abandoned", ada, "{}");
        agenda.runDue();
        JsonNode waiting = shop.onlyRun(automation, ada);
        String until = waiting.get("steps").get(0).get("output").get("until").asString();
        shop.advance("P1D");
        failWhileWaiting(waiting.get("id").asString());
        shop.advance("P1D");

        retry(store, shop.onlyRun(automation, ada));

        JsonNode again = shop.onlyRun(automation, ada);
        assertThat(again.get("status").asString()).isEqualTo("waiting");
        assertThat(Instant.parse(again.get("wake_at").asString())).isEqualTo(Instant.parse(until));
        assertThat(waits(again.get("id").asString())).isOne();
        shop.advance("P1DT1H");
        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(StoreApi.log(run)).containsExactly("paid:waiting", "paid:waiting", "paid:succeeded",
            "came:succeeded", "nudge:succeeded");
        assertThat(run.get("steps").get(2).get("output").get("timed_out_at").asString()).isEqualTo(until);
        assertThat(shop.tags(ada)).containsExactly("never_paid");
    }

    @Test
    void aRunRetriedAtItsWaitTakesTheEventThatCameWhileItStoodFailed() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(FOLLOW_UP.formatted("customer"));
        shop.post("acme.cart_abandoned", ada, "{}");
        agenda.runDue();
        shop.advance("P1D");
        failWhileWaiting(shop.onlyRun(automation, ada).get("id").asString());
        String paid = shop.post("acme.order_paid", ada, "{}");
        agenda.runDue();
        shop.advance("P1D");

        retry(store, shop.onlyRun(automation, ada));

        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(run.get("steps").get(2).get("output").get("event").get("id").asString()).isEqualTo(paid);
        assertThat(shop.tags(ada)).containsExactly("paid");
    }

    @Test
    void aRunRetriedAfterItsWaitsDeadlineTakesNoEventThatCameAfterThatDeadline() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(FOLLOW_UP.formatted("customer"));
        shop.post("acme.cart_abandoned", ada, "{}");
        agenda.runDue();
        String until = shop.onlyRun(automation, ada).get("steps").get(0).get("output").get("until").asString();
        shop.advance("P1D");
        failWhileWaiting(shop.onlyRun(automation, ada).get("id").asString());
        shop.advance("P3D");
        // Too late: the buyer's three days were over.
        shop.post("acme.order_paid", ada, "{}");
        agenda.runDue();

        retry(store, shop.onlyRun(automation, ada));

        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(run.get("steps").get(2).get("output").get("received").asBoolean()).isFalse();
        assertThat(run.get("steps").get(2).get("output").get("timed_out_at").asString()).isEqualTo(until);
        assertThat(shop.tags(ada)).containsExactly("never_paid");
    }

    @Test
    void aRunAboutNoRecordToWaitOnFailsAtTheStepSayingWhy() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(FOLLOW_UP.formatted("order"));
        shop.post("acme.cart_abandoned", ada, "{}");
        agenda.runDue();

        JsonNode run = shop.onlyRun(automation, ada);
        assertThat(run.get("status").asString()).isEqualTo("failed");
        assertThat(run.get("error").get("code").asString()).isEqualTo("nothing_to_match");
        assertThat(run.get("error").get("message").asString()).contains("no order to wait on");
    }

    @Test
    void aCanceledRunLeavesNoWaitBehind() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(FOLLOW_UP.formatted("customer"));
        shop.post("acme.cart_abandoned", ada, "{}");
        agenda.runDue();
        String id = shop.onlyRun(automation, ada).get("id").asString();
        assertThat(waits(id)).isOne();

        var canceled = api.post("/api/v1/executions/" + id + "/cancel", store.apiKey(), null);
        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);

        assertThat(waits(id)).isZero();
        shop.post("acme.order_paid", ada, "{}");
        agenda.runDue();
        assertThat(shop.onlyRun(automation, ada).get("status").asString()).isEqualTo("canceled");
        assertThat(shop.tags(ada)).isEmpty();
    }

    @Test
    void aDryRunShowsTheWaitEndingAtItsTimeout() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String ada = shop.customer("Ada");
        String automation = shop.activate(FOLLOW_UP.formatted("customer"));
        var tested = api.post("/api/v1/automations/" + automation + "/test", store.apiKey(), """
            {"event": {"type": "acme.cart_abandoned", "customer_id": "%s", "data": {}}}""".formatted(ada));
        assertThat(tested.status()).as(tested.text()).isEqualTo(200);
        var steps = new ArrayList<String>();
        tested.json().get("steps").forEach(s -> steps.add(s.get("step_id").asString() + ":" + s.get("status")
            .asString()));
        assertThat(steps).containsExactly("paid:waiting", "paid:succeeded", "came:succeeded", "nudge:succeeded");
    }

    /**
     * A reviewer's: the Test tab's sample data is about a made-up customer (Ada) without picking a real one, and every
     * wait failed as "about no customer", where a real event (always about its customer) waits.
     */
    @Test
    void aDryRunOfSampleDataAboutAMadeUpCustomerShowsTheWaitEndingAtItsTimeout() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        String automation = shop.activate(FOLLOW_UP.formatted("customer"));
        var tested = api.post("/api/v1/automations/" + automation + "/test", store.apiKey(), """
            {"event": {"type": "acme.cart_abandoned",
                       "data": {"customer": {"id": "cus_sample", "name": "Ada Lovelace"}}}}""");
        assertThat(tested.status()).as(tested.text()).isEqualTo(200);
        var steps = new ArrayList<String>();
        tested.json().get("steps").forEach(s -> steps.add(s.get("step_id").asString() + ":" + s.get("status")
            .asString()));
        assertThat(steps).startsWith("paid:waiting", "paid:succeeded", "came:succeeded");
        // What was tested is the sample as given.
        assertThat(tested.json().get("event").get("customer_id").isNull()).isTrue();
    }

    @Test
    void saysWhatIsWrongWithAWaitStep() {
        var store = accounts.create();
        var shop = new StoreApi(api, store);
        var refused = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Broken", "trigger": {"type": "event", "event": "acme.cart_abandoned"},
             "steps": [{"id": "w", "type": "wait_for_event", "event": "invoice.payd", "match": "planet"}]}""");

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        var fields = new ArrayList<String>();
        refused.json().get("errors").forEach(f -> fields.add(f.get("field").asString() + ":" + f.get("code")
            .asString()));
        assertThat(fields).containsExactly("steps[0].event:unknown_event", "steps[0].match:invalid_value",
            "steps[0].timeout:required");
    }
}
