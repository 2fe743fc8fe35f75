package io.till.testclock;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.shared.Timestamps;
import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The sandbox test clock while this node's background workers run, as they do in a real sandbox: the automation
 * workers, the webhook workers and the billing tick race the advance for every due item, and each item still runs at
 * its own time.
 */
@TillIntegrationTest
@TestPropertySource(properties = {"till.automation.workers-enabled=true", "till.automation.poll-interval=1ms",
        "till.webhooks.workers-enabled=true", "till.webhooks.poll-interval=1ms", "till.billing.clock-enabled=true",
        "till.billing.clock-initial-delay=PT0S", "till.billing.clock-interval=PT0.001S"})
// Its busy workers must not keep spinning, on a database of their own, through the rest of the suite.
@DirtiesContext
class TestClockWithWorkersTest {

    private static final int DAYS = 40;
    private static final int WAITING_RUNS = 15;

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    JdbcClient db;
    @Autowired
    MutableClock clock;

    private String activate(Shops.Shop shop, String definition) {
        var created = api.post("/api/v1/automations", shop.apiKey(), definition);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", shop.apiKey(), null).status()).isEqualTo(200);
        return id;
    }

    @Test
    void advancingWhileWorkersRunRunsEveryDueItemAtItsOwnTime() {
        var shop = shops.open();
        String daily = activate(shop, """
            {"name": "Daily", "trigger": {"type": "schedule", "every": "P1D"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");
        String waiting = activate(shop, """
            {"name": "Two days later", "trigger": {"type": "manual"},
             "steps": [{"id": "wait", "type": "delay", "duration": "P2D"},
                       {"id": "note", "type": "action", "action": "test.record"}]}""");
        var subscriptions = new ArrayList<String>();
        for (int i = 0; i < 3; i++) {
            subscriptions.add(shops.buy(shop, shop.monthly(), "pm_card_visa", "buyer" + i + "@example.com")
                .get("subscription_id").asString());
        }
        var runs = new ArrayList<String>();
        for (int i = 0; i < WAITING_RUNS; i++) {
            // Started a little apart, so that the advance has many due times to stop at.
            clock.advance(Duration.ofMinutes(7));
            var run = api.post("/api/v1/automations/" + waiting + "/run", shop.apiKey(), null);
            assertThat(run.status()).as(run.text()).isEqualTo(201);
            runs.add(run.json().get("id").asString());
        }

        for (int day = 0; day < DAYS / 10; day++) {
            var advanced = shops.advance(shop, "P10D");
            assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        }
        api.post("/api/v1/automations/" + daily + "/pause", shop.apiKey(), null);

        var fired = fired(daily);
        assertThat(fired).as("one run a day for %d days", DAYS).hasSize(DAYS);
        fired.forEach(run -> assertThat(run.startedAt()).as("a daily run starts when it is due")
            .isEqualTo(run.scheduledAt()));

        record Woke(String id, Instant waited, Instant noted) {}
        var woke = db.sql("""
            SELECT execution_id, min(started_at) FILTER (WHERE step_id = 'wait') AS waited,
                   min(started_at) FILTER (WHERE step_id = 'note') AS noted
              FROM execution_steps
             WHERE execution_id = ANY(:runs)
             GROUP BY execution_id
            """)
            .param("runs", runs.toArray(String[]::new))
            .query((rs, row) -> new Woke(rs.getString("execution_id"), Timestamps.read(rs, "waited"),
                Timestamps.read(rs, "noted")))
            .list();
        assertThat(woke).hasSize(WAITING_RUNS);
        woke.forEach(
            run -> assertThat(Duration.between(run.waited(), run.noted())).as("run %s waits two days", run.id())
                .isEqualTo(Duration.ofDays(2)));

        for (String subscription : subscriptions) {
            record Issued(Instant periodStart, Instant createdAt) {}
            List<Issued> invoices = db.sql("""
                SELECT period_start, created_at FROM invoices WHERE subscription_id = :id ORDER BY sequence
                """)
                .param("id", subscription)
                .query((rs, row) -> new Issued(Timestamps.read(rs, "period_start"), Timestamps.read(rs, "created_at")))
                .list();
            assertThat(invoices).as("one renewal in %d days", DAYS).hasSize(1);
            invoices.forEach(invoice -> assertThat(invoice.createdAt()).as("a renewal invoices on its own date")
                .isEqualTo(invoice.periodStart()));
        }
    }

    @Test
    void aDailyCronInItsZoneAdvancedFiveDaysWhileWorkersRunRunsFiveTimesEachAtNineThere() {
        var shop = shops.open();
        var paris = ZoneId.of("Europe/Paris");
        // From noon in Paris, five days hold exactly five 09:00s there, even across a change of the clocks.
        var now = clock.instant().atZone(paris);
        var noon = now.toLocalDate().atTime(12, 0).atZone(paris);
        var start = noon.isAfter(now) ? noon : noon.plusDays(1);
        clock.advance(Duration.between(now, start));
        String daily = activate(shop, """
            {"name": "Nine in Paris", "trigger": {"type": "schedule", "cron": "0 9 * * *",
             "time_zone": "Europe/Paris"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");

        var advanced = shops.advance(shop, "P5D");
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        api.post("/api/v1/automations/" + daily + "/pause", shop.apiKey(), null);

        var fired = fired(daily);
        assertThat(fired).as("one run a day for 5 days").hasSize(5);
        assertThat(fired).extracting(run -> run.scheduledAt().atZone(paris).toLocalTime())
            .containsOnly(LocalTime.of(9, 0));
        var day = start.toLocalDate();
        assertThat(fired).extracting(run -> run.scheduledAt().atZone(paris).toLocalDate())
            .as("on each of the five days after the start").containsExactly(day.plusDays(1), day.plusDays(2),
                day.plusDays(3), day.plusDays(4), day.plusDays(5));
        fired.forEach(run -> assertThat(run.startedAt()).as("a run starts when it is due").isEqualTo(run
            .scheduledAt()));
    }

    /** A schedule's run: the time it was due and the time its step "note" started. */
    record Fired(Instant scheduledAt, Instant startedAt) {}

    /** The runs of {@code automation}, by when their step started. */
    private java.util.List<Fired> fired(String automation) {
        return db.sql("""
            SELECT e.trigger -> 'data' ->> 'scheduled_at' AS scheduled_at, s.started_at
              FROM executions e JOIN execution_steps s ON s.execution_id = e.id AND s.step_id = 'note'
             WHERE e.automation_id = :automation ORDER BY s.started_at
            """)
            .param("automation", automation)
            .query((rs, row) -> new Fired(Instant.parse(rs.getString("scheduled_at")),
                Timestamps.read(rs, "started_at")))
            .list();
    }
}
