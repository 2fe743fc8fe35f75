package io.till.automation;

import io.till.action.ActionSchema;
import io.till.action.Actions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;
import tools.jackson.databind.JsonNode;

/** The builder's steps: the actions a step can call, with the schema each one's params form is drawn from. */
@Component
class StepsSection implements BuilderSection {

    private final Actions actions;

    StepsSection(Actions actions) {
        this.actions = actions;
    }

    @Override
    public void offer(String accountId, JsonNode definition, Model model) {
        Map<String, ActionSchema> byName = new LinkedHashMap<>();
        actions.available().stream().sorted(java.util.Comparator.comparing(ActionSchema::name))
            .forEach(schema -> byName.put(schema.name(), schema));
        model.addAttribute("actions", byName);
    }
}
