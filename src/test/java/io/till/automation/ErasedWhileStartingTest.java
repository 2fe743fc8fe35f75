package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Await;
import io.till.testing.MutableClock;
import io.till.testing.PersonalDataSearch;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A customer is erased while a matcher is starting a run about them from one of their events, read before: the run
 * it writes must not bring back what the erasure took away. A probe found their email in a run's trigger after the
 * erasure had answered that they were gone, written by a matcher that had read the event a moment before.
 */
@TillIntegrationTest
class ErasedWhileStartingTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    ExecutionQueue queue;
    @Autowired
    Executions executions;
    @Autowired
    TransactionTemplate transaction;
    @Autowired
    MutableClock clock;
    @Autowired
    JdbcClient db;
    @Autowired
    JsonMapper json;

    private final String tag = PersonalDataSearch.letters(8);
    private final String surname = "Quux" + tag;
    private final String email = "zelda." + tag + "@quux.example";

    @Test
    void aRunDecidedFromAnEventReadBeforeItsCustomerWasErasedIsNotStartedAfterwardsThoughTheirErasureStartsRuns() {
        var shop = shop();
        // What a matcher read of the event before the erasure, and decided to start a run from.
        JsonNode snapshot = snapshot(shop.event());

        assertThat(erase(shop)).isEqualTo(200);
        List<String> started = transaction.execute(status -> queue.start(List.of(start(shop, snapshot)), clock
            .instant()));

        assertThat(started).as("nothing about them starts from what was read before").isEmpty();
        agenda.runDue();
        assertThat(executions.startedBy(shop.store().id(), shop.event())).as("nor from the event, matched now")
            .isEmpty();
        var byHand = api.post("/api/v1/automations/" + shop.followUp() + "/run", shop.store().apiKey(), """
            {"event_id": "%s"}""".formatted(shop.event()));
        assertThat(byHand.status()).as(byHand.text()).isEqualTo(409);
        assertThat(byHand.json().get("detail").asString()).contains("was erased after this event");
        var goodbyes = db.sql("SELECT status FROM executions WHERE account_id = :accountId AND automation_id = :id")
            .param("accountId", shop.store().id())
            .param("id", shop.goodbye())
            .query(String.class)
            .list();
        assertThat(goodbyes).as("customer.redacted, recorded after the erasure, starts its runs")
            .containsExactly("succeeded");
        for (String value : List.of(surname, email)) {
            assertThat(PersonalDataSearch.tablesHolding(db, value)).as(value).isEmpty();
        }
    }

    @Test
    void anErasureUnderWayWaitsForARunBeingStartedAboutItsCustomerAndThenCancelsItAndRedactsIt() throws Exception {
        var shop = shop();
        JsonNode snapshot = snapshot(shop.event());
        var start = start(shop, snapshot);
        var written = new CountDownLatch(1);
        var commit = new CountDownLatch(1);
        try (var nodes = Executors.newFixedThreadPool(2)) {
            var starting = nodes.submit(() -> transaction.execute(status -> {
                var ids = queue.start(List.of(start), clock.instant());
                written.countDown();
                await(commit);
                return ids;
            }));
            assertThat(written.await(1, TimeUnit.MINUTES)).isTrue();
            var erasing = nodes.submit(() -> erase(shop));
            Await.until("the erasure waits for the start, or has ended without it", () -> erasing.isDone()
                || db.sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
                    .query(Long.class).single() > 0);
            commit.countDown();

            assertThat(starting.get(1, TimeUnit.MINUTES)).containsExactly(start.id());
            assertThat(erasing.get(1, TimeUnit.MINUTES)).isEqualTo(200);
        } finally {
            commit.countDown();
        }

        assertThat(executions.read(shop.store().id(), start.id()).status()).as("ended by the erasure")
            .isEqualTo("canceled");
        for (String value : List.of(surname, email)) {
            assertThat(PersonalDataSearch.tablesHolding(db, value)).as(value).isEmpty();
        }
    }

    /** A shop with a customer, an automation on their visits, one on erasures, and a visit not yet matched. */
    private record Shop(TestAccounts.TestAccount store, String customer, String followUp, String goodbye,
        String event) {}

    private Shop shop() {
        agenda.runDue();
        var store = accounts.create();
        var created = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Zelda %s", "email": "%s"}""".formatted(surname, email));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String customer = created.json().get("id").asString();
        String followUp = automation(store, """
            {"name": "Follow up", "trigger": {"type": "event", "event": "acme.visit"},
             "steps": [{"id": "note", "type": "action", "action": "test.record",
                        "params": {"note": "{{customer.name}} visited"}}]}""");
        String goodbye = automation(store, """
            {"name": "Goodbye", "trigger": {"type": "event", "event": "customer.redacted"},
             "steps": [{"id": "note", "type": "action", "action": "test.record", "params": {"note": "gone"}}]}""");
        var posted = api.post("/api/v1/events", store.apiKey(), """
            {"type": "acme.visit", "customer_id": "%s", "data": {"who": "Zelda %s <%s>"}}"""
            .formatted(customer, surname, email));
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
        return new Shop(store, customer, followUp, goodbye, posted.json().get("id").asString());
    }

    private String automation(TestAccounts.TestAccount store, String definition) {
        var created = api.post("/api/v1/automations", store.apiKey(), definition);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        var activated = api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null);
        assertThat(activated.status()).as(activated.text()).isEqualTo(200);
        return id;
    }

    private JsonNode snapshot(String eventId) {
        return db.sql("SELECT id, type, customer_id, occurred_at, data FROM events WHERE id = :id")
            .param("id", eventId)
            .query((rs, row) -> Triggers.snapshot(json, rs))
            .single();
    }

    private ExecutionQueue.NewExecution start(Shop shop, JsonNode snapshot) {
        assertThat(snapshot.toString()).contains(surname);
        return new ExecutionQueue.NewExecution(Executions.newId(), shop.store().id(), shop.followUp(), 1,
            shop.event(), snapshot, shop.customer());
    }

    private int erase(Shop shop) {
        var erased = api.post("/api/v1/customers/" + shop.customer() + "/redact", shop.store().apiKey(), null);
        assertThat(erased.status()).as(erased.text()).isIn(200, 409);
        return erased.status();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(1, TimeUnit.MINUTES)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
