package io.till.catalog;

import io.till.shared.ChangeFields;
import io.till.shared.FieldErrors;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What a product update changes: its {@code name} and {@code description}, each only when sent (null here: unchanged;
 * an empty description takes it away), and its {@code subscriptionGroupId} while it has none. Options never change,
 * nor a group once given: subscriptions keep the price and group they were bought with, so a change there would make
 * the product say something its buyers were not sold. A product without a group may be put in one (a seller who made
 * the group after the product): its subscriptions, in no group until then, join it with it.
 */
record ProductChange(String name, String description, String subscriptionGroupId, Boolean oneTrialPerCustomer) {

    private static final List<String> FIELDS = List.of("name", "description", "subscription_group_id",
        "one_trial_per_customer");

    static ProductChange of(JsonNode body, FieldErrors errors) {
        if (body == null || !body.isObject()) {
            errors.add("body", "invalid_type", "must be a JSON object");
            return new ProductChange(null, null, null, null);
        }
        for (String field : body.propertyNames()) {
            if (field.equals("options")) {
                errors.add(field, "not_changeable", "are never changed, as subscriptions keep what they were bought "
                    + "with: add one with POST /api/v1/products/{id}/options, stop selling one with POST "
                    + "…/options/{option_id}/retire");
            } else if (!FIELDS.contains(field)) {
                errors.add(field, "unknown_field", "is not a field of a product");
            }
        }
        var change = checked(ChangeFields.text(body, "name", errors), ChangeFields.clearable(body, "description",
            errors), errors);
        Boolean oneTrial = null;
        JsonNode once = body.get("one_trial_per_customer");
        if (once != null && !once.isBoolean()) {
            errors.add("one_trial_per_customer", "invalid_type", "must be true or false");
        } else if (once != null) {
            oneTrial = once.asBoolean();
        }
        return new ProductChange(change.name(), change.description(), ChangeFields.text(body,
            "subscription_group_id", errors), oneTrial);
    }

    /**
     * The change as typed, checked: a name, when given, must say something; a description is bounded, and a blank one
     * takes it away.
     */
    static ProductChange checked(String name, String description, FieldErrors errors) {
        String newName = null;
        if (name != null) {
            if (name.isBlank()) {
                errors.add("name", "required", "must not be blank");
            } else if (name.strip().length() > ProductInput.MAX_NAME) {
                errors.add("name", "too_long", "must be at most " + ProductInput.MAX_NAME + " characters");
            } else {
                errors.checkOneLine("name", name);
                newName = name.strip();
            }
        }
        String newDescription = description == null ? null : description.strip();
        errors.checkLength("description", newDescription, ProductInput.MAX_DESCRIPTION);
        errors.checkPlainText("description", newDescription);
        return new ProductChange(newName, newDescription, null, null);
    }
}
