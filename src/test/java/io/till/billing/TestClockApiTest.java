package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@TillIntegrationTest
class TestClockApiTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    TestAccounts accounts;

    @Test
    void theClockIsSharedButEachAccountSeesOnlyItsOwnPendingBillingWork() {
        var shop = shops.open();
        shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        var other = accounts.create();

        var own = api.get("/api/v1/test_clock", shop.apiKey()).json();
        var others = api.get("/api/v1/test_clock", other.apiKey()).json();

        assertThat(own.get("pending_jobs").asLong()).isPositive();
        assertThat(others.get("pending_jobs").asLong()).isZero();
        assertThat(others.get("now").asString()).isEqualTo(own.get("now").asString());
    }
}
