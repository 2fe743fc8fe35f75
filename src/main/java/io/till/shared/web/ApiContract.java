package io.till.shared.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.till.shared.ErrorCode;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * What the OpenAPI document says beyond what springdoc reads from the controllers, the same for every operation of
 * {@code /api/v1}: the RFC 9457 problem every failure answers (with the stable {@code code}s of {@link ErrorCode}),
 * which failures each operation can answer, the {@code Idempotency-Key} header every POST takes, and
 * {@code Retry-After} on a 503. A client generated from the document then handles errors and retries as the API does.
 */
@Component
class ApiContract implements OpenApiCustomizer {

    private final List<String> expandable;
    private final RecordShapes shapes;
    private final List<ParameterValues> parameterValues;

    ApiContract(List<Expandable> expandables, RecordShapes shapes, List<ParameterValues> parameterValues) {
        this.expandable = expandables.stream().map(Expandable::name).sorted().toList();
        this.shapes = shapes;
        this.parameterValues = List.copyOf(parameterValues);
    }

    static final String PROBLEM = "application/problem+json";
    private static final String PROBLEM_REF = "#/components/schemas/Problem";
    /** POSTs that can charge a card, and so answer 402 when it is declined. */
    private static final Pattern CHARGES = Pattern.compile(
        "/api/v1/(checkouts/\\{id}/purchases|orders|subscriptions|orders/\\{id}/upsells/\\{upsellId}/accept"
            + "|customers/\\{customerId}/payment_methods"
            + "|invoices/\\{id}/pay)");

    /**
     * Reads that can answer 409 because of the record's state (a backtest of an automation not started by events, a
     * receipt of an order or payment that paid nothing).
     */
    private static final Pattern STATEFUL_READS = Pattern.compile(
        "/api/v1/(automations/\\{id}/backtest|orders/\\{id}/receipt\\.pdf|payments/\\{id}/receipt\\.pdf)");

    /** What only a sandbox account may do: a live one is answered 403 live_mode. */
    private static final Pattern SANDBOX_ONLY = Pattern.compile(
        "/api/v1/(test_clock|test_clock/advance|payments/\\{id}/dispute)");

    @Override
    public void customise(OpenAPI openApi) {
        Components components = openApi.getComponents() == null ? new Components() : openApi.getComponents();
        openApi.setComponents(components);
        components.addSchemas("FieldError", new ObjectSchema()
            .description("One bad field of a request: every one is listed, not only the first.")
            .addProperty("field", new StringSchema().example("customer.email")
                .description("The path of the field, as sent (events[3].type, steps[0].params.to)"))
            .addProperty("code", new StringSchema().example("invalid_format"))
            .addProperty("message", new StringSchema().example("must be an email address"))
            .required(List.of("field", "code", "message")));
        components.addSchemas("Problem", new ObjectSchema()
            .description("RFC 9457 problem details. Branch on code, which is stable; detail is for people.")
            .addProperty("type", new StringSchema().example("urn:till:problem:validation_failed"))
            .addProperty("title", new StringSchema().example("Validation failed"))
            .addProperty("status", new IntegerSchema().example(400))
            .addProperty("detail", new StringSchema())
            .addProperty("instance", new StringSchema())
            .addProperty("code", new StringSchema()._enum(Arrays.stream(ErrorCode.values()).map(ErrorCode::code)
                .toList()))
            .addProperty("request_id", new StringSchema()
                .description("Quote it to support; the server's log line for the request carries it too"))
            .addProperty("errors", new ArraySchema().items(new Schema<>().$ref("#/components/schemas/FieldError")))
            .addProperty("decline_code", new StringSchema().example("insufficient_funds")
                .description("card_declined: the processor's code for the decline"))
            .addProperty("order_id", new StringSchema()
                .description("card_declined on a purchase or an upsell: the order the decline left"))
            .addProperty("payment_id", new StringSchema()
                .description("card_declined: the failed payment the decline left"))
            .addProperty("invoice_id", new StringSchema()
                .description("card_declined on paying an invoice: the invoice, still open"))
            .required(List.of("type", "title", "status", "code")));
        components.addParameters("IdempotencyKey", new HeaderParameter().name("Idempotency-Key").required(false)
            .description("Any unique string (1 to 255 printable ASCII characters). The same key with the same request "
                + "replays the first answer instead of doing it again, even after a crash; with another request it is "
                + "refused (422 idempotency_key_reused); while the first is still running, 409 "
                + "idempotency_request_in_progress. Keys are kept for 24 hours.")
            .schema(new StringSchema().minLength(1).maxLength(255)));
        if (openApi.getPaths() == null) {
            return;
        }
        RequestSchemas.split(openApi, components);
        openApi.getPaths().forEach((path, item) -> {
            if (path.startsWith("/api/v1/")) {
                item.readOperationsMap().forEach((method, operation) -> {
                    contract(path, method, operation);
                    if (method == PathItem.HttpMethod.GET) {
                        expand(components, operation);
                    }
                });
            }
        });
        answersAsWritten(openApi, components);
        parameterValues.forEach(declared -> {
            var item = openApi.getPaths().get(declared.path());
            if (item != null && item.getGet() != null && item.getGet().getParameters() != null) {
                item.getGet().getParameters().stream().filter(parameter -> declared.parameter().equals(parameter
                    .getName())).forEach(parameter -> parameter.setSchema(new StringSchema()._enum(
                        declared
                            .values())));
            }
        });
    }

