package io.till.shared.web;

import io.swagger.v3.core.util.AnnotationsUtils;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Gives each schema that is both a request body and an answer (the branding a PUT takes and a GET answers) a copy of
 * its own for requests, named {@code <Name>Input}: an answer's schema then states what every answer holds (required,
 * nullable) while a request may still leave a field out. Every request body, and every schema only requests use,
 * points at the copies.
 */
final class RequestSchemas {

    static final String SUFFIX = "Input";
    private static final String PREFIX = "#/components/schemas/";

    private RequestSchemas() {}

    static void split(OpenAPI openApi, Components components) {
        if (openApi.getPaths() == null || components.getSchemas() == null) {
            return;
        }
        var asked = new TreeSet<String>();
        var answered = new TreeSet<String>();
        bodies(openApi, schema -> ApiContract.reach(components, schema, asked), schema -> ApiContract.reach(
            components, schema, answered));
        var shared = new TreeSet<>(asked);
        shared.retainAll(answered);
        if (shared.isEmpty()) {
            return;
        }
        boolean openapi31 = openApi.getOpenapi() != null && openApi.getOpenapi().startsWith("3.1");
        for (String name : shared) {
            if (components.getSchemas().containsKey(name + SUFFIX)) {
                // Two schemas of one name would silently share one; the contract test reads the document and fails.
                throw new IllegalStateException("A request schema " + name + SUFFIX + " exists already: rename it");
            }
            components.addSchemas(name + SUFFIX, AnnotationsUtils.clone(components.getSchemas().get(name),
                openapi31));
        }
        asked.removeAll(shared);
        asked.forEach(name -> retarget(components.getSchemas().get(name), shared));
        shared.forEach(name -> retarget(components.getSchemas().get(name + SUFFIX), shared));
        bodies(openApi, schema -> retarget(schema, shared), schema -> {
        });
    }

    /** Each request body's schema to {@code requests}, each success's to {@code answers}. */
    private static void bodies(OpenAPI openApi, Consumer<Schema<?>> requests, Consumer<Schema<?>> answers) {
        openApi.getPaths().values().forEach(item -> item.readOperations().forEach(operation -> {
            if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                operation.getRequestBody().getContent().values().forEach(media -> requests.accept(media.getSchema()));
            }
            if (operation.getResponses() != null) {
                operation.getResponses().forEach((status, response) -> {
                    if (status.startsWith("2") && response.getContent() != null) {
                        response.getContent().values().forEach(media -> answers.accept(media.getSchema()));
                    }
                });
            }
        }));
    }

    /** Points every reference in {@code schema} to a schema of {@code shared} at that schema's request copy. */
    private static void retarget(Schema<?> schema, Set<String> shared) {
        if (schema == null) {
            return;
        }
        if (schema.get$ref() != null) {
            String name = schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1);
            if (shared.contains(name)) {
                schema.set$ref(PREFIX + name + SUFFIX);
            }
            return;
        }
        if (schema.getProperties() != null) {
            schema.getProperties().values().forEach(property -> retarget(property, shared));
        }
        retarget(schema.getItems(), shared);
        if (schema.getAdditionalProperties() instanceof Schema<?> values) {
            retarget(values, shared);
        }
        for (var parts : Arrays.asList(schema.getAllOf(), schema.getAnyOf(), schema.getOneOf())) {
            if (parts != null) {
                parts.forEach(part -> retarget(part, shared));
            }
        }
    }
}
