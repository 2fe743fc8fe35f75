package io.till.action;

import io.till.shared.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * @param rule what the types of the params cannot say, checked once they are well typed
 */
public record ActionSchema(String name, String description, List<Param> params, boolean open, Rule rule,
    Markup markup) {

    public ActionSchema(String name, String description, List<Param> params, boolean open) {
        this(name, description, params, open, Rule.NONE, Markup.PLAIN);
    }

    /**
     * What the values a template puts into its params are escaped for (a param named {@code html} is escaped for HTML
     * whatever this says).
     */
    public enum Markup {
        PLAIN,
        /**
         * Slack's message text, where {@code <}, {@code >} and {@code &} make mentions and links: a customer named
         * {@code <!channel>} pings no channel, and a link in their name is shown as typed.
         */
        SLACK
    }

    /** The same schema, whose params' values from templates are escaped for {@code markup}. */
    public ActionSchema escapingFor(Markup markup) {
        return new ActionSchema(name, description, params, open, rule, markup);
    }

    /**
     * A check of an action's params that their types cannot say (one plain address, endpoint_id or url), written once:
     * run on the literal values when a definition is saved, and by the action on the rendered ones before it acts.
     */
    @FunctionalInterface
    public interface Rule {
        Rule NONE = values -> {
        };

        void check(Values values);
    }

    /**
     * The params a {@link Rule} reads. When saved, a value holding a template is unknown until it renders, so
     * {@link #literal} answers null for it; every problem is reported at its param's path.
     */
    public record Values(JsonNode params, String path, boolean saved, List<FieldError> errors) {

        /** Whether the param is given at all (templated or not): neither absent, null nor blank. */
        public boolean given(String name) {
            JsonNode value = params.get(name);
            return value != null && !value.isNull() && !(value.isString() && value.asString().isBlank());
        }

        /** The param as text, stripped; null when not given, or when saved and a template decides it. */
        public String literal(String name) {
            if (!given(name) || !params.get(name).isValueNode()) {
                return null;
            }
            String text = params.get(name).asString();
            return saved && text.contains("{{") ? null : text.strip();
        }

        public void refuse(String name, String code, String message) {
            errors.add(new FieldError(path + "." + name, code, message));
        }

        /** The first problem as the failure of the step ({@code params.to: '12345' is not a phone number…}). */
        public Optional<ActionResult.Failed> failure() {
            return errors.stream().findFirst().map(error -> ActionResult.Failed.permanent(error.code(), error.field()
                + ": " + error.message()));
        }
    }

    /** The same schema with a rule across its params. */
    public ActionSchema checking(Rule rule) {
        return new ActionSchema(name, description, params, open, rule, markup);
    }

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
        var errors = checkStored(params, path);
        // Params left out are no params: a rule asking for one of them refuses that too.
        JsonNode given = params == null || params.isNull() ? JsonNodeFactory.instance.objectNode() : params;
        if (errors.isEmpty() && given.isObject()) {
            rule.check(new Values(given, path, true, errors));
        }
        return errors;
    }

    /**
     * As {@link #checkSaved}, without the {@link #rule}: for a version saved earlier, read to run it. A rule added
     * since (a message must say something) is applied when the step runs, so the version still loads.
     */
    public List<FieldError> checkStored(JsonNode params, String path) {
        return check(params, path, true, null);
    }

    /**
     * What the action's {@link #rule} finds wrong with rendered params, as the failure of its step
     * ({@code params.to: '12345' is not a phone number…}), or empty.
     */
    public Optional<ActionResult.Failed> refusal(JsonNode params) {
        var values = new Values(params, "params", false, new ArrayList<>());
        rule.check(values);
        return values.failure();
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
