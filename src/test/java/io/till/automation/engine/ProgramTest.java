package io.till.automation.engine;

import static io.till.automation.engine.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.till.action.ActionCatalogs;
import io.till.automation.Definition.Step;
import io.till.automation.DefinitionParser;
import org.junit.jupiter.api.Test;

class ProgramTest {

    private static final Program PROGRAM = Program.of("aut_1", 3, new DefinitionParser(ActionCatalogs.small()).parse(
        json("""
            {"name": "p", "trigger": {"type": "manual"},
             "conditions": {"field": "subscription.status", "op": "eq", "value": "active"},
             "steps": [
               {"id": "mail", "type": "action", "action": "send_email",
                "params": {"to": "{{customer.email}}", "body": {"lines": ["{{{ invoice.id }}}"]}},
                "fallback": [{"id": "rescue", "type": "stop"}]},
               {"id": "check", "type": "branch", "if": {"not": {"field": "payment.status", "op": "exists"}},
                "then": [{"id": "wait", "type": "delay", "until": "order.ship_at"}],
                "else": [{"id": "each", "type": "loop", "over": "card.list", "max": 3,
                          "steps": [{"id": "halt", "type": "stop"}]}]}]}
            """)));

    @Test
    void addressesEveryListOfStepsByItsPath() {
        assertThat(PROGRAM.blocks()).containsOnlyKeys("steps", "steps[0].fallback", "steps[1].then", "steps[1].else",
            "steps[1].else[0].steps");
        assertThat(PROGRAM.block("steps[1].else[0].steps")).containsExactly(new Step.Stop("halt"));
        assertThat(PROGRAM.block("steps[0].fallback")).extracting(Step::id).containsExactly("rescue");
    }

    @Test
    void refusesAPathWithoutSteps() {
        assertThatThrownBy(() -> PROGRAM.block("steps[7].then")).isInstanceOf(IllegalStateException.class)
            .hasMessage("automation aut_1 v3 has no steps at steps[7].then");
    }

    @Test
    void knowsTheRootsOfTheContextItReads() {
        assertThat(PROGRAM.roots()).containsExactlyInAnyOrder("subscription", "customer", "invoice", "payment",
            "order", "card");
        assertThat(PROGRAM.uses("customer")).isTrue();
        assertThat(PROGRAM.uses("refund")).isFalse();
    }

    @Test
    void readsNoRootForAnOutputOfAnEarlierStepAsAnythingButSteps() {
        var program = Fixtures.program("""
            [{"id": "task", "type": "action", "action": "create_task", "params": {"title": "x"}},
             {"id": "mail", "type": "action", "action": "send_email", "params": {"s": "{{steps.task.output.id}}"}}]
            """);

        assertThat(program.roots()).containsExactly("steps");
    }
}
