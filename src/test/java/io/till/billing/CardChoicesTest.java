package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.shared.Timestamps;
import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A card chosen for a past-due subscription is retried within the request as the billing clock's own job: when the
 * clock already holds that job, the request charges nothing and answers "trying", and the card is charged once.
 */
@TillIntegrationTest
class CardChoicesTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    CardChoices choices;
    @Autowired
    BillingJobs jobs;
    @Autowired
    InvoiceCharges charges;
    @Autowired
    Invoices invoices;
    @Autowired
    Clock clock;

    @Test
    void whileTheClockHoldsTheRetryTheBuyerIsToldToWaitAndTheNewCardIsChargedOnce() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String subscription = order.get("subscription_id").asString();
        shops.advance(shop, "P14DT1M");
        String invoice = invoices.unpaidFor(shop.accountId(), subscription, null).getFirst().id();
        String visa = api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(),
            "{\"token\": \"pm_card_visa\"}").json().get("id").asString();
        long chargesBefore = ledger.charges(shop.accountId());
        // Another node's clock has claimed the retry that the card change puts on the agenda now.
        var now = Timestamps.now(clock);
        jobs.schedule(shop.accountId(), BillingJobs.Kind.INVOICE_RETRY, invoice, now);
        var held = jobs.claimDueFor(BillingJobs.Kind.INVOICE_RETRY, invoice, now);
        assertThat(held).hasSize(1);

        var outcome = choices.choose(shop.accountId(), customer, CardChoices.Kind.SUBSCRIPTION, subscription, visa,
            ChargedBy.PORTAL);

        assertThat(outcome).isEqualTo(new CardChoices.Outcome.Trying());
        assertThat(ledger.charges(shop.accountId())).isEqualTo(chargesBefore);

        charges.attempt(shop.accountId(), invoice, invoices.get(shop.accountId(), invoice).attemptCount() + 1);
        jobs.complete(held.getFirst(), now);

        assertThat(choices.outcome(shop.accountId(), customer, CardChoices.Kind.SUBSCRIPTION, subscription, 1900,
            now))
            .isEqualTo(new CardChoices.Outcome.Paid(1900, "usd"));
        assertThat(ledger.charges(shop.accountId())).isEqualTo(chargesBefore + 1);
        shops.advance(shop, "PT1M");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(chargesBefore + 1);
    }

    /** The charge that pays a plan's last installment completes the plan: the buyer is told it is paid. */
    @Test
    void choosingACardThatPaysAPlansLastInstallmentAnswersPaid() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String plan = order.get("payment_plan_id").asString();
        String visa = api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json().get("card_id").asString();
        shops.advance(shop, "P31D");
        String failing = shops.saveCard(shop, customer, "pm_card_chargeCustomerFail");
        var changed = api.post("/api/v1/payment_plans/" + plan + "/change_card", shop.apiKey(),
            "{\"payment_method_id\": \"" + failing + "\"}");
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        shops.advance(shop, "P31D");
        long owed = invoices.unpaidFor(shop.accountId(), null, plan).getFirst().amountDue();
        long chargesBefore = ledger.charges(shop.accountId());

        var outcome = choices.choose(shop.accountId(), customer, CardChoices.Kind.PAYMENT_PLAN, plan, visa,
            ChargedBy.PORTAL);

        assertThat(outcome).isEqualTo(new CardChoices.Outcome.Paid(owed, "usd"));
        assertThat(ledger.charges(shop.accountId())).isEqualTo(chargesBefore + 1);
        assertThat(api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json().get("status").asString())
            .isEqualTo("completed");
    }
}
