package io.till.customer;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Await;
import io.till.testing.LockWaits;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two changes of one customer's cards sent at once end as if made one after the other: the second reads the default
 * the first left, not the one it saw before waiting for the customer.
 */
@TillIntegrationTest
class CardRaceTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    JdbcClient db;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void aCardRemovedWhileItIsMadeTheDefaultIsNeverTheDefault() throws Exception {
        var shop = shops.open();
        String customer = shops.customer(shop);
        String visa = shops.saveCard(shop, customer, "pm_card_visa");
        String amex = shops.saveCard(shop, customer, "pm_card_amex");

        var answers = queuedBehindTheCustomer(customer, List.of(
            () -> api.post(Shops.cards(customer) + "/" + amex + "/make_default", shop.apiKey(), null),
            () -> api.delete(Shops.cards(customer) + "/" + amex, shop.apiKey())));

        assertThat(answers).extracting(Api.Response::status).containsExactly(200, 204);
        var read = api.get("/api/v1/customers/" + customer, shop.apiKey()).json();
        assertThat(read.get("default_card").get("id").asString()).isEqualTo(visa);
        var saved = api.get(Shops.cards(customer), shop.apiKey()).json().get("data");
        assertThat(saved).hasSize(1);
        assertThat(saved.get(0).get("id").asString()).isEqualTo(visa);
        assertThat(saved.get(0).get("is_default").asBoolean()).isTrue();
        // With no card given, the order is charged to the default the customer is left with.
        var order = api.post("/api/v1/orders", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s"}""".formatted(customer, shop.monthly()));
        assertThat(order.status()).as(order.text()).isEqualTo(201);
        assertThat(order.json().get("card_id").asString()).isEqualTo(visa);
    }

    @Test
    void twoDefaultChangesAtOnceLeaveTheSubscriptionOnTheFinalDefault() throws Exception {
        var shop = shops.open();
        String customer = shops.customer(shop);
        shops.saveCard(shop, customer, "pm_card_visa");
        String amex = shops.saveCard(shop, customer, "pm_card_amex");
        String mastercard = shops.saveCard(shop, customer, "pm_card_mastercard");
        var subscription = api.post("/api/v1/subscriptions", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s"}""".formatted(customer, shop.monthly()));
        assertThat(subscription.status()).as(subscription.text()).isEqualTo(201);

        var answers = queuedBehindTheCustomer(customer, List.of(
            () -> api.post(Shops.cards(customer) + "/" + amex + "/make_default", shop.apiKey(), null),
            () -> api.post(Shops.cards(customer) + "/" + mastercard + "/make_default", shop.apiKey(), null)));

        assertThat(answers).extracting(Api.Response::status).containsExactly(200, 200);
        assertThat(api.get("/api/v1/customers/" + customer, shop.apiKey()).json().get("default_card").get("id")
            .asString()).isEqualTo(mastercard);
        assertThat(shops.subscription(shop, subscription.json().get("id").asString()).get("card_id").asString())
            .isEqualTo(mastercard);
    }

    /**
     * Sends the requests while this test holds the customer's row, each once the one before waits for it, then lets
     * go: they take the customer in the order sent, each after the one before committed, having read what it reads
     * before waiting.
     */
    private List<Api.Response> queuedBehindTheCustomer(String customerId, List<Supplier<Api.Response>> requests)
        throws Exception {
        var sent = new TransactionTemplate(transactions).execute(status -> {
            db.sql("SELECT id FROM customers WHERE id = :id FOR UPDATE").param("id", customerId).query().listOfRows();
            var futures = new ArrayList<CompletableFuture<Api.Response>>();
            for (var request : requests) {
                futures.add(CompletableFuture.supplyAsync(request));
                int waiting = futures.size();
                Await.until(waiting + " requests wait for the customer", () -> waitingForTheCustomer() >= waiting);
            }
            return futures;
        });
        var answers = new ArrayList<Api.Response>();
        for (var future : sent) {
            answers.add(future.get(30, TimeUnit.SECONDS));
        }
        return answers;
    }

    /** How many sessions wait for a lock in a statement about customers, as seen now. */
    private long waitingForTheCustomer() {
        return LockWaits.in(db, "FROM customers");
    }
}
