package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.action.ActionCatalogs;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The builder's variable picker offers the outputs of earlier steps the parser lets a field read, and no other: a
 * reviewer picked "What charge returned" in a branch's other lane, and the save then refused it.
 */
class StepFormsOutputsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static StepForms forms(String steps) {
        return new StepForms(ActionCatalogs.real(), JSON.readTree("{\"steps\": " + steps + "}"));
    }

    @Test
    void aBranchsOtherLaneOffersNoneOfTheFirstLanesOutputsAndAfterItOnlyWhatRanOnBothWays() {
        var forms = forms("""
            [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "a"}},
             {"id": "which", "type": "branch", "if": {"field": "customer.email", "op": "exists"},
              "then": [{"id": "charge", "type": "action", "action": "retry_payment", "params": {}},
                       {"id": "both", "type": "action", "action": "add_tag", "params": {}}],
              "else": [{"id": "mail", "type": "action", "action": "add_tag", "params": {}},
                       {"id": "both", "type": "action", "action": "add_tag", "params": {}}]},
             {"id": "after", "type": "action", "action": "add_tag", "params": {}}]""");

        assertThat(forms.outputsBefore("steps[1].then[1]")).containsExactly("steps.tag.output",
            "steps.charge.output");
        assertThat(forms.outputsBefore("steps[1].else[0]")).containsExactly("steps.tag.output");
        assertThat(forms.outputsBefore("steps[2]")).containsExactly("steps.tag.output", "steps.both.output");
    }

    @Test
    void aLoopsAndAFallbacksStepsAreNotOfferedAfterThemButAStepsOwnOutputIsInItsFallback() {
        var forms = forms("""
            [{"id": "each", "type": "loop", "over": "customer.tags", "max": 3,
              "steps": [{"id": "inner", "type": "action", "action": "add_tag", "params": {}}]},
             {"id": "charge", "type": "action", "action": "retry_payment", "params": {},
              "fallback": [{"id": "rescue", "type": "action", "action": "add_tag", "params": {}},
                           {"id": "note", "type": "action", "action": "add_tag", "params": {}}]},
             {"id": "after", "type": "action", "action": "add_tag", "params": {}}]""");

        assertThat(forms.outputsBefore("steps[0].steps[0]")).isEmpty();
        assertThat(forms.outputsBefore("steps[1].fallback[1]")).containsExactly("steps.charge.output",
            "steps.rescue.output");
        assertThat(forms.outputsBefore("steps[2]")).containsExactly("steps.charge.output");
    }

    @Test
    void aLaneThatStopsLeavesTheOtherLanesOutputsToWhatComesAfter() {
        var forms = forms("""
            [{"id": "which", "type": "branch", "if": {"field": "customer.email", "op": "exists"},
              "then": [{"id": "halt", "type": "stop"}],
              "else": [{"id": "mail", "type": "action", "action": "add_tag", "params": {}}]},
             {"id": "after", "type": "action", "action": "add_tag", "params": {}}]""");

        assertThat(forms.outputsBefore("steps[1]")).containsExactly("steps.mail.output");
    }
}
