package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ConditionReasonsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Definition.Condition compare(String field, Definition.Operator op, Object value) {
        return new Definition.Condition.Compare(field, op, value == null ? null : JSON.valueToTree(value));
    }

    private static JsonNode context(String json) {
        return JSON.readTree(json);
    }

    @Test
    void aConditionThatHoldsHasNoReason() {
        var condition = new Definition.Condition.All(List.of(compare("invoice.status", Definition.Operator.EQ,
            "issued")));

        assertThat(ConditionReasons.unmet(condition, context("{\"invoice\": {\"status\": \"issued\"}}"))).isEmpty();
    }

    @Test
    void namesOnlyThePartsOfAnAllThatFailWithTheirActualValues() {
        var condition = new Definition.Condition.All(List.of(
            compare("invoice.status", Definition.Operator.EQ, "issued"),
            compare("invoice.attempt_count", Definition.Operator.EQ, 1),
            compare("customer.phone", Definition.Operator.EXISTS, null)));

        var reasons = ConditionReasons.unmet(condition, context("""
            {"invoice": {"status": "issued", "attempt_count": 2}, "customer": {}}"""));

        assertThat(reasons).containsExactly("wanted invoice.attempt_count is 1, but invoice.attempt_count is 2",
            "wanted customer.phone is present, but customer.phone is absent");
    }

    @Test
    void anAnyThatFailsListsEachOfItsParts() {
        var condition = new Definition.Condition.Any(List.of(
            compare("customer.tags", Definition.Operator.CONTAINS, "vip"),
            compare("invoice.amount_due", Definition.Operator.GT, 10000)));

        var reasons = ConditionReasons.unmet(condition, context("""
            {"customer": {"tags": ["new"]}, "invoice": {"amount_due": 1900}}"""));

        assertThat(reasons).containsExactly("none of these holds: wanted customer.tags contains “vip”, but "
            + "customer.tags is [\"new\"]; wanted invoice.amount_due is more than 10000, but invoice.amount_due is 1900");
    }

    @Test
    void aNotThatFailsSaysWhatHeld() {
        var condition = new Definition.Condition.Not(compare("invoice.status", Definition.Operator.EQ, "paid"));

        assertThat(ConditionReasons.unmet(condition, context("{\"invoice\": {\"status\": \"paid\"}}")))
            .containsExactly("wanted not (invoice.status is “paid”), but invoice.status is “paid” holds");
    }
}
