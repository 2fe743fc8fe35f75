package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.shared.Ids;
import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The automations list's figures: runs of the last 7 days, their failure rate and the last run, per account. */
@TillIntegrationTest
class RunSummariesTest {

    private static final String MANUAL = """
        {"name": "By hand", "trigger": {"type": "manual"},
         "steps": [{"id": "note", "type": "action", "action": "create_task", "params": {"title": "Call"}}]}""";
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;
    @Autowired
    RunSummaries summaries;

    private String automation(TestAccounts.TestAccount account) {
        return api.post("/api/v1/automations", account.apiKey(), MANUAL).json().get("id").asString();
    }

    private void run(String accountId, String automationId, String status, Instant at) {
        run(accountId, automationId, status, null, at);
    }

    private void run(String accountId, String automationId, String status, String canceledByEvent, Instant at) {
        db.sql("""
            INSERT INTO executions (id, account_id, automation_id, version, status, trigger_key, trigger, state,
                                    canceled_by_event, created_at, updated_at)
            VALUES (:id, :accountId, :automationId, 1, :status, :key, '{}'::jsonb, '{}'::jsonb, :canceledBy, :at,
                    :at)
            """)
            .param("id", Ids.newId("exe"))
            .param("canceledBy", canceledByEvent)
            .param("accountId", accountId)
            .param("automationId", automationId)
            .param("status", status)
            .param("key", "test:" + Ids.newId("key"))
            .param("at", Timestamp.from(at))
            .update();
    }

    @Test
    void countsTheLastSevenDaysRatesFailuresAmongFinishedRunsAndKeepsTheLastRunEver() {
        var store = accounts.create();
        String busy = automation(store);
        String idle = automation(store);
        String old = automation(store);
        run(store.id(), busy, "succeeded", NOW.minus(Duration.ofDays(1)));
        run(store.id(), busy, "succeeded", NOW.minus(Duration.ofDays(2)));
        run(store.id(), busy, "succeeded", NOW.minus(Duration.ofDays(3)));
        run(store.id(), busy, "failed", NOW.minus(Duration.ofHours(2)));
        run(store.id(), busy, "waiting", NOW.minus(Duration.ofMinutes(5)));
        run(store.id(), busy, "failed", NOW.minus(Duration.ofDays(8)));
        run(store.id(), old, "failed", NOW.minus(Duration.ofDays(30)));

        var figures = summaries.since(store.id(), List.of(busy, idle, old), NOW.minus(Duration.ofDays(7)));

        assertThat(figures.get(busy)).isEqualTo(new RunSummaries.Summary(5, 1, 4, NOW.minus(Duration.ofMinutes(5))));
        assertThat(figures.get(busy).failureRate()).isEqualTo("25 %");
        assertThat(figures.get(idle)).isEqualTo(RunSummaries.Summary.NONE);
        assertThat(figures.get(idle).failureRate()).isNull();
        assertThat(figures.get(old)).isEqualTo(new RunSummaries.Summary(0, 0, 0, NOW.minus(Duration.ofDays(30))));
    }

    /**
     * A dunning run stopped by the invoice.paid its cancel_on waits for did what it is for; one staff canceled says
     * nothing. Counted as failures' base, the first made a dunning automation that recovered 9 invoices of 10 look
     * 100 % failing.
     */
    @Test
    void aRunStoppedByItsCancelOnEventCountsAsFinishedAndOneStaffCanceledDoesNot() {
        var store = accounts.create();
        String dunning = automation(store);
        for (int i = 0; i < 9; i++) {
            run(store.id(), dunning, "canceled", "evt_paid" + i, NOW.minus(Duration.ofHours(i + 1)));
        }
        run(store.id(), dunning, "failed", NOW.minus(Duration.ofHours(20)));
        run(store.id(), dunning, "canceled", NOW.minus(Duration.ofHours(21)));

        var figures = summaries.since(store.id(), List.of(dunning), NOW.minus(Duration.ofDays(7)));

        assertThat(figures.get(dunning).finished()).isEqualTo(10);
        assertThat(figures.get(dunning).failureRate()).isEqualTo("10 %");
    }

    @Test
    void anotherAccountsAutomationHasNoFiguresHere() {
        var mine = accounts.create();
        var theirs = accounts.create();
        String their = automation(theirs);
        run(theirs.id(), their, "failed", NOW.minus(Duration.ofDays(1)));

        assertThat(summaries.since(mine.id(), List.of(their), NOW.minus(Duration.ofDays(7)))).isEmpty();
        assertThat(summaries.since(theirs.id(), List.of(their), NOW.minus(Duration.ofDays(7))).get(their).runs())
            .isEqualTo(1);
    }
}
