package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

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
 * A purchase with a promo code takes the code before the customer, whether it starts, is declined or is paid: a
 * declined purchase giving its code's use back while the buyer's next purchase with the same code starts is never a
 * deadlock (a review found the decline taking the customer first, then the code, and a new purchase the reverse:
 * PostgreSQL then aborted one of the two, a 500 for a buyer retrying with another card).
 */
@TillIntegrationTest
class PromoCodeLockOrderTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    GatewayFaults faults;
    @Autowired
    JdbcClient db;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void aDeclineGivingItsCodeBackBesideTheNextPurchaseWithTheCodeIsNoDeadlock() throws Exception {
        var shop = shops.open();
        String customer = shops.customer(shop);
        String declining = shops.saveCard(shop, customer, "pm_card_chargeCustomerFail");
        String visa = shops.saveCard(shop, customer, "pm_card_visa");
        assertThat(api.post("/api/v1/promo_codes", shop.apiKey(), """
            {"code": "AGAIN", "percent_off": 10}""").status()).isEqualTo(201);
        var charging = faults.holdNextCharge(shop.accountId());
        var declined = CompletableFuture.supplyAsync(() -> buy(shop, customer, declining));
        charging.awaitEntered();

        var next = new TransactionTemplate(transactions).execute(status -> {
            // The customer held: the decline waits for them, and the next purchase queues behind it.
            db.sql("SELECT id FROM customers WHERE id = :id FOR NO KEY UPDATE").param("id", customer).query()
                .listOfRows();
            charging.release();
            Await.until("the decline waits for the customer", () -> LockWaits.in(db, "FROM customers") >= 1);
            var buying = CompletableFuture.supplyAsync(() -> buy(shop, customer, visa));
            Await.until("the next purchase waits too",
                () -> LockWaits.in(db, "customers") + LockWaits.in(db, "promo_codes") >= 2);
            return buying;
        });

        var first = declined.get(30, TimeUnit.SECONDS);
        var second = next.get(30, TimeUnit.SECONDS);
        assertThat(first.status()).as(first.text()).isEqualTo(402);
        assertThat(second.status()).as(second.text()).isEqualTo(201);
        assertThat(db.sql("SELECT times_redeemed FROM promo_codes WHERE account_id = :account AND code = 'AGAIN'")
            .param("account", shop.accountId())
            .query(Integer.class)
            .single()).as("used by the paid purchase only").isEqualTo(1);
    }

    private Api.Response buy(Shops.Shop shop, String customer, String card) {
        return api.post("/api/v1/orders", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s", "payment_method_id": "%s", "promo_code": "AGAIN"}"""
            .formatted(customer, shop.monthly(), card));
    }
}
