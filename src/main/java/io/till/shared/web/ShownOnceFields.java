package io.till.shared.web;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Marks, as {@link SecretFields}, the {@link ShownOnce} components of every response record on its way out, so that
 * no controller has to remember to.
 */
@RestControllerAdvice
class ShownOnceFields implements ResponseBodyAdvice<Object> {

    private final Map<Class<?>, List<String>> byType = new ConcurrentHashMap<>();

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
        Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
        ServerHttpResponse response) {
        if (body != null && body.getClass().isRecord() && request instanceof ServletServerHttpRequest servlet) {
            List<String> fields = byType.computeIfAbsent(body.getClass(), ShownOnceFields::shownOnce);
            if (!fields.isEmpty()) {
                SecretFields.mark(servlet.getServletRequest(), fields.toArray(String[]::new));
            }
        }
        return body;
    }

    /** The JSON names (snake_case) of a record's components marked {@link ShownOnce}. */
    private static List<String> shownOnce(Class<?> type) {
        return Arrays.stream(type.getRecordComponents())
            .filter(component -> component.isAnnotationPresent(ShownOnce.class))
            .map(RecordComponent::getName)
            .map(JsonNames::snakeCase)
            .toList();
    }
}
