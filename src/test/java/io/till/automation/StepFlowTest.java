package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class StepFlowTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Definition.Condition compare(String field, Definition.Operator op, String value) {
        return new Definition.Condition.Compare(field, op, value == null ? null : JSON.readTree(value));
    }

    @Test
    void everyKindOfStepHasAFragmentToDrawIt() {
        // A new step kind (wait_for_event) without a fragment would draw nothing: this names it.
        var kinds = Arrays.stream(Definition.Step.class.getPermittedSubclasses())
            .map(kind -> kind.getSimpleName().toLowerCase(Locale.ROOT))
            .toList();

        assertThat(StepFlow.FRAGMENTS).containsKeys(kinds.toArray(String[]::new));
        assertThat(StepFlow.FRAGMENTS).containsKeys("trigger", "conditions");
    }

    @Test
    void theOtherNameOfAnActionReadsAsTheActionItNames() {
        assertThat(StepFlow.words("sync_to_crm")).isEqualTo(StepFlow.words("crm.sync_contact"))
            .isEqualTo("Sync the contact to the CRM");
        assertThat(StepFlow.words("retry_payment")).isEqualTo("Retry payment");
    }

    @Test
    void aDefinitionIsDrawnTriggerFirstThenConditionsThenItsStepsWithNestedLanes() {
        var definition = new Definition("Dunning", new Definition.Trigger.OnEvent("payment.failed", Map.of()),
            new Definition.Condition.All(List.of(compare("invoice.amount", Definition.Operator.GTE, "500"),
                new Definition.Condition.Not(compare("customer.tags", Definition.Operator.CONTAINS, "\"vip\"")))),
            List.of(new Definition.Step.Action("mail", "send_email", JSON.readTree("{\"subject\": \"Oops\"}"),
                Definition.Retry.DEFAULT, List.of(new Definition.Step.Action("slack", "send_slack", null,
                    Definition.Retry.DEFAULT, List.of()))),
                new Definition.Step.Delay("wait", Duration.ofDays(3), null),
                new Definition.Step.Branch("check", new Definition.Condition.Any(List.of(compare("invoice.status",
                    Definition.Operator.IN, "[\"issued\", \"overdue\"]"),
                    compare("invoice.paid_at",
                        Definition.Operator.NOT_EXISTS, null))),
                    List.of(new Definition.Step.Loop("each",
                        "event.data.items", 10, List.of(new Definition.Step.Stop("halt")))),
                    List.of(
                        new Definition.Step.Delay("later", null, "subscription.current_period_end")))));

        var chips = StepFlow.of(definition, "When a payment fails");

        assertThat(chips).extracting(StepFlow.Chip::kind)
            .containsExactly("trigger", "conditions", "action", "delay", "branch");
        assertThat(chips.get(1).title())
            .isEqualTo("Only if invoice.amount is at least 500 and not (customer.tags contains “vip”)");
        assertThat(chips.get(2).title()).isEqualTo("Send email");
        assertThat(chips.get(2).detail()).isEqualTo("Oops");
        assertThat(chips.get(2).lanes().getFirst().label()).isEqualTo("If it still fails");
        assertThat(chips.get(2).lanes().getFirst().steps().getFirst().title()).isEqualTo("Post to Slack");
        assertThat(chips.get(3).title()).isEqualTo("Wait 3 days");
        var branch = chips.get(4);
        assertThat(branch.title()).isEqualTo("If invoice.status is one of “issued”, “overdue” or invoice.paid_at is "
            + "absent");
        assertThat(branch.lanes()).extracting(StepFlow.Lane::label).containsExactly("Then", "Otherwise");
        var loop = branch.lanes().getFirst().steps().getFirst();
        assertThat(loop.title()).isEqualTo("For each of event.data.items (at most 10)");
        assertThat(loop.lanes().getFirst().steps().getFirst().fragment()).isEqualTo("stop");
        assertThat(branch.lanes().get(1).steps().getFirst().title()).isEqualTo("Wait until "
            + "subscription.current_period_end");
    }

    /**
     * The automation's pictures name a condition's field as the builder's picker does, for the trigger's context: a
     * seller reads "Invoice · Attempt count", not a path; a step's output
     * names its step; a path the context does not offer stays as written.
     */
    @Test
    void conditionsReadTheirFieldsInTheWordsOfTheTriggersContext() {
        var trigger = JSON.readTree("""
            {"type": "event", "event": "payment.failed"}""");
        var definition = new Definition("Dunning", new Definition.Trigger.OnEvent("payment.failed", Map.of()),
            new Definition.Condition.All(List.of(compare("event.data.invoice.attempt_count", Definition.Operator.EQ,
                "1"), compare("customer.stats.order_count", Definition.Operator.GTE, "2"))),
            List.of(new Definition.Step.Branch("check", compare("steps.retry.output.status", Definition.Operator.EQ,
                "\"declined\""), List.of(), List.of())));

        var chips = StepFlow.of(definition, "When a payment fails", ContextVariables.fieldWords(trigger));

        assertThat(chips.get(1).title()).isEqualTo("Only if Invoice · Attempt count is 1 and Customer · Stats: order "
            + "count is at least 2");
        assertThat(chips.get(2).title()).isEqualTo("If Step “retry” · Status is “declined”");
    }
}
