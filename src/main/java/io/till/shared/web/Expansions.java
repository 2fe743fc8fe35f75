package io.till.shared.web;

import io.till.shared.Caller;
import io.till.shared.TillException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ?expand=customer,order} on an API read: each record of the answer (the one read, or each of a list's
 * {@code data}) gets {@code customer} and {@code order} beside {@code customer_id} and {@code order_id}, read from the
 * caller's account, so a client needs one request instead of one per id. A name no record of the answer can expand is
 * refused; an id that names nothing (a record deleted since) expands to null.
 */
@ControllerAdvice
class Expansions implements ResponseBodyAdvice<Object>, HandlerInterceptor, WebMvcConfigurer {

    /** The request attribute holding the names asked for, checked before the handler runs. */
    private static final String NAMES = Expansions.class.getName() + ".names";

    /** The most names one request may expand. */
    static final int MAX_NAMES = 6;

    private final Map<String, Expandable> byName = new HashMap<>();
    private final JsonMapper json;

    Expansions(List<Expandable> expandables, JsonMapper json) {
        expandables.forEach(expandable -> byName.put(expandable.name(), expandable));
        this.json = json;
    }

    /** The names a client can expand. */
    Set<String> names() {
        return new TreeSet<>(byName.keySet());
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/api/v1/**");
    }

    /**
     * Checks {@code expand} before the read runs, so that a bad name is a 400 like any bad parameter: each name must
     * be known and, where the answer's type says which ids it carries, one of them.
     */
    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!"GET".equals(request.getMethod()) || request.getParameterValues("expand") == null) {
            return true;
        }
        List<String> names = requested(request);
        if (handler instanceof HandlerMethod method) {
            Set<String> carried = carriedIds(method);
            if (carried != null) {
                var absent = names.stream().filter(name -> !carried.contains(name)).toList();
                if (!absent.isEmpty()) {
                    throw TillException.invalid("expand", "not_expandable", "this answer has no "
                        + String.join(", ", absent.stream().map(name -> name + "_id").toList()) + " to expand"
                        + (carried.isEmpty() ? "" : "; it can expand " + String.join(", ", new TreeSet<>(carried))));
                }
            }
        }
        request.setAttribute(NAMES, names);
        return true;
    }

    /**
     * The expandable names whose ids the handler's answer carries (a record, or a page of records), or null when its
     * type does not say (free JSON).
     */
    private Set<String> carriedIds(HandlerMethod method) {
        var type = ResolvableType.forMethodReturnType(method.getMethod());
        if (type.resolve() == org.springframework.http.ResponseEntity.class) {
            type = type.getGeneric(0);
        }
        if (type.resolve() == io.till.shared.Page.class) {
            type = type.getGeneric(0);
        }
        Class<?> answer = type.resolve();
        if (answer == null || !answer.isRecord()) {
            return null;
        }
        var carried = new TreeSet<String>();
        for (var component : answer.getRecordComponents()) {
            String snake = component.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
            if (snake.endsWith("_id") && byName.containsKey(snake.substring(0, snake.length() - 3))) {
                carried.add(snake.substring(0, snake.length() - 3));
            }
        }
        return carried;
    }

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
        Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
        ServerHttpResponse response) {
        if (!(request instanceof ServletServerHttpRequest servlet) || body == null
            || !"GET".equals(servlet.getServletRequest().getMethod())
            || !ApiPaths.routed(servlet.getServletRequest()).startsWith("/api/v1/")) {
            return body;
        }
        @SuppressWarnings("unchecked")
        List<String> names = (List<String>) servlet.getServletRequest().getAttribute(NAMES);
        if (names == null) {
            return body;
        }
        if (!MediaType.APPLICATION_JSON.isCompatibleWith(contentType)) {
            return body;
        }
        if (!(CallerArgumentResolver.current() instanceof Caller known)) {
            return body;
        }
        JsonNode tree = json.valueToTree(body);
        var records = new ArrayList<ObjectNode>();
        if (tree.path("data").isArray() && tree.has("has_more")) {
            tree.get("data").forEach(item -> {
                if (item instanceof ObjectNode object) {
                    records.add(object);
                }
            });
        } else if (tree instanceof ObjectNode object) {
            records.add(object);
        }
        for (String name : names) {
            String field = name + "_id";
            var found = new HashMap<String, JsonNode>();
            for (ObjectNode record : records) {
                JsonNode id = record.path(field);
                if (!id.isString()) {
                    if (record.has(field)) {
                        // An id that names nothing (a subscription's order that made no plan): the key, as null.
                        record.set(name, json.nullNode());
                    }
                    continue;
                }
                JsonNode expanded = found.computeIfAbsent(id.asString(), key -> byName.get(name).find()
                    .apply(known.accountId(), key).map(json::<JsonNode>valueToTree).orElse(json.nullNode()));
                record.set(name, expanded);
            }
        }
        return tree;
    }

    /** The names asked for ({@code expand=a,b} or {@code expand=a&expand=b}), each known, or a 400 naming them. */
    private List<String> requested(HttpServletRequest request) {
        String[] values = request.getParameterValues("expand");
        if (values == null) {
            return List.of();
        }
        var names = new LinkedHashSet<String>();
        Arrays.stream(values).flatMap(value -> Arrays.stream(value.split(","))).map(String::strip)
            .filter(name -> !name.isEmpty()).forEach(names::add);
        var unknown = names.stream().filter(name -> !byName.containsKey(name)).toList();
        if (!unknown.isEmpty() || names.size() > MAX_NAMES) {
            throw TillException.invalid("expand", "invalid_value", (unknown.isEmpty()
                ? "at most " + MAX_NAMES + " names"
                : "cannot expand " + String.join(", ", unknown)) + "; can expand " + String.join(", ", names()));
        }
        return List.copyOf(names);
    }
}
