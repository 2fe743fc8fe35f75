package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.shared.Timestamps;
import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** Renewals, installments, retries and notices, driven through the sandbox test clock. */
@TillIntegrationTest
// Its own database: advancing the one sandbox clock by months renews every subscription in the database, and in the
// shared one that is every subscription the suite's other tests bought (over two minutes of renewals).
@TestPropertySource(properties = "till.test.database=billing-clock")
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
    Shops shops;
    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient db;
    @Autowired
    BillingJobs jobs;
    @Autowired
    Notices notices;

    @Test
    void renewsASubscriptionThroughAPaidInvoiceEachPeriod() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String subscription = order.get("subscription_id").asString();
        String firstEnd = shops.subscription(shop, subscription).get("current_period_end").asString();

        var advanced = shops.advance(shop, "P32D");

        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        assertThat(shops.typesAfterPurchase(shop, customer)).containsExactly("subscription.renewal_upcoming",
            "invoice.issued", "payment.succeeded", "subscription.payment_succeeded", "invoice.paid");
        var renewed = shops.subscription(shop, subscription);
        assertThat(renewed.get("status").asString()).isEqualTo("active");
        assertThat(renewed.get("current_period_start").asString()).isEqualTo(firstEnd);
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(2);
    }

    @Test
    void catchesUpOnMissedRenewalsOnceEachInOrder() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");

        shops.advance(shop, "P95D");

        var invoices = api.get("/api/v1/invoices?customer_id=" + order.get("customer_id").asString(), shop.apiKey())
            .json().get("data");
        var sequences = new ArrayList<Integer>();
        invoices.forEach(invoice -> sequences.add(invoice.get("sequence").asInt()));
        assertThat(sequences).containsExactly(4, 3, 2);
        invoices.forEach(invoice -> assertThat(invoice.get("status").asString()).isEqualTo("paid"));
        assertThat(ledger.charges(shop.accountId())).isEqualTo(4);
    }

    @Test
    void numbersInvoicesPerAccountInTheOrderTheyAreIssuedWhateverTheirSubscription() {
        var shop = shops.open();
        var other = shops.open();
        var ada = shops.buy(shop, shop.trial(), "pm_card_visa", "ada@example.com");
        var zoe = shops.buy(shop, shop.trial(), "pm_card_visa", "zoe@example.com");
        var elsewhere = shops.buy(other, other.trial(), "pm_card_visa", "eli@example.com");

        shops.advance(shop, "P15D");

        // Both customers' first bills after their trial are period 2 of their subscription: once both were
        // "Invoice 2". Numbered per account, they are two invoices of the shop, and the other shop counts its own.
        var numbers = new ArrayList<String>();
        for (var order : List.of(ada, zoe, elsewhere)) {
            String key = order == elsewhere ? other.apiKey() : shop.apiKey();
            api.get("/api/v1/invoices?customer_id=" + order.get("customer_id").asString(), key).json().get("data")
                .forEach(invoice -> numbers.add(invoice.get("sequence").asInt() + ":" + invoice.get("number")
                    .asLong()));
        }
        assertThat(numbers).hasSize(3);
        assertThat(numbers.subList(0, 2)).containsExactlyInAnyOrder("2:1", "2:2");
        assertThat(numbers.get(2)).isEqualTo("2:1");
    }

    @Test
    void dunsAFailingRenewalThroughItsRetriesToUnpaid() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String customer = order.get("customer_id").asString();

        shops.advance(shop, "P20D");

        assertThat(shops.typesAfterPurchase(shop, customer)).containsExactly("subscription.trial_ending",
            "invoice.issued",
            "payment.failed", "subscription.payment_failed", "subscription.past_due", "payment.failed",
            "subscription.payment_failed", "payment.failed", "subscription.payment_failed", "invoice.overdue",
            "payment.failed", "subscription.payment_failed", "subscription.unpaid");
        assertThat(shops.subscription(shop, order.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("unpaid");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(4);
        assertThat(ledger.successfulCharges(shop.accountId())).isZero();
    }

    /**
     * An invoice a pause holds is not overdue while paused (its charges are held, and a buyer whose seller paused
     * them is not chased by dunning); resumed and still unpaid, it is overdue the overdue delay after the resume. A
     * review found invoice.overdue raised, and dunning started, during the pause.
     */
    @Test
    void anInvoiceAPauseHoldsIsNotOverdueUntilTheOverdueDelayAfterTheResume() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String subscription = order.get("subscription_id").asString();
        shops.advance(shop, "P14DT12H");
        assertThat(shops.typesAfterPurchase(shop, customer)).contains("subscription.past_due");
        assertThat(api.post("/api/v1/subscriptions/" + subscription + "/pause", shop.apiKey(), null).status())
            .isEqualTo(200);

        shops.advance(shop, "P10D");
        assertThat(shops.typesAfterPurchase(shop, customer)).doesNotContain("invoice.overdue");

        assertThat(api.post("/api/v1/subscriptions/" + subscription + "/resume", shop.apiKey(), null).status())
            .isEqualTo(200);
        shops.advance(shop, "P2D");
        assertThat(shops.typesAfterPurchase(shop, customer)).doesNotContain("invoice.overdue");
        shops.advance(shop, "P1DT1H");
        assertThat(shops.typesAfterPurchase(shop, customer)).containsOnlyOnce("invoice.overdue");
    }

    @Test
    void retriesTheUnpaidBalanceAtOnceWhenTheCardIsUpdated() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String failingCard = order.get("card_id").asString();
        shops.advance(shop, "P20D");

        api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(),
            "{\"token\": \"pm_card_visa\", \"make_default\": true}");
        api.delete("/api/v1/customers/" + customer + "/payment_methods/" + failingCard, shop.apiKey());
        shops.advance(shop, "PT1M");

        var types = shops.typesAfterPurchase(shop, customer);
        assertThat(types.subList(types.indexOf("card.updated"), types.size())).containsExactly("card.updated",
            "payment.succeeded", "subscription.payment_succeeded", "invoice.paid", "subscription.activated");
        assertThat(shops.subscription(shop, order.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("active");
    }

    /**
     * A retry the clock claimed in a batch, and that staff's "charge now" made void before its turn came (a decline
     * cancels the schedule's pending retry), is not run: it charged the declining card again at once, as attempt
     * N+2, and moved the dunning schedule two steps. The same held for a batch that ran past its lease, and for the
     * two retries a card choice could leave.
     */
    @Test
    void aClaimedRetryCanceledBeforeItsTurnIsNotRun() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        shops.advance(shop, "P14DT1H");
        String invoice = db.sql("""
            SELECT id FROM invoices WHERE account_id = :account AND subscription_id = :subscription
               AND status = 'issued'""")
            .param("account", shop.accountId())
            .param("subscription", order.get("subscription_id").asString())
            .query(String.class)
            .single();
        java.time.Instant retryDue = db.sql("""
            SELECT due_at FROM billing_jobs
             WHERE kind = 'INVOICE_RETRY' AND subject_id = :invoice AND done_at IS NULL""")
            .param("invoice", invoice)
            .query(java.sql.Timestamp.class)
            .single()
            .toInstant();
        clock.moveTo(retryDue);
        var stale = jobs.claimDueFor(BillingJobs.Kind.INVOICE_RETRY, invoice, Timestamps.now(clock));
        assertThat(stale).hasSize(1);

        var paid = api.post("/api/v1/invoices/" + invoice + "/pay", shop.apiKey(), null);
        assertThat(paid.status()).as(paid.text()).isNotEqualTo(200);
        long charges = ledger.charges(shop.accountId());
        assertThat(db.sql("SELECT done_at IS NOT NULL FROM billing_jobs WHERE id = :id").param("id", stale.getFirst()
            .id()).query(Boolean.class).single()).as("the decline canceled the pending retry").isTrue();

        billingClock.runClaimed(stale);

        assertThat(ledger.charges(shop.accountId())).isEqualTo(charges);
    }

    @Test
    void collectsEveryInstallmentAndCompletesThePlan() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();

        shops.advance(shop, "P62D");

        var plan = api.get("/api/v1/payment_plans/" + order.get("payment_plan_id").asString(), shop.apiKey()).json();
        assertThat(plan.get("installments_paid").asInt()).isEqualTo(3);
        assertThat(plan.get("status").asString()).isEqualTo("completed");
        assertThat(plan.get("next_bill_at").isNull()).isTrue();
        var types = shops.typesAfterPurchase(shop, customer);
        assertThat(types).filteredOn(type -> type.equals("payment_plan.payment_succeeded")).hasSize(2);
        assertThat(types).filteredOn(type -> type.equals("payment_plan.payment_upcoming")).hasSize(2);
        assertThat(types.getLast()).isEqualTo("payment_plan.completed");
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(3);
        shops.advance(shop, "P60D");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(3);
    }

    @Test
    void chargesEachRenewalOnceWithTwoClocksRacing() throws Exception {
        var shop = shops.open();
        for (int i = 0; i < 20; i++) {
            shops.buy(shop, shop.monthly(), "pm_card_visa", "buyer" + i + "@example.com");
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
        var shop = shops.open();
        var now = java.time.YearMonth.from(clock.instant().atZone(java.time.ZoneOffset.UTC));
        var expiry = now.plusMonths(3);
        String customer = api.post("/api/v1/customers", shop.apiKey(), "{\"name\":\"Ada\",\"email\":\"a@x.io\"}")
            .json().get("id").asString();
        api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(), """
            {"token": "pm_card_visa", "exp_month": %d, "exp_year": %d}""".formatted(expiry.getMonthValue(),
            expiry.getYear()));

        shops.advance(shop, "P130D");

        assertThat(shops.types(shop, customer)).containsSubsequence("card.expiring", "card.expired");
    }

    /**
     * A reviewer's: the pause after a failure was 2^(attempts-1) minutes before it was held to a day, and after about
     * four weeks of daily failures that power overflowed PostgreSQL's interval, failing the statement meant to hold
     * the job back: it was claimed again every lease, for ever.
     */
    @Test
    void aJobThatHasFailedForWeeksIsHeldBackADayAsAfterItsTenthFailure() {
        var store = accounts.create();
        Instant now = Timestamps.now(clock);
        String subject = "card_" + java.util.UUID.randomUUID();
        jobs.schedule(store.id(), BillingJobs.Kind.CARD_EXPIRED, subject, now.minusSeconds(60));
        db.sql("UPDATE billing_jobs SET attempts = 60 WHERE subject_id = :subject").param("subject", subject).update();
        var claimed = jobs.claimDueFor(BillingJobs.Kind.CARD_EXPIRED, subject, now);
        assertThat(claimed).hasSize(1);

        jobs.fail(claimed.getFirst(), "still failing", now);

        assertThat(db.sql("SELECT locked_until FROM billing_jobs WHERE subject_id = :subject")
            .param("subject", subject)
            .query(java.sql.Timestamp.class)
            .single()
            .toInstant()).isEqualTo(now.plus(java.time.Duration.ofDays(1)));
    }

    /**
     * A reviewer's: after downtime the missed jobs run in due order, the notice 7 days ahead just before the renewal
     * it announces, and "renews in 7 days" was said of a renewal already due.
     */
    @Test
    void aRenewalNoticeRunLateAfterItsRenewalCameIsNotAnnounced() {
        var shop = shops.open();
        String subscription = shops.buy(shop, shop.monthly(), "pm_card_visa", "late.notice@example.com")
            .get("subscription_id").asString();
        Instant due = db.sql("""
            SELECT due_at FROM billing_jobs
             WHERE subject_id = :subject AND kind = 'SUBSCRIPTION_RENEWAL_UPCOMING' AND done_at IS NULL
            """).param("subject", subscription).query(java.sql.Timestamp.class).single().toInstant();

        // Till down from before the notice to after the renewal it announces.
        clock.advance(Duration.ofDays(40));
        notices.renewalUpcoming(shop.accountId(), subscription, due);

        assertThat(db.sql("""
            SELECT count(*) FROM events WHERE account_id = :account AND type = 'subscription.renewal_upcoming'
            """).param("account", shop.accountId()).query(Long.class).single()).isZero();
    }

    @Test
    void refusesBadAdvancesAndLiveAccounts() {
        var shop = shops.open();

        assertThat(shops.advance(shop, "-P1D").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/test_clock/advance", shop.apiKey(), "{\"by\": \"soon\"}").status())
            .isEqualTo(400);
        assertThat(api.post("/api/v1/test_clock/advance", shop.apiKey(), "{\"to\": \"2001-01-01T00:00:00Z\"}")
            .json().get("errors").get(0).get("field").asString()).isEqualTo("to");
        for (String huge : java.util.List.of("P1000000000Y", "PT8900000000000H")) {
            var tooFar = api.post("/api/v1/test_clock/advance", shop.apiKey(), "{\"by\": \"" + huge + "\"}");
            assertThat(tooFar.status()).as(huge + ": " + tooFar.text()).isEqualTo(400);
            assertThat(tooFar.json().get("errors").get(0).get("code").asString()).isEqualTo("out_of_range");
        }
        assertThat(api.get("/api/v1/test_clock", shop.apiKey()).json().has("now")).isTrue();
        // Live only for this check: a lasting live account would switch the shared test clock off for other tests.
        db.sql("UPDATE accounts SET mode = 'live' WHERE id = :id").param("id", shop.accountId()).update();
        try {
            var refused = shops.advance(shop, "P1D");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().get("code").asString()).isEqualTo("live_mode");
        } finally {
            db.sql("UPDATE accounts SET mode = 'sandbox' WHERE id = :id").param("id", shop.accountId()).update();
        }
    }

    /** 30 days from the 4th of December end on January 3rd; a month reaches the monthly renewal of January 4th. */
    @Test
    void advancingByAMonthReachesTheMonthlyRenewalWhereThirtyDaysMayFallShort() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        String renewsAt = shops.subscription(shop, subscription).get("current_period_end").asString();

        assertThat(shops.advance(shop, "P1M").status()).isEqualTo(200);

        var renewed = shops.subscription(shop, subscription);
        assertThat(renewed.get("current_period_start").asString()).isEqualTo(renewsAt);
        assertThat(api.post("/api/v1/test_clock/advance", shop.apiKey(), "{\"by\": \"P1X\"}").json().get("errors")
            .get(0).get("code").asString()).isEqualTo("invalid_format");
        assertThat(api.post("/api/v1/test_clock/advance", shop.apiKey(), "{\"by\": \"P-1M\"}").json().get("errors")
            .get(0).get("code").asString()).isEqualTo("out_of_range");
    }

    /**
     * The billing clock was down past a past-due subscription's renewal, and the retry due just before it succeeds
     * when the clock catches up: the renewal still bills its own period, from the old billing day. The paid retry
     * restarted the periods at the moment of the catch-up, and the skipped stretch was never billed.
     */
    @Test
    void aRetryPaidInACatchUpLeavesTheRenewalDueAfterItToBillItsPeriod() {
        var shop = shops.open();
        assertThat(api.send("PUT", "/api/v1/retry_schedule", shop.apiKey(), "{\"subscription_retries\": [\"P20D\"]}",
            java.util.List.of("Content-Type", "application/json")).status()).isEqualTo(200);
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        shops.advance(shop, "P14DT1H");
        var pastDue = shops.subscription(shop, subscription);
        assertThat(pastDue.get("status").asString()).isEqualTo("past_due");
        String billingDay = pastDue.get("current_period_end").asString();
        // The bank now takes the card.
        db.sql("UPDATE cards SET gateway_reference = replace(gateway_reference, 'pm_card_chargeCustomerFail', "
            + "'pm_card_visa') WHERE account_id = :account").param("account", shop.accountId()).update();

        clock.moveTo(java.time.Instant.parse(billingDay).plus(Duration.ofDays(5)));
        billingClock.runDue();

        var renewed = shops.subscription(shop, subscription);
        assertThat(renewed.get("status").asString()).isEqualTo("active");
        assertThat(renewed.get("current_period_start").asString()).as("the billing day kept").isEqualTo(billingDay);
        assertThat(ledger.successfulCharges(shop.accountId())).as("the arrears and the renewal").isEqualTo(2);
    }

    @Test
    void keepsRenewingASubscriptionWhoseArrearsWerePaid() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String customer = order.get("customer_id").asString();
        // Exactly when its next renewal is due (and skipped, for it is unpaid): the trial's 14 days and a month.
        shops.advance(shop, "P45D");
        assertThat(shops.subscription(shop, order.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("unpaid");

        api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(),
            "{\"token\": \"pm_card_visa\", \"make_default\": true}");
        api.delete("/api/v1/customers/" + customer + "/payment_methods/" + order.get("card_id").asString(),
            shop.apiKey());
        shops.advance(shop, "PT1M");
        long afterRecovery = ledger.successfulCharges(shop.accountId());
        shops.advance(shop, "P32D");

        assertThat(shops.subscription(shop, order.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("active");
        assertThat(afterRecovery).isEqualTo(2);
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(3);
    }
}
