package io.till.action;

import io.till.shared.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The params an action takes. The same schema checks a definition when it is saved (where a templated value such as
 * {@code "{{invoice.amount}}"} can only be checked once rendered) and the rendered params when the step runs, and it is
 * what a builder UI reads to draw a form.
 *
 * @param open whether params not listed are accepted (for actions whose params are not yet described)
 */
public record ActionSchema(String name, String description, List<Param> params, boolean open) {

    public enum Type {
        STRING,
        INTEGER,
        BOOLEAN,
        OBJECT,
        ARRAY,
        STRING_LIST
    }

    /**
     * One param; {@code allowed} lists the only values a string may take, when not empty. A {@code secret} param (a
     * Slack webhook URL) is a credential: stored sealed with the definition, shown masked, opened only for the call.
     */
    public record Param(String name, Type type, boolean required, String description, List<String> allowed,
        boolean secret) {

        public static Param required(String name, Type type, String description) {
            return new Param(name, type, true, description, List.of(), false);
        }

        public static Param optional(String name, Type type, String description) {
            return new Param(name, type, false, description, List.of(), false);
        }

        public Param allowing(String... values) {
            return new Param(name, type, required, description, List.of(values), secret);
        }

        public Param asSecret() {
            return new Param(name, type, required, description, allowed, true);
        }
    }

    public static ActionSchema of(String name, String description, Param... params) {
        return new ActionSchema(name, description, List.of(params), false);
    }

    /**
     * Checks params as saved, where values holding templates are left for {@link #checkRendered}; reports each problem
     * under {@code path}.
     */
    public List<FieldError> checkSaved(JsonNode params, String path) {
        return check(params, path, true, null);
    }

    /**
     * Checks rendered params and returns them with numbers and booleans that templates produced as text turned into
     * numbers and booleans.
     */
    public Checked checkRendered(JsonNode params) {
        ObjectNode coerced = JsonNodeFactory.instance.objectNode();
        var errors = check(params, "params", false, coerced);
        return new Checked(coerced, errors);
    }

    public record Checked(ObjectNode params, List<FieldError> errors) {}

    private List<FieldError> check(JsonNode params, String path, boolean saved, ObjectNode coerced) {
        var errors = new ArrayList<FieldError>();
        if (params != null && !params.isNull() && !params.isObject()) {
            errors.add(new FieldError(path, "invalid_type", "must be an object"));
            return errors;
        }
        Set<String> known = params().stream().map(Param::name).collect(Collectors.toSet());
        if (params != null && params.isObject()) {
            for (String key : params.propertyNames()) {
                if (!known.contains(key)) {
                    if (open) {
                        if (coerced != null) {
                            coerced.set(key, params.get(key));
                        }
                    } else {
                        errors.add(new FieldError(path + "." + key, "unknown_param", name + " takes "
                            + (known.isEmpty() ? "no params" : "only " + known.stream().sorted().toList())));
                    }
                }
            }
        }
        for (Param param : params()) {
            JsonNode value = params == null ? null : params.get(param.name());
            String at = path + "." + param.name();
            if (value == null || value.isNull() || (value.isString() && value.asString().isBlank())) {
                if (param.required()) {
                    errors.add(new FieldError(at, "required", "is required: " + param.description()));
                }
                continue;
            }
            if (saved && value.isString() && value.asString().contains("{{")) {
                continue;
            }
            JsonNode typed = typed(param, value);
            if (typed == null) {
                errors.add(new FieldError(at, "invalid_type", "must be " + describe(param.type())));
            } else if (!param.allowed().isEmpty() && !allowed(param, typed)) {
                errors.add(new FieldError(at, "invalid_value", "must be one of " + param.allowed()));
            } else if (coerced != null) {
                coerced.set(param.name(), typed);
            }
        }
        return errors;
    }

    /** Whether the value, or every string of a list, is one of the allowed values. */
    private static boolean allowed(Param param, JsonNode typed) {
        if (typed.isArray()) {
            for (JsonNode item : typed) {
                if (!param.allowed().contains(item.asString())) {
                    return false;
                }
            }
            return true;
        }
        return typed.isValueNode() && param.allowed().contains(typed.asString());
    }

    private static JsonNode typed(Param param, JsonNode value) {
        var nodes = JsonNodeFactory.instance;
        return switch (param.type()) {
            case STRING -> value.isString()
                ? value
                : value.isNumber() || value.isBoolean()
                    ? nodes.stringNode(value.asString())
                    : null;
            case INTEGER -> {
                if (value.isIntegralNumber()) {
                    yield value;
                }
                if (value.isString() && value.asString().strip().matches("-?[0-9]{1,18}")) {
                    yield nodes.numberNode(Long.parseLong(value.asString().strip()));
                }
                yield null;
            }
            case BOOLEAN -> {
                if (value.isBoolean()) {
                    yield value;
                }
                if (value.isString() && value.asString().strip().matches("true|false")) {
                    yield nodes.booleanNode(Boolean.parseBoolean(value.asString().strip()));
                }
                yield null;
            }
            case OBJECT -> value.isObject() ? value : null;
            case ARRAY -> value.isArray() ? value : null;
            case STRING_LIST -> {
                if (value.isString()) {
                    yield nodes.arrayNode().add(value.asString());
                }
                if (value.isArray()) {
                    for (JsonNode item : value) {
                        if (!item.isString()) {
                            yield null;
                        }
                    }
                    yield value;
                }
                yield null;
            }
        };
    }

    private static String describe(Type type) {
        return switch (type) {
            case STRING -> "a string";
            case INTEGER -> "an integer";
            case BOOLEAN -> "true or false";
            case OBJECT -> "an object";
            case ARRAY -> "a list";
            case STRING_LIST -> "a string or a list of strings";
        };
    }
}
