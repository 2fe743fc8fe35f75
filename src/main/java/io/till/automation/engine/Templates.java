package io.till.automation.engine;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders the Mustache templates in a step's params against the context. Logic-less and safe: no code runs, a null
 * value renders empty, and a variable the context does not have is an error naming it, never a silent blank.
 * Params named {@code html} are HTML-escaped; everything else is text.
 */
public final class Templates {

    private static final Mustache.Compiler TEXT = Mustache.compiler().escapeHTML(false).nullValue("");
    private static final Mustache.Compiler HTML = Mustache.compiler().escapeHTML(true).nullValue("");

    private Templates() {}

    /** Thrown when a template cannot be rendered; the message names the param and the variable. */
    public static final class RenderException extends RuntimeException {
        RenderException(String message) {
            super(message);
        }
    }

    public static ObjectNode render(JsonNode params, JsonNode context) {
        if (params == null || params.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        Map<String, Object> scope = null;
        ObjectNode rendered = JsonNodeFactory.instance.objectNode();
        for (var entry : params.properties()) {
            if (scope == null && mentionsTemplate(entry.getValue())) {
                scope = toJava(context);
            }
            rendered.set(entry.getKey(), render(entry.getValue(), entry.getKey(), scope, "params." + entry.getKey()));
        }
        return rendered;
    }

    private static boolean mentionsTemplate(JsonNode node) {
        if (node.isString()) {
            return node.asString().contains("{{");
        }
        for (JsonNode child : node) {
            if (mentionsTemplate(child)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode render(JsonNode node, String name, Map<String, Object> scope, String path) {
        if (node.isString() && node.asString().contains("{{")) {
            var compiler = name.equals("html") ? HTML : TEXT;
            try {
                return JsonNodeFactory.instance.stringNode(compiler.compile(node.asString()).execute(scope));
            } catch (MustacheException e) {
                throw new RenderException(path + ": " + describe(e));
            }
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (var entry : node.properties()) {
                copy.set(entry.getKey(), render(entry.getValue(), entry.getKey(), scope, path + "." + entry.getKey()));
            }
            return copy;
        }
        if (node.isArray()) {
            var copy = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                copy.add(render(node.get(i), name, scope, path + "[" + i + "]"));
            }
            return copy;
        }
        return node;
    }

    private static String describe(MustacheException e) {
        if (e instanceof MustacheException.Context missing) {
            return "the context has no " + missing.key + " (line " + missing.lineNo + ")";
        }
        return e.getMessage();
    }

    /** The context as maps, lists and scalars, which is what jmustache walks. */
    static Map<String, Object> toJava(JsonNode context) {
        Object value = java(context);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
        return map;
    }

    private static Object java(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            var map = new LinkedHashMap<String, Object>();
            for (var entry : node.properties()) {
                map.put(entry.getKey(), java(entry.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (JsonNode item : node) {
                list.add(java(item));
            }
            return list;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.decimalValue().toPlainString();
        }
        return node.asString();
    }
}
