package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.event.EventType;
import io.till.shared.FieldError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ContextVariablesTest {

    private final JsonMapper json = JsonMapper.builder().build();

    private JsonNode trigger(String text) {
        return json.readTree(text);
    }

    @Test
    void aFailedPaymentOffersTheInvoiceAmountFormattedAndTheCustomersFirstName() {
        var groups = ContextVariables.of(trigger("{\"type\": \"event\", \"event\": \"payment.failed\"}"));

        assertThat(groups).extracting(ContextVariables.Group::label)
            .containsExactly("Payment", "Invoice (when the event has one)", "Order (when the event has one)",
                "Product", "Option", "Customer", "The event", "Customer portal", "Your account");
        assertThat(groups.get(1).variables()).contains(
            new ContextVariables.Variable("invoice.amount_due_formatted", "Amount due (formatted)"),
            new ContextVariables.Variable("invoice.due_at_formatted", "Due at (formatted)"));
        // What was not paid: the product its invoice's subscription or plan (or its order) is for.
        assertThat(groups.get(3).variables()).contains(new ContextVariables.Variable("product.name", "Name"));
        assertThat(groups.get(5).variables()).contains(
            new ContextVariables.Variable("customer.first_name", "First name"),
            new ContextVariables.Variable("customer.stats.missed_payments", "Stats: missed payments"));
        assertThat(ContextVariables.paths(trigger("{\"type\": \"event\", \"event\": \"payment.failed\"}")))
            .contains("portal.card_update_url", "event.type", "payment.failure_code")
            .doesNotContain("subscription.status", "payment.status_formatted");
    }

    @Test
    void aPurchaseOffersWhichOfTheCustomersOrdersItIsInWordsASellerReads() {
        var groups = ContextVariables.of(trigger("{\"type\": \"event\", \"event\": \"checkout.purchased\"}"));

        assertThat(groups).filteredOn(group -> group.label().equals("Order")).singleElement()
            .extracting(ContextVariables.Group::variables).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories
                .list(ContextVariables.Variable.class))
            .contains(new ContextVariables.Variable("order.customer_order_number",
                "Which of the customer's orders (1 = their first)"));
    }

    @Test
    void aManualTriggerOffersTheCustomerAndItsDataButNoRecord() {
        var paths = ContextVariables.paths(trigger("{\"type\": \"manual\"}"));

        assertThat(paths).contains("customer.email", "event.data", "portal.url", "account.name");
        assertThat(paths).noneMatch(path -> path.startsWith("invoice.") || path.startsWith("payment."));
    }

    @Test
    void aScheduleIsAboutNobody() {
        var paths = ContextVariables.paths(trigger("{\"type\": \"schedule\", \"every\": \"P1D\"}"));

        assertThat(paths).containsExactly("event.data.scheduled_at", "portal.url", "account.name", "account.id",
            "account.mode");
    }

    @Test
    void aCustomEventOffersItsDataAndItsCustomer() {
        var paths = ContextVariables.paths(trigger("{\"type\": \"event\", \"event\": \"acme.signup\"}"));

        assertThat(paths).contains("event.data", "customer.first_name").noneMatch(path -> path.startsWith("order."));
    }

    @Test
    void everyPathOfferedForEveryTriggerPassesTheSaveChecks() {
        var triggers = new ArrayList<JsonNode>();
        EventType.NAMES.forEach(type -> triggers.add(json.createObjectNode().put("type", "event").put("event", type)));
        triggers.add(trigger("{\"type\": \"event\", \"event\": \"acme.signup\"}"));
        triggers.add(trigger("{\"type\": \"manual\"}"));
        triggers.add(trigger("{\"type\": \"schedule\", \"cron\": \"0 9 * * MON\"}"));
        var errors = new ArrayList<FieldError>();
        int offered = 0;
        for (JsonNode trigger : triggers) {
            var carried = CarriedObjects.of(TriggerParser.trigger(trigger, new ParseContext(true)));
            for (String path : ContextVariables.paths(trigger)) {
                offered++;
                SaveChecks.conditionField(path, trigger + " " + path, Set.of(), carried, false, errors);
                String template = TemplateVariables.problem(path, Set.of(), carried, false);
                if (template != null) {
                    errors.add(new FieldError(trigger + " " + path, "unknown_variable", template));
                }
            }
        }
        assertThat(offered).isGreaterThan(1000);
        assertThat(errors).isEmpty();
    }

    /**
     * docs/events holds a real event of every type, raised through the API: each carries what its type always carries
     * and nothing it does not declare, and the picker offers every field of what it carries.
     */
    @Test
    void eachEventOffersTheObjectsAndFieldsItsRealExampleCarries() throws IOException {
        for (EventType eventType : EventType.values()) {
            String type = eventType.type();
            JsonNode data = json.readTree(Files.readString(Path.of("docs/events", type + ".json"))).get("data");
            var objects = new TreeSet<String>();
            data.properties().forEach(entry -> {
                if (entry.getValue().isObject() && !List.of("customer", "previous_attributes").contains(entry
                    .getKey())) {
                    objects.add(entry.getKey());
                }
            });
            var withPrevious = new HashSet<>(objects);
            if (data.has("previous_attributes")) {
                withPrevious.add("previous_attributes");
            }
            assertThat(eventType.undeclared(withPrevious)).as(type).isEmpty();
            var paths = new HashSet<>(ContextVariables.paths(json.createObjectNode().put("type", "event").put("event",
                type)));
            for (String root : objects) {
                data.get(root).propertyNames().forEach(field -> assertThat(paths).as(type).contains(root + "."
                    + field));
            }
        }
    }
}
