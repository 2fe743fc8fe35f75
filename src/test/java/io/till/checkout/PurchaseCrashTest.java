package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.ChildTills;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A Till process SIGKILLed during purchases, after the gateway took their charges and before anything was recorded; the
 * buyers' clients retry with the same Idempotency-Keys once the keys' leases are over. Each gets the order its first
 * attempt paid for, and each card is charged once.
 */
@TillIntegrationTest
class PurchaseCrashTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    JdbcClient db;
    @Autowired
    MutableClock clock;
    @Autowired
    HikariDataSource dataSource;
    @Value("${till.master-key}")
    String masterKey;

    /** Purchases in flight on the node when it dies. */
    private static final int PURCHASES = 20;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void purchasesKilledBetweenChargeAndRecordAreAnsweredWithTheirOrdersWhenRetried() throws Exception {
        var shop = shops.open();
        String path = "/api/v1/checkouts/" + shop.checkoutId() + "/purchases";
        var keys = IntStream.range(0, PURCHASES).mapToObj(i -> UUID.randomUUID().toString()).toList();
        ChildTills.shareClock(db, clock);
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        Process child = ChildTills.start(dataSource, masterKey,
            ChildTills.quickStart("-Dtill.test.hang-after-charge-key=order:"),
            // Every purchase stays in flight on the node until it dies, each holding one of the node's request slots
            // (as many as its request pool has connections): enough slots for all of them.
            List.of("--server.port=" + port, "--till.database.pool-size=" + (PURCHASES + 2)));
        Set<String> charged;
        try {
            awaitListening(port, shop.apiKey());
            for (int i = 0; i < PURCHASES; i++) {
                http.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Authorization", "Bearer " + shop.apiKey())
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", keys.get(i))
                    .POST(HttpRequest.BodyPublishers.ofString(body(shop, i)))
                    .build(), HttpResponse.BodyHandlers.discarding());
                // One at a time: the node is to die with every purchase charged, not to be measured under load.
                awaitCharges(shop.accountId(), i + 1);
            }
            charged = ChildTills.awaitLines(child, "CHARGED ", PURCHASES);
        } finally {
            ChildTills.kill(child);
        }
        assertThat(ledger.charges(shop.accountId())).isEqualTo(PURCHASES);

        // The dead node's leases on the keys run out, as far as this node's clock can tell.
        // Keys are leased by real time, which the sandbox test clock does not move.
        Instant leasesEnd = db.sql("""
            SELECT max(lease_expires_at) FROM idempotency_keys WHERE account_id = :accountId
            """)
            .param("accountId", shop.accountId())
            .query(Timestamp.class)
            .single()
            .toInstant()
            .plusSeconds(1);
        if (leasesEnd.isAfter(clock.realTime().instant())) {
            clock.passRealTime(Duration.between(clock.realTime().instant(), leasesEnd));
        }
        var answered = new HashSet<String>();
        for (int i = 0; i < PURCHASES; i++) {
            var retried = api.post(path, shop.apiKey(), body(shop, i), "Idempotency-Key", keys.get(i));
            assertThat(retried.status()).as(retried.text()).isEqualTo(201);
            assertThat(retried.json().get("status").asString()).isEqualTo("paid");
            answered.add("order:" + retried.json().get("id").asString());
            String customer = retried.json().get("customer_id").asString();
            assertThat(api.get("/api/v1/orders?customer_id=" + customer, shop.apiKey()).json().get("data"))
                .hasSize(1);
            assertThat(shops.types(shop, customer)).filteredOn(type -> type.equals("order.created")).hasSize(1);
        }

        assertThat(answered).isEqualTo(charged);
        assertThat(ledger.charges(shop.accountId())).isEqualTo(PURCHASES);
    }

    private static String body(Shops.Shop shop, int buyer) {
        return """
            {"customer": {"name": "Buyer %d", "email": "buyer%d@example.com"}, "token": "pm_card_visa",
             "option_id": "%s"}""".formatted(buyer, buyer, shop.monthly());
    }

    /** Waits, for thirty seconds at most, until the sandbox processor holds {@code count} charges of the account. */
    private void awaitCharges(String accountId, long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ledger.charges(accountId) < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the child Till made " + ledger.charges(accountId) + " charges, not " + count);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** Waits, for two minutes at most, until the child answers HTTP. */
    private void awaitListening(int port, String apiKey) throws InterruptedException {
        var probe = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/checkouts?limit=1"))
            .header("Authorization", "Bearer " + apiKey)
            .build();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (ConnectException notYet) {
                // The child is still starting.
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("the child Till did not answer on port " + port + " within two minutes");
    }
}
