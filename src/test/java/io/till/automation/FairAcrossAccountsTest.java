package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One account's flood of events never holds back another account's single one: the matcher's batch takes a few of
 * each waiting account's first, and fills up with the oldest, so the flood still drains in full batches.
 */
@TillIntegrationTest
class FairAcrossAccountsTest {

    private static final int FLOOD = 1_200;

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
    Executor executor;

    private void listen(TestAccounts.TestAccount store) {
        String id = api.post("/api/v1/automations", store.apiKey(), """
            {"name": "Record", "trigger": {"type": "event", "event": "acme.ping"},
             "steps": [{"id": "only", "type": "action", "action": "test.record"}]}""").json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", store.apiKey(), null).status()).isEqualTo(200);
    }

    private void flood(TestAccounts.TestAccount store) {
        for (int posted = 0; posted < FLOOD; posted += 400) {
            var body = new StringBuilder("{\"events\": [");
            for (int i = 0; i < 400; i++) {
                body.append(i == 0 ? "" : ", ").append("{\"type\": \"acme.ping\", \"data\": {\"n\": %d}}"
                    .formatted(posted + i));
            }
            var response = api.post("/api/v1/events/batch", store.apiKey(), body.append("]}").toString());
            assertThat(response.status()).as(response.text()).isEqualTo(201);
        }
    }

    private void ping(TestAccounts.TestAccount store) {
        var response = api.post("/api/v1/events", store.apiKey(), "{\"type\": \"acme.ping\"}");
        assertThat(response.status()).as(response.text()).isEqualTo(201);
    }

    private long executions(TestAccounts.TestAccount store, String status) {
        return db.sql("SELECT count(*) FROM executions WHERE account_id = :id AND (:status = '' OR status = :status)")
            .param("id", store.id())
            .param("status", status)
            .query(Long.class)
            .single();
    }

    @Test
    void anotherAccountsSingleEventIsMatchedInTheFirstBatchBehindAFlood() {
        agenda.runDue();
        var flooding = accounts.create();
        var quiet = accounts.create();
        listen(flooding);
        listen(quiet);
        flood(flooding);
        clock.advance(Duration.ofSeconds(1));
        ping(quiet);

        assertThat(triggers.matchEvents(500)).isEqualTo(500);

        assertThat(executions(quiet, "")).as("the quiet account's event was matched at once").isEqualTo(1);
        assertThat(executions(flooding, "")).as("the flood still fills the batch").isEqualTo(499);
        agenda.runDue();
        assertThat(executions(flooding, "succeeded")).isEqualTo(FLOOD);
    }

    /**
     * Starts and queues the flooding account's runs, all due now, then, a second later, the quiet account's
     * {@code pings} runs: due after every one of the flood's.
     */
    private void queueBehindABacklog(TestAccounts.TestAccount flooding, TestAccounts.TestAccount quiet, int pings) {
        agenda.runDue();
        listen(flooding);
        listen(quiet);
        flood(flooding);
        for (int matched = 0; matched < FLOOD;) {
            matched += triggers.matchEvents(500);
        }
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < pings; i++) {
            ping(quiet);
        }
        assertThat(triggers.matchEvents(500)).isEqualTo(pings);
    }

    @Test
    void roundAfterRoundAQuietAccountIsServedFirstBehindABacklog() {
        var flooding = accounts.create();
        var quiet = accounts.create();
        queueBehindABacklog(flooding, quiet, 3);

        // A round of 100 gives each account with due runs 2 first: the quiet account's third run waits one round,
        // and the next round starts over from the first account, not after the last one served.
        assertThat(executor.runRound(UUID.randomUUID(), 100, Duration.ofMinutes(1))).isEqualTo(100);
        assertThat(executions(quiet, "succeeded")).isEqualTo(2);
        assertThat(executor.runRound(UUID.randomUUID(), 100, Duration.ofMinutes(1))).isEqualTo(100);
        assertThat(executions(quiet, "succeeded")).as("the quiet account's last run, in the second round").isEqualTo(3);
        agenda.runDue();
        assertThat(executions(flooding, "succeeded")).isEqualTo(FLOOD);
    }

    @Test
    void anotherAccountsRunIsClaimedInTheFirstRoundBehindABacklogDueEarlier() {
        var flooding = accounts.create();
        var quiet = accounts.create();
        queueBehindABacklog(flooding, quiet, 1);
        assertThat(executions(flooding, "pending") + executions(quiet, "pending")).isEqualTo(FLOOD + 1);

        assertThat(executor.runRound(UUID.randomUUID(), 100, Duration.ofMinutes(1))).isEqualTo(100);

        assertThat(executions(quiet, "succeeded")).as("the quiet account's run, due last, was in the first round")
            .isEqualTo(1);
        assertThat(executions(flooding, "succeeded")).as("the backlog still fills the round").isEqualTo(99);
        agenda.runDue();
        assertThat(executions(flooding, "succeeded")).isEqualTo(FLOOD);
    }
}
