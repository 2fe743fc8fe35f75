package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Stripe takes Kuwaiti dinars (and BHD, JOD, OMR, TND) only in tens of fils: KWD 1.005 is refused there with a 400, and
 * a renewal asking for it was asked again and again, its outcome never known. The sandbox holds sellers to the same
 * rule, so such a price is refused when it is saved, and an amount that comes to it anyway (a price saved before, a
 * credit) is refused or declined before anything goes to the gateway.
 */
@TillIntegrationTest
class AmountsTheGatewayCannotTakeTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;

    private record Store(String accountId, String key, String checkoutId, String optionId) {}

    private Store store(String kind) {
        var account = accounts.create();
        var product = api.post("/api/v1/products", account.apiKey(), """
            {"name": "Dinar club", "options": [{"name": "Monthly", "kind": "%s", "amount": 1000, "currency": "kwd"%s}]}
            """.formatted(kind, kind.equals("subscription") ? ", \"interval\": \"month\"" : ""));
        assertThat(product.status()).as(product.text()).isEqualTo(201);
        var checkout = api.post("/api/v1/checkouts", account.apiKey(), "{\"name\": \"Join\", \"product_id\": \""
            + product.json().get("id").asString() + "\"}");
        assertThat(checkout.status()).as(checkout.text()).isEqualTo(201);
        return new Store(account.id(), account.apiKey(), checkout.json().get("id").asString(), product.json()
            .get("options").get(0).get("id").asString());
    }

    private Api.Response buy(Store store) {
        return api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.key(), """
            {"customer": {"name": "Buyer", "email": "buyer@example.com"}, "token": "pm_card_visa", "option_id": "%s"}
            """.formatted(store.optionId()));
    }

    @Test
    void aPriceInFilsThatAreNotTensIsRefusedWhenSavedNamingTheField() {
        var account = accounts.create();

        var product = api.post("/api/v1/products", account.apiKey(), """
            {"name": "Dinar club", "options": [
              {"name": "Even", "kind": "one_time", "amount": 1000, "currency": "kwd"},
              {"name": "Odd", "kind": "one_time", "amount": 1005, "currency": "kwd"}]}""");
        var addon = api.post("/api/v1/checkouts", account.apiKey(), """
            {"name": "Join", "product_id": "%s", "addons": [{"name": "Extra", "amount": 2505, "currency": "kwd"}]}"""
            .formatted(store("one_time").checkoutId()));

        assertThat(product.status()).as(product.text()).isEqualTo(400);
        JsonNode error = product.json().get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo("options[1].amount");
        assertThat(error.get("code").asString()).isEqualTo("not_supported");
        assertThat(error.get("message").asString()).contains("KWD", "0.010", "1.005");
        assertThat(product.json().get("errors")).hasSize(1);
        assertThat(addon.status()).as(addon.text()).isEqualTo(400);
        assertThat(addon.text()).contains("addons[0].amount", "not_supported");
        var promo = api.post("/api/v1/promo_codes", account.apiKey(), """
            {"code": "FIVEFILS", "amount_off": 5, "currency": "kwd"}""");
        assertThat(promo.status()).as(promo.text()).isEqualTo(400);
        assertThat(promo.text()).contains("amount_off", "not_supported");
    }

    /**
     * Stripe charges at most $999,999.99 at once, and answers more as amount_too_large, which read as a declined card:
     * a price past it is refused when saved, and an order that addons take past it before anything is charged.
     */
    @Test
    void aChargeLargerThanStripeTakesAtOnceIsRefusedWhenPricedAndBeforeAnyCharge() {
        var account = accounts.create();

        var tooLarge = api.post("/api/v1/products", account.apiKey(), """
            {"name": "Island", "options": [
              {"name": "Whole", "kind": "one_time", "amount": 100000000, "currency": "usd"}]}""");
        var largest = api.post("/api/v1/products", account.apiKey(), """
            {"name": "Island", "options": [
              {"name": "Whole", "kind": "one_time", "amount": 99999999, "currency": "usd"}]}""");
        var checkout = api.post("/api/v1/checkouts", account.apiKey(), """
            {"name": "Island", "product_id": "%s", "addons": [{"name": "Key", "amount": 100, "currency": "usd"}]}"""
            .formatted(largest.json().get("id").asString()));
        var bought = api.post("/api/v1/checkouts/" + checkout.json().get("id").asString() + "/purchases",
            account.apiKey(), """
                {"customer": {"name": "Buyer", "email": "buyer@example.com"}, "token": "pm_card_visa",
                 "option_id": "%s", "addon_ids": ["%s"]}""".formatted(largest.json().get("options").get(0).get("id")
                .asString(), checkout.json().get("addons").get(0).get("id").asString()));

        assertThat(tooLarge.status()).as(tooLarge.text()).isEqualTo(400);
        assertThat(tooLarge.text()).contains("options[0].amount", "not_supported", "at most $999,999.99");
        assertThat(largest.status()).as(largest.text()).isEqualTo(201);
        assertThat(bought.status()).as(bought.text()).isIn(400, 422);
        assertThat(bought.text()).contains("at most $999,999.99");
        assertThat(api.get("/api/v1/payments", account.apiKey()).json().get("data")).isEmpty();
        assertThat(api.get("/api/v1/orders", account.apiKey()).json().get("data")).isEmpty();
    }

    /**
     * A renewal is charged alone: a subscription priced under the smallest charge, behind a free trial, was sold, and
     * every renewal after the trial was declined. Refused when priced; a one-time price that addons may lift is not.
     */
    @Test
    void aSubscriptionPricedUnderTheSmallestChargeIsRefusedWhenSaved() {
        var account = accounts.create();

        var refused = api.post("/api/v1/products", account.apiKey(), """
            {"name": "Tiny", "options": [
              {"name": "Monthly", "kind": "subscription", "amount": 30, "currency": "usd", "interval": "month",
               "trial_days": 7},
              {"name": "Once", "kind": "one_time", "amount": 30, "currency": "usd"}]}""");

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().get("errors")).singleElement().satisfies(error -> {
            assertThat(error.get("field").asString()).isEqualTo("options[0].amount");
            assertThat(error.get("code").asString()).isEqualTo("not_supported");
            assertThat(error.get("message").asString()).contains("renewal", "at least $0.50");
        });
    }

    @Test
    void aPurchaseOfAPriceSavedBeforeTheRuleIsRefusedBeforeAnythingIsWritten() {
        var store = store("one_time");
        db.sql("UPDATE product_options SET amount = 1005 WHERE id = :id").param("id", store.optionId()).update();

        var refused = buy(store);

        assertThat(refused.status()).as(refused.text()).isEqualTo(422);
        assertThat(refused.json().get("code").asString()).isEqualTo("amount_not_supported");
        assertThat(refused.json().get("detail").asString()).contains("1.005", "Nothing was charged");
        assertThat(count("orders", store)).isZero();
        assertThat(count("sandbox_charges", store)).isZero();
    }

    /**
     * A reviewer's: a total under Stripe's smallest charge ($0.50) went to the gateway, whose refusal was taken as an
     * answer that never came: the buyer was told to try later and the order stayed in doubt for ten minutes.
     */
    @Test
    void aTotalUnderTheSmallestChargeIsRefusedBeforeAnythingIsWritten() {
        var account = accounts.create();
        var product = api.post("/api/v1/products", account.apiKey(),
            """
                {"name": "Sticker", "options": [{"name": "Once", "kind": "one_time", "amount": 999, "currency": "usd"}]}""");
        var checkout = api.post("/api/v1/checkouts", account.apiKey(), "{\"name\": \"Stickers\", \"product_id\": \""
            + product.json().get("id").asString() + "\"}");
        var promo = api.post("/api/v1/promo_codes", account.apiKey(), """
            {"code": "NINE", "amount_off": 950, "currency": "usd"}""");
        assertThat(promo.status()).as(promo.text()).isEqualTo(201);
        var store = new Store(account.id(), account.apiKey(), checkout.json().get("id").asString(), product.json()
            .get("options").get(0).get("id").asString());

        var refused = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.key(), """
            {"customer": {"name": "Buyer", "email": "buyer@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "promo_code": "NINE"}""".formatted(store.optionId()));

        assertThat(refused.status()).as(refused.text()).isEqualTo(422);
        assertThat(refused.json().get("code").asString()).isEqualTo("amount_not_supported");
        assertThat(refused.json().get("detail").asString()).contains("$0.49", "$0.50", "Nothing was charged");
        assertThat(count("orders", store)).isZero();
        assertThat(count("sandbox_charges", store)).isZero();
    }

    @Test
    void anUpsellPricedBeforeTheRuleIsRefusedAndStaysOpen() {
        var store = store("one_time");
        var extra = api.post("/api/v1/products", store.key(), """
            {"name": "Extra", "options": [{"name": "Once", "kind": "one_time", "amount": 500, "currency": "kwd"}]}""");
        String extraOption = extra.json().get("options").get(0).get("id").asString();
        String productId = db.sql("SELECT product_id FROM product_options WHERE id = :id")
            .param("id", store.optionId())
            .query(String.class)
            .single();
        var checkout = api.post("/api/v1/checkouts", store.key(), """
            {"name": "With extra", "product_id": "%s", "upsells": [{"name": "Extra", "option_id": "%s"}]}"""
            .formatted(productId, extraOption));
        assertThat(checkout.status()).as(checkout.text()).isEqualTo(201);
        var order = buy(new Store(store.accountId(), store.key(), checkout.json().get("id").asString(),
            store.optionId()));
        assertThat(order.status()).as(order.text()).isEqualTo(201);
        db.sql("UPDATE product_options SET amount = 505 WHERE id = :id").param("id", extraOption).update();
        String upsell = checkout.json().get("upsells").get(0).get("id").asString();

        var refused = api.post("/api/v1/orders/" + order.json().get("id").asString() + "/upsells/" + upsell
            + "/accept", store.key(), null);

        assertThat(refused.status()).as(refused.text()).isEqualTo(422);
        assertThat(refused.json().get("detail").asString()).contains("0.505", "the offer is still open");
        assertThat(count("sandbox_charges", store)).as("only the purchase").isEqualTo(1);
        assertThat(db.sql("SELECT status FROM order_upsells WHERE account_id = :a")
            .param("a", store.accountId())
            .query(String.class)
            .single()).isEqualTo("offered");
    }

    @Test
    void aRenewalOfAnAmountTheGatewayCannotTakeIsDeclinedWithTheReasonAndNeverSent() {
        var store = store("subscription");
        var order = buy(store);
        assertThat(order.status()).as(order.text()).isEqualTo(201);
        // Priced before the rule (or changed by hand in the database): what the renewal asks for comes out odd.
        db.sql("UPDATE subscriptions SET amount = 1005 WHERE account_id = :a").param("a", store.accountId()).update();

        var advanced = api.post("/api/v1/test_clock/advance", store.key(), "{\"by\": \"P1M1D\"}");

        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        var attempts = db.sql("""
            SELECT p.status, p.failure_code, p.failure_message, p.amount
              FROM payments p JOIN invoices i ON i.account_id = p.account_id AND i.id = p.invoice_id
             WHERE p.account_id = :a
            """)
            .param("a", store.accountId())
            .query((rs, row) -> rs.getString("status") + " " + rs.getString("failure_code") + " "
                + rs.getLong("amount") + ": " + rs.getString("failure_message"))
            .list();
        assertThat(attempts).as("the renewal and its scheduled retry").hasSize(2)
            .allMatch(
                attempt -> attempt.startsWith("failed amount_not_supported 1005: Stripe takes KWD only in steps"));
        assertThat(count("sandbox_charges", store)).as("only the purchase went to the gateway").isEqualTo(1);
    }

    /** Under Stripe's smallest charge, a renewal is declined with the reason too, never sent to be refused there. */
    @Test
    void aRenewalUnderTheSmallestChargeIsDeclinedWithTheReasonAndNeverSent() {
        var account = accounts.create();
        var product = api.post("/api/v1/products", account.apiKey(), """
            {"name": "Club", "options": [{"name": "Monthly", "kind": "subscription", "amount": 1900, "currency": "usd",
             "interval": "month"}]}""");
        var checkout = api.post("/api/v1/checkouts", account.apiKey(), "{\"name\": \"Join\", \"product_id\": \""
            + product.json().get("id").asString() + "\"}");
        var store = new Store(account.id(), account.apiKey(), checkout.json().get("id").asString(), product.json()
            .get("options").get(0).get("id").asString());
        assertThat(buy(store).status()).isEqualTo(201);
        db.sql("UPDATE subscriptions SET amount = 30 WHERE account_id = :a").param("a", store.accountId()).update();

        var advanced = api.post("/api/v1/test_clock/advance", store.key(), "{\"by\": \"P1M1D\"}");

        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        var attempts = db.sql("""
            SELECT p.failure_code, p.failure_message
              FROM payments p JOIN invoices i ON i.account_id = p.account_id AND i.id = p.invoice_id
             WHERE p.account_id = :a
            """)
            .param("a", store.accountId())
            .query((rs, row) -> rs.getString("failure_code") + ": " + rs.getString("failure_message"))
            .list();
        assertThat(attempts).isNotEmpty().allMatch(attempt -> attempt.startsWith(
            "amount_not_supported: Stripe charges at least $0.50 in USD, so $0.30 cannot be charged."));
        assertThat(count("sandbox_charges", store)).as("only the purchase went to the gateway").isEqualTo(1);
    }

    /**
     * Credit is spent on invoices, so it is held to the same rule (what it leaves to charge must be chargeable), and a
     * percentage off comes to a whole step: 10% of KWD 4.990 is 0.500, not 0.499, which left 4.491 to refuse.
     */
    @Test
    void creditAndAPercentageOffLeaveAmountsTheGatewayTakes() {
        var store = store("one_time");
        db.sql("UPDATE product_options SET amount = 4990 WHERE id = :id").param("id", store.optionId()).update();
        var promo = api.post("/api/v1/promo_codes", store.key(), "{\"code\": \"TENOFF\", \"percent_off\": 10}");
        assertThat(promo.status()).as(promo.text()).isEqualTo(201);

        var order = api.post("/api/v1/checkouts/" + store.checkoutId() + "/purchases", store.key(), """
            {"customer": {"name": "Buyer", "email": "buyer@example.com"}, "token": "pm_card_visa", "option_id": "%s",
             "promo_code": "TENOFF"}""".formatted(store.optionId()));
        assertThat(order.status()).as(order.text()).isEqualTo(201);
        assertThat(order.json().get("total").asLong()).isEqualTo(4490);
        String customer = order.json().get("customer_id").asString();

        var odd = api.post("/api/v1/customers/" + customer + "/credits", store.key(),
            "{\"amount\": 1005, \"currency\": \"kwd\", \"reason\": \"goodwill\"}");
        var even = api.post("/api/v1/customers/" + customer + "/credits", store.key(),
            "{\"amount\": 1000, \"currency\": \"kwd\", \"reason\": \"goodwill\"}");

        assertThat(odd.status()).as(odd.text()).isEqualTo(400);
        assertThat(odd.text()).contains("\"field\":\"amount\"", "not_supported");
        assertThat(even.status()).as(even.text()).isEqualTo(201);
    }

    @Test
    void aRefundOfFilsThatAreNotTensIsRefusedAndHoldsNothing() {
        var store = store("one_time");
        var order = buy(store);
        assertThat(order.status()).as(order.text()).isEqualTo(201);
        String payment = db.sql("SELECT id FROM payments WHERE account_id = :a")
            .param("a", store.accountId())
            .query(String.class)
            .single();

        var refused = api.post("/api/v1/refunds", store.key(), "{\"payment_id\": \"" + payment + "\", \"amount\": 5}");
        var refunded = api.post("/api/v1/refunds", store.key(), "{\"payment_id\": \"" + payment
            + "\", \"amount\": 10}");

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.text()).contains("\"field\":\"amount\"", "not_supported", "0.005");
        assertThat(refunded.status()).as(refunded.text()).isEqualTo(201);
        assertThat(count("refunds", store)).isEqualTo(1);
    }

    private long count(String table, Store store) {
        return db.sql("SELECT count(*) FROM " + table + " WHERE account_id = :a")
            .param("a", store.accountId())
            .query(Long.class)
            .single();
    }
}
