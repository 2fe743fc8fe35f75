package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.till.action.ActionCatalogs;
import io.till.shared.FieldError;
import io.till.shared.TillException;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** A run only has the objects its trigger's event carries: what refers to any other is refused when it is saved. */
class CarriedObjectsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final DefinitionParser parser = new DefinitionParser(ActionCatalogs.small());

    private static String emailing(String trigger, String body) {
        return """
            {"name": "x", "trigger": %s, "steps": [{"id": "mail", "type": "action", "action": "send_email",
              "params": {"to": "a@example.com", "subject": "Hi", "body": "%s"}}]}
            """.formatted(trigger, body);
    }

    private List<FieldError> errorsOf(String definition) {
        try {
            parser.parse(JSON.readTree(definition));
            return List.of();
        } catch (TillException e) {
            return e.errors();
        }
    }

    @Test
    void aTemplateOnAnInvoiceIsRefusedForACardUpdateWhichNeverCarriesOne() {
        var errors = errorsOf(emailing("{\"type\": \"event\", \"event\": \"card.updated\"}",
            "Your invoice {{invoice.id}} will be retried"));

        assertThat(errors).extracting(e -> e.field() + ": " + e.message()).containsExactly(
            "steps[0].params.body: {{invoice.id}} is not a variable of this trigger: card.updated carries card, "
                + "subscription, payment_plan, product, option and customer");
    }

    @Test
    void whatAnEventCarriesOnlySometimesMayBeUsed() {
        // A failed payment is for an invoice (a renewal, an installment) or for an order (a checkout); its card may
        // be replaced for a subscription or a plan.
        assertThat(errorsOf(emailing("{\"type\": \"event\", \"event\": \"payment.failed\"}",
            "{{invoice.amount_due_formatted}} {{order.total_formatted}}"))).isEmpty();
        assertThat(errorsOf(emailing("{\"type\": \"event\", \"event\": \"card.updated\"}",
            "{{subscription.status}} {{payment_plan.status}}"))).isEmpty();
        assertThat(errorsOf(emailing("{\"type\": \"event\", \"event\": \"checkout.purchased\"}",
            "{{payment.amount_formatted}}"))).isEmpty();
    }

    /** A dunning email says what was not paid: the product its subscription, plan or order is for. */
    @Test
    void theProductOfABillingSubjectMayBeUsedWhereTheEventCarriesNone() {
        assertThat(errorsOf(emailing("{\"type\": \"event\", \"event\": \"payment.failed\"}",
            "{{product.name}} ({{option.name}})"))).isEmpty();
        assertThat(errorsOf(emailing("{\"type\": \"event\", \"event\": \"invoice.overdue\"}",
            "{{product.name}}"))).isEmpty();
        assertThat(errorsOf(emailing("{\"type\": \"event\", \"event\": \"customer.created\"}",
            "{{product.name}}"))).extracting(FieldError::message).containsExactly(
                "{{product.name}} is not a variable of this trigger: customer.created carries only the customer");
    }

    @Test
    void aConditionADelayAndALoopOnWhatIsNeverCarriedAreRefused() {
        var errors = errorsOf("""
            {"name": "x", "trigger": {"type": "event", "event": "subscription.canceled"},
             "conditions": {"field": "invoice.status", "op": "eq", "value": "open"},
             "steps": [{"id": "wait", "type": "delay", "until": "payment_plan.next_bill_at"},
                       {"id": "each", "type": "loop", "over": "order.items", "max": 5,
                        "steps": [{"id": "halt", "type": "stop"}]}]}
            """);

        assertThat(errors).extracting(FieldError::field).containsExactly("conditions.field", "steps[0].until",
            "steps[1].over");
        assertThat(errors).allSatisfy(error -> assertThat(error.message()).endsWith(
            "subscription.canceled carries subscription, product, option and customer"));
    }

    @Test
    void aScheduledRunHasNoCustomer() {
        var errors = errorsOf(emailing("{\"type\": \"schedule\", \"every\": \"P1D\"}", "Hi {{customer.first_name}}"));

        assertThat(errors).extracting(FieldError::message).containsExactly("{{customer.first_name}} is not a variable "
            + "of this trigger: a scheduled run is about no customer and carries no record");
    }

    @Test
    void aWebhookEndpointGivingUpIsAboutNoCustomer() {
        assertThat(errorsOf(emailing("{\"type\": \"event\", \"event\": \"webhook_endpoint.delivery_exhausted\"}",
            "{{customer.email}}"))).extracting(FieldError::message).containsExactly("{{customer.email}} is not a "
                + "variable of this trigger: webhook_endpoint.delivery_exhausted carries webhook_endpoint and "
                + "webhook_delivery");
    }

    @Test
    void aManualStartAndACustomEventCarryWhateverDataTheyAreGiven() {
        assertThatCode(() -> parser.parse(JSON.readTree(emailing("{\"type\": \"manual\"}", "{{invoice.id}}"))))
            .doesNotThrowAnyException();
        assertThatCode(() -> parser.parse(JSON.readTree(emailing("{\"type\": \"event\", \"event\": \"acme.signup\"}",
            "{{order.id}} {{customer.name}}")))).doesNotThrowAnyException();
    }

    @Test
    void aVersionSavedBeforeTheCheckStillLoadsToRun() {
        var saved = JSON.readTree(emailing("{\"type\": \"event\", \"event\": \"card.updated\"}", "{{invoice.id}}"));

        assertThatCode(() -> parser.parseSaved(saved)).doesNotThrowAnyException();
    }

    @Test
    void aFieldARecordDoesNotHaveIsRefusedInATemplate() {
        var errors = errorsOf(emailing("{\"type\": \"event\", \"event\": \"upsell.purchased\"}",
            "{{order.amount_formatted}} {{order.total_formatted}}"));

        assertThat(errors).extracting(FieldError::message).containsExactly("{{order.amount_formatted}} is not a "
            + "variable of this trigger: order has no field amount_formatted");
    }
}
