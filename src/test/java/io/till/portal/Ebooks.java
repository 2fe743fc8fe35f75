package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A buyer with many orders and payments: an ebook sold once ($9.00) and bought again and again. */
final class Ebooks {

    private Ebooks() {}

    /** The shop sells an ebook once ($9.00), bought by the same customer {@code times} times; the orders, oldest first. */
    static List<JsonNode> buy(Api api, Shops.Shop shop, String email, int times) {
        var ebook = api.post("/api/v1/products", shop.apiKey(), """
            {"name": "Ebook", "options": [{"name": "Once", "kind": "one_time", "amount": 900, "currency": "usd"}]}""")
            .json();
        String option = ebook.get("options").get(0).get("id").asString();
        String checkout = api.post("/api/v1/checkouts", shop.apiKey(), """
            {"name": "Ebook", "product_id": "%s"}""".formatted(ebook.get("id").asString())).json().get("id").asString();
        var orders = new ArrayList<JsonNode>();
        var first = api.post("/api/v1/checkouts/" + checkout + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Ada", "email": "%s"}, "token": "pm_card_visa", "option_id": "%s"}"""
            .formatted(email, option));
        assertThat(first.status()).as(first.text()).isEqualTo(201);
        orders.add(first.json());
        while (orders.size() < times) {
            var next = api.post("/api/v1/checkouts/" + checkout + "/purchases", shop.apiKey(), """
                {"customer_id": "%s", "payment_method_id": "%s", "option_id": "%s"}""".formatted(first.json()
                .get("customer_id")
                .asString(), first.json().get("card_id").asString(), option));
            assertThat(next.status()).as(next.text()).isEqualTo(201);
            orders.add(next.json());
        }
        return orders;
    }
}
