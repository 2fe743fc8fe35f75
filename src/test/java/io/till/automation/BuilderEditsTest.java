package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class BuilderEditsTest {

    private final JsonMapper json = JsonMapper.builder().build();

    private ObjectNode read(String text) {
        return (ObjectNode) json.readTree(text);
    }

    private static final String DUNNING = """
        {"name": "Dunning", "trigger": {"type": "event", "event": "payment.failed"},
         "steps": [{"id": "gentle", "type": "action", "action": "send_email", "params": {"to": "a", "subject": "b"}},
                   {"id": "wait", "type": "delay", "duration": "P3D"},
                   {"id": "check", "type": "branch", "if": {"all": [{"field": "invoice.status", "op": "eq",
                     "value": "issued"}]}, "then": [{"id": "end", "type": "stop"}]}]}""";

    @Test
    void fieldsNamedByTheirPathSetTypedValuesAndAnEmptyValueRemovesTheField() {
        var definition = read(DUNNING);
        var fields = new LinkedHashMap<String, String>();
        fields.put("steps[1].duration", "P5D");
        fields.put("steps[2].if.all[0].value#auto", "3");
        fields.put("steps[0].params.subject", "");
        fields.put("steps[0].retry.attempts#int", "5");
        fields.put("trigger.scope.product", "prod_1");
        BuilderEdits.apply(definition, fields, null);

        assertThat(definition.at("/steps/1/duration").asString()).isEqualTo("P5D");
        assertThat(definition.at("/steps/2/if/all/0/value").isNumber()).isTrue();
        assertThat(definition.at("/steps/0/params").has("subject")).isFalse();
        assertThat(definition.at("/steps/0/retry/attempts").asInt()).isEqualTo(5);
        assertThat(definition.at("/trigger/scope/product").asString()).isEqualTo("prod_1");
    }

    /** A reviewer's: "gold " typed (or pasted) with a space after it never equalled "gold"; list items were stripped. */
    @Test
    void aConditionsTextValueIsTakenWithoutTheSpacesAroundIt() {
        var definition = read(DUNNING);

        BuilderEdits.apply(definition, Map.of("steps[2].if.all[0].value#auto", " gold "), null);

        assertThat(definition.at("/steps/2/if/all/0/value").asString()).isEqualTo("gold");
    }

    @Test
    void stepsAreAddedWithAFreshIdMovedWithinTheirListAndRemoved() {
        var definition = read(DUNNING);
        BuilderEdits.perform(definition, "step-add:steps:1:delay");
        assertThat(definition.at("/steps/1/id").asString()).isEqualTo("delay");
        BuilderEdits.perform(definition, "step-add:steps:9:delay");
        assertThat(definition.at("/steps/4/id").asString()).isEqualTo("delay_2");
        BuilderEdits.perform(definition, "step-add:steps[3].else:0:action:crm.add_tag");
        assertThat(definition.at("/steps/3/else/0/id").asString()).isEqualTo("crm_add_tag");
        assertThat(definition.at("/steps/3/else/0/action").asString()).isEqualTo("crm.add_tag");

        BuilderEdits.perform(definition, "step-move:steps[0]:down");
        assertThat(definition.at("/steps/0/id").asString()).isEqualTo("delay");
        assertThat(definition.at("/steps/1/id").asString()).isEqualTo("gentle");
        BuilderEdits.perform(definition, "step-move:steps[0]:up");
        assertThat(definition.at("/steps/0/id").asString()).isEqualTo("delay");

        // The last step of an optional lane goes with its lane; a required one stays for the parser to name.
        BuilderEdits.perform(definition, "remove:steps[3].else[0]");
        assertThat(definition.at("/steps/3").has("else")).isFalse();
        BuilderEdits.perform(definition, "remove:steps[3].then[0]");
        assertThat(definition.at("/steps/3/then").isEmpty()).isTrue();
    }

    @Test
    void conditionsGrowIntoGroupsSwitchBetweenAllAndAnyAndVanishWithTheirLastMember() {
        var definition = read(DUNNING);
        BuilderEdits.perform(definition, "condition-add:conditions");
        assertThat(definition.at("/conditions/all").size()).isEqualTo(1);
        BuilderEdits.perform(definition, "condition-group-add:conditions:any");
        assertThat(definition.at("/conditions/all/1/any").size()).isEqualTo(1);
        BuilderEdits.perform(definition, "condition-kind:conditions:any");
        assertThat(definition.at("/conditions").has("any")).isTrue();
        assertThat(definition.at("/conditions").has("all")).isFalse();

        BuilderEdits.perform(definition, "remove:conditions.any[1].any[0]");
        assertThat(definition.at("/conditions/any").size()).isEqualTo(1);
        BuilderEdits.perform(definition, "remove:conditions.any[0]");
        assertThat(definition.has("conditions")).isFalse();
    }

    /** A reviewer's: removing a branch's only comparison took its `if` away, and the builder drew no way back. */
    @Test
    void aBranchKeepsAnEmptyConditionGroupWhenItsLastComparisonIsRemoved() {
        var definition = read("""
            {"name": "Branchy", "trigger": {"type": "manual"},
             "steps": [{"id": "big", "type": "branch",
                        "if": {"all": [{"field": "invoice.amount_due", "op": "gt", "value": 100}]},
                        "then": [{"id": "stop", "type": "stop"}]},
                       {"id": "small", "type": "branch", "if": {"field": "invoice.amount_due", "op": "lt", "value": 5},
                        "then": [{"id": "end", "type": "stop"}]}]}""");

        BuilderEdits.perform(definition, "remove:steps[0].if.all[0]");
        BuilderEdits.perform(definition, "remove:steps[1].if");

        assertThat(definition.at("/steps/0/if").toString()).isEqualTo("{\"all\":[]}");
        assertThat(definition.at("/steps/1/if").toString()).isEqualTo("{\"all\":[]}");
        BuilderEdits.perform(definition, "condition-add:steps[0].if");
        assertThat(definition.at("/steps/0/if/all").size()).isEqualTo(1);
    }

    @Test
    void aTriggerStartsOverAsTheKindChosen() {
        var definition = read(DUNNING);
        BuilderEdits.perform(definition, "trigger:schedule");
        assertThat(definition.at("/trigger/type").asString()).isEqualTo("schedule");
        assertThat(definition.at("/trigger/cron").asString()).isEqualTo("0 9 * * MON");
        BuilderEdits.perform(definition, "trigger:manual");
        assertThat(definition.get("trigger").size()).isEqualTo(1);
    }

    @Test
    void aPathOrOperationTheBuilderCannotReadIsRefusedWithItsName() {
        var definition = read(DUNNING);
        assertThatThrownBy(() -> BuilderEdits.set(definition, "steps[x].id", "a"))
            .hasMessageContaining("steps[x].id is not a path");
        assertThatThrownBy(() -> BuilderEdits.perform(definition, "explode:steps"))
            .hasMessageContaining("no operation explode");
        assertThatThrownBy(() -> BuilderEdits.perform(definition, "step-add:steps:0:teleport"))
            .hasMessageContaining("not teleport");
        assertThatThrownBy(() -> BuilderEdits.apply(definition, Map.of("name.first", "x"), null))
            .hasMessageContaining("name holds a value");
    }

    @Test
    void stringsStayTextJsonIsParsedWhenValidAndKeptAsTypedWhenNot() {
        assertThat(BuilderEdits.typed("strings", "1, true, vip").toString()).isEqualTo("[\"1\",\"true\",\"vip\"]");
        assertThat(BuilderEdits.typed("json", "{\"tier\": 2}").toString()).isEqualTo("{\"tier\":2}");
        assertThat(BuilderEdits.typed("json", "{oops").asString()).isEqualTo("{oops");
    }

    @Test
    void clearingEveryRetrySettingLeavesNoEmptyRetry() {
        var definition = read(DUNNING);
        BuilderEdits.set(definition, "steps[0].retry.attempts#int", "5");
        assertThat(definition.at("/steps/0/retry/attempts").asInt()).isEqualTo(5);
        BuilderEdits.set(definition, "steps[0].retry.attempts#int", "");
        assertThat(definition.at("/steps/0").has("retry")).isFalse();
    }

    @Test
    void cancelOnEventsAreAddedEditedAsTwoFieldsAndTheLastRemovedTakesTheList() {
        var definition = read(DUNNING);
        definition.putArray("cancel_on").add("subscription.canceled");
        var fields = new LinkedHashMap<String, String>();
        fields.put("cancel_on[0].match", "subscription");
        BuilderEdits.apply(definition, fields, "cancel-add");

        assertThat(definition.get("cancel_on")).isEqualTo(json.readTree("""
            [{"event": "subscription.canceled", "match": "subscription"},
             {"event": "invoice.paid", "match": "customer"}]"""));
        BuilderEdits.perform(definition, "remove:cancel_on[0]");
        BuilderEdits.perform(definition, "remove:cancel_on[0]");
        assertThat(definition.has("cancel_on")).isFalse();
    }
}
