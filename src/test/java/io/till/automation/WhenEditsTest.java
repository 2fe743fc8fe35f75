package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class WhenEditsTest {

    private final JsonMapper json = JsonMapper.builder().build();

    private ObjectNode read(String text) {
        return (ObjectNode) json.readTree(text);
    }

    private static LinkedHashMap<String, String> fields(String... namesAndValues) {
        var fields = new LinkedHashMap<String, String>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return fields;
    }

    @Test
    void aScheduleSwitchesItsFormAndKeepsItsTimeZone() {
        var definition = read("""
            {"trigger": {"type": "schedule", "cron": "0 9 * * MON", "time_zone": "Europe/Paris"}}""");

        BuilderEdits.apply(definition, fields(), "schedule:calendar");
        assertThat(definition.get("trigger")).isEqualTo(read("""
            {"type": "schedule", "calendar": "first_day_of_month", "at": "09:00", "time_zone": "Europe/Paris"}"""));

        BuilderEdits.apply(definition, fields(), "schedule:every");
        assertThat(definition.get("trigger")).isEqualTo(read("""
            {"type": "schedule", "every": "P1D", "time_zone": "Europe/Paris"}"""));

        assertThatThrownBy(() -> BuilderEdits.apply(definition, fields(), "schedule:hourly"))
            .hasMessageContaining("not hourly");
    }

    @Test
    void aPickedEventWinsOverTheCustomNameAndTheEmptyChoiceHandsThePathToIt() {
        var definition = read("{\"trigger\": {\"type\": \"event\", \"event\": \"payment.failed\"}}");

        // "A custom event…" chosen while the name field is not drawn yet: the event is cleared for the name to fill.
        BuilderEdits.apply(definition, fields("trigger.event#pick", ""), null);
        assertThat(definition.get("trigger").has("event")).isFalse();

        BuilderEdits.apply(definition, fields("trigger.event#pick", "", "trigger.event", "acme.signup"), null);
        assertThat(definition.at("/trigger/event").asString()).isEqualTo("acme.signup");

        // The name field comes after the select in the form, yet a picked event wins.
        BuilderEdits.apply(definition, fields("trigger.event#pick", "invoice.paid", "trigger.event", "acme.signup"),
            null);
        assertThat(definition.at("/trigger/event").asString()).isEqualTo("invoice.paid");
    }

    @Test
    void clearingTheLastScopeLeavesNoEmptyScope() {
        var definition = read("""
            {"trigger": {"type": "event", "event": "payment.failed", "scope": {"product_id": "prod_1"}}}""");

        BuilderEdits.apply(definition, fields("trigger.scope.product_id", "prod_2",
            "trigger.scope.subscription_group_id", ""), null);
        assertThat(definition.at("/trigger/scope")).isEqualTo(read("{\"product_id\": \"prod_2\"}"));

        BuilderEdits.apply(definition, fields("trigger.scope.product_id", "", "trigger.scope.option_id", ""), null);
        assertThat(definition.get("trigger")).isEqualTo(read("{\"type\": \"event\", \"event\": \"payment.failed\"}"));
    }

    @Test
    void aComparisonKeepsTheValueItsNewOperatorTakes() {
        var definition = read("""
            {"conditions": {"all": [{"field": "customer.tags", "op": "eq", "value": "vip"},
                                    {"field": "customer.email", "op": "eq", "value": "a@b.c"},
                                    {"field": "invoice.amount_due", "op": "in", "value": [100, 200]}]}}""");

        // Each value box was drawn for the operator before the change, and is read for the new one.
        BuilderEdits.apply(definition, fields(
            "conditions.all[0].op", "in", "conditions.all[0].value#auto", "vip, gold",
            "conditions.all[1].op", "exists", "conditions.all[1].value#auto", "a@b.c",
            "conditions.all[2].op", "gte", "conditions.all[2].value#list", "100"), null);

        assertThat(definition.at("/conditions/all/0/value")).isEqualTo(json.readTree("[\"vip\", \"gold\"]"));
        assertThat(definition.at("/conditions/all/1").has("value")).isFalse();
        assertThat(definition.at("/conditions/all/2/value").asInt()).isEqualTo(100);
    }

    @Test
    void aNotIsAddedToAGroupAndGoesWithItsLastMember() {
        var definition = read("""
            {"conditions": {"any": [{"field": "customer.email", "op": "exists"}]}}""");

        BuilderEdits.apply(definition, fields(), "condition-group-add:conditions:not");
        assertThat(definition.at("/conditions/any/1/not/op").asString()).isEqualTo("eq");

        BuilderEdits.apply(definition, fields(), "remove:conditions.any[1].not");
        assertThat(definition.at("/conditions/any").size()).isEqualTo(1);

        BuilderEdits.apply(definition, fields(), "condition-group-add:conditions:not");
        BuilderEdits.apply(definition, fields(), "condition-add:conditions.any[1].not");
        BuilderEdits.apply(definition, fields(), "remove:conditions.any[1].not.all[1]");
        BuilderEdits.apply(definition, fields(), "remove:conditions.any[1].not.all[0]");
        assertThat(definition.at("/conditions/any").size()).isEqualTo(1);
    }
}
