package io.till.automation;

import io.till.action.ActionSchema;
import io.till.action.Actions;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The builder's steps: the actions a step can call, with the schema each one's params form is drawn from
 * ({@link StepForms}); and, when a step's action was changed, the params the new action does not take are dropped.
 */
@Component
class StepsSection implements BuilderSection {

    private final Actions actions;

    StepsSection(Actions actions) {
        this.actions = actions;
    }

    @Override
    public void offer(String accountId, JsonNode definition, Model model) {
        model.addAttribute("stepForms", new StepForms(byName(), definition));
    }

    /**
     * A step whose action was changed keeps the params the new action also takes (a task's {@code customer_id}, an
     * email's {@code text} when it becomes an SMS) and drops the rest, which the new action would refuse; an action
     * whose params are not described keeps them all. Steps are matched by id, so a move in the same round is no change.
     */
    @Override
    public void tidy(String accountId, JsonNode before, ObjectNode edited) {
        Map<String, String> was = new HashMap<>();
        eachStep(before.get("steps"), step -> {
            if (step.get("id") != null && step.get("action") != null) {
                was.put(step.get("id").asString(), step.get("action").asString());
            }
        });
        Map<String, ActionSchema> schemas = byName();
        eachStep(edited.get("steps"), step -> {
            String id = step.get("id") == null ? null : step.get("id").asString();
            String action = step.get("action") == null ? null : step.get("action").asString();
            ActionSchema schema = schemas.get(action);
            if (id == null || !was.containsKey(id) || was.get(id).equals(action) || schema == null || schema.open()
                || !(step.get("params") instanceof ObjectNode params)) {
                return;
            }
            Set<String> takes = schema.params().stream().map(ActionSchema.Param::name).collect(Collectors.toSet());
            params.retain(takes);
        });
    }

    private Map<String, ActionSchema> byName() {
        Map<String, ActionSchema> byName = new LinkedHashMap<>();
        actions.available().stream().sorted(Comparator.comparing(ActionSchema::name))
            .forEach(schema -> byName.put(schema.name(), schema));
        return byName;
    }

    /** Every step object of a list and of the lists nested in its steps. */
    private static void eachStep(JsonNode steps, Consumer<JsonNode> visit) {
        if (steps == null || !steps.isArray()) {
            return;
        }
        for (JsonNode step : steps) {
            visit.accept(step);
            for (String lane : List.of("then", "else", "steps", "fallback")) {
                eachStep(step.get(lane), visit);
            }
        }
    }
}
