package io.till.shared.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * Every operation's id, which generated clients name their methods after, made from its method and path in one way
 * (springdoc names them after the Java methods, so eight {@code list}s became {@code list_1} … {@code list_7}): a verb,
 * then the records of the path, singular where one is meant. {@code GET /customers} is listCustomers,
 * {@code POST /customers} createCustomer, {@code GET /customers/{id}} getCustomer, {@code PATCH} updateCustomer,
 * {@code DELETE} deleteCustomer, an action {@code POST /subscriptions/{id}/change_card} changeSubscriptionCard.
 */
@Component
class OperationNames implements OpenApiCustomizer {

    private static final String PREFIX = "/api/v1/";

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getPaths() == null) {
            return;
        }
        openApi.getPaths().forEach((path, item) -> {
            if (path.startsWith(PREFIX)) {
                item.readOperationsMap().forEach((method, operation) -> operation.setOperationId(name(openApi, path,
                    method, operation)));
            }
        });
    }

    static String name(OpenAPI openApi, String path, PathItem.HttpMethod method, Operation operation) {
        List<String> segments = List.of(path.substring(PREFIX.length()).split("/"));
        boolean onOne = parameter(segments.getLast());
        // The records the path names: each followed by an id is one of them.
        var nouns = new ArrayList<String>();
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            if (parameter(segment)) {
                continue;
            }
            boolean last = i == segments.size() - 1;
            nouns.add(last && !onOne ? segment : singular(segment));
        }
        if (onOne) {
            return verb(method) + pascal(nouns);
        }
        String last = nouns.removeLast();
        return switch (method) {
            case GET -> page(openApi, operation)
                ? "list" + pascal(nouns) + pascal(List.of(last))
                : "get" + pascal(nouns) + pascal(List.of(last));
            case POST -> created(operation) || nouns.isEmpty()
                ? "create" + pascal(nouns) + pascal(List.of(singular(last)))
                : action(last, nouns);
            default -> verb(method) + pascal(nouns) + pascal(List.of(last));
        };
    }

    /** {@code change_card} on a subscription: changeSubscriptionCard; {@code cancel}: cancelSubscription. */
    private static String action(String segment, List<String> nouns) {
        String[] words = segment.split("_", 2);
        return words[0] + pascal(nouns) + (words.length > 1 ? pascal(List.of(words[1])) : "");
    }

    private static String verb(PathItem.HttpMethod method) {
        return switch (method) {
            case GET -> "get";
            case PATCH, PUT -> "update";
            case DELETE -> "delete";
            case POST -> "create";
            default -> method.name().toLowerCase(Locale.ROOT);
        };
    }

    private static boolean created(Operation operation) {
        return operation.getResponses() != null && operation.getResponses().containsKey("201");
    }

    /** Whether the operation answers a page of records ({@code data} and {@code has_more}). */
    private static boolean page(OpenAPI openApi, Operation operation) {
        var ok = operation.getResponses() == null ? null : operation.getResponses().get("200");
        if (ok == null || ok.getContent() == null || ok.getContent().isEmpty()) {
            return false;
        }
        Schema<?> schema = ok.getContent().values().iterator().next().getSchema();
        if (schema != null && schema.get$ref() != null && openApi.getComponents() != null
            && openApi.getComponents().getSchemas() != null) {
            schema = openApi.getComponents().getSchemas().get(schema.get$ref().substring(schema.get$ref()
                .lastIndexOf('/') + 1));
        }
        return schema != null && schema.getProperties() != null && schema.getProperties().containsKey("data")
            && schema.getProperties().containsKey("has_more");
    }

    private static boolean parameter(String segment) {
        return segment.startsWith("{");
    }

    private static String singular(String segment) {
        if (segment.endsWith("ies")) {
            return segment.substring(0, segment.length() - 3) + "y";
        }
        return segment.endsWith("s") ? segment.substring(0, segment.length() - 1) : segment;
    }

    /** {@code [webhook_endpoint, delivery]}: WebhookEndpointDelivery ({@code receipt.pdf}: ReceiptPdf). */
    private static String pascal(List<String> segments) {
        var name = new StringBuilder();
        for (String segment : segments) {
            for (String word : segment.split("[^A-Za-z0-9]+")) {
                if (!word.isEmpty()) {
                    name.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
                }
            }
        }
        return name.toString();
    }
}
