package io.till.automation;

import org.springframework.ui.Model;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One part of the visual builder (the trigger, the conditions, the steps): what its forms offer to choose from — the
 * account's products for a scope, the variables of the trigger's context, the actions' param forms — added to the
 * page's model each time the builder draws. A step kind added to the engine adds its form here, not in the controller.
 */
interface BuilderSection {

    /** Adds to {@code model} what this section's fragment needs to draw {@code definition} for the account. */
    void offer(String accountId, JsonNode definition, Model model);

    /**
     * Tidies what one round of form edits made of the definition, knowing what it was before ({@code before}): the
     * params of a step whose action was changed, say. Nothing by default.
     */
    default void tidy(String accountId, JsonNode before, ObjectNode edited) {}
}
