package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.billing.CardChoices;
import io.till.shared.TillException;
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
 * Two tabs of the portal: one chooses a card for a subscription while the other removes that card, which it still
 * shows as paying nothing. The removal is refused, since the card now pays something; a review found it checking
 * before it took the customer's cards, removing the card after the choice committed and moving the subscription back
 * to the default card (often the one that had just been declined, charged again by the retry the choice scheduled).
 */
@TillIntegrationTest
class CardRemovedWhileChosenTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    PortalCards portalCards;
    @Autowired
    JdbcClient db;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void aCardChosenWhileAnotherTabRemovesItKeepsPayingAndTheRemovalIsRefused() throws Exception {
        var shop = shops.open();
        String customer = shops.customer(shop);
        String visa = shops.saveCard(shop, customer, "pm_card_visa");
        String amex = shops.saveCard(shop, customer, "pm_card_amex");
        var subscription = api.post("/api/v1/subscriptions", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s", "payment_method_id": "%s"}"""
            .formatted(customer, shop.monthly(), visa));
        assertThat(subscription.status()).as(subscription.text()).isEqualTo(201);
        String sub = subscription.json().get("id").asString();

        // Threads of their own: the common pool has a single thread on a two-core machine.
        var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        var both = new TransactionTemplate(transactions).execute(status -> {
            // The customer's cards held: the choice waits for them, then the removal.
            db.sql("SELECT id FROM customers WHERE id = :id FOR NO KEY UPDATE").param("id", customer).query()
                .listOfRows();
            var choosing = CompletableFuture.supplyAsync(() -> portalCards.choose(shop.accountId(), customer,
                CardChoices.Kind.SUBSCRIPTION, sub, amex), threads);
            Await.until("the choice waits for the customer's cards", () -> LockWaits.in(db, "FROM customers") == 1);
            var removing = CompletableFuture.supplyAsync(() -> {
                try {
                    portalCards.remove(shop.accountId(), customer, amex);
                    return "removed";
                } catch (TillException refused) {
                    return refused.getMessage();
                }
            }, threads);
            Await.until("the removal waits too", () -> LockWaits.in(db, "FROM customers") == 2);
            return List.of(choosing, removing);
        });
        both.get(0).get(30, TimeUnit.SECONDS);
        Object removal = both.get(1).get(30, TimeUnit.SECONDS);

        assertThat((String) removal).contains("Choose another card for it first");
        assertThat(shops.subscription(shop, sub).get("card_id").asString()).isEqualTo(amex);
        assertThat(api.get(Shops.cards(customer), shop.apiKey()).json().get("data").findValuesAsString("id"))
            .contains(amex);
    }
}
