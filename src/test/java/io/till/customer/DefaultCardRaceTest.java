package io.till.customer;

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

/**
 * "Make default" sent while a purchase or a renewal pays with the default card ends as if the two had come one after
 * the other: what pays with the default follows the card the customer chose, whichever came first. A probe found a
 * subscription bought with the default while the default changed left on the card the customer had just moved away
 * from (every other subscription followed the new default, this one never would).
 */
@TillIntegrationTest
class DefaultCardRaceTest {

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
    void aDefaultChangedWhileAPurchaseChargesTheOldDefaultMovesWhatThePurchaseStarts() throws Exception {
        var shop = shops.open();
        String customer = shops.customer(shop);
        String visa = shops.saveCard(shop, customer, "pm_card_visa");
        String amex = shops.saveCard(shop, customer, "pm_card_amex");
        var hold = faults.holdNextCharge(shop.accountId());

        var subscribing = CompletableFuture.supplyAsync(() -> api.post("/api/v1/subscriptions", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s"}""".formatted(customer, shop.monthly())));
        hold.awaitEntered();
        var madeDefault = api.post(Shops.cards(customer) + "/" + amex + "/make_default", shop.apiKey(), null);
        hold.release();

        assertThat(madeDefault.status()).as(madeDefault.text()).isEqualTo(200);
        var subscription = subscribing.get(30, TimeUnit.SECONDS);
        assertThat(subscription.status()).as(subscription.text()).isEqualTo(201);
        assertThat(subscription.json().get("card_id").asString()).as("follows the default the customer chose")
            .isEqualTo(amex);
        assertThat(order(shop, customer).get("card_id").asString()).as("charged to the default it read")
            .isEqualTo(visa);
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(1);
        assertDefault(shop, customer, amex);
    }

    @Test
    void aDefaultChangedAfterAPurchaseReadItChargesTheNewDefault() throws Exception {
        var shop = shops.open();
        String customer = shops.customer(shop);
        shops.saveCard(shop, customer, "pm_card_visa");
        String amex = shops.saveCard(shop, customer, "pm_card_amex");
        assertThat(api.post("/api/v1/promo_codes", shop.apiKey(), """
            {"code": "HELD", "percent_off": 10}""").status()).isEqualTo(201);

        // The purchase has read the default (the Visa) and waits to count the promo code's use while the default
        // becomes the Amex.
        var purchase = new TransactionTemplate(transactions).execute(status -> {
            db.sql("SELECT id FROM promo_codes WHERE account_id = :account AND code = 'HELD' FOR UPDATE")
                .param("account", shop.accountId())
                .query()
                .listOfRows();
            var placing = CompletableFuture.supplyAsync(() -> api.post("/api/v1/subscriptions", shop.apiKey(), """
                {"customer_id": "%s", "option_id": "%s", "promo_code": "HELD"}"""
                .formatted(customer, shop.monthly())));
            Await.until("the purchase waits for the promo code", () -> waitingFor("promo_codes"));
            var madeDefault = CompletableFuture.supplyAsync(() -> api.post(Shops.cards(customer) + "/" + amex
                + "/make_default", shop.apiKey(), null));
            assertThat(madeDefault).as("the default changes while the purchase waits")
                .succeedsWithin(10, TimeUnit.SECONDS).extracting(Api.Response::status).isEqualTo(200);
            return placing;
        });

        var subscription = purchase.get(30, TimeUnit.SECONDS);
        assertThat(subscription.status()).as(subscription.text()).isEqualTo(201);
        assertThat(subscription.json().get("card_id").asString()).isEqualTo(amex);
        assertThat(order(shop, customer).get("card_id").asString()).as("charged to the default when it was placed")
            .isEqualTo(amex);
        assertDefault(shop, customer, amex);
    }

    /**
     * A renewal charging the old default while the default changes: the payment is the old card's (it was charged),
     * the subscription pays with the new default from then on, and the retry the change asks for charges nothing more.
     */
    @Test
    void aDefaultChangedWhileARenewalChargesTheOldDefaultLeavesTheSubscriptionOnTheNewOne() throws Exception {
        var shop = shops.open();
        String customer = shops.customer(shop);
        String visa = shops.saveCard(shop, customer, "pm_card_visa");
        String amex = shops.saveCard(shop, customer, "pm_card_amex");
        var bought = api.post("/api/v1/subscriptions", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s"}""".formatted(customer, shop.monthly()));
        assertThat(bought.status()).as(bought.text()).isEqualTo(201);
        String subscription = bought.json().get("id").asString();
        var hold = faults.holdNextCharge(shop.accountId());

        var renewing = CompletableFuture.supplyAsync(() -> shops.advance(shop, "P32D"));
        hold.awaitEntered();
        var madeDefault = api.post(Shops.cards(customer) + "/" + amex + "/make_default", shop.apiKey(), null);
        hold.release();

        assertThat(madeDefault.status()).as(madeDefault.text()).isEqualTo(200);
        var advanced = renewing.get(30, TimeUnit.SECONDS);
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        assertThat(shops.subscription(shop, subscription).get("card_id").asString()).isEqualTo(amex);
        var invoices = api.get("/api/v1/invoices?customer_id=" + customer, shop.apiKey()).json().get("data");
        assertThat(invoices).hasSize(1);
        assertThat(invoices.get(0).get("status").asString()).isEqualTo("paid");
        var payments = api.get("/api/v1/payments?invoice_id=" + invoices.get(0).get("id").asString(), shop.apiKey())
            .json().get("data");
        assertThat(payments).hasSize(1);
        assertThat(payments.get(0).get("card_id").asString()).isEqualTo(visa);
        assertThat(ledger.charges(shop.accountId())).as("the purchase and the renewal, nothing more").isEqualTo(2);
        assertDefault(shop, customer, amex);
        shops.advance(shop, "P31D");
        assertThat(db.sql("""
            SELECT p.card_id FROM payments p JOIN invoices i ON i.id = p.invoice_id
             WHERE p.account_id = :a ORDER BY p.created_at DESC LIMIT 1""")
            .param("a", shop.accountId())
            .query(String.class)
            .single()).as("the next renewal charges the new default").isEqualTo(amex);
    }

    private void assertDefault(Shops.Shop shop, String customer, String card) {
        var read = api.get("/api/v1/customers/" + customer, shop.apiKey()).json();
        assertThat(read.get("default_card").get("id").asString()).isEqualTo(card);
    }

    private tools.jackson.databind.JsonNode order(Shops.Shop shop, String customerId) {
        var orders = api.get("/api/v1/orders?customer_id=" + customerId, shop.apiKey()).json().get("data");
        assertThat(orders).hasSize(1);
        return orders.get(0);
    }

    /** Whether a session waits for a lock in a statement about {@code table}, as seen now. */
    private boolean waitingFor(String table) {
        return LockWaits.in(db, table) > 0;
    }
}
