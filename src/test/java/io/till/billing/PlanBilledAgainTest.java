package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.payment.SandboxLedger;
import io.till.testing.Api;
import io.till.testing.ClockDatabase;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A payment plan whose billing stopped (canceled, an installment voided, unpaid) bills its installments again once it
 * runs again, until every one is paid: it never stays active with nothing on the billing clock's agenda.
 */
@TillIntegrationTest
@ClockDatabase
class PlanBilledAgainTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    BillingActions actions;

    @Test
    void billsAtOnceAnInstallmentWhoseDatePassedWhileThePlanWasCanceled() {
        var shop = shops.open();
        String plan = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com").get("payment_plan_id")
            .asString();
        patch(shop, plan, "{\"status\": \"canceled\"}");
        shops.advance(shop, "P32D");

        var reactivated = patch(shop, plan, "{\"status\": \"active\"}");
        shops.advance(shop, "PT1M");

        assertThat(reactivated.status()).as(reactivated.text()).isEqualTo(200);
        var billed = plan(shop, plan);
        assertThat(billed.get("status").asString()).isEqualTo("active");
        assertThat(billed.get("installments_paid").asInt()).isEqualTo(2);
        // The schedule starts again from now, as a resumed subscription's does: no second charge a day later.
        assertThat(Instant.parse(billed.get("next_bill_at").asString())).isAfter(now(shop).plus(Duration.ofDays(27)));
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(2);
    }

    @Test
    void billsAnInstallmentVoidedByCancelingAgainSoThePlanCompletesAfterEveryInstallmentIsPaid() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String plan = order.get("payment_plan_id").asString();
        String visa = plan(shop, plan).get("card_id").asString();
        changeCard(shop, plan, shops.saveCard(shop, order.get("customer_id").asString(), "pm_card_chargeCustomerFail"));
        shops.advance(shop, "P31D");
        patch(shop, plan, "{\"status\": \"canceled\"}");
        patch(shop, plan, "{\"status\": \"active\"}");
        changeCard(shop, plan, visa);

        shops.advance(shop, "P31D");
        shops.advance(shop, "P31D");

        var completed = plan(shop, plan);
        assertThat(completed.get("status").asString()).isEqualTo("completed");
        assertThat(completed.get("installments_paid").asInt()).isEqualTo(3);
        assertThat(completed.get("next_bill_at").isNull()).isTrue();
        assertThat(installments(shop, plan)).containsExactly("2 void", "2 paid", "3 paid");
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(3);
    }

    @Test
    void billsTheLastInstallmentAgainOneIntervalLaterWhenStaffVoidIt() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String plan = order.get("payment_plan_id").asString();
        String visa = plan(shop, plan).get("card_id").asString();
        shops.advance(shop, "P31D");
        changeCard(shop, plan, shops.saveCard(shop, order.get("customer_id").asString(), "pm_card_chargeCustomerFail"));
        shops.advance(shop, "P31D");
        String last = planInvoices(shop, plan).getLast().get("id").asString();

        var voided = api.post("/api/v1/invoices/" + last + "/void", shop.apiKey(), null);
        var rescheduled = plan(shop, plan);
        changeCard(shop, plan, visa);
        shops.advance(shop, "P31D");

        assertThat(voided.status()).as(voided.text()).isEqualTo(200);
        assertThat(Instant.parse(rescheduled.get("next_bill_at").asString())).isAfter(now(shop).minus(
            Duration.ofDays(31)));
        var completed = plan(shop, plan);
        assertThat(completed.get("status").asString()).isEqualTo("completed");
        assertThat(completed.get("installments_paid").asInt()).isEqualTo(3);
        assertThat(installments(shop, plan)).containsExactly("2 paid", "3 void", "3 paid");
    }

    @Test
    void refusesANextBillDateWhenEveryInstallmentIsPaidOrBilled() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String plan = order.get("payment_plan_id").asString();
        shops.advance(shop, "P31D");
        changeCard(shop, plan, shops.saveCard(shop, order.get("customer_id").asString(), "pm_card_chargeCustomerFail"));
        shops.advance(shop, "P31D");
        String later = now(shop).plus(Duration.ofDays(10)).toString();

        var refused = patch(shop, plan, "{\"next_bill_at\": \"" + later + "\"}");

        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.text()).contains("next_bill_at");
        assertThat(plan(shop, plan).get("next_bill_at").isNull()).isTrue();
    }

    /** A canceled plan bills nothing: neither its next date nor its card can be set, and each refusal says why. */
    @Test
    void aCanceledPlanTakesNoNextBillDateNorCard() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String plan = order.get("payment_plan_id").asString();
        String spare = shops.saveCard(shop, order.get("customer_id").asString(), "pm_card_mastercard");
        assertThat(patch(shop, plan, "{\"status\": \"canceled\"}").status()).isEqualTo(200);
        var said = shops.types(shop, order.get("customer_id").asString());

        var dated = patch(shop, plan, "{\"next_bill_at\": \"" + now(shop).plus(Duration.ofDays(10)) + "\"}");
        var carded = api.post("/api/v1/payment_plans/" + plan + "/change_card", shop.apiKey(),
            "{\"payment_method_id\": \"" + spare + "\"}");

        assertThat(dated.status()).as(dated.text()).isEqualTo(409);
        assertThat(dated.json().get("detail").asString()).contains("canceled");
        assertThat(carded.status()).as(carded.text()).isEqualTo(409);
        assertThat(carded.json().get("detail").asString()).contains("canceled");
        assertThat(plan(shop, plan).get("card_id").asString()).isNotEqualTo(spare);
        assertThat(shops.types(shop, order.get("customer_id").asString())).isEqualTo(said);
    }

    @Test
    void billsTheInstallmentThatFellDueWhileUnpaidOnceTheMissedOneIsPaid() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String plan = order.get("payment_plan_id").asString();
        String visa = plan(shop, plan).get("card_id").asString();
        changeCard(shop, plan, shops.saveCard(shop, order.get("customer_id").asString(), "pm_card_chargeCustomerFail"));
        shops.advance(shop, "P40D");
        assertThat(plan(shop, plan).get("status").asString()).isEqualTo("unpaid");
        shops.advance(shop, "P25D");

        changeCard(shop, plan, visa);
        shops.advance(shop, "PT1M");

        var completed = plan(shop, plan);
        assertThat(completed.get("status").asString()).isEqualTo("completed");
        assertThat(completed.get("installments_paid").asInt()).isEqualTo(3);
        assertThat(installments(shop, plan)).containsExactly("2 paid", "3 paid");
    }

    /**
     * An installment written off as uncollectible keeps its number and is never billed again: once the rest is paid,
     * the plan has run its course. It stayed active for good, with no next bill date and nothing to give it one.
     */
    @Test
    void aPlanWhoseUnpaidInstallmentWasWrittenOffCompletesOnceTheOthersArePaid() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String plan = order.get("payment_plan_id").asString();
        String visa = plan(shop, plan).get("card_id").asString();
        changeCard(shop, plan, shops.saveCard(shop, customer, "pm_card_chargeCustomerFail"));
        shops.advance(shop, "P40D");
        assertThat(plan(shop, plan).get("status").asString()).isEqualTo("unpaid");
        String second = planInvoices(shop, plan).getLast().get("id").asString();

        actions.markUncollectible(shop.accountId(), second);
        assertThat(plan(shop, plan).get("status").asString()).as("owed still, until staff act").isEqualTo("unpaid");
        patch(shop, plan, "{\"status\": \"active\"}");
        changeCard(shop, plan, visa);
        shops.advance(shop, "P31D");

        var completed = plan(shop, plan);
        assertThat(completed.get("status").asString()).isEqualTo("completed");
        assertThat(completed.get("installments_paid").asInt()).isEqualTo(2);
        assertThat(completed.get("next_bill_at").isNull()).isTrue();
        assertThat(installments(shop, plan)).containsExactly("2 uncollectible", "3 paid");
        assertThat(shops.types(shop, customer).stream().filter("payment_plan.completed"::equals)).hasSize(1);
    }

    /**
     * Voiding the one installment an unpaid plan owes leaves nothing owed, as a subscription's last unpaid invoice
     * voided does: the plan is active again and bills the voided installment anew on its next bill date. It stayed unpaid for good, with
     * nothing left to charge that could make it active.
     */
    @Test
    void anUnpaidPlanWhoseOnlyOwedInstallmentIsVoidedIsActiveAgainAndBillsItAnew() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String plan = order.get("payment_plan_id").asString();
        String visa = plan(shop, plan).get("card_id").asString();
        changeCard(shop, plan, shops.saveCard(shop, order.get("customer_id").asString(), "pm_card_chargeCustomerFail"));
        shops.advance(shop, "P40D");
        assertThat(plan(shop, plan).get("status").asString()).isEqualTo("unpaid");
        String second = planInvoices(shop, plan).getLast().get("id").asString();

        var voided = api.post("/api/v1/invoices/" + second + "/void", shop.apiKey(), null);

        assertThat(voided.status()).as(voided.text()).isEqualTo(200);
        assertThat(plan(shop, plan).get("status").asString()).isEqualTo("active");
        changeCard(shop, plan, visa);
        assertThat(installments(shop, plan)).as("nothing owed, nothing charged by the card change")
            .containsExactly("2 void");
        shops.advance(shop, "P25D");
        assertThat(installments(shop, plan)).as("on the next bill date").containsExactly("2 void", "2 paid");
        assertThat(plan(shop, plan).get("installments_paid").asInt()).isEqualTo(2);
    }

    /**
     * Paying a later installment of an unpaid plan leaves it unpaid while an earlier one is still owed, as a
     * subscription stays past due for its older invoice: active again, it would bill on as if nothing were owed.
     */
    @Test
    void anUnpaidPlanStaysUnpaidWhenALaterInstallmentIsPaidWhileAnEarlierOneIsOwed() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String plan = order.get("payment_plan_id").asString();
        String visa = plan(shop, plan).get("card_id").asString();
        changeCard(shop, plan, shops.saveCard(shop, customer, "pm_card_chargeCustomerFail"));
        shops.advance(shop, "P40D");
        patch(shop, plan, "{\"status\": \"active\"}");
        shops.advance(shop, "P40D");
        assertThat(plan(shop, plan).get("status").asString()).isEqualTo("unpaid");
        assertThat(installments(shop, plan)).containsExactly("2 issued", "3 issued");
        String third = planInvoices(shop, plan).getLast().get("id").asString();

        var paid = api.post("/api/v1/invoices/" + third + "/pay", shop.apiKey(), "{\"payment_method_id\": \""
            + visa + "\"}");

        assertThat(paid.status()).as(paid.text()).isEqualTo(200);
        assertThat(installments(shop, plan)).containsExactly("2 issued", "3 paid");
        assertThat(plan(shop, plan).get("status").asString()).isEqualTo("unpaid");
    }

    /**
     * Staff moving a plan's next bill date move its reminder too: the one ahead of the old date says nothing (the
     * installment is no longer that close), so without one ahead of the new date the buyer was charged unannounced.
     */
    @Test
    void aNextBillDateMovedByStaffIsAnnouncedAheadOfTheNewDate() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        String plan = order.get("payment_plan_id").asString();
        Instant moved = now(shop).plus(Duration.ofDays(50));

        var patched = patch(shop, plan, "{\"next_bill_at\": \"" + moved + "\"}");
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        shops.advance(shop, "P45D");

        var upcoming = shops.events(shop, customer).stream()
            .filter(event -> event.get("type").asString().equals("payment_plan.payment_upcoming"))
            .toList();
        assertThat(upcoming).hasSize(1);
        assertThat(Instant.parse(upcoming.getFirst().get("occurred_at").asString()))
            .isEqualTo(moved.minus(Duration.ofDays(7)));
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(1);
    }

    private Api.Response patch(Shops.Shop shop, String plan, String body) {
        return api.send("PATCH", "/api/v1/payment_plans/" + plan, shop.apiKey(), body,
            List.of("Content-Type", "application/json"));
    }

    private JsonNode plan(Shops.Shop shop, String plan) {
        return api.get("/api/v1/payment_plans/" + plan, shop.apiKey()).json();
    }

    private void changeCard(Shops.Shop shop, String plan, String card) {
        var changed = api.post("/api/v1/payment_plans/" + plan + "/change_card", shop.apiKey(),
            "{\"payment_method_id\": \"" + card + "\"}");
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
    }

    private Instant now(Shops.Shop shop) {
        return Instant.parse(api.get("/api/v1/test_clock", shop.apiKey()).json().get("now").asString());
    }

    /** The plan's invoices, oldest first. */
    private List<JsonNode> planInvoices(Shops.Shop shop, String plan) {
        var found = new ArrayList<JsonNode>();
        api.get("/api/v1/invoices?limit=100", shop.apiKey()).json().get("data").forEach(invoice -> {
            if (plan.equals(invoice.get("payment_plan_id").asString(null))) {
                found.add(invoice);
            }
        });
        return found.reversed();
    }

    /** The plan's invoices, oldest first, as "installment status". */
    private List<String> installments(Shops.Shop shop, String plan) {
        return planInvoices(shop, plan).stream()
            .map(invoice -> invoice.get("sequence").asInt() + " " + invoice.get("status").asString())
            .toList();
    }
}
