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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A Till process SIGKILLed during a purchase, after the gateway took the charge and before anything was recorded; the
 * buyer's client retries with the same Idempotency-Key once the key's lease is over. It gets the order the first attempt
 * paid for, and the card is charged once.
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

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aPurchaseKilledBetweenChargeAndRecordIsAnsweredWithItsOrderWhenRetried() throws Exception {
        var shop = shops.open();
        String key = UUID.randomUUID().toString();
        String path = "/api/v1/checkouts/" + shop.checkoutId() + "/purchases";
        String body = """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(shop.monthly());
        ChildTills.shareClock(db, clock);
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        Process child = ChildTills.start(dataSource, masterKey, List.of("-Dtill.test.hang-after-charge=order:"),
            List.of("--server.port=" + port));
        String chargeKey;
        try {
            awaitListening(port, shop.apiKey());
            http.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + shop.apiKey())
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.discarding());
            chargeKey = ChildTills.awaitLines(child, "CHARGED ", 1).iterator().next();
        } finally {
            ChildTills.kill(child);
        }
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);

        // The dead node's lease on the key runs out, as far as this node's clock can tell.
        var leaseEnds = db.sql("""
            SELECT lease_expires_at FROM idempotency_keys WHERE account_id = :accountId AND idempotency_key = :key
            """)
            .param("accountId", shop.accountId())
            .param("key", key)
            .query(Timestamp.class)
            .single()
            .toInstant();
        clock.moveTo(leaseEnds.plus(Duration.ofSeconds(1)));
        var retried = api.post(path, shop.apiKey(), body, "Idempotency-Key", key);

        assertThat(retried.status()).as(retried.text()).isEqualTo(201);
        assertThat("order:" + retried.json().get("id").asString()).isEqualTo(chargeKey);
        assertThat(retried.json().get("status").asString()).isEqualTo("paid");
        String customer = retried.json().get("customer_id").asString();
        var orders = api.get("/api/v1/orders?customer_id=" + customer, shop.apiKey()).json().get("data");
        assertThat(orders).hasSize(1);
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
        assertThat(shops.types(shop, customer)).filteredOn(type -> type.equals("order.created")).hasSize(1);
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
