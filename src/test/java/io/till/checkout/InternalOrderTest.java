package io.till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@TillIntegrationTest
class InternalOrderTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;

    @Test
    void chargesTheCardOnFileAndStartsTheSubscription() {
        var shop = shops.open();
        String customer = api.post("/api/v1/customers", shop.apiKey(), "{\"name\":\"Ada\",\"email\":\"a@x.io\"}")
            .json().get("id").asString();
        api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(), "{\"token\":\"pm_card_visa\"}");

        var order = api.post("/api/v1/orders", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s"}""".formatted(customer, shop.monthly()));

        assertThat(order.status()).as(order.text()).isEqualTo(201);
        assertThat(order.json().get("checkout_id").isNull()).isTrue();
        assertThat(order.json().get("subscription_id").isNull()).isFalse();
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(1);
        assertThat(shops.types(shop, customer)).containsExactly("customer.created", "card.updated",
            "product.purchased", "order.created", "payment.succeeded", "subscription.started");
    }

    @Test
    void refusesWhatAnInternalOrderCannotHave() {
        var shop = shops.open();
        String customer = api.post("/api/v1/customers", shop.apiKey(), "{\"name\":\"Ada\",\"email\":\"a@x.io\"}")
            .json().get("id").asString();

        var noCard = api.post("/api/v1/orders", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "%s"}""".formatted(customer, shop.monthly()));
        var unknownOption = api.post("/api/v1/orders", shop.apiKey(), """
            {"customer_id": "%s", "option_id": "opt_nope"}""".formatted(customer));

        assertThat(noCard.status()).isEqualTo(400);
        assertThat(fields(noCard)).containsExactly("payment_method_id");
        // An internal order takes no token: the answer says what it does take.
        assertThat(noCard.json().get("errors").get(0).get("message").asString()).doesNotContain("token")
            .contains("no card on file");
        assertThat(fields(unknownOption)).contains("option_id");
        assertThat(ledger.charges(shop.accountId())).isZero();
    }

    private static List<String> fields(Api.Response response) {
        var out = new ArrayList<String>();
        response.json().get("errors").forEach(error -> out.add(error.get("field").asString()));
        return out;
    }

    /** A probe sent {} and was told of the customer only; the option came after it was fixed. */
    @Test
    void anEmptyOrderOrSubscriptionListsEveryMissingField() {
        var shop = shops.open();
        for (String path : List.of("/api/v1/orders", "/api/v1/subscriptions")) {
            var refused = api.post(path, shop.apiKey(), "{}");

            assertThat(refused.status()).as(refused.text()).isEqualTo(400);
            var fields = new ArrayList<String>();
            refused.json().get("errors").forEach(error -> fields.add(error.get("field").asString() + " "
                + error.get("code").asString()));
            assertThat(fields).as(path).contains("customer_id required", "option_id required");
        }
    }
}
