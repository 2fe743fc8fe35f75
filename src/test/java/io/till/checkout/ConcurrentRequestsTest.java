package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Many more requests at once than the pool has connections: each waits its turn for one connection and none holds one
 * while waiting for another, so all of them answer. The generous bound only tells a stall (every request waiting for a
 * connection that the others hold) from slowness; it measures nothing.
 */
@TillIntegrationTest
class ConcurrentRequestsTest {

    private static final int REQUESTS = 64;
    private static final long STALL_SECONDS = 60;

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    HikariDataSource dataSource;
    @Autowired
    JdbcClient db;

    @Test
    void sixtyFourConcurrentReadsOfOrdersProductsAndCheckoutsAllAnswer() throws Exception {
        var store = shops.openWithUpsells();
        var order = buy(store, "reader@example.com");
        String productId = api.get("/api/v1/checkouts/" + store.checkoutId(), store.shop().apiKey()).json()
            .get("product_id").asString();
        List<String> paths = List.of("/api/v1/orders/" + order.get("id").asString(), "/api/v1/products/" + productId,
            "/api/v1/checkouts/" + store.checkoutId());

        var responses = all(i -> () -> api.get(paths.get(i % paths.size()), store.shop().apiKey()));

        assertThat(responses).extracting(Api.Response::status).containsOnly(200);
    }

    @Test
    void sixtyFourConcurrentPurchasesAllAnswer() throws Exception {
        var store = shops.openWithUpsells();

        var responses = all(i -> () -> purchase(store, "buyer" + i + "@example.com"));

        assertThat(responses).extracting(Api.Response::status).containsOnly(201);
        assertThat(ledger.successfulCharges(store.shop().accountId())).isEqualTo(REQUESTS);
        // Each took the account's next order number, none twice and none skipped.
        assertThat(responses).extracting(response -> response.json().get("number").asLong())
            .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.rangeClosed(1, REQUESTS).boxed().toList());
    }

    @Test
    void sixtyFourConcurrentPurchasesOfOneBuyerEachTakeTheirOwnPlaceAmongTheirOrders() throws Exception {
        var store = shops.openWithUpsells();
        buy(store, "regular@example.com");

        var responses = all(i -> () -> purchase(store, "regular@example.com"));

        assertThat(responses).extracting(Api.Response::status).containsOnly(201);
        // Their first order stays their first; the others are their 2nd to 65th, none twice (what "a new buyer" reads).
        assertThat(responses).extracting(response -> response.json().get("customer_order_number").asLong())
            .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.rangeClosed(2, REQUESTS + 1).boxed()
                .toList());
    }

    @Test
    void aBuyerCreatedByAnotherPurchaseMeanwhileIsThatCustomerNotAConflict() throws Exception {
        var store = shops.openWithUpsells();
        // Another purchase by the same new buyer has written the customer but not committed: this one's lookup cannot
        // see it, and its insert waits on the unique email.
        try (var other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (var insert = other.prepareStatement("""
                INSERT INTO customers (id, account_id, name, email, created_at, updated_at)
                VALUES ('cus_meanwhile', ?, 'Buyer', 'same.buyer@example.com', now(), now())
                """)) {
                insert.setString(1, store.shop().accountId());
                insert.executeUpdate();
            }
            var second = Executors.newSingleThreadExecutor().submit(() -> purchase(store, "Same.Buyer@example.com"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (db.sql("""
                SELECT count(*) FROM pg_stat_activity
                 WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO customers%'
                   AND datname = current_database()
                """).query(Long.class).single() == 0) {
                assertThat(System.nanoTime()).as("the second insert waits for the first").isLessThan(deadline);
            }
            other.commit();
            var answer = second.get(30, TimeUnit.SECONDS);
            assertThat(answer.status()).as(answer.text()).isEqualTo(201);
            assertThat(answer.json().get("customer_id").asString()).isEqualTo("cus_meanwhile");
        }
        assertThat(api.get("/api/v1/customers?query=same.buyer", store.shop().apiKey()).json().get("data"))
            .hasSize(1);
        assertThat(ledger.successfulCharges(store.shop().accountId())).isEqualTo(1);
    }

    @Test
    void sixtyFourConcurrentUpsellAcceptsAllAnswerAndChargeOnce() throws Exception {
        var store = shops.openWithUpsells();
        var orders = new ArrayList<String>();
        for (int i = 0; i < REQUESTS / 4; i++) {
            orders.add(buy(store, "clicker" + i + "@example.com").get("id").asString());
        }

        // Every order gets both of its upsells accepted twice at once: a double click on each button.
        var responses = all(i -> () -> api.post("/api/v1/orders/" + orders.get(i / 4) + "/upsells/" + (i % 2 == 0
            ? store.bonus()
            : store.membership()) + "/accept", store.shop().apiKey(), null));

        assertThat(responses).extracting(Api.Response::status).allMatch(status -> status == 200 || status == 409);
        assertThat(ledger.successfulCharges(store.shop().accountId())).isEqualTo(orders.size() * 3L);
        for (String order : orders) {
            assertThat(api.get("/api/v1/orders/" + order, store.shop().apiKey()).json().get("items")).hasSize(3);
        }
    }

    /** Sends {@link #REQUESTS} requests at once and waits for every answer, failing on a stall. */
    private List<Api.Response> all(java.util.function.IntFunction<Supplier<Api.Response>> request) throws Exception {
        var start = new CountDownLatch(1);
        var futures = new ArrayList<Future<Api.Response>>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < REQUESTS; i++) {
                var call = request.apply(i);
                futures.add(threads.submit(() -> {
                    start.await();
                    return call.get();
                }));
            }
            start.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STALL_SECONDS);
            var responses = new ArrayList<Api.Response>();
            for (var future : futures) {
                // A TimeoutException here is the stall this test is about.
                responses.add(future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return responses;
        }
    }

    private Api.Response purchase(Shops.UpsellShop store, String email) {
        return api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.shop().apiKey(), """
            {"customer": {"name": "Buyer", "email": "%s"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(email, store.courseOption()));
    }

    private JsonNode buy(Shops.UpsellShop store, String email) {
        var response = purchase(store, email);
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }
}
