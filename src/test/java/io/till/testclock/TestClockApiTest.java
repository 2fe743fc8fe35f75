package io.till.testclock;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@TillIntegrationTest
class TestClockApiTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    TestAccounts accounts;
    @Autowired
    MutableClock clock;

    @Test
    void theClockIsSharedButEachAccountSeesOnlyItsOwnPendingBillingWork() {
        var shop = shops.open();
        shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        var other = accounts.create();

        var own = api.get("/api/v1/test_clock", shop.apiKey()).json();
        var others = api.get("/api/v1/test_clock", other.apiKey()).json();

        assertThat(own.get("pending_jobs").asLong()).isPositive();
        assertThat(others.get("pending_jobs").asLong()).isZero();
        assertThat(others.get("now").asString()).isEqualTo(own.get("now").asString());
    }

    /** A probe sent three advances of three days and two of 25 hours at once: the clock moved three days in all. */
    @Test
    void advancesSentAtOnceAreEachApplied() throws Exception {
        var store = accounts.create();
        var before = java.time.Instant.parse(api.get("/api/v1/test_clock", store.apiKey()).json().get("now")
            .asString());

        var advances = new java.util.ArrayList<java.util.concurrent.CompletableFuture<Api.Response>>();
        for (String by : java.util.List.of("P3D", "P3D", "P3D", "PT25H", "PT25H")) {
            advances.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> api.post(
                "/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"" + by + "\"}")));
        }
        for (var advance : advances) {
            var answered = advance.get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(answered.status()).as(answered.text()).isEqualTo(200);
        }

        var after = java.time.Instant.parse(api.get("/api/v1/test_clock", store.apiKey()).json().get("now")
            .asString());
        assertThat(java.time.Duration.between(before, after)).isGreaterThanOrEqualTo(java.time.Duration.ofHours(
            9 * 24 + 50));
    }

    /** Times are written as every record's are, to the microsecond PostgreSQL keeps, never with nine digits. */
    @Test
    void theClockAnswersItsTimeToTheMicrosecondAsRecordsCarryIt() {
        var store = accounts.create();
        clock.advance(java.time.Duration.ofNanos(123_456_789));
        try {
            var read = api.get("/api/v1/test_clock", store.apiKey()).json();
            var advanced = api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"PT1H\"}").json();

            for (String time : java.util.List.of(read.get("now").asString(), advanced.get("from").asString(), advanced
                .get("now").asString())) {
                assertThat(time).matches(".*T[0-9:]{8}(\\.[0-9]{1,6})?Z");
            }
        } finally {
            // Back on a whole second, as the other tests sharing this clock expect it.
            clock.advance(java.time.Duration.ofNanos(1_000_000_000 - clock.instant().getNano()));
        }
    }

    /** A delay that ends exactly where an advance ends wakes in that advance, not in the next one. */
    @Test
    void aDelayEndingExactlyAtTheTargetWakesInThatAdvance() {
        var store = accounts.create();
        String execution = "/api/v1/executions/" + runByHand(store, """
            {"name": "Two days later", "trigger": {"type": "manual"},
             "steps": [{"id": "wait", "type": "delay", "duration": "P2D"},
                       {"id": "note", "type": "action", "action": "test.record"}]}""");

        var first = api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"PT1H\"}").json();
        assertThat(api.get(execution, store.apiKey()).json().get("status").asString()).isEqualTo("waiting");
        var started = java.time.Instant.parse(first.get("from").asString());
        var advanced = api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"to\": \""
            + started.plus(java.time.Duration.ofDays(2)) + "\"}");

        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        var ran = api.get(execution, store.apiKey()).json();
        assertThat(ran.get("status").asString()).as(ran.toString()).isEqualTo("succeeded");
    }

    /** One long advance wakes each of a run's delays at its own time: the second counts from the first's end. */
    @Test
    void delaysInTurnEachWakeAtTheirOwnTimeWithinOneLongAdvance() {
        var store = accounts.create();
        var started = java.time.Instant.parse(api.get("/api/v1/test_clock", store.apiKey()).json().get("now")
            .asString());
        String execution = runByHand(store, """
            {"name": "Two then three days", "trigger": {"type": "manual"},
             "steps": [{"id": "two_days", "type": "delay", "duration": "P2D"},
                       {"id": "first", "type": "action", "action": "test.record"},
                       {"id": "three_days", "type": "delay", "duration": "P3D"},
                       {"id": "second", "type": "action", "action": "test.record"}]}""");

        var advanced = api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"P10D\"}");

        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        var steps = new java.util.HashMap<String, java.time.Instant>();
        api.get("/api/v1/executions/" + execution, store.apiKey()).json().get("steps")
            .forEach(step -> steps.put(step.get("step_id").asString(), java.time.Instant.parse(step.get("started_at")
                .asString())));
        assertThat(steps.get("first")).isEqualTo(started.plus(java.time.Duration.ofDays(2)));
        assertThat(steps.get("second")).isEqualTo(started.plus(java.time.Duration.ofDays(5)));
    }

    /** Saves and activates a manually triggered automation, runs it once by hand and answers the run's id. */
    private String runByHand(TestAccounts.TestAccount store, String definition) {
        var created = api.post("/api/v1/automations", store.apiKey(), definition);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String automation = created.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + automation + "/activate", store.apiKey(), null).status())
            .isEqualTo(200);
        var run = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), null);
        assertThat(run.status()).as(run.text()).isEqualTo(201);
        return run.json().get("id").asString();
    }
}
