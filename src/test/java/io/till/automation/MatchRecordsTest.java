package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.till.action.ActionCatalogs;
import io.till.shared.FieldError;
import io.till.shared.TillException;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * A cancel_on, a wait_for_event or a concurrency that matches on a record compares the trigger's record with the other
 * event's: one the trigger or that event never carries could never match, so it is refused when it is saved.
 */
class MatchRecordsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String STOP = "[{\"id\": \"halt\", \"type\": \"stop\"}]";
    private final DefinitionParser parser = new DefinitionParser(ActionCatalogs.small());

    private static String automation(String trigger, String steps, String more) {
        return """
            {"name": "x", "trigger": %s, "steps": %s%s}
            """.formatted(trigger, steps, more.isEmpty() ? "" : ", " + more);
    }

    private static String on(String event) {
        return "{\"type\": \"event\", \"event\": \"" + event + "\"}";
    }

    private static String waitingFor(String event, String match) {
        return "[{\"id\": \"paid\", \"type\": \"wait_for_event\", \"event\": \"" + event + "\"" + (match == null
            ? ""
            : ", \"match\": \"" + match + "\"") + ", \"timeout\": \"P3D\"}]";
    }

    private List<FieldError> errorsOf(String definition) {
        try {
            parser.parse(JSON.readTree(definition));
            return List.of();
        } catch (TillException e) {
            return e.errors();
        }
    }

    private static List<String> described(List<FieldError> errors) {
        return errors.stream().map(e -> e.field() + " (" + e.code() + "): " + e.message()).toList();
    }

    @Test
    void aCancelOnARecordTheTriggerNeverCarriesIsRefused() {
        var errors = errorsOf(automation(on("payment_plan.payment_upcoming"), STOP,
            "\"cancel_on\": [{\"event\": \"invoice.paid\", \"match\": \"invoice\"}]"));

        assertThat(described(errors)).containsExactly("cancel_on[0].match (not_carried): invoice is never in the runs "
            + "of this automation, so this cancel_on could never end a run: payment_plan.payment_upcoming carries "
            + "payment_plan, product, option and customer");
    }

    @Test
    void aCancelOnARecordTheCancelingEventNeverCarriesIsRefused() {
        var errors = errorsOf(automation(on("invoice.overdue"), STOP,
            "\"cancel_on\": [\"invoice.voided\", {\"event\": \"subscription.canceled\", \"match\": \"invoice\"}]"));

        assertThat(described(errors)).containsExactly("cancel_on[1].match (not_carried): subscription.canceled never "
            + "carries invoice, so this cancel_on could never end a run: match customer or subscription");
    }

    @Test
    void aWaitForARecordTheTriggerNeverCarriesIsRefused() {
        var errors = errorsOf(automation(on("customer.created"), """
            [{"id": "check", "type": "branch", "if": {"field": "customer.email", "op": "exists"},
              "then": %s}]""".formatted(waitingFor("order.created", "order")), ""));

        assertThat(described(errors))
            .containsExactly("steps[0].then[0].match (not_carried): order is never in the runs "
                + "of this automation, so the wait could never receive an event: customer.created carries only the "
                + "customer");
    }

    @Test
    void aWaitForAnEventThatNeverCarriesTheRecordIsRefused() {
        var errors = errorsOf(automation(on("payment.failed"), waitingFor("subscription.canceled", "invoice"), ""));

        assertThat(described(errors)).containsExactly("steps[0].match (not_carried): subscription.canceled never "
            + "carries invoice, so the wait could never receive an event: match customer or subscription");
    }

    @Test
    void aWaitUnderAScheduleIsRefusedForAScheduledRunIsAboutNoCustomer() {
        var errors = errorsOf(automation("{\"type\": \"schedule\", \"every\": \"P1D\"}",
            waitingFor("invoice.paid", null), ""));

        assertThat(described(errors)).containsExactly("steps[0] (not_carried): the runs of this automation are about "
            + "no customer, so the wait could never receive an event: a scheduled run is about no customer and "
            + "carries no record");
    }

    @Test
    void aScheduledRunIsNeitherCanceledNorHeldOneAtATimeForItIsAboutNoCustomer() {
        var errors = errorsOf(automation("{\"type\": \"schedule\", \"every\": \"P1D\"}", STOP,
            "\"cancel_on\": [\"invoice.paid\"], \"concurrency\": \"customer\""));

        assertThat(errors).extracting(FieldError::field).containsExactly("cancel_on[0]", "concurrency");
        assertThat(errors).allSatisfy(error -> assertThat(error.message()).startsWith("the runs of this automation "
            + "are about no customer, so "));
    }

    @Test
    void aLimitUnderAScheduleIsRefusedForItCountsRunsPerCustomer() {
        var errors = errorsOf(automation("{\"type\": \"schedule\", \"every\": \"P1D\"}", STOP,
            "\"limit\": {\"runs\": 1, \"per\": \"P7D\"}"));

        assertThat(described(errors)).containsExactly("limit (not_carried): the runs of this automation are about no "
            + "customer, so this limit could never hold back a run, for it counts runs per customer: a scheduled run "
            + "is about no customer and carries no record");
    }

    @Test
    void aLimitOnAnEventAboutNoCustomerIsRefused() {
        var errors = errorsOf(automation(on("webhook_endpoint.delivery_exhausted"), STOP,
            "\"limit\": {\"runs\": 1, \"per\": \"P7D\"}"));

        assertThat(errors).extracting(FieldError::field).containsExactly("limit");
    }

    @Test
    void anEventAboutNoCustomerNeverCancelsARun() {
        var errors = errorsOf(automation(on("customer.created"), STOP,
            "\"cancel_on\": [\"webhook_endpoint.delivery_exhausted\"]"));

        assertThat(described(errors)).containsExactly("cancel_on[0] (not_carried): webhook_endpoint.delivery_exhausted "
            + "is about no customer, so this cancel_on could never end a run");
    }

    @Test
    void aConcurrencyOnARecordTheTriggerNeverCarriesIsRefused() {
        var errors = errorsOf(automation(on("card.expiring"), STOP, "\"concurrency\": \"subscription\""));

        assertThat(described(errors)).containsExactly("concurrency (not_carried): subscription is never in the runs of "
            + "this automation, so runs could never be one at a time per subscription: card.expiring carries card and "
            + "customer");
    }

    @Test
    void matchesOnWhatIsCarriedEvenSometimesStayValid() {
        // A failed payment is for an invoice (a renewal, an installment) or an order: dunning stops when it is paid.
        assertThat(errorsOf(automation(on("payment.failed"), waitingFor("invoice.paid", "invoice"),
            "\"cancel_on\": [{\"event\": \"invoice.paid\", \"match\": \"invoice\"}, \"subscription.canceled\"], "
                + "\"concurrency\": \"invoice\"")))
            .isEmpty();
        assertThat(errorsOf(automation(on("card.updated"), waitingFor("subscription.resumed", "subscription"),
            "\"concurrency\": \"payment_plan\""))).isEmpty();
    }

    @Test
    void aManualStartAndACustomEventMayMatchOnAnyRecord() {
        // Both carry whatever data they are given, and so may a custom event waited on or canceling.
        assertThat(errorsOf(automation("{\"type\": \"manual\"}", waitingFor("invoice.paid", "invoice"),
            "\"cancel_on\": [{\"event\": \"invoice.paid\", \"match\": \"invoice\"}], \"concurrency\": \"order\"")))
            .isEmpty();
        assertThat(errorsOf(automation(on("acme.signup"), waitingFor("acme.shipped", "order"),
            "\"cancel_on\": [{\"event\": \"order.created\", \"match\": \"order\"}]"))).isEmpty();
        assertThat(errorsOf(automation(on("invoice.issued"), waitingFor("acme.settled", "invoice"),
            "\"cancel_on\": [{\"event\": \"acme.settled\", \"match\": \"invoice\"}]"))).isEmpty();
    }

    @Test
    void aVersionSavedBeforeTheCheckStillLoadsToRun() {
        var saved = JSON.readTree(automation(on("payment_plan.payment_upcoming"), waitingFor("order.created", "order"),
            "\"cancel_on\": [{\"event\": \"invoice.paid\", \"match\": \"invoice\"}], \"concurrency\": \"invoice\""));

        assertThatCode(() -> parser.parseSaved(saved)).doesNotThrowAnyException();
    }
}
