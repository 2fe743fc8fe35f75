package io.till.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

@TillIntegrationTest
class CatalogApiTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    com.zaxxer.hikari.HikariDataSource dataSource;
    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient db;

    @Test
    void createsAProductWithOptionsShownAsTheSellerChose() {
        var store = accounts.create();

        var product = api.post("/api/v1/products", store.apiKey(), """
            {"name": "Concert", "options": [
              {"name": "General admission", "kind": "one_time", "amount": 4500, "currency": "USD"},
              {"name": "VIP", "kind": "one_time", "amount": 12000, "currency": "usd", "display": "dropdown"},
              {"name": "Season pass", "kind": "subscription", "amount": 9900, "currency": "usd", "interval": "year",
               "display": "checkbox"}]}""");

        assertThat(product.status()).as(product.text()).isEqualTo(201);
        var options = product.json().get("options");
        assertThat(texts(options, "display")).containsExactly("radio", "dropdown", "checkbox");
        assertThat(texts(options, "currency")).containsOnly("usd");
        assertThat(options.get(2).get("interval_count").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v1/products/" + product.json().get("id").asString(), store.apiKey()).json())
            .isEqualTo(product.json());
    }

    @Test
    void aPromoCodeCreatedByAnotherRequestMeanwhileIsTakenNotAServerError() throws Exception {
        var store = accounts.create();
        // Another request has written RACE but not committed: this one's check cannot see it, and its insert waits.
        try (var other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (var insert = other.prepareStatement("""
                INSERT INTO promo_codes (id, account_id, code, percent_off, created_at)
                VALUES ('promo_meanwhile', ?, 'RACE', 5, now())
                """)) {
                insert.setString(1, store.id());
                insert.executeUpdate();
            }
            var second = Executors.newSingleThreadExecutor().submit(() -> api.post("/api/v1/promo_codes",
                store.apiKey(), "{\"code\": \"RACE\", \"percent_off\": 10}"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (db.sql("""
                SELECT count(*) FROM pg_stat_activity
                 WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO promo_codes%'
                   AND datname = current_database()
                """).query(Long.class).single() == 0) {
                assertThat(System.nanoTime()).as("the second insert waits for the first").isLessThan(deadline);
            }
            other.commit();
            var answer = second.get(30, TimeUnit.SECONDS);
            assertThat(answer.status()).as(answer.text()).isEqualTo(400);
            assertThat(answer.json().get("errors").get(0).get("code").asString()).isEqualTo("taken");
        }
        assertThat(api.get("/api/v1/promo_codes", store.apiKey()).json().get("data").size()).isEqualTo(1);
    }

    @Test
    void refusesASubscriptionGroupNamedAsOneThereIsAlreadyInAnyCase() {
        var store = accounts.create();
        var first = api.post("/api/v1/subscription_groups", store.apiKey(), "{\"name\": \"Pro plans\"}");
        var again = api.post("/api/v1/subscription_groups", store.apiKey(), "{\"name\": \" pro PLANS \"}");
        var elsewhere = api.post("/api/v1/subscription_groups", accounts.create().apiKey(),
            "{\"name\": \"Pro plans\"}");

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().get("errors").get(0).get("code").asString()).isEqualTo("taken");
        assertThat(elsewhere.status()).as("another account's names are its own").isEqualTo(201);
        assertThat(api.get("/api/v1/subscription_groups", store.apiKey()).json().get("data")).hasSize(1);
    }

    /** A group gathers subscriptions: a product that sells none is refused one when made, as when changed. */
    @Test
    void refusesASubscriptionGroupForANewProductThatSellsNoSubscription() {
        var store = accounts.create();
        String group = api.post("/api/v1/subscription_groups", store.apiKey(), "{\"name\": \"Pro plans\"}").json()
            .get("id").asString();

        var oneTime = api.post("/api/v1/products", store.apiKey(), """
            {"name": "Ebook", "subscription_group_id": "%s",
             "options": [{"name": "Once", "kind": "one_time", "amount": 900, "currency": "usd"}]}""".formatted(group));
        var subscription = api.post("/api/v1/products", store.apiKey(), """
            {"name": "Club", "subscription_group_id": "%s", "options": [
              {"name": "Monthly", "kind": "subscription", "amount": 900, "currency": "usd", "interval": "month"}]}"""
            .formatted(group));

        assertThat(oneTime.status()).isEqualTo(400);
        assertThat(oneTime.json().get("errors").get(0).get("field").asString()).isEqualTo("subscription_group_id");
        assertThat(oneTime.json().get("errors").get(0).get("code").asString()).isEqualTo("not_a_subscription");
        assertThat(subscription.status()).as(subscription.text()).isEqualTo(201);
        assertThat(api.get("/api/v1/products", store.apiKey()).json().get("data")).hasSize(1);
    }

    /** An option missing from the list is named as such, and a kind in capitals is the kind it names. */
    @Test
    void aGroupedProductWithAMissingOptionIsRefusedByNameAndAKindInCapitalsCounts() {
        var store = accounts.create();
        String group = api.post("/api/v1/subscription_groups", store.apiKey(), "{\"name\": \"Pro plans\"}").json()
            .get("id").asString();

        var missing = api.post("/api/v1/products", store.apiKey(), """
            {"name": "Pass", "subscription_group_id": "%s", "options": [null]}""".formatted(group));
        var capitals = api.post("/api/v1/products", store.apiKey(), """
            {"name": "Club", "subscription_group_id": "%s", "options": [
              {"name": "Monthly", "kind": "SUBSCRIPTION", "amount": 900, "currency": "usd", "interval": "month"}]}"""
            .formatted(group));

        assertThat(missing.status()).as(missing.text()).isEqualTo(400);
        assertThat(missing.json().get("errors").findValuesAsString("field")).contains("options[0]");
        assertThat(capitals.status()).as(capitals.text()).isEqualTo(201);
    }

    @Test
    void listsEveryBadOptionField() {
        var store = accounts.create();

        var response = api.post("/api/v1/products", store.apiKey(), """
            {"name": "", "options": [
              {"name": "A", "kind": "rental", "amount": -1, "currency": "dollars", "display": "slider"},
              {"name": "B", "kind": "subscription", "amount": 100, "currency": "usd"},
              {"name": "C", "kind": "payment_plan", "amount": 100, "currency": "usd", "interval": "month"}]}""");

        assertThat(response.status()).isEqualTo(400);
        assertThat(texts(response.json().get("errors"), "field")).contains("name", "options[0].kind",
            "options[0].amount", "options[0].currency", "options[0].display", "options[1].interval",
            "options[2].installments");
    }

    @Test
    void validatesPromoCodes() {
        var store = accounts.create();

        var both = api.post("/api/v1/promo_codes", store.apiKey(), """
            {"code": "X1", "percent_off": 10, "amount_off": 100, "currency": "usd"}""");
        var ok = api.post("/api/v1/promo_codes", store.apiKey(), "{\"code\": \"SPRING\", \"percent_off\": 15}");
        var taken = api.post("/api/v1/promo_codes", store.apiKey(), "{\"code\": \"spring\", \"percent_off\": 5}");

        assertThat(both.status()).isEqualTo(400);
        assertThat(ok.status()).isEqualTo(201);
        assertThat(taken.status()).isEqualTo(400);
        assertThat(taken.json().get("errors").get(0).get("code").asString()).isEqualTo("taken");
    }

    @Test
    void refusesACurrencyOnAPercentOffPromoCodeNamingTheCurrency() {
        var store = accounts.create();

        for (String currency : List.of("usd", "zzz", "")) {
            var refused = api.post("/api/v1/promo_codes", store.apiKey(), """
                {"code": "PCTCUR", "percent_off": 10, "currency": "%s"}""".formatted(currency));

            assertThat(refused.status()).as(refused.text()).isEqualTo(400);
            assertThat(texts(refused.json().get("errors"), "field")).containsExactly("currency");
            assertThat(refused.json().get("errors").get(0).get("message").asString()).contains("only with amount_off");
        }
        assertThat(api.get("/api/v1/promo_codes", store.apiKey()).json().get("data")).isEmpty();
    }

    @Test
    void refusesAPromoCodeThatHasExpiredAlready() {
        var store = accounts.create();

        var expired = api.post("/api/v1/promo_codes", store.apiKey(), """
            {"code": "LAST", "percent_off": 10, "expires_at": "2020-01-01T00:00:00Z"}""");
        // A moment past what PostgreSQL stores was a 500.
        var far = api.post("/api/v1/promo_codes", store.apiKey(), """
            {"code": "FAR", "percent_off": 10, "expires_at": "+999999999-12-31T00:00:00Z"}""");

        assertThat(expired.status()).isEqualTo(400);
        assertThat(expired.json().get("errors").get(0).get("field").asString()).isEqualTo("expires_at");
        assertThat(far.status()).as(far.text()).isEqualTo(400);
        assertThat(far.json().get("errors").get(0).get("field").asString()).isEqualTo("expires_at");
        assertThat(far.json().get("errors").get(0).get("message").asString()).contains("in the years 1 to 9999");
        assertThat(api.get("/api/v1/promo_codes", store.apiKey()).json().get("data")).isEmpty();
    }

    private static List<String> texts(JsonNode array, String field) {
        var out = new ArrayList<String>();
        array.forEach(node -> out.add(node.get(field).asString()));
        return out;
    }

    /** A probe's empty option kind and null offers answered 500. */
    @Test
    void refusesAnEmptyOptionKindAndANullOfferNamingThem() {
        var store = accounts.create();

        var noKind = api.post("/api/v1/products", store.apiKey(), """
            {"name": "Course", "options": [{"name": "Once", "kind": "", "amount": 100, "currency": "usd"}]}""");
        String product = api.post("/api/v1/products", store.apiKey(), """
            {"name": "Course", "options": [{"name": "Once", "kind": "one_time", "amount": 100, "currency": "usd"}]}""")
            .json().get("id").asString();
        var nullAddon = api.post("/api/v1/checkouts", store.apiKey(), """
            {"name": "Buy", "product_id": "%s", "addons": [null]}""".formatted(product));
        var nullUpsell = api.post("/api/v1/checkouts", store.apiKey(), """
            {"name": "Buy", "product_id": "%s", "upsells": [null]}""".formatted(product));

        assertThat(noKind.status()).as(noKind.text()).isEqualTo(400);
        assertThat(noKind.json().get("errors").get(0).get("field").asString()).isEqualTo("options[0].kind");
        assertThat(nullAddon.status()).as(nullAddon.text()).isEqualTo(400);
        assertThat(nullAddon.json().get("errors").get(0).get("field").asString()).isEqualTo("addons[0]");
        assertThat(nullUpsell.status()).as(nullUpsell.text()).isEqualTo(400);
        assertThat(nullUpsell.json().get("errors").get(0).get("field").asString()).isEqualTo("upsells[0]");
    }
}
