package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;

/**
 * A card event is in the scope of what the card pays, by the rule billing charges by: a subscription's own card, or
 * the customer's default when it has none, or when its own card was removed.
 */
@TillIntegrationTest
class EventScopesTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    EventScopes scopes;
    @Autowired
    JsonMapper json;

    private String saveCard(Shops.Shop shop, String customer, String token, boolean makeDefault) {
        var saved = api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(),
            "{\"token\": \"" + token + "\", \"make_default\": " + makeDefault + "}");
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        return saved.json().get("id").asString();
    }

    @Test
    void theDefaultCardPaysASubscriptionWhoseOwnCardWasRemoved() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String subscription = order.get("subscription_id").asString();
        var bought = shops.subscription(shop, subscription);
        // The card bought with stays the customer's default; the subscription is given a card of its own.
        String other = order.get("card_id").asString();
        String own = saveCard(shop, customer, "pm_card_mastercard", false);
        var changed = api.post("/api/v1/subscriptions/" + subscription + "/change_card", shop.apiKey(),
            "{\"payment_method_id\": \"" + own + "\"}");
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        var scope = Map.of("product_id", bought.get("product_id").asString());
        var aboutOther = json.readTree("{\"card\": {\"id\": \"" + other + "\"}}");

        // While its own card is on file, the subscription is that card's, not the default's.
        assertThat(scopes.reader(shop.accountId()).mismatch(scope, "card.expiring", aboutOther)).isPresent();

        assertThat(api.delete("/api/v1/customers/" + customer + "/payment_methods/" + own, shop.apiKey()).status())
            .isEqualTo(204);

        assertThat(scopes.reader(shop.accountId()).mismatch(scope, "card.expiring", aboutOther)).isEmpty();
    }
}