    /**
     * The schemas of answers say what every answer holds: each property a record writes is {@code required} (present,
     * if null), and one that can be null says so ({@code "type": ["string", "null"]}). Requests have their own schemas
     * ({@link RequestSchemas}), left as they are: there a property may be left out.
     */
    private void answersAsWritten(OpenAPI openApi, Components components) {
        var answered = new TreeSet<String>();
        var asked = new TreeSet<String>();
        openApi.getPaths().values().forEach(item -> item.readOperations().forEach(operation -> {
            if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                operation.getRequestBody().getContent().values().forEach(media -> reach(components, media
                    .getSchema(), asked));
            }
            if (operation.getResponses() != null) {
                operation.getResponses().forEach((status, response) -> {
                    if (status.startsWith("2") && response.getContent() != null) {
                        response.getContent().values().forEach(media -> reach(components, media.getSchema(),
                            answered));
                    }
                });
            }
        }));
        answered.removeAll(asked);
        for (String name : answered) {
            Schema<?> schema = components.getSchemas().get(name);
            var shape = shapes.of(name);
            if (schema == null || schema.getProperties() == null || shape.isEmpty()) {
                continue;
            }
            var properties = new LinkedHashMap<String, Schema>(schema.getProperties());
            schema.setRequired(shape.get().present().stream().filter(properties::containsKey).toList());
            properties.replaceAll((property, described) -> shape.get().nullable().contains(property)
                ? orNull(described)
                : described);
            schema.setProperties(properties);
        }
    }

    /** The component schemas {@code schema} names, and those they name in turn, into {@code names}. */
    static void reach(Components components, Schema<?> schema, Set<String> names) {
        if (schema == null) {
            return;
        }
        if (schema.get$ref() != null) {
            String name = schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1);
            if (names.add(name) && components.getSchemas() != null) {
                reach(components, components.getSchemas().get(name), names);
            }
            return;
        }
        if (schema.getProperties() != null) {
            schema.getProperties().values().forEach(property -> reach(components, property, names));
        }
        reach(components, schema.getItems(), names);
        if (schema.getAdditionalProperties() instanceof Schema<?> values) {
            reach(components, values, names);
        }
        for (var parts : Arrays.asList(schema.getAllOf(), schema.getAnyOf(), schema.getOneOf())) {
            if (parts != null) {
                parts.forEach(part -> reach(components, part, names));
            }
        }
    }

    /** {@code described}, or null: a reference becomes "any of it or null"; a typed value adds the type "null". */
    private static Schema orNull(Schema<?> described) {
        if (described.get$ref() != null) {
            return new Schema<>().anyOf(List.of(new Schema<>().$ref(described.get$ref()), new Schema<>().types(Set.of(
                "null")))).description(described.getDescription());
        }
        var types = new LinkedHashSet<String>();
        if (described.getTypes() != null) {
            types.addAll(described.getTypes());
        } else if (described.getType() != null) {
            types.add(described.getType());
        }
        if (types.isEmpty()) {
            // No type: any JSON value, null among them.
            return described;
        }
        types.add("null");
        described.setTypes(types);
        return described;
    }

    private static void contract(String path, PathItem.HttpMethod method, Operation operation) {
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        operation.setResponses(responses);
        boolean takesInput = operation.getRequestBody() != null
            || operation.getParameters() != null && !operation.getParameters().isEmpty();
        // Every operation refuses a query parameter it does not take, and every POST a malformed Idempotency-Key.
        problem(responses, "400", (takesInput
            ? "The request is invalid: validation_failed lists every bad field in errors; malformed_request when it "
                + "cannot be read at all; "
            : "")
            + "validation_failed whose error has the code unknown_parameter: a query parameter this operation does "
            + "not take"
            + (method == PathItem.HttpMethod.POST
                ? "; idempotency_key_invalid: an Idempotency-Key that is not one"
                : "")
            + ".");
        problem(responses, "401", "The API key is missing, malformed, unknown or revoked (api_key_missing, "
            + "api_key_invalid, api_key_revoked).");
        if (SANDBOX_ONLY.matcher(path).matches()) {
            problem(responses, "403", "live_mode: only a sandbox account has this; a live account's money and time are "
                + "real.");
        }
        if (method == PathItem.HttpMethod.POST && path.equals("/api/v1/refunds")) {
            problem(responses, "502", "gateway_unavailable: the payment processor did not answer; the refund is "
                + "pending and settled later, and a retry with the same Idempotency-Key answers it. Or it was not "
                + "sent (the processor could not be reached, or the request was held up on its way): the refund "
                + "failed, nothing went back, and its amount can be refunded again.");
        }
        if (method == PathItem.HttpMethod.POST && CHARGES.matcher(path).matches()) {
            problem(responses, "402", "card_declined: the card was declined and nothing was charged; detail carries "
                + "the processor's reason, decline_code its code, and the problem names what the decline left: "
                + "order_id and payment_id (a purchase, an upsell), invoice_id and payment_id (pay now).");
            problem(responses, "502", "gateway_unavailable: the payment processor did not answer; the outcome is "
                + "settled later and a retry with the same Idempotency-Key answers it.");
        }
        if (path.contains("{") || operation.getRequestBody() != null) {
            problem(responses, "404", "not_found: no record of the path's id in this account (another account's id is "
                + "not found either), nor of the id a refund's payment_id or a run's event_id names. Another id in the "
                + "body that names nothing is a 400 validation_failed whose error on that field has the code "
                + "not_found, beside any other bad field.");
        }
        if (method != PathItem.HttpMethod.GET || STATEFUL_READS.matcher(path).matches()) {
            problem(responses, "409", "invalid_state: the record's status forbids this (detail says which)"
                + (method == PathItem.HttpMethod.POST
                    ? "; idempotency_request_in_progress while the first request with this Idempotency-Key runs"
                    : "")
                + (path.startsWith("/api/v1/customers") ? "; email_taken: another customer has this email" : "")
                + (CHARGES.matcher(path).matches() || path.contains("/invoices/") || path.contains("/subscriptions/")
                    || path.contains("/payment_plans/")
                        ? "; charge_in_progress: a charge of the same invoice or order is at the gateway, retry in a "
                            + "moment"
                        : "")
                + ".");
        }
        if (method == PathItem.HttpMethod.POST) {
            problem(responses, "422", "idempotency_key_reused: this Idempotency-Key was used with another request"
                + (path.equals("/api/v1/refunds") ? "; refund_declined: the processor refused the refund" : "")
                + (path.endsWith("/purchases") || path.endsWith("/accept") || path.equals("/api/v1/orders")
                    || path.equals("/api/v1/subscriptions")
                        ? "; amount_not_supported: the gateway cannot charge this total exactly in its currency (Stripe "
                            + "takes KWD, BHD, JOD, OMR and TND only in tens of their minor unit), nothing was charged"
                        : "")
                + ".");
            boolean declared = operation.getParameters() != null && operation.getParameters().stream()
                .anyMatch(parameter -> "Idempotency-Key".equalsIgnoreCase(parameter.getName())
                    || "#/components/parameters/IdempotencyKey".equals(parameter.get$ref()));
            if (!declared) {
                operation.addParametersItem(new Parameter().$ref("#/components/parameters/IdempotencyKey"));
            }
        }
        if (!responses.containsKey("503")) {
            responses.addApiResponse("503", new ApiResponse()
                .description("database_unavailable or busy: nothing was done; retry after the seconds of "
                    + "Retry-After. service_unavailable or gateway_not_configured (no Retry-After): this Till is not "
                    + "set up for it (a live account without a Stripe key, say); retrying will not help.")
                .addHeaderObject("Retry-After", new Header().schema(new IntegerSchema())
                    .description("Seconds to wait before retrying, when retrying helps"))
                .content(problemContent()));
        }
    }

    /** {@code expand} on a read whose records name others by id (customer_id, order_id …) that can be expanded. */
    private void expand(Components components, Operation operation) {
        var schema = answered(components, operation);
        if (schema == null || schema.getProperties() == null) {
            return;
        }
        if (schema.getProperties().get("data") instanceof ArraySchema list && schema.getProperties().containsKey(
            "has_more")) {
            schema = resolve(components, list.getItems());
        }
        if (schema == null || schema.getProperties() == null) {
            return;
        }
        var fields = schema.getProperties().keySet();
        List<String> names = expandable.stream().filter(name -> fields.contains(name + "_id")).toList();
        if (names.isEmpty()) {
            return;
        }
        // What an expansion adds is in the answer only when asked for: optional, and null when its id names nothing.
        for (String name : names) {
            if (!schema.getProperties().containsKey(name)) {
                schema.addProperty(name, new Schema<>().anyOf(List.of(expanded(components, name), new Schema<>()
                    .types(Set.of("null")))).description("With expand=" + name + ": the record " + name
                        + "_id names"));
            }
        }
        operation.addParametersItem(new Parameter().in("query").name("expand").required(false)
            .description("Records to carry in place of their ids, comma-separated: each of " + String.join(", ",
                names) + " adds that record beside its _id field (null when it names nothing).")
            .schema(new ArraySchema().items(new StringSchema()._enum(names)))
            .style(Parameter.StyleEnum.FORM).explode(false));
    }

    /** The schema of the record {@code name} expands to ({@code payment_plan}: PaymentPlan), or any object. */
    private static Schema<?> expanded(Components components, String name) {
        var schemaName = new StringBuilder();
        for (String word : name.split("_")) {
            schemaName.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return components.getSchemas() != null && components.getSchemas().containsKey(schemaName.toString())
            ? new Schema<>().$ref("#/components/schemas/" + schemaName)
            : new ObjectSchema();
    }

    private static Schema<?> answered(Components components, Operation operation) {
        var ok = operation.getResponses() == null ? null : operation.getResponses().get("200");
        if (ok == null || ok.getContent() == null || ok.getContent().isEmpty()) {
            return null;
        }
        return resolve(components, ok.getContent().values().iterator().next().getSchema());
    }

    private static Schema<?> resolve(Components components, Schema<?> schema) {
        if (schema == null || schema.get$ref() == null) {
            return schema;
        }
        String name = schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1);
        return components.getSchemas() == null ? null : components.getSchemas().get(name);
    }

    private static void problem(ApiResponses responses, String status, String description) {
        if (!responses.containsKey(status)) {
            responses.addApiResponse(status, new ApiResponse().description(description).content(problemContent()));
        }
    }

    private static Content problemContent() {
        return new Content().addMediaType(PROBLEM, new MediaType().schema(new Schema<>().$ref(PROBLEM_REF)));
    }
}
