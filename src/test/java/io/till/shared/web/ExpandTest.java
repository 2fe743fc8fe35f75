package io.till.shared.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * {@code expand} (PRODUCT §8): a read carries the records its ids name, one request instead of one per id, from the
 * caller's account only; what cannot be expanded is refused by name; the OpenAPI document says which names each read
 * can expand.
 */
@TillIntegrationTest
class ExpandTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    TestAccounts accounts;

    @Test
    void aReadCarriesTheRecordsItsIdsName() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();

        JsonNode one = api.get("/api/v1/subscriptions/" + subscription + "?expand=customer,order", shop.apiKey())
            .json();
        JsonNode list = api.get("/api/v1/subscriptions?expand=customer&expand=order", shop.apiKey()).json();
        JsonNode plain = api.get("/api/v1/subscriptions/" + subscription, shop.apiKey()).json();

        assertThat(one.get("customer").get("id").asString()).isEqualTo(one.get("customer_id").asString());
        assertThat(one.get("customer").get("email").asString()).isEqualTo("ada@example.com");
        assertThat(one.get("order").get("id").asString()).isEqualTo(order.get("id").asString());
        assertThat(one.get("order").get("items")).isNotEmpty();
        assertThat(list.get("data").get(0).get("customer").get("email").asString()).isEqualTo("ada@example.com");
        assertThat(list.get("data").get(0).get("order").get("id").asString()).isEqualTo(order.get("id").asString());
        assertThat(list.has("has_more")).isTrue();
        // Without expand, the answer is as it always was.
        assertThat(plain.has("customer")).isFalse();
        assertThat(plain.get("customer_id").asString()).isEqualTo(one.get("customer_id").asString());
    }

    /** A record whose id names nothing carries the expanded key all the same, as null: the document says so. */
    @Test
    void anIdThatNamesNothingExpandsToNullRatherThanNoKey() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");

        JsonNode read = api.get("/api/v1/orders/" + order.get("id").asString() + "?expand=subscription,payment_plan",
            shop.apiKey()).json();

        assertThat(read.has("payment_plan")).as(read.toString()).isTrue();
        assertThat(read.get("payment_plan").isNull()).isTrue();
    }

    @Test
    void whatCannotBeExpandedIsRefusedByName() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");

        var unknown = api.get("/api/v1/orders?expand=customer,planet", shop.apiKey());
        var absent = api.get("/api/v1/customers/" + order.get("customer_id").asString() + "?expand=invoice",
            shop.apiKey());

        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.text()).contains("\"expand\"", "cannot expand planet; can expand customer, invoice, order, "
            + "payment, payment_plan, subscription");
        assertThat(absent.status()).isEqualTo(400);
        assertThat(absent.text()).contains("not_expandable", "this answer has no invoice_id to expand");
    }

    @Test
    void anotherAccountsIdsAreNeverExpandedBecauseTheirRecordsAreNeverRead() {
        var shop = shops.open();
        shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        var other = accounts.create();

        JsonNode theirs = api.get("/api/v1/subscriptions?expand=customer", other.apiKey()).json();

        assertThat(theirs.get("data")).isEmpty();
        assertThat(theirs.toString()).doesNotContain("ada@example.com");
    }

    @Test
    void theDocumentSaysWhatEachReadCanExpand() {
        JsonNode paths = api.get("/v3/api-docs", null).json().get("paths");

        var names = new ArrayList<String>();
        paths.get("/api/v1/subscriptions/{id}").get("get").get("parameters").forEach(parameter -> {
            if (parameter.path("name").asString("").equals("expand")) {
                parameter.get("schema").get("items").get("enum").forEach(name -> names.add(name.asString()));
            }
        });
        assertThat(names).containsExactly("customer", "order");
        assertThat(paths.get("/api/v1/payments").get("get").get("parameters").toString()).contains("\"expand\"");
        assertThat(paths.get("/api/v1/products").get("get").get("parameters").toString()).doesNotContain(
            "\"expand\"");
    }
}
