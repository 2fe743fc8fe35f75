package io.till.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TestAccounts;
import io.till.testing.TestEndpoints;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@TillIntegrationTest
class IdempotencyKeyTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    MutableClock clock;
    @Autowired
    TestEndpoints endpoints;
    @Autowired
    IdempotencyRecords records;
    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient db;
    @Autowired
    Shops shops;

    @Test
    void replaysTheFirstResponseForTheSameKeyAndBody() {
        var store = accounts.create();
        String key = UUID.randomUUID().toString();

        var first = api.post("/api/v1/api_keys", store.apiKey(), "{\"name\":\"once\"}", "Idempotency-Key", key);
        var retry = api.post("/api/v1/api_keys", store.apiKey(), "{ \"name\" : \"once\" }", "Idempotency-Key", key);

        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        var replayed = (tools.jackson.databind.node.ObjectNode) retry.json();
        var original = (tools.jackson.databind.node.ObjectNode) first.json();
        assertThat(replayed.get("key").isNull()).as("a replay never repeats the secret").isTrue();
        replayed.remove("key");
        original.remove("key");
        assertThat(replayed).isEqualTo(original);
        assertThat(db.sql("SELECT convert_from(response_body, 'UTF8') FROM idempotency_keys WHERE idempotency_key = :k")
            .param("k", key)
            .query(String.class)
            .single()).doesNotContain(first.json().get("key").asString());
        assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(keyNames(store.apiKey())).containsExactly("once", "Test key");
    }

    @Test
    void refusesTheSameKeyWithADifferentBody() {
        var store = accounts.create();
        String key = UUID.randomUUID().toString();
        api.post("/api/v1/api_keys", store.apiKey(), "{\"name\":\"first\"}", "Idempotency-Key", key);

        var different = api.post("/api/v1/api_keys", store.apiKey(), "{\"name\":\"second\"}", "Idempotency-Key", key);

        assertThat(different.status()).isEqualTo(422);
        assertThat(different.json().get("code").asString()).isEqualTo("idempotency_key_reused");
        assertThat(keyNames(store.apiKey())).containsExactly("first", "Test key");
    }

    @Test
    void refusesTheSameKeyOnAnotherEndpoint() {
        var store = accounts.create();
        String key = UUID.randomUUID().toString();
        api.post("/api/v1/api_keys", store.apiKey(), null, "Idempotency-Key", key);

        var elsewhere = api.post("/api/v1/test_support/slow", store.apiKey(), null, "Idempotency-Key", key);

        assertThat(elsewhere.status()).isEqualTo(422);
    }

    @Test
    void keepsKeysApartPerAccount() {
        var alice = accounts.create();
        var bob = accounts.create();
        String key = UUID.randomUUID().toString();

        var forAlice = api.post("/api/v1/api_keys", alice.apiKey(), "{\"name\":\"k\"}", "Idempotency-Key", key);
        var forBob = api.post("/api/v1/api_keys", bob.apiKey(), "{\"name\":\"k\"}", "Idempotency-Key", key);

        assertThat(forBob.status()).isEqualTo(201);
        assertThat(forBob.header("Idempotent-Replayed")).isNull();
        assertThat(forBob.json().get("id").asString()).isNotEqualTo(forAlice.json().get("id").asString());
    }

    @Test
    void answersConflictWhileTheFirstRequestIsInFlight() throws Exception {
        var store = accounts.create();
        String key = UUID.randomUUID().toString();
        endpoints.holdSlowCalls();
        int callsBefore = endpoints.slowCalls();
        var first = CompletableFuture.supplyAsync(
            () -> api.post("/api/v1/test_support/slow", store.apiKey(), "{}", "Idempotency-Key", key));
        assertThat(endpoints.awaitSlowCallEntered()).isTrue();

        var second = api.post("/api/v1/test_support/slow", store.apiKey(), "{}", "Idempotency-Key", key);
        endpoints.releaseSlowCalls();

        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().get("code").asString()).isEqualTo("idempotency_request_in_progress");
        assertThat(second.header("Retry-After")).isEqualTo("1");
        assertThat(first.get().status()).isEqualTo(201);
        var third = api.post("/api/v1/test_support/slow", store.apiKey(), "{}", "Idempotency-Key", key);
        assertThat(third.status()).isEqualTo(201);
        assertThat(third.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(endpoints.slowCalls() - callsBefore).isEqualTo(1);
    }

    @Test
    void createsExactlyOnceUnderConcurrentRetries() throws Exception {
        var store = accounts.create();
        String key = UUID.randomUUID().toString();
        int clients = 8;
        var start = new CountDownLatch(1);
        var responses = new ArrayList<CompletableFuture<Api.Response>>();
        try (var pool = Executors.newFixedThreadPool(clients)) {
            for (int i = 0; i < clients; i++) {
                responses.add(CompletableFuture.supplyAsync(() -> {
                    awaitQuietly(start);
                    return api.post("/api/v1/api_keys", store.apiKey(), "{\"name\":\"race\"}", "Idempotency-Key", key);
                }, pool));
            }
            start.countDown();
        }

        var created = responses.stream().map(CompletableFuture::join).filter(r -> r.status() == 201).toList();
        var conflicts = responses.stream().map(CompletableFuture::join).filter(r -> r.status() == 409).count();
        assertThat(created.size() + conflicts).isEqualTo(clients);
        assertThat(created).extracting(r -> r.json().get("id").asString()).hasSizeGreaterThan(0).containsOnly(
            created.getFirst().json().get("id").asString());
        assertThat(keyNames(store.apiKey())).containsExactly("race", "Test key");
    }

    @Test
    void aPurchaseWhosePathEscapesItsLettersIsMadeOnceUnderItsKey() {
        // Till routes /%61pi/… as /api/…: the key must hold there too, or a retry charges the card again.
        var shop = shops.open();
        String customer = shops.customer(shop);
        String card = shops.saveCard(shop, customer, "pm_card_visa");
        String key = UUID.randomUUID().toString();
        String body = """
            {"customer_id": "%s", "payment_method_id": "%s", "option_id": "%s"}""".formatted(customer, card,
            shop.monthly());

        var first = api.post("/%61pi/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), body,
            "Idempotency-Key", key);
        var retry = api.post("/%61pi/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), body,
            "Idempotency-Key", key);
        var plain = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), body,
            "Idempotency-Key", key);

        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(retry.header("Idempotent-Replayed")).as(retry.text()).isEqualTo("true");
        assertThat(plain.header("Idempotent-Replayed")).as("the same request, its path written plainly")
            .isEqualTo("true");
        assertThat(retry.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(api.get("/api/v1/payments?customer_id=" + customer, shop.apiKey()).json().get("data"))
            .hasSize(1);
    }

    @Test
    void releasesTheKeyWhenTheRequestFailsValidation() {
        var store = accounts.create();
        String key = UUID.randomUUID().toString();

        var invalid = api.post("/api/v1/api_keys", store.apiKey(), "{\"name\":\"" + "x".repeat(101) + "\"}",
            "Idempotency-Key", key);
        var corrected = api.post("/api/v1/api_keys", store.apiKey(), "{\"name\":\"fixed\"}", "Idempotency-Key", key);

        assertThat(invalid.status()).isEqualTo(400);
        assertThat(corrected.status()).isEqualTo(201);
        assertThat(corrected.header("Idempotent-Replayed")).isNull();
    }

    @Test
    void releasesTheKeyWhenTheServerFails() {
        var store = accounts.create();
        String key = UUID.randomUUID().toString();

        var failed = api.post("/api/v1/test_support/server_error", store.apiKey(), null, "Idempotency-Key", key);
        var again = api.post("/api/v1/test_support/server_error", store.apiKey(), null, "Idempotency-Key", key);

        assertThat(failed.status()).isEqualTo(503);
        assertThat(again.status()).isEqualTo(503);
        assertThat(again.header("Idempotent-Replayed")).isNull();
    }

    @Test
    void forgetsAKeyAfter24Hours() {
        var store = accounts.create();
        String key = UUID.randomUUID().toString();
        var first = api.post("/api/v1/api_keys", store.apiKey(), "{\"name\":\"day one\"}", "Idempotency-Key", key);

        clock.passRealTime(Duration.ofHours(23));
        var withinADay = api.post("/api/v1/api_keys", store.apiKey(), "{\"name\":\"day one\"}", "Idempotency-Key", key);
        clock.passRealTime(Duration.ofHours(2));
        var nextDay = api.post("/api/v1/api_keys", store.apiKey(), "{\"name\":\"day one\"}", "Idempotency-Key", key);

        assertThat(withinADay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(nextDay.status()).isEqualTo(201);
        assertThat(nextDay.header("Idempotent-Replayed")).isNull();
        assertThat(nextDay.json().get("id").asString()).isNotEqualTo(first.json().get("id").asString());
    }

    @Test
    void aKeyStillReplaysAfterTheSandboxTestClockJumpsTwoDays() {
        var store = accounts.create();
        String key = UUID.randomUUID().toString();
        var first = api.post("/api/v1/api_keys", store.apiKey(), "{\"name\":\"before\"}", "Idempotency-Key", key);

        var advanced = api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"P2D\"}");
        var retry = api.post("/api/v1/api_keys", store.apiKey(), "{\"name\":\"before\"}", "Idempotency-Key", key);

        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retry.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
        assertThat(keyNames(store.apiKey())).containsExactly("before", "Test key");
    }

    @Test
    void takesOverAKeyLeftInFlightByACrashedNode() {
        var store = accounts.create();
        String key = UUID.randomUUID().toString();
        String body = "{\"name\":\"after crash\"}";
        var crashed = records.claim(store.id(), key,
            RequestFingerprint.of("POST", "/api/v1/api_keys", body.getBytes()));
        assertThat(crashed).isInstanceOf(IdempotencyRecords.Claim.Acquired.class);

        var whileLeased = api.post("/api/v1/api_keys", store.apiKey(), body, "Idempotency-Key", key);
        clock.passRealTime(IdempotencyRecords.LEASE.plusSeconds(1));
        var afterLease = api.post("/api/v1/api_keys", store.apiKey(), body, "Idempotency-Key", key);

        assertThat(whileLeased.status()).isEqualTo(409);
        assertThat(afterLease.status()).isEqualTo(201);
        assertThat(keyNames(store.apiKey())).containsExactly("after crash", "Test key");
    }

    @Test
    void refusesAMalformedKey() {
        var store = accounts.create();

        var response = api.post("/api/v1/api_keys", store.apiKey(), null, "Idempotency-Key", "x".repeat(256));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("code").asString()).isEqualTo("idempotency_key_invalid");
    }

    /** The dashboard's forms keep their keys under "form:": an API client cannot take one and hold a form back. */
    @Test
    void refusesAKeyInTheDashboardFormsNamespace() {
        var store = accounts.create();

        var response = api.post("/api/v1/customers", store.apiKey(), "{\"name\": \"Ada\"}", "Idempotency-Key",
            "form:0f8fad5b-d9cb-469f-a165-70867728950e");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("code").asString()).isEqualTo("idempotency_key_invalid");
        assertThat(response.json().get("detail").asString()).contains("form:");
    }

    @Test
    void doesNotReplayAcrossUnauthenticatedRequests() {
        var response = api.post("/api/v1/api_keys", null, null, "Idempotency-Key", UUID.randomUUID().toString());

        assertThat(response.status()).isEqualTo(401);
    }

    private List<String> keyNames(String apiKey) {
        var names = new ArrayList<String>();
        api.get("/api/v1/api_keys", apiKey).json().get("data").forEach(k -> names.add(k.get("name").asString()));
        return names;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
