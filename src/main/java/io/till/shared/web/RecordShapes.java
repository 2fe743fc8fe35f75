package io.till.shared.web;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.oas.annotations.media.Schema;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a schema alone cannot tell of the records the API answers with: the JSON writes every component, so each is
 * present in every answer, and one of a reference type may be null (a customer's phone, a product's trial days). The
 * document's model resolver notes each record's shape by schema name; {@link ApiContract} states it on the schemas of
 * answers, so that a generated client neither fails on a null nor treats every field as optional.
 */
final class RecordShapes {

    /**
     * @param present the JSON names of the components always written (a {@code NON_NULL} one may be left out)
     * @param nullable those of them that may be null
     */
    record Shape(List<String> present, Set<String> nullable) {}

    private static final PropertyNamingStrategies.NamingBase SNAKE_CASE = (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    /** What every record the API answers with has (it was read from a row), and a list's page of data. */
    private static final Set<String> NEVER_NULL = Set.of("id", "created_at", "data");

    private final Map<String, Shape> byName = new ConcurrentHashMap<>();

    void note(String schemaName, Class<?> record) {
        if (!record.isRecord() || schemaName == null) {
            return;
        }
        var present = new ArrayList<String>();
        var nullable = new LinkedHashSet<String>();
        components(record, present, nullable);
        byName.put(schemaName, new Shape(List.copyOf(present), Set.copyOf(nullable)));
    }

    private static void components(Class<?> record, List<String> present, Set<String> nullable) {
        for (RecordComponent component : record.getRecordComponents()) {
            if (annotation(component, JsonIgnore.class) != null || leftOutWhenNull(component)) {
                continue;
            }
            if (annotation(component, JsonUnwrapped.class) != null && component.getType().isRecord()) {
                // Its components are written in its place (a customer's fields beside its stats).
                components(component.getType(), present, nullable);
                continue;
            }
            JsonProperty named = annotation(component, JsonProperty.class);
            String name = named != null && !named.value().isEmpty()
                ? named.value()
                : SNAKE_CASE.translate(component.getName());
            present.add(name);
            if (mayBeNull(component, name)) {
                nullable.add(name);
            }
        }
    }

    /**
     * A Jackson annotation written on a record component: Jackson's annotations do not target record components, so
     * Java puts them on the accessor, the field and the constructor's parameter, never where
     * {@link RecordComponent#getAnnotation} looks.
     */
    private static <A extends java.lang.annotation.Annotation> A annotation(RecordComponent component, Class<A> type) {
        A found = component.getAccessor().getAnnotation(type);
        if (found == null) {
            try {
                found = component.getDeclaringRecord().getDeclaredField(component.getName()).getAnnotation(type);
            } catch (NoSuchFieldException e) {
                return null;
            }
        }
        return found;
    }

    Optional<Shape> of(String schemaName) {
        return Optional.ofNullable(byName.get(schemaName));
    }

    /**
     * Whether an answer may hold null for {@code component}: one of a reference type may, unless it is what every
     * record has, what a request must carry, a list or a map (an answer writes an empty one: [] or {}, never null), or
     * marked {@link AlwaysAnswered}.
     */
    private static boolean mayBeNull(RecordComponent component, String name) {
        Class<?> type = component.getType();
        return !type.isPrimitive() && !NEVER_NULL.contains(name) && !requiredOfRequests(component)
            && !java.util.Collection.class.isAssignableFrom(type) && !Map.class.isAssignableFrom(type)
            && component.getAnnotation(AlwaysAnswered.class) == null;
    }

    /** What a request must carry (a billing address's country) is there in every answer of what it saved. */
    private static boolean requiredOfRequests(RecordComponent component) {
        var schema = annotation(component, Schema.class);
        return schema != null
            && schema.requiredMode() == Schema.RequiredMode.REQUIRED;
    }

    private static boolean leftOutWhenNull(RecordComponent component) {
        JsonInclude include = annotation(component, JsonInclude.class);
        if (include == null) {
            include = component.getDeclaringRecord().getAnnotation(JsonInclude.class);
        }
        return include != null && include.value() != JsonInclude.Include.ALWAYS
            && include.value() != JsonInclude.Include.USE_DEFAULTS;
    }
}
