package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.Await;
import io.till.testing.LockWaits;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * A product that gives one free trial per customer gives it once however the customer reaches it at the same moment:
 * a review found two upsell accepts (two orders' offers, two tabs) each deciding "no trial yet" and both starting one,
 * as two purchases once did; the accepts never took the customer's lock that purchases take to decide it.
 */
@TillIntegrationTest
class TrialOncePerCustomerTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    JdbcClient db;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void twoUpsellAcceptsOfTheTrialAtOnceStartOneTrialAndTheOtherIsAskedToPayInFull() throws Exception {
        var shop = shops.open();
        var course = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Course", "options": [{"name": "Once", "kind": "one_time", "amount": 4900, "currency": "usd"}]}
            """).json();
        var checkout = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Course", "product_id": "%s", "upsells": [{"name": "Try the membership", "option_id": "%s"}]}"""
            .formatted(course.get("id").asString(), shop.trial())).json();
        String trial = checkout.get("upsells").get(0).get("id").asString();
        var membership = api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id");
        assertThat(api.patch("/api/v1/products/" + membership.asString(), shop.apiKey(),
            "{\"one_trial_per_customer\": true}").status()).isEqualTo(200);
        String courseOption = course.get("options").get(0).get("id").asString();
        var first = buy(shop, checkout.get("id").asString(), courseOption);
        var second = buy(shop, checkout.get("id").asString(), courseOption);
        assertThat(second.get("customer_id").asString()).isEqualTo(first.get("customer_id").asString());
        String customer = first.get("customer_id").asString();

        var sent = new TransactionTemplate(transactions).execute(status -> {
            // The customer held as a change of theirs would hold them (a subscription may still be written for them).
            db.sql("SELECT id FROM customers WHERE id = :id FOR NO KEY UPDATE").param("id", customer).query()
                .listOfRows();
            var accepts = new ArrayList<CompletableFuture<Api.Response>>();
            for (var order : List.of(first, second)) {
                accepts.add(CompletableFuture.supplyAsync(() -> api.post("/api/v1/orders/" + order.get("id")
                    .asString() + "/upsells/" + trial + "/accept", shop.apiKey(), null)));
            }
            Await.until("both accepts have answered or wait for the customer", () -> accepts.stream()
                .filter(CompletableFuture::isDone).count() + LockWaits.in(db, "FROM customers") >= 2);
            return accepts;
        });
        var answers = new ArrayList<Api.Response>();
        for (var accept : sent) {
            answers.add(accept.get(30, TimeUnit.SECONDS));
        }

        assertThat(answers).extracting(Api.Response::status).containsExactlyInAnyOrder(200, 409);
        var refused = answers.stream().filter(answer -> answer.status() == 409).findFirst().orElseThrow();
        assertThat(refused.json().get("detail").asString()).contains("one free trial per customer", "full price");
        var subscriptions = api.get("/api/v1/subscriptions?customer_id=" + customer, shop.apiKey()).json()
            .get("data");
        assertThat(subscriptions).as("one trial").hasSize(1);
        assertThat(subscriptions.get(0).get("status").asString()).isEqualTo("trialing");
        assertThat(ledger.successfulCharges(shop.accountId())).as("the two courses, nothing for a trial").isEqualTo(2);

        String refusedOrder = answers.get(0).status() == 409
            ? first.get("id").asString()
            : second.get("id")
                .asString();
        var again = api.post("/api/v1/orders/" + refusedOrder + "/upsells/" + trial + "/accept", shop.apiKey(), null);
        assertThat(again.status()).as("accepted again, at the full price: " + again.text()).isEqualTo(200);
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(3);
        assertThat(api.get("/api/v1/subscriptions?customer_id=" + customer, shop.apiKey()).json().get("data")
            .valueStream().map(s -> s.get("status").asString())).containsExactlyInAnyOrder("trialing", "active");
    }

    private JsonNode buy(Shops.Shop shop, String checkoutId, String option) {
        var response = api.post("/api/v1/checkouts/" + checkoutId + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "ada@example.com"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(option));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }
}
