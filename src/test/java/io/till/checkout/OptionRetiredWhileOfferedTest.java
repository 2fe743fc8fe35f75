package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Await;
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
 * An option retired while a checkout is changed to offer it as an upsell: the two come one after the other, and a
 * retired option is never left on sale. A review found the checkout reading the option before the retirement
 * committed, and the retirement finding no upsell of it yet.
 */
@TillIntegrationTest
class OptionRetiredWhileOfferedTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    JdbcClient db;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void anUpsellOfAnOptionRetiredMeanwhileIsRefused() throws Exception {
        var store = shops.openWithUpsells();
        var shop = store.shop();
        String product = api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id")
            .asString();

        var offering = new TransactionTemplate(transactions).execute(status -> {
            // The retirement, under way: the product held as it holds it, the option marked retired, not committed.
            db.sql("SELECT id FROM products WHERE id = :id FOR UPDATE").param("id", product).query().listOfRows();
            db.sql("UPDATE product_options SET retired_at = now() WHERE id = :id").param("id", shop.trial()).update();
            var patching = CompletableFuture.supplyAsync(() -> api.patch("/api/v1/checkouts/" + store.checkoutId(),
                shop.apiKey(), """
                    {"upsells": [{"id": "%s"}, {"id": "%s"}, {"name": "Try it", "option_id": "%s"}]}"""
                    .formatted(store.bonus(), store.membership(), shop.trial())));
            Await.until("the change has answered or waits for the product",
                () -> patching.isDone() || LockWaits.in(db, "FROM products") > 0);
            return patching;
        });
        var answer = offering.get(30, TimeUnit.SECONDS);

        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(answer.json().get("errors").get(0).get("code").asString()).isEqualTo("retired");
        assertThat(api.get("/api/v1/checkouts/" + store.checkoutId(), shop.apiKey()).json().get("upsells"))
            .hasSize(2);
    }
}
