package io.till.shared.web;

import io.till.shared.TillException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;
import tools.jackson.databind.JsonNode;

/**
 * Refuses a request body holding what cannot be stored as sent, naming where: the NUL character (U+0000) in any
 * string or key, which PostgreSQL refuses in text and JSONB (the write would fail deep inside); a lone UTF-16
 * surrogate (U+D800 to U+DFFF unpaired), which the driver would store as "?"; a number too large to be finite
 * ({@code 1e309}), which would be stored as the text "Infinity". A 201 must mean what was sent is what was stored.
 */
@ControllerAdvice
public class StorableBodyAdvice extends RequestBodyAdviceAdapter {

    /** What is wrong with a value, and where. */
    public record Unstorable(String path, String code, String message) {

        static Unstorable nul(String path) {
            return new Unstorable(path, "invalid_character", "must not contain the NUL character (\\u0000)");
        }

        static Unstorable surrogate(String path) {
            return new Unstorable(path, "invalid_character", "must not contain a lone UTF-16 surrogate (\\ud800 to "
                + "\\udfff without its pair): it is not a character");
        }

        static Unstorable infinite(String path) {
            return new Unstorable(path, "out_of_range", "must be a finite number, within what a double holds "
                + "(about 1e-308 to 1e308)");
        }
    }

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
        Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object afterBodyRead(Object body, HttpInputMessage message, MethodParameter parameter, Type targetType,
        Class<? extends HttpMessageConverter<?>> converterType) {
        find(body, "").ifPresent(found -> {
            throw TillException.invalid(found.path().isEmpty() ? "body" : found.path(), found.code(),
                found.message());
        });
        return body;
    }

    /** The first value that cannot be stored as sent, if any. */
    public static Optional<Unstorable> find(Object value, String path) {
        return switch (value) {
            case null -> Optional.empty();
            case String text -> inText(text, path);
            case Double number when !Double.isFinite(number) -> Optional.of(Unstorable.infinite(path));
            case Float number when !Float.isFinite(number) -> Optional.of(Unstorable.infinite(path));
            case JsonNode node -> inJson(node, path);
            case Record record -> inRecord(record, path);
            case Collection<?> items -> inItems(items, path);
            case Map<?, ?> map -> inMap(map, path);
            default -> Optional.empty();
        };
    }

    private static Optional<Unstorable> inText(String text, String path) {
        if (text.indexOf('\0') >= 0) {
            return Optional.of(Unstorable.nul(path));
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of(Unstorable.surrogate(path));
            }
        }
        return Optional.empty();
    }

    /** The most digits after (or zeros before) the point a decimal may have: past it, the JSON writer refuses it. */
    private static final int MAX_SCALE = 10_000;

    /**
     * A number with a fraction is kept as sent (a decimal), within what a double holds: beyond it, the JavaScript and
     * most JSON readers an event or webhook goes to would read Infinity or 0, and PostgreSQL refuses the far ends.
     */
    private static boolean withinDouble(JsonNode node) {
        if (!node.isBigDecimal()) {
            return Double.isFinite(node.asDouble());
        }
        var decimal = node.decimalValue();
        double approximately = decimal.doubleValue();
        // A zero too: 0e-10000 is written out as 10,000 digits, which the JSON writer refuses (a 500, found by review).
        return Double.isFinite(approximately) && (approximately != 0 || decimal.signum() == 0)
            && Math.abs(decimal.scale()) < MAX_SCALE;
    }

    private static Optional<Unstorable> inJson(JsonNode node, String path) {
        if (node.isString()) {
            return inText(node.asString(), path);
        }
        if (node.isFloatingPointNumber() && !withinDouble(node)) {
            return Optional.of(Unstorable.infinite(path));
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                var found = inJson(node.get(i), path + "[" + i + "]");
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        if (node.isObject()) {
            for (var entry : node.properties()) {
                var inKey = inText(entry.getKey(), path);
                if (inKey.isPresent()) {
                    return inKey;
                }
                var found = inJson(entry.getValue(), join(path, entry.getKey()));
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** A record's component as a body names it, with its accessor opened once. */
    private record Component(String jsonName, Method accessor) {}

    /** Each record type's components, found once: read reflectively on every request they cost a few % of one. */
    private static final ClassValue<List<Component>> COMPONENTS = new ClassValue<>() {
        @Override
        protected List<Component> computeValue(Class<?> type) {
            var components = new ArrayList<Component>();
            for (RecordComponent component : type.getRecordComponents()) {
                var accessor = component.getAccessor();
                accessor.setAccessible(true);
                components.add(new Component(JsonNames.snakeCase(component.getName()), accessor));
            }
            return List.copyOf(components);
        }
    };

    private static Optional<Unstorable> inRecord(Record record, String path) {
        for (Component component : COMPONENTS.get(record.getClass())) {
            var found = find(read(component, record), join(path, component.jsonName()));
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<Unstorable> inItems(Collection<?> items, String path) {
        int i = 0;
        for (Object item : items) {
            var found = find(item, path + "[" + i++ + "]");
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<Unstorable> inMap(Map<?, ?> map, String path) {
        for (var entry : map.entrySet()) {
            if (entry.getKey() instanceof String key && inText(key, path).isPresent()) {
                return inText(key, path);
            }
            var found = find(entry.getValue(), join(path, String.valueOf(entry.getKey())));
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Object read(Component component, Record record) {
        try {
            return component.accessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("Cannot read " + component.jsonName() + " of a request body", e);
        }
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
