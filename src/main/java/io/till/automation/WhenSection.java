package io.till.automation;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;
import tools.jackson.databind.JsonNode;

/**
 * The builder's trigger and conditions: the variables the trigger's context holds ({@code variables}, for the field
 * and {@code {{…}}} pickers of every section).
 */
@Component
class WhenSection implements BuilderSection {

    @Override
    public void offer(String accountId, JsonNode definition, Model model) {
        model.addAttribute("variables", ContextVariables.of(definition.get("trigger")));
    }
}
