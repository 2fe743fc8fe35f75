package io.till.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A keyed request that wrote its record and then died before its answer was stored (a crash, a lost database
 * connection) is sent again with the same key once the key's lease runs out: it answers what it wrote the first time,
 * and writes nothing twice.
 */
@TillIntegrationTest
class SameKeyAfterACrashTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    JdbcClient db;

    @Test
    void aPostedEventIsRecordedOnce() {
        var shop = shops.open();
        String key = UUID.randomUUID().toString();
        String body = "{\"type\": \"acme.signup\", \"data\": {\"plan\": \"pro\"}}";
        var first = api.post("/api/v1/events", shop.apiKey(), body, "Idempotency-Key", key);

        diedBeforeAnswering(shop, key);
        var again = api.post("/api/v1/events", shop.apiKey(), body, "Idempotency-Key", key);

        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
        assertThat(api.get("/api/v1/events?type=acme.signup", shop.apiKey()).json().get("data")).hasSize(1);
    }

    @Test
    void aBatchOfEventsIsRecordedOnce() {
        var shop = shops.open();
        String key = UUID.randomUUID().toString();
        String body = "{\"events\": [{\"type\": \"acme.signup\"}, {\"type\": \"acme.signup\"}]}";
        var first = api.post("/api/v1/events/batch", shop.apiKey(), body, "Idempotency-Key", key);

        diedBeforeAnswering(shop, key);
        var again = api.post("/api/v1/events/batch", shop.apiKey(), body, "Idempotency-Key", key);

        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(again.json().get("data").findValuesAsString("id"))
            .isEqualTo(first.json().get("data").findValuesAsString("id"));
        assertThat(api.get("/api/v1/events?type=acme.signup", shop.apiKey()).json().get("data")).hasSize(2);
    }

    @Test
    void creditIsGrantedOnce() {
        var shop = shops.open();
        String customer = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com").get("customer_id")
            .asString();
        String key = UUID.randomUUID().toString();
        String body = "{\"amount\": 500, \"currency\": \"usd\", \"reason\": \"goodwill\"}";
        api.post("/api/v1/customers/" + customer + "/credits", shop.apiKey(), body, "Idempotency-Key", key);

        diedBeforeAnswering(shop, key);
        var again = api.post("/api/v1/customers/" + customer + "/credits", shop.apiKey(), body, "Idempotency-Key",
            key);

        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(again.json().get("balances").get(0).get("amount").asLong()).isEqualTo(500);
        assertThat(api.get("/api/v1/customers/" + customer + "/credits/entries", shop.apiKey()).json().get("data"))
            .hasSize(1);
    }

    @Test
    void aCreditNoteIsIssuedOnce() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        shops.advance(shop, "P32D");
        String invoice = api.get("/api/v1/invoices?customer_id=" + order.get("customer_id").asString(),
            shop.apiKey()).json().get("data").get(0).get("id").asString();
        String key = UUID.randomUUID().toString();
        var first = api.post("/api/v1/invoices/" + invoice + "/credit_note", shop.apiKey(), "{\"amount\": 700}",
            "Idempotency-Key", key);

        diedBeforeAnswering(shop, key);
        var again = api.post("/api/v1/invoices/" + invoice + "/credit_note", shop.apiKey(), "{\"amount\": 700}",
            "Idempotency-Key", key);

        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
        var entries = api.get("/api/v1/customers/" + order.get("customer_id").asString() + "/credits/entries",
            shop.apiKey()).json().get("data");
        assertThat(entries.findValuesAsString("kind")).containsOnlyOnce("credit_note");
    }

    @Test
    void usageIsRecordedOnce() {
        var shop = shops.open();
        String subscription = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com")
            .get("subscription_id").asString();
        String key = UUID.randomUUID().toString();
        String body = "{\"subscription_id\": \"" + subscription + "\", \"meter\": \"api_calls\", \"quantity\": 60}";
        api.post("/api/v1/usage", shop.apiKey(), body, "Idempotency-Key", key);

        diedBeforeAnswering(shop, key);
        var again = api.post("/api/v1/usage", shop.apiKey(), body, "Idempotency-Key", key);

        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(api.get("/api/v1/subscriptions/" + subscription + "/usage?meter=api_calls", shop.apiKey()).json()
            .get("total").asLong()).isEqualTo(60);
    }

    @Test
    void aRunByHandStartsOnce() {
        var shop = shops.open();
        var created = api.post("/api/v1/automations", shop.apiKey(), """
            {"name": "By hand", "trigger": {"type": "manual"},
             "steps": [{"id": "wait", "type": "delay", "duration": "P1D"}]}""");
        String automation = created.json().get("id").asString();
        api.post("/api/v1/automations/" + automation + "/activate", shop.apiKey(), null);
        String key = UUID.randomUUID().toString();
        var first = api.post("/api/v1/automations/" + automation + "/run", shop.apiKey(), "{}", "Idempotency-Key",
            key);

        diedBeforeAnswering(shop, key);
        var again = api.post("/api/v1/automations/" + automation + "/run", shop.apiKey(), "{}", "Idempotency-Key",
            key);

        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
        assertThat(api.get("/api/v1/executions?automation_id=" + automation, shop.apiKey()).json().get("data"))
            .hasSize(1);
    }

    @Test
    void creditIsAppliedToAnInvoiceOnce() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        shops.advance(shop, "P14DT12H");
        String customer = order.get("customer_id").asString();
        String invoice = db.sql("SELECT id FROM invoices WHERE account_id = :a AND status = 'issued'")
            .param("a", shop.accountId())
            .query(String.class)
            .single();
        api.post("/api/v1/customers/" + customer + "/credits", shop.apiKey(),
            "{\"amount\": 500, \"currency\": \"usd\"}");
        String key = UUID.randomUUID().toString();
        api.post("/api/v1/invoices/" + invoice + "/apply_credits", shop.apiKey(), "{\"amount\": 200}",
            "Idempotency-Key", key);

        diedBeforeAnswering(shop, key);
        var again = api.post("/api/v1/invoices/" + invoice + "/apply_credits", shop.apiKey(), "{\"amount\": 200}",
            "Idempotency-Key", key);

        assertThat(again.status()).as(again.text()).isEqualTo(200);
        assertThat(again.json().get("amount_credited").asLong()).isEqualTo(200);
    }

    @Test
    void aTaskIsCreatedOnce() {
        var shop = shops.open();
        String key = UUID.randomUUID().toString();
        var first = api.post("/api/v1/tasks", shop.apiKey(), "{\"title\": \"Call Ada\"}", "Idempotency-Key", key);

        diedBeforeAnswering(shop, key);
        var again = api.post("/api/v1/tasks", shop.apiKey(), "{\"title\": \"Call Ada\"}", "Idempotency-Key", key);

        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
        assertThat(api.get("/api/v1/tasks", shop.apiKey()).json().get("data")).hasSize(1);
    }

    @Test
    void aProductAndACheckoutAreCreatedOnce() {
        var shop = shops.open();
        String key = UUID.randomUUID().toString();
        String body = """
            {"name": "Course", "options": [{"name": "Once", "kind": "one_time", "amount": 4900, "currency": "usd"}]}""";
        var product = api.post("/api/v1/products", shop.apiKey(), body, "Idempotency-Key", key);
        diedBeforeAnswering(shop, key);
        var productAgain = api.post("/api/v1/products", shop.apiKey(), body, "Idempotency-Key", key);
        String checkoutKey = UUID.randomUUID().toString();
        String checkoutBody = "{\"name\": \"Course\", \"product_id\": \"" + product.json().get("id").asString() + "\"}";
        var checkout = api.post("/api/v1/checkouts", shop.apiKey(), checkoutBody, "Idempotency-Key", checkoutKey);
        diedBeforeAnswering(shop, checkoutKey);
        var checkoutAgain = api.post("/api/v1/checkouts", shop.apiKey(), checkoutBody, "Idempotency-Key",
            checkoutKey);

        assertThat(productAgain.status()).as(productAgain.text()).isEqualTo(201);
        assertThat(productAgain.json().get("id").asString()).isEqualTo(product.json().get("id").asString());
        assertThat(checkoutAgain.status()).as(checkoutAgain.text()).isEqualTo(201);
        assertThat(checkoutAgain.json().get("id").asString()).isEqualTo(checkout.json().get("id").asString());
        assertThat(db.sql("SELECT count(*) FROM products WHERE account_id = :a AND name = 'Course'")
            .param("a", shop.accountId()).query(Long.class).single()).isEqualTo(1);
        assertThat(db.sql("SELECT count(*) FROM checkouts WHERE account_id = :a AND name = 'Course'")
            .param("a", shop.accountId()).query(Long.class).single()).isEqualTo(1);
    }

    /**
     * A reviewer's: created, then the node died before the answer was stored; the retry with the same key was answered
     * 409 (the email, or the code, taken by the first attempt) instead of the first attempt's 201.
     */
    @Test
    void aCustomerAndAPromoCodeAreCreatedOnceAndTheRetryIsAnsweredAsTheFirst() {
        var shop = shops.open();
        String key = UUID.randomUUID().toString();
        String body = "{\"name\": \"Ada Lovelace\", \"email\": \"ada.keyed@example.com\"}";
        var first = api.post("/api/v1/customers", shop.apiKey(), body, "Idempotency-Key", key);
        diedBeforeAnswering(shop, key);
        var again = api.post("/api/v1/customers", shop.apiKey(), body, "Idempotency-Key", key);
        String promoKey = UUID.randomUUID().toString();
        String promo = "{\"code\": \"SPRING\", \"percent_off\": 10}";
        var code = api.post("/api/v1/promo_codes", shop.apiKey(), promo, "Idempotency-Key", promoKey);
        diedBeforeAnswering(shop, promoKey);
        var codeAgain = api.post("/api/v1/promo_codes", shop.apiKey(), promo, "Idempotency-Key", promoKey);

        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
        assertThat(code.status()).as(code.text()).isEqualTo(201);
        assertThat(codeAgain.status()).as(codeAgain.text()).isEqualTo(201);
        assertThat(codeAgain.json().get("id").asString()).isEqualTo(code.json().get("id").asString());
    }

    /** Two endpoints for one would deliver every event twice; the secret is not shown again (rotate it). */
    @Test
    void aWebhookEndpointIsCreatedOnceAndItsSecretNotShownAgain() {
        var shop = shops.open();
        String key = UUID.randomUUID().toString();
        String body = "{\"url\": \"https://hooks.example.com/till\", \"event_types\": [\"payment.failed\"]}";
        var first = api.post("/api/v1/webhook_endpoints", shop.apiKey(), body, "Idempotency-Key", key);

        diedBeforeAnswering(shop, key);
        var again = api.post("/api/v1/webhook_endpoints", shop.apiKey(), body, "Idempotency-Key", key);

        assertThat(first.json().get("secret").asString()).startsWith("whsec_");
        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
        assertThat(again.json().get("secret").isNull()).isTrue();
        assertThat(api.get("/api/v1/webhook_endpoints", shop.apiKey()).json().get("data")).hasSize(1);
    }

    /**
     * The key as a request leaves it that committed its work and died before storing its answer, once its lease ran
     * out: in flight, answer unknown.
     */
    /**
     * A reviewer's: these creates answered a second record to the same keyed request sent again after a crash (a
     * second automation, group, option, card and test delivery; a second live API key the client never saw).
     */
    @Test
    void anAutomationAGroupAnOptionACardAndATestDeliveryAreMadeOnce() {
        var shop = shops.open();
        String customer = shops.customer(shop);
        String product = api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id")
            .asString();
        String endpoint = api.post("/api/v1/webhook_endpoints", shop.apiKey(), """
            {"url": "http://127.0.0.1:9/hooks", "event_types": ["acme.unused"]}""").json().get("id").asString();
        record Keyed(String path, String body, String list, String field) {}
        var creates = List.of(
            new Keyed("/api/v1/automations", """
                {"name": "Once", "trigger": {"type": "manual"},
                 "steps": [{"id": "wait", "type": "delay", "duration": "P1D"}]}""", "/api/v1/automations", "id"),
            new Keyed("/api/v1/subscription_groups", "{\"name\": \"Memberships\"}", "/api/v1/subscription_groups",
                "id"),
            new Keyed("/api/v1/customers/" + customer + "/payment_methods", "{\"token\": \"pm_card_visa\"}",
                "/api/v1/customers/" + customer + "/payment_methods", "id"),
            new Keyed("/api/v1/webhook_endpoints/" + endpoint + "/test", null,
                "/api/v1/webhook_endpoints/" + endpoint + "/deliveries", "id"));
        for (var create : creates) {
            String key = UUID.randomUUID().toString();
            int before = api.get(create.list(), shop.apiKey()).json().get("data").size();
            var first = api.post(create.path(), shop.apiKey(), create.body(), "Idempotency-Key", key);

            diedBeforeAnswering(shop, key);
            var again = api.post(create.path(), shop.apiKey(), create.body(), "Idempotency-Key", key);

            assertThat(first.status()).as(first.text()).isEqualTo(201);
            assertThat(again.status()).as(again.text()).isEqualTo(201);
            assertThat(again.json().get(create.field()).asString()).as(create.path())
                .isEqualTo(first.json().get(create.field()).asString());
            assertThat(api.get(create.list(), shop.apiKey()).json().get("data")).as(create.path())
                .hasSize(before + 1);
        }

        String key = UUID.randomUUID().toString();
        String option = """
            {"name": "Yearly", "kind": "subscription", "amount": 19000, "currency": "usd", "interval": "year"}""";
        var added = api.post("/api/v1/products/" + product + "/options", shop.apiKey(), option, "Idempotency-Key", key);
        diedBeforeAnswering(shop, key);
        var addedAgain = api.post("/api/v1/products/" + product + "/options", shop.apiKey(), option,
            "Idempotency-Key", key);
        assertThat(addedAgain.status()).as(addedAgain.text()).isEqualTo(201);
        assertThat(addedAgain.json().get("options")).hasSize(added.json().get("options").size());
    }

    /** The key an earlier attempt made was never shown to anyone: it is revoked, and the answer's key is the live one. */
    @Test
    void anApiKeyMadeByAnAttemptThatDiedIsRevokedAndOneLiveKeyAnswered() {
        var shop = shops.open();
        String key = UUID.randomUUID().toString();
        var first = api.post("/api/v1/api_keys", shop.apiKey(), "{\"name\": \"CI\"}", "Idempotency-Key", key);

        diedBeforeAnswering(shop, key);
        var again = api.post("/api/v1/api_keys", shop.apiKey(), "{\"name\": \"CI\"}", "Idempotency-Key", key);

        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(api.get("/api/v1/account", again.json().get("key").asString()).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/api_keys/" + first.json().get("id").asString(), shop.apiKey()).json()
            .get("status").asString()).isEqualTo("revoked");
        var live = new java.util.ArrayList<String>();
        api.get("/api/v1/api_keys?status=active", shop.apiKey()).json().get("data").forEach(k -> live.add(k.get(
            "name").asString()));
        assertThat(live).containsOnlyOnce("CI");
    }

    private void diedBeforeAnswering(Shops.Shop shop, String key) {
        int changed = db.sql("""
            UPDATE idempotency_keys
               SET state = 'in_flight', lease_token = 'died', lease_expires_at = created_at - interval '1 second',
                   response_status = NULL, response_content_type = NULL, response_location = NULL,
                   response_body = NULL
             WHERE account_id = :accountId AND idempotency_key = :key AND state = 'completed'
            """)
            .param("accountId", shop.accountId())
            .param("key", key)
            .update();
        assertThat(changed).as("the first request's key, completed").isEqualTo(1);
    }
}
