package io.till.shared.web;

import io.till.shared.FieldErrors;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Refuses a query parameter that the API operation does not take, naming it, as an unknown JSON field is: a mistyped
 * filter ({@code ?customerid=}) would otherwise be ignored, and a list meant for one customer would list every one.
 */
@Configuration(proxyBeanMethods = false)
class KnownParameters implements HandlerInterceptor, WebMvcConfigurer {

    /** Taken by every read (see {@link Expansions}), not declared by each operation. */
    private static final Set<String> EVERYWHERE = Set.of("expand");

    /** The parameters an operation declares, and those of them that take several values. */
    private record Declared(Set<String> names, Set<String> lists) {}

    /** What an operation that takes a map of parameters declares: any name. */
    private static final Declared ANY = new Declared(Set.of("*"), Set.of("*"));

    /** The parameters each operation declares. */
    private final Map<Method, Declared> declared = new ConcurrentHashMap<>();

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/api/v1/**");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        // The query string's names only: a form body's fields are the body's (a JSON operation refuses it as 415).
        String query = request.getQueryString();
        if (!(handler instanceof HandlerMethod method) || query == null || query.isEmpty()) {
            return true;
        }
        if (!method.getBeanType().isAnnotationPresent(RestController.class)) {
            // The framework's own (OPTIONS answers what the path allows): it reads no parameter, and is not refused.
            return true;
        }
        Declared known = declared.computeIfAbsent(method.getMethod(), ignored -> declaredBy(method));
        if (known == ANY) {
            return true;
        }
        var errors = new FieldErrors();
        var named = new LinkedHashSet<String>();
        var twice = new LinkedHashSet<String>();
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            // Well-formed UTF-8 by now: RequestTextFilter refused anything else.
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            if (!named.add(name)) {
                twice.add(name);
            }
        }
        for (String name : named) {
            if (!name.isEmpty() && !known.names().contains(name) && EVERYWHERE.contains(name)
                && !"GET".equals(request.getMethod())) {
                // Expanded on reads only: on a write it was taken and ignored, the answer without what it asked.
                errors.add(name, "unknown_parameter", "expands what a read answers (GET); this request answers "
                    + "without expanding");
            } else if (!name.isEmpty() && !known.names().contains(name) && !EVERYWHERE.contains(name)) {
                errors.add(name, "unknown_parameter", "is not a parameter of this request");
            } else if (twice.contains(name) && known.names().contains(name) && !known.lists().contains(name)) {
                // ?limit=1&limit=3 would otherwise answer for one of them, silently.
                errors.add(name, "given_twice", "takes one value: give it once");
            }
        }
        errors.throwIfAny();
        return true;
    }

    private static Declared declaredBy(HandlerMethod method) {
        var names = new HashSet<String>();
        var lists = new HashSet<String>();
        for (MethodParameter parameter : method.getMethodParameters()) {
            RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
            if (param == null) {
                continue;
            }
            if (Map.class.isAssignableFrom(parameter.getParameterType())
                || MultiValueMap.class.isAssignableFrom(parameter.getParameterType())) {
                return ANY;
            }
            String name = !param.name().isEmpty() ? param.name() : param.value();
            if (name.isEmpty()) {
                parameter.initParameterNameDiscovery(new DefaultParameterNameDiscoverer());
                name = parameter.getParameterName();
            }
            names.add(name);
            if (parameter.getParameterType().isArray()
                || java.util.Collection.class.isAssignableFrom(parameter.getParameterType())) {
                lists.add(name);
            }
        }
        return new Declared(Set.copyOf(names), Set.copyOf(lists));
    }
}
