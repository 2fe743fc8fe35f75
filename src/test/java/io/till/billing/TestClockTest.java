package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.shared.Timestamps;
import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The sandbox test clock when something on its way fails. */
@TillIntegrationTest
class TestClockTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    BillingJobs jobs;
    @Autowired
    JdbcClient db;
    @Autowired
    MutableClock clock;

    @Test
    void aBillingJobThatKeepsFailingIsRetriedOnTheWayWhileEverythingElseRunsOnTime() {
        var shop = shops.open();
        var created = api.post("/api/v1/automations", shop.apiKey(), """
            {"name": "Two days later", "trigger": {"type": "manual"},
             "steps": [{"id": "wait", "type": "delay", "duration": "P2D"},
                       {"id": "note", "type": "action", "action": "test.record"}]}""");
        String automation = created.json().get("id").asString();
        api.post("/api/v1/automations/" + automation + "/activate", shop.apiKey(), null);
        String run = api.post("/api/v1/automations/" + automation + "/run", shop.apiKey(), null).json().get("id")
            .asString();
        String missingInvoice = "inv_missing_" + shop.accountId();
        jobs.schedule(shop.accountId(), BillingJobs.Kind.INVOICE_RETRY, missingInvoice,
            clock.instant().plus(Duration.ofHours(1)));
        try {
            var advanced = shops.advance(shop, "P5D");

            assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
            var steps = db.sql("""
                SELECT min(started_at) FILTER (WHERE step_id = 'wait') AS waited,
                       min(started_at) FILTER (WHERE step_id = 'note') AS noted
                  FROM execution_steps WHERE execution_id = :run
                """)
                .param("run", run)
                .query((rs, row) -> Duration.between(Timestamps.read(rs, "waited"), Timestamps.read(rs, "noted")))
                .single();
            assertThat(steps).as("the delay wakes after two days, not at the end of the advance")
                .isEqualTo(Duration.ofDays(2));
            int attempts = db.sql("SELECT attempts FROM billing_jobs WHERE subject_id = :id")
                .param("id", missingInvoice)
                .query(Integer.class)
                .single();
            // Backing off 1, 2, 4 … minutes up to a day: about 15 attempts in the five days.
            assertThat(attempts).as("retried on the way").isGreaterThanOrEqualTo(12);
        } finally {
            db.sql("UPDATE billing_jobs SET done_at = :now WHERE subject_id = :id")
                .param("now", Timestamps.of(clock.instant()))
                .param("id", missingInvoice)
                .update();
        }
    }
}
