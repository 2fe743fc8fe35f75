package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.action.ActionCatalogs;
import org.junit.jupiter.api.Test;

class AutomationTemplatesTest {

    private final DefinitionParser parser = new DefinitionParser(ActionCatalogs.real());

    @Test
    void offersTheSevenTemplatesOfTheProduct() {
        assertThat(AutomationTemplates.all()).extracting(AutomationTemplates.Template::key).containsExactly(
            "card_expiring_followup", "checkout_flow_fulfillment", "payment_dunning", "renewal_reminder",
            "usage_alert", "welcome_series", "win_back");
    }

    @Test
    void keepsEveryTemplateAValidDefinition() {
        for (var template : AutomationTemplates.all()) {
            var definition = parser.parse(template.definition());
            assertThat(definition.name()).as(template.key()).isEqualTo(template.name());
            assertThat(template.description()).as(template.key()).isNotBlank();
            assertThat(definition.steps()).as(template.key()).isNotEmpty();
        }
    }

    @Test
    void startsDunningOnAFailedPaymentAndWaitsThreeDays() {
        var dunning = AutomationTemplates.all().stream().filter(t -> t.key().equals("payment_dunning")).findFirst()
            .orElseThrow();

        var definition = parser.parse(dunning.definition());

        assertThat(definition.trigger()).isEqualTo(new Definition.Trigger.OnEvent("payment.failed",
            java.util.Map.of()));
        assertThat(definition.steps().get(1)).isEqualTo(new Definition.Step.Delay("wait",
            java.time.Duration.ofDays(3), null));
    }

    /** The gallery is read by sellers who have never seen a context path: every condition reads in words. */
    @Test
    void drawsEveryTemplatesConditionsInWordsWithoutARawPath() {
        for (var template : AutomationTemplates.all()) {
            var chips = StepFlow.of(parser.parse(template.definition()), "When", ContextVariables.fieldWords(template
                .definition().path("trigger")));
            var titles = new java.util.ArrayList<String>();
            collect(chips, titles);
            assertThat(titles).as(template.key()).noneMatch(title -> title.matches(".*\\b[a-z_]+\\.[a-z_.]+\\b.*"));
        }
    }

    private static void collect(java.util.List<StepFlow.Chip> chips, java.util.List<String> titles) {
        for (var chip : chips) {
            titles.add(chip.title());
            chip.lanes().forEach(lane -> collect(lane.steps(), titles));
        }
    }
}
