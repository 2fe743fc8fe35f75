package io.till.automation.engine;

import com.samskivert.mustache.Escapers;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import io.till.action.ActionSchema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders the Mustache templates in a step's params against the context. Logic-less for real: a template reads data
 * paths of the context (map keys and list indices) and nothing else — no method, field or getter of any value, no
 * partial, no delimiter change, never the whole context. A null value renders empty, and a variable the context does
 * not have is an error naming it, never a silent blank. Params named {@code html} are HTML-escaped; everything else
 * is text. {@link #read} gives the save-time check the same reading of a template as rendering uses.
 */
public final class Templates {

    /** Why a record, or a list of them, is not printed. */
    static final String RECORD = "a record, or a list of them, cannot be printed: name one of its fields, such as "
        + "{{customer.name}}, or walk a list with {{#…}}…{{/…}}";

    /**
     * Where a context names the roots it holds back, each with why (a record of another customer than the run's), so
     * that a template reading one says so rather than only that it is not there.
     */
    public static final String WITHHELD = "_withheld";

    private static final Mustache.Compiler TEXT = compiler(Escapers.NONE);
    private static final Mustache.Compiler HTML = compiler(Escapers.HTML);
    /** Slack's own escaping of message text: these three, and nothing else. */
    private static final Mustache.Compiler SLACK = compiler(Escapers.simple(new String[][]{{"&", "&amp;"},
            {"<", "&lt;"}, {">", "&gt;"}}));
    /**
     * The fields of Slack's blocks that Slack reads as they are, not as message text: a URL escaped as text loses its
     * query string ({@code &amp;lang=en}); an id or a value escaped comes back to the seller's app changed.
     */
    private static final Set<String> SLACK_VERBATIM = Set.of("url", "image_url", "value", "action_id", "block_id",
        "callback_id");
    /** A tag that places its value as it is: {@code {{{name}}}} or {@code {{& name}}}, spaces anywhere in it. */
    private static final Pattern UNESCAPED_TAG = Pattern.compile(
        "\\{\\{\\s*(?:\\{\\s*([^{}]*?)\\s*}|&\\s*([^{}]*?))\\s*}}");
    private static final Pattern NULL_ITEM = Pattern.compile("Null context for variable '(.*)' on line (\\d+)");

    private Templates() {}

    /** Thrown when a template cannot be rendered; the message names the param and the variable. */
    public static final class RenderException extends RuntimeException {
        RenderException(String message) {
            super(message);
        }
    }

    /**
     * What a template reads, as the renderer parses it: the data paths its tags name (sections included, {@code .}
     * inside a section left out), and why any tag that is not a data path is refused.
     */
       /** The paths a template names, those of them it prints (not sections), and the tags it may not have. */
    public record Reading(List<String> paths, List<String> printed, List<String> refusals) {}

    public static Reading read(String template) {
        return TemplateReader.read(TEXT, template).reading();
    }

    public static ObjectNode render(JsonNode params, JsonNode context) {
        return render(params, context, ActionSchema.Markup.PLAIN);
    }

    /** Renders each param, the values templates put into them escaped for {@code markup}. */
    public static ObjectNode render(JsonNode params, JsonNode context, ActionSchema.Markup markup) {
        if (params == null || params.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        Map<String, Object> scope = null;
        ObjectNode rendered = JsonNodeFactory.instance.objectNode();
        for (var entry : params.properties()) {
            if (scope == null && mentionsTemplate(entry.getValue())) {
                scope = toJava(context);
            }
            rendered.set(entry.getKey(), render(entry.getValue(), entry.getKey(), scope, "params." + entry.getKey(),
                markup));
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

    private static JsonNode render(JsonNode node, String name, Map<String, Object> scope, String path,
        ActionSchema.Markup markup) {
        if (node.isString() && node.asString().contains("{{")) {
            boolean html = name.equals("html");
            var read = TemplateReader.read(html
                ? HTML
                : markup == ActionSchema.Markup.SLACK && !SLACK_VERBATIM.contains(name)
                    ? SLACK
                    : TEXT,
                html ? escapingEveryTag(node.asString()) : node.asString());
            // An unclosed {{ is refused at save; a version saved before that goes on sending it as typed.
            var refusals = read.reading().refusals().stream().filter(why -> !why.equals(TemplateReader.UNCLOSED))
                .toList();
            if (!refusals.isEmpty()) {
                throw new RenderException(path + ": " + refusals.getFirst());
            }
            try {
                return JsonNodeFactory.instance.stringNode(read.template().execute(scope));
            } catch (MustacheException e) {
                throw new RenderException(path + ": " + describe(e, scope));
            } catch (NullPointerException e) {
                // jmustache's answer to a variable read inside a null list item; it names the variable and line.
                var matcher = NULL_ITEM.matcher(String.valueOf(e.getMessage()));
                throw new RenderException(path + ": " + (matcher.matches()
                    ? matcher.group(1) + " cannot be read inside a null list item (line " + matcher.group(2) + ")"
                    : "a variable cannot be read inside a null list item"));
            }
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (var entry : node.properties()) {
                copy.set(entry.getKey(), render(entry.getValue(), entry.getKey(), scope, path + "." + entry.getKey(),
                    markup));
            }
            return copy;
        }
        if (node.isArray()) {
            var copy = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                copy.add(render(node.get(i), name, scope, path + "[" + i + "]", markup));
            }
            return copy;
        }
        return node;
    }

    /**
     * An html template with each tag that would place its value unescaped ({@code {{{name}}}}, {@code {{& name}}}, with
     * spaces or without) written as one that escapes it: what a buyer typed never becomes the email's HTML, whatever a
     * version saved before the save refused those said.
     */
       /** A tag that places a value unescaped, as written, and the name it places. */
    public record UnescapedTag(String tag, String name) {}

    /** The first tag of {@code template} that would place its value unescaped ({@link #UNESCAPED_TAG}), if any. */
    public static Optional<UnescapedTag> unescapedTag(String template) {
        var tag = UNESCAPED_TAG.matcher(template);
        return tag.find() ? Optional.of(new UnescapedTag(tag.group(), nameIn(tag))) : Optional.empty();
    }

    private static String nameIn(java.util.regex.MatchResult tag) {
        return tag.group(1) != null ? tag.group(1) : tag.group(2);
    }

    static String escapingEveryTag(String template) {
        return UNESCAPED_TAG.matcher(template).replaceAll(tag -> java.util.regex.Matcher.quoteReplacement("{{"
            + nameIn(tag) + "}}"));
    }

    private static String describe(MustacheException e, Map<String, Object> scope) {
        if (e instanceof MustacheException.Context missing) {
            String root = missing.key.split("\\.", 2)[0];
            return "the context has no " + missing.key + " (line " + missing.lineNo + ")"
                + (scope.get(WITHHELD) instanceof Map<?, ?> withheld && withheld.get(root) instanceof String why
                    ? ": " + why
                    : "");
        }
        return e.getMessage();
    }

    /**
     * The context as maps, lists and scalars, which is what jmustache walks. The top is a {@link Root}, which the
     * formatter refuses to print: a section over a boolean does not nest, so {@code {{#flag}}{{.}}{{/flag}}} would
     * otherwise print everything.
     */
    static Map<String, Object> toJava(JsonNode context) {
        var root = new Root();
        if (java(context) instanceof Map<?, ?> map) {
            map.forEach((key, value) -> root.put((String) key, value));
        }
        return root;
    }

    /** The whole context: readable by its keys, never printed. */
    static final class Root extends LinkedHashMap<String, Object> {}

    private static Mustache.Compiler compiler(Mustache.Escaper escaper) {
        return Mustache.compiler()
            .withEscaper(escaper)
            .nullValue("")
            .withCollector(new DataOnly())
            .withFormatter(value -> {
                if (value instanceof Root) {
                    throw new MustacheException(TemplateReader.WHOLE_CONTEXT);
                }
                if (value instanceof Map<?, ?>) {
                    // A Java map's toString would land in a buyer's email: {id=cus_…, name=…}.
                    throw new MustacheException(RECORD);
                }
                if (value instanceof List<?> list) {
                    if (list.stream().anyMatch(item -> item instanceof Map<?, ?> || item instanceof List<?>)) {
                        throw new MustacheException(RECORD);
                    }
                    // Tags read as a reader writes them: "vip, new".
                    return String.join(", ", list.stream().map(String::valueOf).toList());
                }
                return String.valueOf(value);
            })
            .withLoader(name -> {
                throw new MustacheException(TemplateReader.NO_INCLUDES);
            });
    }

    /**
     * Reads map keys and list indices, and walks lists: nothing else. jmustache's default collector would call any
     * getter, method or field of a value by reflection ({@code {{customer.name.bytes}}}, {@code {{amount.MAX_VALUE}}})
     * and offer a map's {@code entrySet}.
     */
    private static final class DataOnly implements Mustache.Collector {

        private static final Pattern INDEX_NAME = Pattern.compile("[0-9]{1,9}");
        private static final Mustache.VariableFetcher KEY = (context, name) -> {
            var map = (Map<?, ?>) context;
            return map.containsKey(name) ? map.get(name) : Template.NO_FETCHER_FOUND;
        };
        private static final Mustache.VariableFetcher INDEX = (context, name) -> {
            var list = (List<?>) context;
            int index = Integer.parseInt(name);
            return index < list.size() ? list.get(index) : Template.NO_FETCHER_FOUND;
        };

        @Override
        public Iterator<?> toIterator(Object value) {
            return value instanceof List<?> list ? list.iterator() : null;
        }

        @Override
        public Mustache.VariableFetcher createFetcher(Object context, String name) {
            if (context instanceof Map<?, ?>) {
                return KEY;
            }
            if (context instanceof List<?> && INDEX_NAME.matcher(name).matches()) {
                return INDEX;
            }
            return null;
        }

        @Override
        public <K, V> Map<K, V> createFetcherCache() {
            return new ConcurrentHashMap<>();
        }
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
            // One past a long (a custom event's 98765432109876543210) is written out whole, as a decimal is.
            return node.canConvertToLong() ? node.longValue() : node.bigIntegerValue().toString();
        }
        if (node.isNumber()) {
            return node.decimalValue().toPlainString();
        }
        return node.asString();
    }
}
