package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.Await;
import io.till.testing.GatewayFaults;
import io.till.testing.LockWaits;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * A card removed while a purchase pays with it. Removed before the pending order is written: the purchase is refused,
 * nothing is charged and nothing is left behind. Removed after: the charge goes on and is recorded, and what the
 * purchase started is paid with the default from then on, as whatever else the removed card paid.
 */
@TillIntegrationTest
class CardRemovedDuringPurchaseTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    GatewayFaults faults;
    @Autowired
    JdbcClient db;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void aCardRemovedAfterThePurchaseWasCheckedIsRefusedAndLeavesNoOrderNorPromoUse() throws Exception {
        var shop = shops.open();
        String customer = shops.customer(shop);
        String visa = shops.saveCard(shop, customer, "pm_card_visa");
        assertThat(api.post("/api/v1/promo_codes", shop.apiKey(), """
            {"code": "HELD", "percent_off": 10}""").status()).isEqualTo(201);

        // The purchase has checked the card (the customer's default) and waits to count the promo code's use while
        // the card is removed.
        var purchase = new TransactionTemplate(transactions).execute(status -> {
            db.sql("SELECT id FROM promo_codes WHERE account_id = :account AND code = 'HELD' FOR UPDATE")
                .param("account", shop.accountId())
                .query()
                .listOfRows();
            var placing = CompletableFuture.supplyAsync(() -> api.post("/api/v1/orders", shop.apiKey(), """
                {"customer_id": "%s", "option_id": "%s", "promo_code": "HELD"}"""
                .formatted(customer, shop.monthly())));
            Await.until("the purchase waits for the promo code", () -> waitingFor("promo_codes"));
            var removal = CompletableFuture.supplyAsync(() -> api.delete(Shops.cards(customer) + "/" + visa,
                shop.apiKey()));
            assertThat(removal).as("the card is removed while the purchase waits")
                .succeedsWithin(10, TimeUnit.SECONDS).extracting(Api.Response::status).isEqualTo(204);
            return placing;
        });

        var refused = purchase.get(30, TimeUnit.SECONDS);
        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("payment_method_id");
        assertThat(refused.json().get("errors").get(0).get("message").asString()).contains("removed")
            .contains("nothing was charged");
        assertThat(orders(shop, customer)).isEmpty();
        assertThat(ledger.charges(shop.accountId())).isZero();
        assertThat(api.get("/api/v1/promo_codes", shop.apiKey()).json().get("data").get(0).get("times_redeemed")
            .asInt()).isZero();
    }

    @Test
    void aCardRemovedWhileItsChargeIsAtTheGatewayIsChargedOnceAndItsSubscriptionIsPaidByTheDefault()
        throws Exception {
        var shop = shops.open();
        String customer = shops.customer(shop);
        String visa = shops.saveCard(shop, customer, "pm_card_visa");
        String amex = shops.saveCard(shop, customer, "pm_card_amex");
        var hold = faults.holdNextCharge(shop.accountId());

        var subscribing = CompletableFuture.supplyAsync(() -> api.post("/api/v1/subscriptions", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s", "payment_method_id": "%s"}"""
            .formatted(customer, shop.monthly(), amex)));
        hold.awaitEntered();
        assertThat(api.delete(Shops.cards(customer) + "/" + amex, shop.apiKey()).status()).isEqualTo(204);
        hold.release();

        var subscription = subscribing.get(30, TimeUnit.SECONDS);
        assertThat(subscription.status()).as(subscription.text()).isEqualTo(201);
        assertThat(subscription.json().get("card_id").asString()).isEqualTo(visa);
        var orders = orders(shop, customer);
        assertThat(orders).hasSize(1);
        assertThat(orders.getFirst().get("status").asString()).isEqualTo("paid");
        assertThat(orders.getFirst().get("card_id").asString()).as("paid with the card it was charged to")
            .isEqualTo(amex);
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
        assertThat(shops.types(shop, customer)).filteredOn(type -> type.equals("payment.succeeded")).hasSize(1);
    }

    /** Whether a session waits for a lock in a statement about {@code table}, as seen now. */
    private boolean waitingFor(String table) {
        return LockWaits.in(db, table) > 0;
    }

    private java.util.List<JsonNode> orders(Shops.Shop shop, String customerId) {
        var orders = new java.util.ArrayList<JsonNode>();
        api.get("/api/v1/orders?customer_id=" + customerId, shop.apiKey()).json().get("data").forEach(orders::add);
        return orders;
    }
}
