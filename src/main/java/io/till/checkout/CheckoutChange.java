package io.till.checkout;

import io.till.shared.ChangeFields;
import io.till.shared.FieldErrors;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What a checkout update changes, each part only when sent (null here: unchanged): its {@code name}; whether it sells
 * ({@code active}); and its offers, each list the whole of them in order: an offer that names the {@code id} of one on
 * sale keeps it (its name and price may change, an upsell's option may not; a field left out stays as it was), one
 * without an id is new, and one on sale that the list leaves out is retired. The product never changes: orders and automations know the checkout by it.
 */
record CheckoutChange(String name, Boolean active, List<AddonChange> addons, List<UpsellChange> upsells) {

    /** An offer bump as an update lists it: {@code id} null for a new one. */
    record AddonChange(String id, String name, Long amount, String currency) {
        Checkouts.AddonInput input() {
            return new Checkouts.AddonInput(name, amount, currency);
        }
    }

    /** An upsell as an update lists it: {@code id} null for a new one. */
    record UpsellChange(String id, String name, String optionId) {
        Checkouts.UpsellInput input() {
            return new Checkouts.UpsellInput(name, optionId);
        }
    }

    /**
     * This change with what an offer kept by its id leaves out read from {@code current}: {@code {"id": "addon_…"}}
     * keeps an offer as it is, {@code {"id": "addon_…", "amount": 1200}} reprices it alone.
     */
    CheckoutChange filledFrom(Checkout current) {
        var filledAddons = addons == null
            ? null
            : addons.stream().map(a -> a == null || a.id() == null
                ? a
                : current.addons().stream().filter(was -> was.id().equals(a.id())).findFirst()
                    .map(was -> new AddonChange(a.id(), a.name() == null ? was.name() : a.name(),
                        a.amount() == null ? was.amount() : a.amount(), a.currency() == null
                            ? was.currency()
                            : a.currency()))
                    .orElse(a))
                .toList();
        var filledUpsells = upsells == null
            ? null
            : upsells.stream().map(u -> u == null || u.id() == null
                ? u
                : current.upsells().stream().filter(was -> was.id().equals(u.id())).findFirst()
                    .map(was -> new UpsellChange(u.id(), u.name() == null ? was.name() : u.name(),
                        u.optionId() == null ? was.optionId() : u.optionId()))
                    .orElse(u))
                .toList();
        return new CheckoutChange(name, active, filledAddons, filledUpsells);
    }

    private static final List<String> FIELDS = List.of("name", "active", "addons", "upsells");

    static CheckoutChange of(JsonNode body, FieldErrors errors) {
        if (body == null || !body.isObject()) {
            errors.add("body", "invalid_type", "must be a JSON object");
            return new CheckoutChange(null, null, null, null);
        }
        for (String field : body.propertyNames()) {
            if (field.equals("product_id")) {
                errors.add(field, "not_changeable", "never changes, as orders and automations know the checkout by "
                    + "what it sells: create another checkout to sell another product");
            } else if (!FIELDS.contains(field)) {
                errors.add(field, "unknown_field", "is not a field of a checkout update");
            }
        }
        Boolean active = null;
        JsonNode selling = body.get("active");
        if (selling != null && !selling.isBoolean()) {
            errors.add("active", "invalid_type", "must be true (selling) or false (archived)");
        } else if (selling != null) {
            active = selling.asBoolean();
        }
        List<AddonChange> addons = list(body, "addons", errors, (node, field) -> new AddonChange(
            string(node, field, "id", errors), string(node, field, "name", errors), amount(node, field, errors),
            string(node, field, "currency", errors)), List.of("id", "name", "amount", "currency"));
        List<UpsellChange> upsells = list(body, "upsells", errors, (node, field) -> new UpsellChange(
            string(node, field, "id", errors), string(node, field, "name", errors), string(node, field,
                "option_id", errors)),
            List.of("id", "name", "option_id"));
        return new CheckoutChange(ChangeFields.text(body, "name", errors), active, addons, upsells);
    }

    private interface Reader<T> {
        T read(JsonNode node, String field);
    }

    /** The list under {@code field}, null when left out; each element an object of {@code fields}. */
    private static <T> List<T> list(JsonNode body, String field, FieldErrors errors, Reader<T> reader,
        List<String> fields) {
        JsonNode value = body.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isArray()) {
            errors.add(field, "invalid_type", "must be a list: every offer it keeps or adds, in order ([] for none)");
            return null;
        }
        if (value.size() > Checkouts.MAX_OFFERS) {
            errors.add(field, "too_many", "must hold at most " + Checkouts.MAX_OFFERS + " " + field);
            return null;
        }
        var read = new ArrayList<T>();
        for (int i = 0; i < value.size(); i++) {
            String at = field + "[" + i + "]";
            JsonNode node = value.get(i);
            if (!node.isObject()) {
                errors.add(at, "invalid_type", "must be an object");
                read.add(null);
                continue;
            }
            for (String name : node.propertyNames()) {
                if (!fields.contains(name)) {
                    errors.add(at + "." + name, "unknown_field", "is not a field of " + field);
                }
            }
            read.add(reader.read(node, at));
        }
        return read;
    }

    private static String string(JsonNode node, String at, String name, FieldErrors errors) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            errors.add(at + "." + name, "invalid_type", "must be a string");
            return null;
        }
        return value.asString();
    }

    private static Long amount(JsonNode node, String at, FieldErrors errors) {
        JsonNode value = node.get("amount");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            errors.add(at + ".amount", "invalid_type", "must be a whole number of minor units");
            return null;
        }
        return value.asLong();
    }
}
