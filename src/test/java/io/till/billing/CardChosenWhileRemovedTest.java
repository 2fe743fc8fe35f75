package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Await;
import io.till.testing.LockWaits;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A card chosen for a subscription while the same card is being removed (two tabs of the portal, or staff and buyer at
 * once): the two come one after the other, and nothing is left paid by a card that is no longer saved. A review found
 * the choice reading the card as saved before the removal committed, after the removal had moved what the card paid.
 */
@TillIntegrationTest
class CardChosenWhileRemovedTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    JdbcClient db;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void aCardRemovedWhileItIsChosenForASubscriptionNeverPaysIt() throws Exception {
        var shop = shops.open();
        String customer = shops.customer(shop);
        String visa = shops.saveCard(shop, customer, "pm_card_visa");
        String amex = shops.saveCard(shop, customer, "pm_card_amex");
        String onVisa = subscribe(shop, customer, visa);
        String onAmex = subscribe(shop, customer, amex);

        var both = new TransactionTemplate(transactions).execute(status -> {
            // The subscription the amex pays, held: the removal waits there, after marking the card removed.
            db.sql("SELECT id FROM subscriptions WHERE id = :id FOR UPDATE").param("id", onAmex).query().listOfRows();
            var removing = CompletableFuture.supplyAsync(() -> api.delete(Shops.cards(customer) + "/" + amex,
                shop.apiKey()));
            Await.until("the removal waits to move what the card paid",
                () -> LockWaits.in(db, "UPDATE subscriptions") > 0);
            var choosing = CompletableFuture.supplyAsync(() -> api.post("/api/v1/subscriptions/" + onVisa
                + "/change_card", shop.apiKey(), "{\"payment_method_id\": \"%s\"}".formatted(amex)));
            Await.until("the choice has answered or waits for the removal",
                () -> choosing.isDone() || LockWaits.in(db, "FROM customers") > 0);
            return List.of(removing, choosing);
        });
        var removal = both.get(0).get(30, TimeUnit.SECONDS);
        var choice = both.get(1).get(30, TimeUnit.SECONDS);

        assertThat(removal.status()).as(removal.text()).isEqualTo(204);
        assertThat(choice.status()).as(choice.text()).isEqualTo(400);
        assertThat(choice.json().get("detail").asString()).contains("is not a saved card");
        assertThat(shops.subscription(shop, onVisa).get("card_id").asString()).isEqualTo(visa);
        assertThat(shops.subscription(shop, onAmex).get("card_id").asString())
            .as("what the removed card paid is paid with the default").isEqualTo(visa);
    }

    private String subscribe(Shops.Shop shop, String customer, String card) {
        var subscription = api.post("/api/v1/subscriptions", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s", "payment_method_id": "%s"}"""
            .formatted(customer, shop.monthly(), card));
        assertThat(subscription.status()).as(subscription.text()).isEqualTo(201);
        return subscription.json().get("id").asString();
    }
}
