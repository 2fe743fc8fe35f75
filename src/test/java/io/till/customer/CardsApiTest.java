package io.till.customer;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

@TillIntegrationTest
class CardsApiTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;
    @Autowired
    Shops shops;

    @Test
    void savesTheFirstCardAsDefaultAndShowsItsLast4OnTheCustomer() {
        var store = accounts.create();
        String customer = createCustomer(store.apiKey());

        var saved = api.post(cards(customer), store.apiKey(), "{\"token\": \"pm_card_visa\"}");

        assertThat(saved.status()).isEqualTo(201);
        var card = saved.json();
        assertThat(card.get("id").asString()).startsWith("card_");
        assertThat(card.get("brand").asString()).isEqualTo("visa");
        assertThat(card.get("last4").asString()).isEqualTo("4242");
        assertThat(card.get("is_default").asBoolean()).isTrue();
        assertThat(saved.text()).doesNotContain("sbx_").doesNotContain("gateway_reference");
        var read = api.get("/api/v1/customers/" + customer, store.apiKey()).json();
        assertThat(read.get("default_card").get("last4").asString()).isEqualTo("4242");
        var events = api.get("/api/v1/events?type=card.updated&customer_id=" + customer, store.apiKey()).json()
            .get("data");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).get("data").get("card")).isEqualTo(card);
    }

    @Test
    void aCardIsInUseWhileItPaysASubscriptionThatIsNotOver() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String subscription = order.get("subscription_id").asString();
        String first = api.get(cards(customer), shop.apiKey()).json().get("data").get(0).get("id").asString();
        String spare = shops.saveCard(shop, customer, "pm_card_mastercard");

        assertThat(inUse(shop.apiKey(), customer)).containsExactlyInAnyOrder(first + "=true", spare + "=false");

        // The subscription follows the default card.
        var made = api.post(cards(customer) + "/" + spare + "/make_default", shop.apiKey(), null);
        assertThat(made.status()).as(made.text()).isEqualTo(200);
        assertThat(made.json().get("in_use").asBoolean()).isTrue();
        assertThat(inUse(shop.apiKey(), customer)).containsExactlyInAnyOrder(first + "=false", spare + "=true");

        var canceled = api.post("/api/v1/subscriptions/" + subscription + "/cancel", shop.apiKey(), "{}");
        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);
        assertThat(inUse(shop.apiKey(), customer)).containsExactlyInAnyOrder(first
            + "=false", spare + "=false");
    }

    private List<String> inUse(String apiKey, String customer) {
        var found = new ArrayList<String>();
        api.get(cards(customer), apiKey).json().get("data").forEach(card -> found.add(card.get("id").asString() + "="
            + card.get("in_use").asBoolean()));
        return found;
    }

    @Test
    void switchesTheDefaultCardOnRequest() {
        var store = accounts.create();
        String customer = createCustomer(store.apiKey());
        String visa = api.post(cards(customer), store.apiKey(), "{\"token\": \"pm_card_visa\"}").json().get("id")
            .asString();

        var mastercard = api.post(cards(customer), store.apiKey(), """
            {"token": "pm_card_mastercard", "make_default": true}""").json();
        var visaAgain = api.post(cards(customer) + "/" + visa + "/make_default", store.apiKey(), null);

        assertThat(mastercard.get("is_default").asBoolean()).isTrue();
        assertThat(visaAgain.status()).isEqualTo(200);
        assertThat(visaAgain.json().get("is_default").asBoolean()).isTrue();
        assertThat(api.get("/api/v1/customers/" + customer, store.apiKey()).json().get("default_card").get("id")
            .asString()).isEqualTo(visa);
        assertThat(api.get("/api/v1/events?type=card.updated", store.apiKey()).json().get("data")).hasSize(3);
    }

    /**
     * An expired card is never made the default, by request or when the default is removed: what follows the default
     * would move to it, and every charge on it be declined (a review found both, dunning for nothing).
     */
    @Test
    void anExpiredCardIsNeverTheDefault() {
        var shop = shops.open();
        String customer = shops.customer(shop);
        String visa = shops.saveCard(shop, customer, "pm_card_visa");
        var old = api.post(Shops.cards(customer), shop.apiKey(),
            "{\"token\": \"pm_card_mastercard\", \"exp_month\": 1, \"exp_year\": 2025}");
        assertThat(old.status()).as(old.text()).isEqualTo(201);
        String expired = old.json().get("id").asString();

        var made = api.post(Shops.cards(customer) + "/" + expired + "/make_default", shop.apiKey(), null);
        assertThat(made.status()).as(made.text()).isEqualTo(409);
        assertThat(made.json().get("detail").asString()).contains("expired 01/2025", "Add a new card");

        assertThat(api.delete(Shops.cards(customer) + "/" + visa, shop.apiKey()).status()).isEqualTo(204);
        var read = api.get("/api/v1/customers/" + customer, shop.apiKey()).json();
        assertThat(read.path("default_card").path("id").asString("")).as("no default rather than an expired one: "
            + read).isEmpty();
    }

    @Test
    void makesExpiringCardsWithAChosenExpiryInTheSandbox() {
        var store = accounts.create();
        String customer = createCustomer(store.apiKey());

        var card = api.post(cards(customer), store.apiKey(), """
            {"token": "pm_card_visa", "exp_month": 1, "exp_year": 2027}""").json();

        assertThat(card.get("exp_month").asInt()).isEqualTo(1);
        assertThat(card.get("exp_year").asInt()).isEqualTo(2027);
    }

    @Test
    void refusesADeclinedCardWithTheReasonAndSavesNothing() {
        var store = accounts.create();
        String customer = createCustomer(store.apiKey());

        var declined = api.post(cards(customer), store.apiKey(),
            "{\"token\": \"pm_card_chargeDeclinedInsufficientFunds\"}");

        assertThat(declined.status()).isEqualTo(402);
        assertThat(declined.json().get("code").asString()).isEqualTo("card_declined");
        assertThat(declined.json().get("errors").get(0).get("code").asString()).isEqualTo("insufficient_funds");
        assertThat(api.get(cards(customer), store.apiKey()).json().get("data")).isEmpty();
        assertThat(api.get("/api/v1/events?type=card.updated", store.apiKey()).json().get("data")).isEmpty();
    }

    @Test
    void savesTheCardThatWillFailEveryCharge() {
        var store = accounts.create();
        String customer = createCustomer(store.apiKey());

        assertThat(api.post(cards(customer), store.apiKey(), "{\"token\": \"pm_card_chargeCustomerFail\"}").status())
            .isEqualTo(201);
    }

    @Test
    void explainsUnknownTokensAndBadExpiries() {
        var store = accounts.create();
        String customer = createCustomer(store.apiKey());

        var unknown = api.post(cards(customer), store.apiKey(), """
            {"token": "4242424242424242", "exp_month": 13}""");
        var missing = api.post(cards(customer), store.apiKey(), "{}");

        assertThat(unknown.status()).isEqualTo(400);
        assertThat(fields(unknown.json().get("errors"))).containsExactly("token", "exp_month");
        assertThat(unknown.json().get("errors").get(0).get("message").asString()).contains("pm_card_visa");
        assertThat(fields(missing.json().get("errors"))).containsExactly("token");
    }

    @Test
    void promotesTheNewestRemainingCardWhenTheDefaultIsRemoved() {
        var store = accounts.create();
        String customer = createCustomer(store.apiKey());
        String visa = api.post(cards(customer), store.apiKey(), "{\"token\": \"pm_card_visa\"}").json().get("id")
            .asString();
        String amex = api.post(cards(customer), store.apiKey(), "{\"token\": \"pm_card_amex\"}").json().get("id")
            .asString();

        assertThat(api.delete(cards(customer) + "/" + visa, store.apiKey()).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/customers/" + customer, store.apiKey()).json().get("default_card").get("id")
            .asString()).isEqualTo(amex);
        assertThat(api.delete(cards(customer) + "/" + amex, store.apiKey()).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/customers/" + customer, store.apiKey()).json().get("default_card").isNull())
            .isTrue();
        assertThat(api.get(cards(customer) + "/" + visa, store.apiKey()).status()).isEqualTo(404);
    }

    @Test
    void hidesAnotherAccountsCustomersAndCards() {
        var alice = accounts.create();
        var bob = accounts.create();
        String customer = createCustomer(alice.apiKey());
        String card = api.post(cards(customer), alice.apiKey(), "{\"token\": \"pm_card_visa\"}").json().get("id")
            .asString();

        assertThat(api.post(cards(customer), bob.apiKey(), "{\"token\": \"pm_card_visa\"}").status()).isEqualTo(404);
        assertThat(api.get(cards(customer), bob.apiKey()).status()).isEqualTo(404);
        assertThat(api.delete(cards(customer) + "/" + card, bob.apiKey()).status()).isEqualTo(404);
        assertThat(api.get(cards(customer) + "/" + card, alice.apiKey()).status()).isEqualTo(200);
    }

    @Test
    void refusesCardsInALiveAccountWithoutAGateway() {
        var store = accounts.create();
        String customer = createCustomer(store.apiKey());
        // The test database is shared, and a live account in it would switch off the Till-wide test clock for the
        // other tests: this account is live only for the length of this test.
        setMode(store.id(), "live");
        try {
            var response = api.post(cards(customer), store.apiKey(), "{\"token\": \"pm_card_visa\"}");

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.json().get("code").asString()).isEqualTo("gateway_not_configured");
        } finally {
            setMode(store.id(), "sandbox");
        }
    }

    private void setMode(String accountId, String mode) {
        db.sql("UPDATE accounts SET mode = :mode WHERE id = :id").param("mode", mode).param("id", accountId).update();
    }

    private String createCustomer(String apiKey) {
        var response = api.post("/api/v1/customers", apiKey, """
            {"name": "Ada Lovelace", "email": "ada@example.com"}""");
        assertThat(response.status()).isEqualTo(201);
        return response.json().get("id").asString();
    }

    private static String cards(String customerId) {
        return "/api/v1/customers/" + customerId + "/payment_methods";
    }

    private static List<String> fields(JsonNode errors) {
        var out = new ArrayList<String>();
        errors.forEach(node -> out.add(node.get("field").asString()));
        return out;
    }
}
