package io.till.shared.web;

import io.till.shared.TillException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;
import tools.jackson.databind.JsonNode;

/**
 * Refuses a request body holding the NUL character (JSON {@code \u0000}) in any string or key, naming where: PostgreSQL
 * cannot store it in text or JSONB, so it would otherwise fail deep inside a write.
 */
@ControllerAdvice
class NulCharacterAdvice extends RequestBodyAdviceAdapter {

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
        Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object afterBodyRead(Object body, HttpInputMessage message, MethodParameter parameter, Type targetType,
        Class<? extends HttpMessageConverter<?>> converterType) {
        find(body, "").ifPresent(path -> {
            throw TillException.invalid(path.isEmpty() ? "body" : path, "invalid_character",
                "must not contain the NUL character (\\u0000)");
        });
        return body;
    }

    /** The path of the first value holding a NUL, if any. */
    static Optional<String> find(Object value, String path) {
        return switch (value) {
            case null -> Optional.empty();
            case String text -> text.indexOf('\0') >= 0 ? Optional.of(path) : Optional.empty();
            case JsonNode node -> inJson(node, path);
            case Record record -> inRecord(record, path);
            case Collection<?> items -> inItems(items, path);
            case Map<?, ?> map -> inMap(map, path);
            default -> Optional.empty();
        };
    }

    private static Optional<String> inJson(JsonNode node, String path) {
        if (node.isString()) {
            return find(node.asString(), path);
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
                if (entry.getKey().indexOf('\0') >= 0) {
                    return Optional.of(path);
                }
                var found = inJson(entry.getValue(), join(path, entry.getKey()));
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> inRecord(Record record, String path) {
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            var found = find(read(component, record), join(path, JsonNames.snakeCase(component.getName())));
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> inItems(Collection<?> items, String path) {
        int i = 0;
        for (Object item : items) {
            var found = find(item, path + "[" + i++ + "]");
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> inMap(Map<?, ?> map, String path) {
        for (var entry : map.entrySet()) {
            if (entry.getKey() instanceof String key && key.indexOf('\0') >= 0) {
                return Optional.of(path);
            }
            var found = find(entry.getValue(), join(path, String.valueOf(entry.getKey())));
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Object read(RecordComponent component, Record record) {
        try {
            var accessor = component.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("Cannot read " + component.getName() + " of a request body", e);
        }
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
