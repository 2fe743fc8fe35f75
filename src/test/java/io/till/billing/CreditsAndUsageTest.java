package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.ClockDatabase;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

@TillIntegrationTest
@ClockDatabase
class CreditsAndUsageTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;

    @Test
    void everyCreditEntryCanBeReadPageByPageBeyondTheLatestHundred() {
        var shop = shops.open();
        String customer = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com").get("customer_id")
            .asString();
        for (int i = 1; i <= 105; i++) {
            var granted = api.post("/api/v1/customers/" + customer + "/credits", shop.apiKey(),
                "{\"amount\": " + i + ", \"currency\": \"usd\"}");
            assertThat(granted.status()).as(granted.text()).isEqualTo(201);
        }

        assertThat(api.get("/api/v1/customers/" + customer + "/credits", shop.apiKey()).json().get("entries"))
            .hasSize(100);
        var amounts = new java.util.ArrayList<Long>();
        String cursor = null;
        do {
            var page = api.get("/api/v1/customers/" + customer + "/credits/entries?limit=40"
                + (cursor == null ? "" : "&cursor=" + cursor), shop.apiKey());
            assertThat(page.status()).as(page.text()).isEqualTo(200);
            page.json().get("data").forEach(entry -> amounts.add(entry.get("amount").asLong()));
            cursor = page.json().get("has_more").asBoolean() ? page.json().get("next_cursor").asString() : null;
        } while (cursor != null);
        assertThat(amounts).hasSize(105).startsWith(105L, 104L).endsWith(2L, 1L);
        assertThat(api.get("/api/v1/customers/cus_nope/credits/entries", shop.apiKey()).status()).isEqualTo(404);
    }

    @Test
    void spendsCreditOnRenewalsBeforeChargingTheCard() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();

        var granted = api.post("/api/v1/customers/" + customer + "/credits", shop.apiKey(),
            "{\"amount\": 2500, \"currency\": \"usd\", \"reason\": \"goodwill\"}");
        shops.advance(shop, "P32D");
        long chargesAfterFirstRenewal = ledger.charges(shop.accountId());
        shops.advance(shop, "P31D");

        assertThat(granted.status()).isEqualTo(201);
        assertThat(chargesAfterFirstRenewal).isEqualTo(1);
        var balance = api.get("/api/v1/customers/" + customer + "/credits", shop.apiKey()).json();
        assertThat(balance.get("balances").get(0).get("amount").asLong()).isZero();
        var invoices = api.get("/api/v1/invoices?customer_id=" + customer, shop.apiKey()).json().get("data");
        assertThat(invoices.get(1).get("amount_credited").asLong()).isEqualTo(1900);
        assertThat(invoices.get(0).get("amount_credited").asLong()).isEqualTo(600);
        var payments = api.get("/api/v1/payments?customer_id=" + customer, shop.apiKey()).json().get("data");
        assertThat(payments.get(0).get("amount").asLong()).isEqualTo(1300);
        assertThat(shops.types(shop, customer)).containsOnlyOnce("credits.depleted");
    }

    @Test
    void issuesCreditNotesOnPaidInvoicesOnly() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        shops.advance(shop, "P32D");
        String invoice = api.get("/api/v1/invoices?customer_id=" + order.get("customer_id").asString(),
            shop.apiKey()).json().get("data").get(0).get("id").asString();

        var tooLong = api.post("/api/v1/invoices/" + invoice + "/credit_note", shop.apiKey(), "{\"amount\": 100, "
            + "\"reason\": \"" + "x".repeat(501) + "\"}");
        var note = api.post("/api/v1/invoices/" + invoice + "/credit_note", shop.apiKey(), "{\"amount\": 1000}");
        var tooMuch = api.post("/api/v1/invoices/" + invoice + "/credit_note", shop.apiKey(), "{\"amount\": 1000}");

        assertThat(tooLong.status()).as(tooLong.text()).isEqualTo(400);
        assertThat(tooLong.json().get("errors").get(0).get("field").asString()).isEqualTo("reason");
        assertThat(note.status()).isEqualTo(201);
        assertThat(note.json().get("kind").asString()).isEqualTo("credit_note");
        assertThat(tooMuch.status()).isEqualTo(400);
        assertThat(tooMuch.json().get("errors").get(0).get("message").asString())
            .isEqualTo("must be more than 0 and at most the $9.00 of this invoice not yet credited");
    }

    @Test
    void paysAnUnpaidInvoiceWithCreditAtItsNextAttempt() {
        var shop = shops.open();
        var renewal = unpaidRenewal(shop);
        var order = renewal.order();
        String customer = renewal.customer();
        String invoice = renewal.invoice();
        api.post("/api/v1/customers/" + customer + "/credits", shop.apiKey(), "{\"amount\": 5000, \"currency\": "
            + "\"usd\"}");

        var applied = api.post("/api/v1/invoices/" + invoice + "/apply_credits", shop.apiKey(), null);
        shops.advance(shop, "P1D");

        assertThat(applied.json().get("amount_credited").asLong()).isEqualTo(1900);
        assertThat(api.get("/api/v1/invoices/" + invoice, shop.apiKey()).json().get("status").asString())
            .isEqualTo("paid");
        assertThat(shops.subscription(shop, order.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("active");
    }

    /**
     * A reviewer's: a renewal's credit left 20 cents to charge, under Stripe's smallest charge ($0.50), so the valid
     * card was "declined" at every attempt and the subscription ended unpaid. Credit now leaves at least the smallest
     * charge: the card pays $0.50, and the 30 cents not spent stay for the next renewal.
     */
    @Test
    void aRenewalsCreditLeavesAtLeastTheSmallestChargeForTheCard() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        var granted = api.post("/api/v1/customers/" + customer + "/credits", shop.apiKey(),
            "{\"amount\": 1880, \"currency\": \"usd\"}");
        assertThat(granted.status()).as(granted.text()).isEqualTo(201);

        shops.advance(shop, "P32D");

        var invoice = api.get("/api/v1/invoices?customer_id=" + customer, shop.apiKey()).json().get("data").get(0);
        assertThat(invoice.get("amount_credited").asLong()).isEqualTo(1850);
        assertThat(invoice.get("status").asString()).isEqualTo("paid");
        var payments = api.get("/api/v1/payments?customer_id=" + customer, shop.apiKey()).json().get("data");
        assertThat(payments.get(0).get("amount").asLong()).isEqualTo(50);
        assertThat(payments.get(0).get("status").asString()).isEqualTo("succeeded");
        assertThat(shops.subscription(shop, order.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("active");
        var balance = api.get("/api/v1/customers/" + customer + "/credits", shop.apiKey()).json();
        assertThat(balance.get("balances").get(0).get("amount").asLong()).isEqualTo(30);
    }

    /** Asked for an amount that would leave less than the card can be charged, staff are told what would work. */
    @Test
    void applyingCreditThatLeavesLessThanTheSmallestChargeIsRefusedSayingWhatWouldWork() {
        var shop = shops.open();
        var renewal = unpaidRenewal(shop);
        api.post("/api/v1/customers/" + renewal.customer() + "/credits", shop.apiKey(), "{\"amount\": 5000, "
            + "\"currency\": \"usd\"}");

        var refused = api.post("/api/v1/invoices/" + renewal.invoice() + "/apply_credits", shop.apiKey(),
            "{\"amount\": 1880}");
        var applied = api.post("/api/v1/invoices/" + renewal.invoice() + "/apply_credits", shop.apiKey(),
            "{\"amount\": 1850}");

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("amount");
        assertThat(refused.json().get("errors").get(0).get("message").asString()).isEqualTo("would leave $0.20 to "
            + "charge, less than the smallest charge in USD ($0.50): apply $19.00 to cover the invoice, or at most "
            + "$18.50");
        assertThat(applied.status()).as(applied.text()).isEqualTo(200);
        assertThat(applied.json().get("amount_credited").asLong()).isEqualTo(1850);
    }

    @Test
    void raisesEachUsageThresholdOnceWhenCrossed() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        api.send("PUT", "/api/v1/subscriptions/" + subscription + "/usage_thresholds", shop.apiKey(),
            "{\"meter\": \"api_calls\", \"thresholds\": [100, 500]}", List.of("Content-Type", "application/json"));

        for (long quantity : List.of(60L, 60L, 400L, 5L)) {
            var recorded = api.post("/api/v1/usage", shop.apiKey(), """
                {"subscription_id": "%s", "meter": "api_calls", "quantity": %d}""".formatted(subscription, quantity));
            assertThat(recorded.status()).as(recorded.text()).isEqualTo(201);
        }
        var bad = api.post("/api/v1/usage", shop.apiKey(), """
            {"subscription_id": "%s", "meter": "API calls", "quantity": -1}""".formatted(subscription));

        var usage = api.get("/api/v1/subscriptions/" + subscription + "/usage?meter=api_calls", shop.apiKey()).json();
        assertThat(usage.get("total").asLong()).isEqualTo(525);
        var crossed = shops.events(shop, order.get("customer_id").asString()).stream()
            .filter(event -> event.get("type").asString().equals("usage.threshold_exceeded"))
            .map(event -> event.get("data").get("usage").get("thresholds").get(0).asLong())
            .toList();
        assertThat(crossed).containsExactly(100L, 500L);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("errors")).hasSize(2);
    }

    @Test
    void neverCreditsMoreThanWasPaidLessRefunds() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        shops.advance(shop, "P32D");
        var invoice = api.get("/api/v1/invoices?customer_id=" + order.get("customer_id").asString(), shop.apiKey())
            .json().get("data").get(0);
        String payment = api.get("/api/v1/payments?customer_id=" + order.get("customer_id").asString(),
            shop.apiKey()).json().get("data").get(0).get("id").asString();
        api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"" + payment + "\", \"amount\": 1500}");

        var tooMuch = api.post("/api/v1/invoices/" + invoice.get("id").asString() + "/credit_note", shop.apiKey(),
            "{\"amount\": 401}");
        var rest = api.post("/api/v1/invoices/" + invoice.get("id").asString() + "/credit_note", shop.apiKey(),
            "{\"amount\": 400}");

        assertThat(tooMuch.status()).isEqualTo(400);
        assertThat(rest.status()).isEqualTo(201);
    }

    @Test
    void neverRefundsWhatACreditNoteGaveBackAlready() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        shops.advance(shop, "P32D");
        String invoice = api.get("/api/v1/invoices?customer_id=" + customer, shop.apiKey()).json().get("data").get(0)
            .get("id").asString();
        String payment = api.get("/api/v1/payments?customer_id=" + customer, shop.apiKey()).json().get("data").get(0)
            .get("id").asString();
        api.post("/api/v1/invoices/" + invoice + "/credit_note", shop.apiKey(), "{\"amount\": 1500}");

        var tooMuch = api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"" + payment + "\", "
            + "\"amount\": 401}");
        var rest = api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"" + payment + "\"}");
        var more = api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"" + payment + "\", "
            + "\"amount\": 1}");

        assertThat(tooMuch.status()).isEqualTo(400);
        assertThat(tooMuch.json().get("errors").get(0).get("message").asString()).contains("credit note");
        assertThat(rest.status()).isEqualTo(201);
        assertThat(rest.json().get("amount").asLong()).isEqualTo(400);
        assertThat(more.status()).isIn(400, 409);
    }

    @Test
    void voidingAnInvoiceGivesBackTheCreditAppliedToItAndLeavesNothingOwed() {
        var shop = shops.open();
        var renewal = unpaidRenewal(shop);
        String customer = renewal.customer();
        String invoice = renewal.invoice();
        api.post("/api/v1/customers/" + customer + "/credits", shop.apiKey(), "{\"amount\": 500, \"currency\": "
            + "\"usd\"}");
        var applied = api.post("/api/v1/invoices/" + invoice + "/apply_credits", shop.apiKey(), null);
        assertThat(applied.json().get("amount_credited").asLong()).isEqualTo(500);

        var voided = api.post("/api/v1/invoices/" + invoice + "/void", shop.apiKey(), null);

        assertThat(voided.json().get("status").asString()).isEqualTo("void");
        assertThat(voided.json().get("amount_credited").asLong()).isZero();
        assertThat(voided.json().get("amount_remaining").asLong()).as("a void invoice asks for nothing").isZero();
        var credits = api.get("/api/v1/customers/" + customer + "/credits", shop.apiKey()).json();
        assertThat(credits.get("balances").get(0).get("amount").asLong()).isEqualTo(500);
    }

    @Test
    void cancelingNowGivesBackTheCreditOnTheInvoicesItVoids() {
        var shop = shops.open();
        var renewal = unpaidRenewal(shop);
        var order = renewal.order();
        String customer = renewal.customer();
        String invoice = renewal.invoice();
        api.post("/api/v1/customers/" + customer + "/credits", shop.apiKey(), "{\"amount\": 700, \"currency\": "
            + "\"usd\"}");
        api.post("/api/v1/invoices/" + invoice + "/apply_credits", shop.apiKey(), null);

        api.post("/api/v1/subscriptions/" + order.get("subscription_id").asString() + "/cancel", shop.apiKey(), null);

        assertThat(api.get("/api/v1/invoices/" + invoice, shop.apiKey()).json().get("status").asString())
            .isEqualTo("void");
        var credits = api.get("/api/v1/customers/" + customer + "/credits", shop.apiKey()).json();
        assertThat(credits.get("balances").get(0).get("amount").asLong()).isEqualTo(700);
    }

    @Test
    void applyingCreditThatIsNotThereSaysSoInsteadOfAnsweringOk() {
        var shop = shops.open();
        var renewal = unpaidRenewal(shop);
        String customer = renewal.customer();
        String invoice = renewal.invoice();

        var none = api.post("/api/v1/invoices/" + invoice + "/apply_credits", shop.apiKey(), "{}");
        // Credit in a currency the customer is never billed in could never be spent: refused, naming theirs.
        var euros = api.post("/api/v1/customers/" + customer + "/credits", shop.apiKey(), "{\"amount\": 300, "
            + "\"currency\": \"eur\"}");
        assertThat(euros.status()).as(euros.text()).isEqualTo(400);
        assertThat(euros.json().at("/errors/0/field").asString()).isEqualTo("currency");
        assertThat(euros.json().at("/errors/0/message").asString()).endsWith("bill in usd");
        assertThat(api.get("/api/v1/customers/" + customer + "/credits", shop.apiKey()).json().toString())
            .doesNotContain("eur");
        var otherCurrency = api.post("/api/v1/invoices/" + invoice + "/apply_credits", shop.apiKey(), "{}");
        var negative = api.post("/api/v1/invoices/" + invoice + "/apply_credits", shop.apiKey(), "{\"amount\": -50}");

        assertThat(none.status()).isEqualTo(409);
        assertThat(none.json().get("detail").asString()).isEqualTo("No credit was applied: the customer has no USD "
            + "credit.");
        assertThat(otherCurrency.status()).isEqualTo(409);
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.json().get("errors").get(0).get("field").asString()).isEqualTo("amount");
    }

    @Test
    void anAmountOfZeroIsRefusedAsAnAmountWhileTheCustomerHasCredit() {
        var shop = shops.open();
        var renewal = unpaidRenewal(shop);
        api.post("/api/v1/customers/" + renewal.customer() + "/credits", shop.apiKey(), "{\"amount\": 300, "
            + "\"currency\": \"usd\"}");

        var zero = api.post("/api/v1/invoices/" + renewal.invoice() + "/apply_credits", shop.apiKey(),
            "{\"amount\": 0}");

        assertThat(zero.status()).isEqualTo(400);
        assertThat(zero.json().get("detail").asString()).startsWith("Invalid amount: must be more than 0");
        assertThat(api.get("/api/v1/invoices/" + renewal.invoice(), shop.apiKey()).json().get("amount_credited")
            .asLong()).isZero();
    }

    /** A trial whose first renewal failed: its customer and the renewal's invoice, issued and unpaid. */
    private record Renewal(JsonNode order, String customer, String invoice) {}

    private Renewal unpaidRenewal(Shops.Shop shop) {
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String customer = order.get("customer_id").asString();
        shops.advance(shop, "P14DT1M");
        String invoice = api.get("/api/v1/invoices?customer_id=" + customer, shop.apiKey()).json().get("data").get(0)
            .get("id").asString();
        return new Renewal(order, customer, invoice);
    }

    /** A probe sent 20 identical PUTs at once: 16 answered 500 (both deleted, then both inserted). */
    @Test
    void replacingAMetersThresholdsManyTimesAtOnceAnswersEachAndKeepsOneSet() throws Exception {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String path = "/api/v1/subscriptions/" + order.get("subscription_id").asString() + "/usage_thresholds";

        var puts = new java.util.ArrayList<java.util.concurrent.CompletableFuture<Api.Response>>();
        for (int i = 0; i < 12; i++) {
            puts.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> api.send("PUT", path, shop.apiKey(),
                "{\"meter\": \"api_calls\", \"thresholds\": [100, 500]}", List.of("Content-Type",
                    "application/json"))));
        }

        for (var put : puts) {
            var answered = put.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(answered.status()).as(answered.text()).isEqualTo(200);
        }
        var usage = api.get("/api/v1/subscriptions/" + order.get("subscription_id").asString()
            + "/usage?meter=api_calls", shop.apiKey()).json();
        assertThat(usage.get("thresholds")).extracting(node -> node.asLong()).containsExactly(100L, 500L);
    }

    /** A probe refunded part of a payment, the buyer charged the rest back, and a credit note still gave more. */
    @Test
    void aDisputedPaymentLeavesNothingOfItToCreditOrRefund() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        shops.advance(shop, "P32D");
        String invoice = api.get("/api/v1/invoices?customer_id=" + customer, shop.apiKey()).json().get("data").get(0)
            .get("id").asString();
        String payment = api.get("/api/v1/payments?customer_id=" + customer, shop.apiKey()).json().get("data").get(0)
            .get("id").asString();
        var refunded = api.post("/api/v1/refunds", shop.apiKey(), "{\"payment_id\": \"" + payment + "\", "
            + "\"amount\": 900}");
        var disputed = api.post("/api/v1/payments/" + payment + "/dispute", shop.apiKey(), "{}");

        var credit = api.post("/api/v1/invoices/" + invoice + "/credit_note", shop.apiKey(), "{\"amount\": 1}");

        assertThat(refunded.status()).as(refunded.text()).isEqualTo(201);
        assertThat(disputed.status()).as(disputed.text()).isEqualTo(200);
        assertThat(credit.status()).as(credit.text()).isEqualTo(400);
        assertThat(credit.json().get("errors").get(0).get("message").asString()).contains("$0.00");
    }
}
