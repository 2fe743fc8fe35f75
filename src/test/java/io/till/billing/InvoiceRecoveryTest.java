package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.automation.AutomationAgenda;
import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.ClockDatabase;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The ways out of a failed payment (issue 10, "Recovery paths recover"): a new card, credit, and staff acting on the
 * invoice each settle it at once, charge the right card at most once, and never start the failed-payment automations
 * again for nothing.
 */
@TillIntegrationTest
@ClockDatabase
class InvoiceRecoveryTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    AutomationAgenda automations;
    @Autowired
    BillingActions billingActions;
    @Autowired
    Payments paymentRecords;

    /** A trial bought with a card that accepts no charge, its first renewal declined: the subscription past due. */
    private record PastDue(Shops.Shop shop, String customer, String subscription, String failingCard,
        String invoice) {}

    private PastDue pastDue() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        String customer = order.get("customer_id").asString();
        shops.advance(shop, "P14DT1M");
        String subscription = order.get("subscription_id").asString();
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("past_due");
        String invoice = api.get("/api/v1/invoices?customer_id=" + customer, shop.apiKey()).json().get("data").get(0)
            .get("id").asString();
        return new PastDue(shop, customer, subscription, order.get("card_id").asString(), invoice);
    }

    private long count(PastDue due, String type) {
        return shops.types(due.shop(), due.customer()).stream().filter(type::equals).count();
    }

    private String saveCard(PastDue due, String token, boolean makeDefault) {
        var saved = api.post("/api/v1/customers/" + due.customer() + "/payment_methods", due.shop().apiKey(),
            "{\"token\": \"" + token + "\", \"make_default\": " + makeDefault + "}");
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
        return saved.json().get("id").asString();
    }

    private JsonNode invoice(PastDue due) {
        return api.get("/api/v1/invoices/" + due.invoice(), due.shop().apiKey()).json();
    }

    private List<JsonNode> payments(PastDue due) {
        var list = new ArrayList<JsonNode>();
        api.get("/api/v1/payments?customer_id=" + due.customer(), due.shop().apiKey()).json().get("data")
            .forEach(list::add);
        return list;
    }

    @Test
    void aNewDefaultCardPaysTheSubscriptionThatFollowedTheOldOneAtOnce() {
        var due = pastDue();
        long failedBefore = count(due, "payment.failed");

        String visa = saveCard(due, "pm_card_visa", true);
        shops.advance(due.shop(), "PT1M");

        assertThat(invoice(due).get("status").asString()).isEqualTo("paid");
        assertThat(shops.subscription(due.shop(), due.subscription()).get("status").asString()).isEqualTo("active");
        assertThat(shops.subscription(due.shop(), due.subscription()).get("card_id").asString()).isEqualTo(visa);
        assertThat(count(due, "payment.failed")).isEqualTo(failedBefore);
        assertThat(payments(due).getFirst().get("card_id").asString()).isEqualTo(visa);
    }

    @Test
    void aCardThatPaysNothingRetriesNothingAndTheFailedCardIsNotChargedAgain() {
        var due = pastDue();
        long failedBefore = count(due, "payment.failed");
        long chargesBefore = ledger.charges(due.shop().accountId());

        saveCard(due, "pm_card_visa", false);
        shops.advance(due.shop(), "PT1M");

        assertThat(ledger.charges(due.shop().accountId())).isEqualTo(chargesBefore);
        assertThat(count(due, "payment.failed")).isEqualTo(failedBefore);
        assertThat(invoice(due).get("status").asString()).isEqualTo("issued");
    }

    @Test
    void choosingTheCardThatJustFailedForTheSubscriptionRetriesNothing() {
        var due = pastDue();
        long chargesBefore = ledger.charges(due.shop().accountId());

        var changed = api.post("/api/v1/subscriptions/" + due.subscription() + "/change_card", due.shop().apiKey(),
            "{\"payment_method_id\": \"" + due.failingCard() + "\"}");
        shops.advance(due.shop(), "PT1M");

        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        assertThat(ledger.charges(due.shop().accountId())).isEqualTo(chargesBefore);
    }

    @Test
    void aSubscriptionWithACardOfItsOwnKeepsItWhenTheDefaultChanges() {
        var due = pastDue();
        String own = saveCard(due, "pm_card_visa", false);
        api.post("/api/v1/subscriptions/" + due.subscription() + "/change_card", due.shop().apiKey(),
            "{\"payment_method_id\": \"" + own + "\"}");
        shops.advance(due.shop(), "PT1M");
        assertThat(invoice(due).get("status").asString()).isEqualTo("paid");

        saveCard(due, "pm_card_mastercard", true);

        assertThat(shops.subscription(due.shop(), due.subscription()).get("card_id").asString()).isEqualTo(own);
    }

    @Test
    void creditCoveringTheAmountDueSettlesTheInvoiceAtOnce() {
        var due = pastDue();
        api.post("/api/v1/customers/" + due.customer() + "/credits", due.shop().apiKey(),
            "{\"amount\": 5000, \"currency\": \"usd\"}");

        var applied = api.post("/api/v1/invoices/" + due.invoice() + "/apply_credits", due.shop().apiKey(), null);

        assertThat(applied.json().get("status").asString()).isEqualTo("paid");
        assertThat(shops.subscription(due.shop(), due.subscription()).get("status").asString()).isEqualTo("active");
        assertThat(shops.types(due.shop(), due.customer())).endsWith("invoice.paid", "subscription.activated");
    }

    @Test
    void thePlanFollowsTheDefaultCardAndIsRetriedWithTheNewOne() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        var due = new PastDue(shop, order.get("customer_id").asString(), null, null, null);
        String plan = "/api/v1/payment_plans/" + order.get("payment_plan_id").asString();
        String failing = saveCard(due, "pm_card_chargeCustomerFail", true);
        shops.advance(shop, "P32D");
        assertThat(api.get(plan, shop.apiKey()).json().get("card_id").asString()).isEqualTo(failing);
        assertThat(api.get(plan, shop.apiKey()).json().get("installments_paid").asInt()).isEqualTo(1);
        long failedBefore = count(due, "payment.failed");

        String mastercard = saveCard(due, "pm_card_mastercard", true);
        shops.advance(shop, "PT1M");

        assertThat(api.get(plan, shop.apiKey()).json().get("installments_paid").asInt()).isEqualTo(2);
        assertThat(payments(due).getFirst().get("card_id").asString()).isEqualTo(mastercard);
        assertThat(count(due, "payment.failed")).isEqualTo(failedBefore);
    }

    @Test
    void theApplyCreditsActionSettlesACoveredInvoiceAtOnce() {
        var due = pastDue();
        api.post("/api/v1/customers/" + due.customer() + "/credits", due.shop().apiKey(),
            "{\"amount\": 5000, \"currency\": \"usd\"}");
        var created = api.post("/api/v1/automations", due.shop().apiKey(), """
            {"name": "Forgive", "trigger": {"type": "manual"},
             "steps": [{"id": "credit", "type": "action", "action": "apply_credits",
                        "params": {"invoice_id": "%s"}}]}""".formatted(due.invoice()));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String automation = created.json().get("id").asString();
        api.post("/api/v1/automations/" + automation + "/activate", due.shop().apiKey(), null);

        var run = api.post("/api/v1/automations/" + automation + "/run", due.shop().apiKey(), null);
        automations.runDue();

        var execution = api.get("/api/v1/executions/" + run.json().get("id").asString(), due.shop().apiKey()).json();
        assertThat(execution.get("status").asString()).as(execution.toString()).isEqualTo("succeeded");
        assertThat(invoice(due).get("status").asString()).isEqualTo("paid");
        assertThat(shops.subscription(due.shop(), due.subscription()).get("status").asString()).isEqualTo("active");
        assertThat(shops.types(due.shop(), due.customer())).contains("invoice.paid");
    }

    @Test
    void aPartialCreditLowersWhatTheNextAttemptCharges() {
        var due = pastDue();
        api.post("/api/v1/customers/" + due.customer() + "/credits", due.shop().apiKey(),
            "{\"amount\": 500, \"currency\": \"usd\"}");

        var applied = api.post("/api/v1/invoices/" + due.invoice() + "/apply_credits", due.shop().apiKey(), null);
        String visa = saveCard(due, "pm_card_visa", true);
        shops.advance(due.shop(), "PT1M");

        assertThat(applied.json().get("status").asString()).isEqualTo("issued");
        assertThat(applied.json().get("amount_credited").asLong()).isEqualTo(500);
        var paid = payments(due).getFirst();
        assertThat(paid.get("card_id").asString()).isEqualTo(visa);
        assertThat(paid.get("amount").asLong()).isEqualTo(1400);
        assertThat(invoice(due).get("status").asString()).isEqualTo("paid");
    }

    @Test
    void skipAutomationsGivenAtCancelHoldsForThePeriodEndCancellation() {
        var shop = shops.open();
        var created = api.post("/api/v1/automations", shop.apiKey(), """
            {"name": "Sorry to see you go", "trigger": {"type": "event", "event": "subscription.canceled"},
             "steps": [{"id": "note", "type": "action", "action": "test.record"}]}""");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String onCanceled = created.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + onCanceled + "/activate", shop.apiKey(), null).status())
            .isEqualTo(200);
        var quiet = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        var control = shops.buy(shop, shop.monthly(), "pm_card_visa", "grace@example.com");

        var quietly = api.post("/api/v1/subscriptions/" + quiet.get("subscription_id").asString() + "/cancel",
            shop.apiKey(), "{\"at_period_end\": true, \"skip_automations\": true}");
        var plainly = api.post("/api/v1/subscriptions/" + control.get("subscription_id").asString() + "/cancel",
            shop.apiKey(), "{\"at_period_end\": true}");
        assertThat(quietly.status()).as(quietly.text()).isEqualTo(200);
        assertThat(plainly.status()).as(plainly.text()).isEqualTo(200);
        shops.advance(shop, "P32D");
        automations.runDue();

        var canceled = shops.events(shop, quiet.get("customer_id").asString()).getLast();
        assertThat(canceled.get("type").asString()).isEqualTo("subscription.canceled");
        assertThat(canceled.get("data").path("skip_automations").asBoolean()).isTrue();
        assertThat(shops.events(shop, control.get("customer_id").asString()).getLast().get("type").asString())
            .isEqualTo("subscription.canceled");
        var started = new ArrayList<String>();
        api.get("/api/v1/executions?automation_id=" + onCanceled, shop.apiKey()).json().get("data")
            .forEach(run -> started.add(run.get("customer_id").asString()));
        assertThat(started).as("runs of the subscription.canceled automation, by customer")
            .containsExactly(control.get("customer_id").asString());
    }

    @Test
    void aPeriodEndCancellationWithoutSkipAutomationsStartsAutomations() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();

        api.post("/api/v1/subscriptions/" + subscription + "/cancel", shop.apiKey(), "{\"at_period_end\": true}");
        shops.advance(shop, "P32D");

        var canceled = shops.events(shop, order.get("customer_id").asString()).getLast();
        assertThat(canceled.get("type").asString()).isEqualTo("subscription.canceled");
        assertThat(canceled.get("data").has("skip_automations")).isFalse();
    }

    @Test
    void anOverdueInvoiceOnceSettledIsNoLongerOverdueAndTheFilterWorksBothWays() {
        var due = pastDue();
        String key = due.shop().apiKey();
        shops.advance(due.shop(), "P3D");
        assertThat(invoice(due).get("status").asString()).isEqualTo("issued");
        assertThat(invoice(due).get("overdue").asBoolean()).isTrue();
        assertThat(invoiceIds(key, "overdue=true")).containsExactly(due.invoice());
        assertThat(invoiceIds(key, "overdue=false")).doesNotContain(due.invoice());

        var paid = api.post("/api/v1/invoices/" + due.invoice() + "/pay", key, "{\"payment_method_id\": \""
            + saveCard(due, "pm_card_visa", false) + "\"}");
        assertThat(paid.status()).as(paid.text()).isEqualTo(200);

        assertThat(invoice(due).get("overdue").asBoolean()).isFalse();
        assertThat(invoiceIds(key, "overdue=true")).isEmpty();
        assertThat(invoiceIds(key, "overdue=false")).contains(due.invoice());
        var never = api.get("/api/v1/invoices?overdue=true&status=paid", key);
        assertThat(never.status()).isEqualTo(400);
        assertThat(never.json().get("errors").get(0).get("field").asString()).isEqualTo("overdue");
    }

    private List<String> invoiceIds(String key, String query) {
        var ids = new ArrayList<String>();
        api.get("/api/v1/invoices?" + query, key).json().get("data").forEach(i -> ids.add(i.get("id").asString()));
        return ids;
    }

    @Test
    void staffChargeAnInvoiceOnceHoweverOftenTheyClick() throws Exception {
        var due = pastDue();
        String visa = saveCard(due, "pm_card_visa", false);
        long chargesBefore = ledger.charges(due.shop().accountId());
        String body = "{\"payment_method_id\": \"" + visa + "\"}";

        var start = new CountDownLatch(1);
        var answers = new ArrayList<Future<Api.Response>>();
        try (var pool = Executors.newFixedThreadPool(3)) {
            for (int i = 0; i < 3; i++) {
                answers.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return api.post("/api/v1/invoices/" + due.invoice() + "/pay", due.shop().apiKey(), body);
                }));
            }
            start.countDown();
        }

        for (var answer : answers) {
            var response = answer.get();
            assertThat(response.status()).as(response.text()).isIn(200, 409);
        }
        assertThat(ledger.charges(due.shop().accountId()) - chargesBefore).isEqualTo(1);
        assertThat(ledger.successfulCharges(due.shop().accountId())).isEqualTo(1);
        assertThat(invoice(due).get("status").asString()).isEqualTo("paid");
        assertThat(shops.subscription(due.shop(), due.subscription()).get("status").asString()).isEqualTo("active");
        var again = api.post("/api/v1/invoices/" + due.invoice() + "/pay", due.shop().apiKey(), null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("code").asString()).isEqualTo("invalid_state");
        assertThat(again.json().get("detail").asString()).contains("paid");
    }

    private long declines(PastDue due) {
        return payments(due).stream().filter(p -> p.get("status").asString().equals("failed")).count();
    }

    /**
     * A reviewer found a declined pay now leaving the schedule's queued retry in place: both ran, the schedule was spent
     * two days early (unpaid at 3 days, not 5) and a last retry charged an unpaid subscription. Any attempt takes the
     * place of the one queued, and the next comes on the schedule, never sooner than its spacing after this one.
     */
    @Test
    void aDeclinedPayNowTakesThePlaceOfTheQueuedRetryAndTheScheduleEndsWhenItWould() {
        var due = pastDue();
        shops.advance(due.shop(), "PT1H");
        assertThat(api.post("/api/v1/invoices/" + due.invoice() + "/pay", due.shop().apiKey(), "{}").status())
            .isEqualTo(402);

        shops.advance(due.shop(), "P3D");
        assertThat(shops.subscription(due.shop(), due.subscription()).get("status").asString())
            .isEqualTo("past_due");
        assertThat(declines(due)).isEqualTo(3);
        shops.advance(due.shop(), "P2D");
        assertThat(shops.subscription(due.shop(), due.subscription()).get("status").asString()).isEqualTo("unpaid");
        shops.advance(due.shop(), "P3D");
        assertThat(declines(due)).as("the first, pay now, and the schedule's two left").isEqualTo(4);
    }

    /**
     * A reviewer resumed a subscription paused for ten days in dunning and saw three declines within seconds, and the
     * subscription unpaid: each retry was timed from the invoice's due date, all of them past. They keep their spacing.
     */
    @Test
    void retriesAfterAResumeKeepTheirSpacingInsteadOfRunningBackToBack() {
        var due = pastDue();
        String key = due.shop().apiKey();
        shops.advance(due.shop(), "PT12H");
        assertThat(api.post("/api/v1/subscriptions/" + due.subscription() + "/pause", key, null).status())
            .isEqualTo(200);
        shops.advance(due.shop(), "P10D");
        assertThat(api.post("/api/v1/subscriptions/" + due.subscription() + "/resume", key, null).status())
            .isEqualTo(200);
        long afterResume = declines(due);

        shops.advance(due.shop(), "PT1M");

        assertThat(declines(due)).isEqualTo(afterResume);
        assertThat(shops.subscription(due.shop(), due.subscription()).get("status").asString())
            .isEqualTo("past_due");
    }

    @Test
    void aDeclinedStaffChargeAnswers402AndKeepsThePayment() {
        var due = pastDue();
        int attemptsBefore = invoice(due).get("attempt_count").asInt();

        var declined = api.post("/api/v1/invoices/" + due.invoice() + "/pay", due.shop().apiKey(), "{}");

        assertThat(declined.status()).as(declined.text()).isEqualTo(402);
        assertThat(declined.json().get("code").asString()).isEqualTo("card_declined");
        assertThat(invoice(due).get("status").asString()).isEqualTo("issued");
        assertThat(invoice(due).get("attempt_count").asInt()).isEqualTo(attemptsBefore + 1);
        assertThat(payments(due)).filteredOn(p -> p.get("status").asString().equals("failed")).hasSize(2);
        // The failed payment is named by the answer, as the invoice is: the newest of the invoice's payments.
        assertThat(declined.json().get("invoice_id").asString()).isEqualTo(due.invoice());
        assertThat(declined.json().get("payment_id").asString()).isEqualTo(payments(due).stream().filter(p -> p.get(
            "status").asString().equals("failed")).map(p -> p.get("id").asString()).max(String::compareTo)
            .orElseThrow());
        assertThat(declined.json().get("decline_code").asString()).isNotBlank();
    }

    /**
     * {@code attempt_count} is every charge tried on a card for the invoice, whoever made it: the number the dashboard
     * counts and lists. An automation's retry is one (the buyer's bank saw it), yet the retry schedule numbers its own
     * attempts as before: staff's pay now after it is the schedule's attempt 2, and the invoice's third charge.
     */
    @Test
    void anAutomationsRetryCountsInTheInvoicesAttemptsWithoutMovingItsRetrySchedule() {
        var due = pastDue();
        assertThat(invoice(due).get("attempt_count").asInt()).isEqualTo(1);
        shops.advance(due.shop(), "PT15M");

        var retried = billingActions.retryPayment(due.shop().accountId(), due.invoice(), "exe_test:retry",
            "exe_test");

        assertThat(retried.status()).isEqualTo("declined");
        assertThat(invoice(due).get("attempt_count").asInt()).isEqualTo(2);
        var failed = shops.events(due.shop(), due.customer()).stream()
            .filter(e -> e.get("type").asString().equals("payment.failed"))
            .toList();
        assertThat(failed.getLast().get("data").get("invoice").get("attempt_count").asInt())
            .as("the retry's payment.failed carries the invoice as the retry left it").isEqualTo(2);

        var declined = api.post("/api/v1/invoices/" + due.invoice() + "/pay", due.shop().apiKey(), "{}");

        assertThat(declined.status()).as(declined.text()).isEqualTo(402);
        assertThat(invoice(due).get("attempt_count").asInt()).isEqualTo(3);
        var tried = paymentRecords.forInvoice(due.shop().accountId(), due.invoice());
        assertThat(tried).hasSize(3);
        assertThat(tried).extracting(t -> ChargeKeys.attemptOf(t.key()).orElse(0)).containsExactly(1, 0, 2);
    }

    /**
     * The Payment Dunning template retries 3 days after the failure, in the same minute as the default retry
     * schedule's second attempt: a newcomer's walk-through found two declined charges on the card half a second apart.
     * An automation's retry that comes within {@link AutomationRetries#JUST_TRIED} of the schedule's declined attempt on
     * the same card answers that decline and charges nothing; later, or on another card, it charges.
     */
    @Test
    void anAutomationsRetryMomentsAfterTheScheduleDeclinedTheSameCardChargesNothingAndAnswersThatDecline() {
        var due = pastDue();
        var scheduled = paymentRecords.forInvoice(due.shop().accountId(), due.invoice()).getLast().payment();
        long charges = ledger.charges(due.shop().accountId());

        var retried = billingActions.retryPayment(due.shop().accountId(), due.invoice(), "exe_test:retry",
            "exe_test");

        assertThat(retried.status()).isEqualTo("declined");
        assertThat(retried.paymentId()).isEqualTo(scheduled.id());
        assertThat(retried.bySchedule()).isTrue();
        assertThat(retried.code()).isEqualTo(scheduled.failureCode());
        assertThat(ledger.charges(due.shop().accountId())).isEqualTo(charges);
        assertThat(invoice(due).get("attempt_count").asInt()).isEqualTo(1);
        assertThat(billingActions.retryPayment(due.shop().accountId(), due.invoice(), "exe_test:retry", "exe_test")
            .paymentId()).as("the step taken again answers the same").isEqualTo(scheduled.id());

        shops.advance(due.shop(), "PT15M");
        var later = billingActions.retryPayment(due.shop().accountId(), due.invoice(), "exe_test:later", "exe_test");

        assertThat(later.status()).isEqualTo("declined");
        assertThat(later.paymentId()).isNotEqualTo(scheduled.id());
        assertThat(later.bySchedule()).isFalse();
        assertThat(ledger.charges(due.shop().accountId())).isEqualTo(charges + 1);
    }

    /** The payments listed by invoice are the charges its attempt_count counts, an automation's retry among them. */
    @Test
    void theInvoicesPaymentsAreTheChargesItsAttemptCountCounts() {
        var due = pastDue();
        shops.advance(due.shop(), "PT15M");
        billingActions.retryPayment(due.shop().accountId(), due.invoice(), "exe_test:retry", "exe_test");

        var listed = api.get("/api/v1/payments?invoice_id=" + due.invoice(), due.shop().apiKey());

        assertThat(listed.status()).as(listed.text()).isEqualTo(200);
        var charges = new ArrayList<String>();
        listed.json().get("data").forEach(p -> {
            assertThat(p.get("invoice_id").asString()).isEqualTo(due.invoice());
            charges.add(p.get("id").asString());
        });
        assertThat(charges).hasSize(invoice(due).get("attempt_count").asInt()).hasSize(2);
        assertThat(charges).containsExactlyElementsOf(paymentRecords.forInvoice(due.shop().accountId(), due.invoice())
            .stream().map(t -> t.payment().id()).toList().reversed());
        var failed = shops.events(due.shop(), due.customer()).stream()
            .filter(e -> e.get("type").asString().equals("payment.failed"))
            .toList();
        assertThat(failed).isNotEmpty().allSatisfy(e -> assertThat(e.get("data").get("payment").get("invoice_id")
            .asString()).as("the event's payment as the API shows it").isEqualTo(due.invoice()));
    }

    @Test
    void refusesACardOfAnotherCustomer() {
        var due = pastDue();
        var other = shops.buy(due.shop(), due.shop().monthly(), "pm_card_visa", "bob@example.com");

        var refused = api.post("/api/v1/invoices/" + due.invoice() + "/pay", due.shop().apiKey(),
            "{\"payment_method_id\": \"" + other.get("card_id").asString() + "\"}");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("payment_method_id");
    }

    /**
     * An invoice still unpaid when its subscription ends (canceled at period end) is voided then, and the event log
     * says so as it does for a void by staff or by cancel now: an automation on invoice.voided hears of every one.
     */
    @Test
    void anInvoiceVoidedAsItsSubscriptionEndsRaisesInvoiceVoided() {
        var due = pastDue();
        var canceling = api.post("/api/v1/subscriptions/" + due.subscription() + "/cancel", due.shop().apiKey(),
            "{\"at_period_end\": true}");
        assertThat(canceling.status()).as(canceling.text()).isEqualTo(200);
        String periodEnd = shops.subscription(due.shop(), due.subscription()).get("current_period_end").asString();

        shops.advance(due.shop(), "P32D");

        assertThat(shops.subscription(due.shop(), due.subscription()).get("status").asString())
            .isEqualTo("canceled");
        var invoice = api.get("/api/v1/invoices/" + due.invoice(), due.shop().apiKey()).json();
        assertThat(invoice.get("status").asString()).isEqualTo("void");
        assertThat(java.time.Instant.parse(invoice.get("voided_at").asString()))
            .isAfterOrEqualTo(java.time.Instant.parse(periodEnd));
        assertThat(count(due, "invoice.voided")).isEqualTo(1);
        var types = shops.types(due.shop(), due.customer());
        assertThat(types.indexOf("invoice.voided")).as("before the cancellation it came with")
            .isLessThan(types.lastIndexOf("subscription.canceled"));
    }

    @Test
    void staffVoidAnUnpaidInvoiceButNotAPaidOne() {
        var due = pastDue();
        var before = java.time.Instant.parse(api.get("/api/v1/test_clock", due.shop().apiKey()).json().get("now")
            .asString());

        var voided = api.post("/api/v1/invoices/" + due.invoice() + "/void", due.shop().apiKey(), null);
        var payVoid = api.post("/api/v1/invoices/" + due.invoice() + "/pay", due.shop().apiKey(), null);
        var paidOrder = shops.buy(due.shop(), due.shop().trial(), "pm_card_visa", "bob@example.com");
        shops.advance(due.shop(), "P15D");
        String paidInvoice = api.get("/api/v1/invoices?customer_id=" + paidOrder.get("customer_id").asString(),
            due.shop().apiKey()).json().get("data").get(0).get("id").asString();
        var voidPaid = api.post("/api/v1/invoices/" + paidInvoice + "/void", due.shop().apiKey(), null);

        assertThat(voided.status()).as(voided.text()).isEqualTo(200);
        assertThat(voided.json().get("status").asString()).isEqualTo("void");
        // When it was written off, by the account's clock; an invoice never voided has no such time.
        assertThat(java.time.Instant.parse(voided.json().get("voided_at").asString()))
            .isAfterOrEqualTo(before.truncatedTo(java.time.temporal.ChronoUnit.MICROS))
            .isBefore(before.plus(java.time.Duration.ofMinutes(5)));
        assertThat(api.get("/api/v1/invoices/" + paidInvoice, due.shop().apiKey()).json().get("voided_at").isNull())
            .isTrue();
        assertThat(shops.types(due.shop(), due.customer())).contains("invoice.voided");
        assertThat(payVoid.status()).isEqualTo(409);
        assertThat(voidPaid.status()).isEqualTo(409);
        assertThat(voidPaid.json().get("detail").asString()).contains("paid");
    }

    /** Two probes found a subscription left past due (or unpaid) for good once staff voided what it owed. */
    @Test
    void voidingTheOnlyUnpaidInvoicePutsItsSubscriptionBackInGoodStanding() {
        var due = pastDue();

        var voided = api.post("/api/v1/invoices/" + due.invoice() + "/void", due.shop().apiKey(), null);

        assertThat(voided.status()).as(voided.text()).isEqualTo(200);
        assertThat(shops.subscription(due.shop(), due.subscription()).get("status").asString()).isEqualTo("active");
        assertThat(shops.types(due.shop(), due.customer())).containsSubsequence("invoice.voided",
            "subscription.activated");
    }

    @Test
    void anUnpaidSubscriptionWhosePeriodEndedStartsANewPeriodWhenWhatItOwedIsWrittenOff() {
        var due = pastDue();
        shops.advance(due.shop(), "P40D");
        assertThat(shops.subscription(due.shop(), due.subscription()).get("status").asString()).isEqualTo("unpaid");
        var now = java.time.Instant.parse(api.get("/api/v1/test_clock", due.shop().apiKey()).json().get("now")
            .asString());
        saveCard(due, "pm_card_visa", true);

        var written = api.post("/api/v1/invoices/" + due.invoice() + "/void", due.shop().apiKey(), null);
        shops.advance(due.shop(), "PT1M");

        assertThat(written.status()).as(written.text()).isEqualTo(200);
        var subscription = shops.subscription(due.shop(), due.subscription());
        assertThat(subscription.get("status").asString()).isEqualTo("active");
        assertThat(java.time.Instant.parse(subscription.get("current_period_end").asString()))
            .as("a new period from now").isAfter(now.plus(java.time.Duration.ofDays(27)));
    }
    /**
     * Two subscriptions owe, each after its own card declined: a new default card pays at once the one that followed
     * the old default, and leaves alone the one whose card of its own just failed (charging it again would only fail
     * again and start the failed-payment automations over).
     */
    @Test
    void aNewDefaultCardPaysWhatFollowedTheDefaultAndLeavesASubscriptionsOwnFailedCardAlone() {
        var shop = shops.open();
        var trial = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        var due = new PastDue(shop, trial.get("customer_id").asString(), trial.get("subscription_id").asString(),
            trial.get("card_id").asString(), null);
        String spare = saveCard(due, "pm_card_visa", false);
        var bought = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer_id": "%s", "payment_method_id": "%s", "option_id": "%s"}""".formatted(due.customer(), spare,
            shop.monthly()));
        assertThat(bought.status()).as(bought.text()).isEqualTo(201);
        String monthly = bought.json().get("subscription_id").asString();
        String own = saveCard(due, "pm_card_chargeCustomerFail", false);
        var changed = api.post("/api/v1/subscriptions/" + monthly + "/change_card", shop.apiKey(),
            "{\"payment_method_id\": \"" + own + "\"}");
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        shops.advance(shop, "P32D");
        assertThat(shops.subscription(shop, due.subscription()).get("status").asString()).isIn("past_due", "unpaid");
        assertThat(shops.subscription(shop, monthly).get("status").asString()).isIn("past_due", "unpaid");
        long failedBefore = count(due, "payment.failed");
        long chargesBefore = ledger.charges(shop.accountId());

        String mastercard = saveCard(due, "pm_card_mastercard", true);
        shops.advance(shop, "PT1M");

        assertThat(ledger.charges(shop.accountId())).as("one charge: the new default's").isEqualTo(chargesBefore + 1);
        assertThat(count(due, "payment.failed")).isEqualTo(failedBefore);
        assertThat(shops.subscription(shop, due.subscription()).get("status").asString()).isEqualTo("active");
        assertThat(shops.subscription(shop, due.subscription()).get("card_id").asString()).isEqualTo(mastercard);
        assertThat(shops.subscription(shop, monthly).get("status").asString()).isIn("past_due", "unpaid");
        assertThat(shops.subscription(shop, monthly).get("card_id").asString()).isEqualTo(own);
    }

    /**
     * A subscription's own card declines its renewal and is then removed: the subscription is the default card's from
     * then on, and the default (which never failed on it) pays it at once.
     */
    @Test
    void removingASubscriptionsOwnFailedCardPaysItWithTheDefaultAtOnce() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String visa = order.get("card_id").asString();
        var due = new PastDue(shop, order.get("customer_id").asString(), order.get("subscription_id").asString(),
            null, null);
        String own = saveCard(due, "pm_card_chargeCustomerFail", false);
        var changed = api.post("/api/v1/subscriptions/" + due.subscription() + "/change_card", shop.apiKey(),
            "{\"payment_method_id\": \"" + own + "\"}");
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        shops.advance(shop, "P31DT1H");
        assertThat(shops.subscription(shop, due.subscription()).get("status").asString()).isEqualTo("past_due");
        long failedBefore = count(due, "payment.failed");

        var removed = api.delete("/api/v1/customers/" + due.customer() + "/payment_methods/" + own, shop.apiKey());
        shops.advance(shop, "PT1M");

        assertThat(removed.status()).as(removed.text()).isEqualTo(204);
        assertThat(shops.subscription(shop, due.subscription()).get("status").asString()).isEqualTo("active");
        assertThat(payments(due).getFirst().get("card_id").asString()).isEqualTo(visa);
        assertThat(payments(due).getFirst().get("status").asString()).isEqualTo("succeeded");
        assertThat(count(due, "payment.failed")).isEqualTo(failedBefore);
    }
    /** Credit that covers an unpaid plan's installment settles it as a card would: paid, counted, the plan active. */
    @Test
    void creditCoveringAnUnpaidPlansInstallmentPaysItAndThePlanIsActiveAgain() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        var due = new PastDue(shop, order.get("customer_id").asString(), null, null, null);
        String plan = "/api/v1/payment_plans/" + order.get("payment_plan_id").asString();
        saveCard(due, "pm_card_chargeCustomerFail", true);
        shops.advance(shop, "P40D");
        assertThat(api.get(plan, shop.apiKey()).json().get("status").asString()).isEqualTo("unpaid");
        String invoice = api.get("/api/v1/invoices?customer_id=" + due.customer(), shop.apiKey()).json().get("data")
            .get(0).get("id").asString();
        var granted = api.post("/api/v1/customers/" + due.customer() + "/credits", shop.apiKey(),
            "{\"amount\": 50000, \"currency\": \"usd\"}");
        assertThat(granted.status()).as(granted.text()).isEqualTo(201);

        var applied = api.post("/api/v1/invoices/" + invoice + "/apply_credits", shop.apiKey(), null);

        assertThat(applied.status()).as(applied.text()).isEqualTo(200);
        assertThat(applied.json().get("status").asString()).isEqualTo("paid");
        var after = api.get(plan, shop.apiKey()).json();
        assertThat(after.get("installments_paid").asInt()).as(after.toString()).isEqualTo(2);
        assertThat(after.get("status").asString()).as(after.toString()).isEqualTo("active");
        assertThat(shops.types(shop, due.customer())).contains("invoice.paid");
    }
}
