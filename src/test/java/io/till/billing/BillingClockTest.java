package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Renewals, installments, retries and notices, driven through the sandbox test clock. */
@TillIntegrationTest
class BillingClockTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    BillingClock billingClock;
    @Autowired
    MutableClock clock;
    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient db;

    record Shop(String apiKey, String accountId, String checkoutId, String monthly, String plan, String trial) {}

    @Test
    void renewsASubscriptionThroughAPaidInvoiceEachPeriod() {
        var shop = shop();
        var order = buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String subscription = order.get("subscription_id").asString();
        String firstEnd = subscriptionOf(shop, subscription).get("current_period_end").asString();

        var advanced = advance(shop, "P32D");

        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        assertThat(typesAfterPurchase(shop, customer)).containsExactly("subscription.renewal_upcoming",
            "invoice.issued", "payment.succeeded", "subscription.payment_succeeded", "invoice.paid");
        var renewed = subscriptionOf(shop, subscription);
        assertThat(renewed.get("status").asString()).isEqualTo("active");
        assertThat(renewed.get("current_period_start").asString()).isEqualTo(firstEnd);
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(2);
    }

    @Test
    void catchesUpOnMissedRenewalsOnceEachInOrder() {
        var shop = shop();
        var order = buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");

        advance(shop, "P95D");

        var invoices = api.get("/api/v1/invoices?customer_id=" + order.get("customer_id").asString(), shop.apiKey())
            .json().get("data");
        var sequences = new ArrayList<Integer>();
        invoices.forEach(invoice -> sequences.add(invoice.get("sequence").asInt()));
        assertThat(sequences).containsExactly(4, 3, 2);
        invoices.forEach(invoice -> assertThat(invoice.get("status").asString()).isEqualTo("paid"));
        assertThat(ledger.charges(shop.accountId())).isEqualTo(4);
    }

    @Test
    void dunsAFailingRenewalThroughItsRetriesToUnpaid() {
        var shop = shop();
        var order = buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String customer = order.get("customer_id").asString();

        advance(shop, "P20D");

        assertThat(typesAfterPurchase(shop, customer)).containsExactly("subscription.trial_ending", "invoice.issued",
            "payment.failed", "subscription.payment_failed", "subscription.past_due", "payment.failed",
            "subscription.payment_failed", "payment.failed", "subscription.payment_failed", "invoice.overdue",
            "payment.failed", "subscription.payment_failed", "subscription.unpaid");
        assertThat(subscriptionOf(shop, order.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("unpaid");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(4);
        assertThat(ledger.successfulCharges(shop.accountId())).isZero();
    }

    @Test
    void retriesTheUnpaidBalanceAtOnceWhenTheCardIsUpdated() {
        var shop = shop();
        var order = buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String failingCard = order.get("card_id").asString();
        advance(shop, "P20D");

        api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(),
            "{\"token\": \"pm_card_visa\", \"make_default\": true}");
        api.delete("/api/v1/customers/" + customer + "/payment_methods/" + failingCard, shop.apiKey());
        advance(shop, "PT1M");

        var types = typesAfterPurchase(shop, customer);
        assertThat(types.subList(types.indexOf("card.updated"), types.size())).containsExactly("card.updated",
            "payment.succeeded", "subscription.payment_succeeded", "invoice.paid", "subscription.activated");
        assertThat(subscriptionOf(shop, order.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("active");
    }

    @Test
    void collectsEveryInstallmentAndCompletesThePlan() {
        var shop = shop();
        var order = buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();

        advance(shop, "P62D");

        var plan = api.get("/api/v1/payment_plans/" + order.get("payment_plan_id").asString(), shop.apiKey()).json();
        assertThat(plan.get("installments_paid").asInt()).isEqualTo(3);
        assertThat(plan.get("status").asString()).isEqualTo("completed");
        assertThat(plan.get("next_bill_at").isNull()).isTrue();
        var types = typesAfterPurchase(shop, customer);
        assertThat(types).filteredOn(type -> type.equals("payment_plan.payment_succeeded")).hasSize(2);
        assertThat(types).filteredOn(type -> type.equals("payment_plan.payment_upcoming")).hasSize(2);
        assertThat(types.getLast()).isEqualTo("payment_plan.completed");
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(3);
        advance(shop, "P60D");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(3);
    }

    @Test
    void chargesEachRenewalOnceWithTwoClocksRacing() throws Exception {
        var shop = shop();
        for (int i = 0; i < 20; i++) {
            buy(shop, shop.monthly(), "pm_card_visa", "buyer" + i + "@example.com");
        }
        clock.advance(Duration.ofDays(32));

        try (var nodes = Executors.newFixedThreadPool(2)) {
            var first = CompletableFuture.supplyAsync(billingClock::runDue, nodes);
            var second = CompletableFuture.supplyAsync(billingClock::runDue, nodes);
            first.join();
            second.join();
        }

        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(40);
        assertThat(api.get("/api/v1/invoices?limit=100", shop.apiKey()).json().get("data")).hasSize(20);
    }

    @Test
    void announcesExpiringAndExpiredCards() {
        var shop = shop();
        var now = java.time.YearMonth.from(clock.instant().atZone(java.time.ZoneOffset.UTC));
        var expiry = now.plusMonths(3);
        String customer = api.post("/api/v1/customers", shop.apiKey(), "{\"name\":\"Ada\",\"email\":\"a@x.io\"}")
            .json().get("id").asString();
        api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(), """
            {"token": "pm_card_visa", "exp_month": %d, "exp_year": %d}""".formatted(expiry.getMonthValue(),
            expiry.getYear()));

        advance(shop, "P130D");

        assertThat(types(shop, customer)).containsSubsequence("card.expiring", "card.expired");
    }

    @Test
    void refusesBadAdvancesAndLiveAccounts() {
        var shop = shop();

        assertThat(advance(shop, "-P1D").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/test_clock/advance", shop.apiKey(), "{\"by\": \"soon\"}").status())
            .isEqualTo(400);
        assertThat(api.post("/api/v1/test_clock/advance", shop.apiKey(), "{\"to\": \"2001-01-01T00:00:00Z\"}")
            .json().get("errors").get(0).get("field").asString()).isEqualTo("to");
        assertThat(api.get("/api/v1/test_clock", shop.apiKey()).json().has("now")).isTrue();
        // Live only for this check: a lasting live account would switch the shared test clock off for other tests.
        db.sql("UPDATE accounts SET mode = 'live' WHERE id = :id").param("id", shop.accountId()).update();
        try {
            var refused = advance(shop, "P1D");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().get("code").asString()).isEqualTo("live_mode");
        } finally {
            db.sql("UPDATE accounts SET mode = 'sandbox' WHERE id = :id").param("id", shop.accountId()).update();
        }
    }

    private Api.Response advance(Shop shop, String by) {
        return api.post("/api/v1/test_clock/advance", shop.apiKey(), "{\"by\": \"" + by + "\"}");
    }

    private JsonNode buy(Shop shop, String option, String token, String email) {
        var response = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer": {"name": "Buyer", "email": "%s"}, "token": "%s", "option_id": "%s"}"""
            .formatted(email, token, option));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    private JsonNode subscriptionOf(Shop shop, String id) {
        return api.get("/api/v1/subscriptions/" + id, shop.apiKey()).json();
    }

    private List<String> types(Shop shop, String customerId) {
        var types = new ArrayList<String>();
        api.get("/api/v1/events?limit=100&customer_id=" + customerId, shop.apiKey()).json().get("data")
            .forEach(event -> types.add(event.get("type").asString()));
        Collections.reverse(types);
        return types;
    }

    /** The events after the purchase's own (which end with checkout.flow_completed or payment.failed). */
    private List<String> typesAfterPurchase(Shop shop, String customerId) {
        var types = types(shop, customerId);
        return types.subList(types.indexOf("checkout.flow_completed") + 1, types.size());
    }

    private Shop shop() {
        var account = accounts.create();
        String key = account.apiKey();
        var product = api.post("/api/v1/products", key, """
            {"name": "Membership", "options": [
              {"name": "Monthly", "kind": "subscription", "amount": 1900, "currency": "usd", "interval": "month"},
              {"name": "3 payments", "kind": "payment_plan", "amount": 10000, "currency": "usd", "interval": "month",
               "installments": 3},
              {"name": "Trial", "kind": "subscription", "amount": 1900, "currency": "usd", "interval": "month",
               "trial_days": 14}]}""").json();
        var checkout = api.post("/api/v1/checkouts", key, """
            {"name": "Join", "product_id": "%s"}""".formatted(product.get("id").asString())).json();
        var options = product.get("options");
        return new Shop(key, account.id(), checkout.get("id").asString(), options.get(0).get("id").asString(),
            options.get(1).get("id").asString(), options.get(2).get("id").asString());
    }
}
