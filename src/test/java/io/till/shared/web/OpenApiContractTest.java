package io.till.shared.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.shared.ErrorCode;
import io.till.testing.Api;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document is the API's contract (PRODUCT §8): every operation the API serves is in it, named, with its
 * success answer (201 for what creates), the problems it can answer, the Idempotency-Key every POST takes, and no
 * reference to a schema that is not there (two types of one name would silently share one).
 */
@TillIntegrationTest
class OpenApiContractTest {

    @Autowired
    Api api;
    @Autowired
    io.till.testing.Shops shops;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private JsonNode document() {
        var document = api.get("/v3/api-docs", null);
        assertThat(document.status()).isEqualTo(200);
        return document.json();
    }

    /** "POST /api/v1/customers" for every operation of the API the document lists. */
    private static Set<String> documented(JsonNode document) {
        var operations = new TreeSet<String>();
        document.get("paths").properties().forEach(path -> path.getValue().propertyNames().forEach(method -> operations
            .add(method.toUpperCase() + " " + path.getKey())));
        return operations;
    }

    /** An integrating developer reads what an invoice's attempt_count counts: the charges staff see listed. */
    @Test
    void theInvoicesAttemptCountSaysItCountsEveryChargeTriedAsTheDashboardDoes() {
        var attemptCount = document().get("components").get("schemas").get("Invoice").get("properties")
            .get("attempt_count");

        assertThat(attemptCount.get("description").asString()).contains("retry_payment of an automation")
            .contains("the number the dashboard shows");
    }

    /** An integrating developer finds which invoice a payment was for, and how to list an invoice's charges. */
    @Test
    void thePaymentSaysWhichInvoiceItWasForAndTheListFiltersByIt() {
        var document = document();
        var invoiceId = document.get("components").get("schemas").get("Payment").get("properties").get("invoice_id");
        var list = document.get("paths").get("/api/v1/payments").get("get");
        var parameters = new TreeSet<String>();
        list.get("parameters").forEach(parameter -> parameters.add(parameter.get("name").asString()));

        assertThat(invoiceId).as("Payment.invoice_id").isNotNull();
        assertThat(invoiceId.get("description").asString()).contains("attempt_count").contains("null");
        assertThat(parameters).contains("invoice_id");
        assertThat(list.get("description").asString()).contains("invoice_id");
    }

    @Test
    void everyOperationTheApiServesIsDocumented() {
        var served = new TreeSet<String>();
        mappings.getHandlerMethods().forEach((info, handler) -> info.getPatternValues().stream()
            // The test support controllers exist only in tests, and hide themselves from the document.
            .filter(pattern -> pattern.startsWith("/api/v1/") && !pattern.startsWith("/api/v1/test_support/"))
            .forEach(pattern -> info.getMethodsCondition().getMethods().forEach(method -> served.add(method.name() + " "
                + pattern))));

        assertThat(served).hasSizeGreaterThan(100);
        assertThat(documented(document())).containsAll(served);
    }

    @Test
    void everyOperationIsNamedAndAnswersItsSuccessAndItsProblems() {
        JsonNode document = document();
        var missing = new ArrayList<String>();
        document.get("paths").properties().forEach(path -> path.getValue().properties().forEach(entry -> {
            String operation = entry.getKey().toUpperCase() + " " + path.getKey();
            JsonNode op = entry.getValue();
            JsonNode responses = op.get("responses");
            if (op.path("summary").asString("").isBlank()) {
                missing.add(operation + ": summary");
            }
            if (responses.propertyNames().stream().noneMatch(code -> code.startsWith("2"))) {
                missing.add(operation + ": a 2xx answer");
            }
            // Every operation refuses a query parameter it does not take: a 400 for each.
            List<String> problems = new ArrayList<>(List.of("400", "401", "503"));
            if (path.getKey().contains("{")) {
                problems.add("404");
            }
            if (!entry.getKey().equals("get")) {
                problems.add("409");
            }
            for (String status : problems) {
                JsonNode problem = responses.path(status).path("content").path("application/problem+json")
                    .path("schema").path("$ref");
                if (!problem.asString("").equals("#/components/schemas/Problem")) {
                    missing.add(operation + ": " + status + " problem");
                }
            }
            if (entry.getKey().equals("post") && !op.path("parameters").toString().contains(
                "#/components/parameters/IdempotencyKey")) {
                missing.add(operation + ": Idempotency-Key");
            }
        }));

        assertThat(missing).isEmpty();
    }

    /** The Idempotency-Key is read on POSTs only: no other method's contract promises what it does. */
    @Test
    void onlyAPostPromisesWhatAnIdempotencyKeyDoes() {
        JsonNode document = document();
        var promised = new ArrayList<String>();
        document.get("paths").properties().forEach(path -> path.getValue().properties().forEach(entry -> {
            if (!entry.getKey().equals("post") && entry.getValue().path("responses").toString().contains(
                "idempotency")) {
                promised.add(entry.getKey().toUpperCase() + " " + path.getKey());
            }
        }));

        assertThat(promised).isEmpty();
        assertThat(document.at("/paths/~1api~1v1~1account/get/responses/400/description").asString())
            .contains("unknown_parameter");
    }

    @Test
    void whatCreatesIsDocumentedAs201AsItAnswers() {
        JsonNode paths = document().get("paths");

        for (String created : List.of("/api/v1/customers", "/api/v1/products", "/api/v1/automations",
            "/api/v1/events", "/api/v1/checkouts/{id}/purchases", "/api/v1/portal_sessions")) {
            JsonNode responses = paths.get(created).get("post").get("responses");
            assertThat(responses.has("201")).as(created).isTrue();
            assertThat(responses.has("200")).as(created).isFalse();
            assertThat(responses.get("201").path("content").toString()).as(created + " describes what it creates")
                .contains("\"$ref\":\"#/components/schemas/");
        }
        // What an operation answers beyond the general rules: a backtest of an automation not started by events is
        // 409; a refund of a payment id (in the body) that is not this account's is 404.
        assertThat(paths.get("/api/v1/automations/{id}/backtest").get("get").get("responses").has("409")).isTrue();
        assertThat(paths.get("/api/v1/refunds").get("post").get("responses").has("404")).isTrue();
        var key = api.post("/api/v1/customers", null, "{}");
        assertThat(key.status()).isEqualTo(401);
    }

    /**
     * A generated client reads a success as JSON only when the document says so: a content type of {@code *}/{@code *} made some generators treat
     * every answer as a string. A DELETE that answers 204 is documented as 204, with no body to read.
     */
    @Test
    void successesAreDocumentedAsJsonAndDeletesWithTheStatusTheyAnswer() {
        JsonNode paths = document().get("paths");
        var notJson = new TreeSet<String>();
        paths.properties().forEach(path -> path.getValue().properties().forEach(entry -> entry.getValue().get(
            "responses").properties().stream().filter(status -> status.getKey().startsWith("2")).forEach(
                status -> status.getValue().path("content").propertyNames().stream().filter(type -> type.equals(
                    "*/*")).forEach(type -> notJson.add(entry.getKey().toUpperCase() + " " + path.getKey())))));
        assertThat(notJson).isEmpty();

        for (String deleted : List.of("/api/v1/webhook_endpoints/{id}", "/api/v1/integrations/{type}",
            "/api/v1/customers/{customerId}/payment_methods/{cardId}")) {
            JsonNode responses = paths.get(deleted).get("delete").get("responses");
            assertThat(responses.has("204")).as(deleted).isTrue();
            assertThat(responses.has("200")).as(deleted).isFalse();
        }
    }

    /**
     * A client generated from the document reads real answers: every property an answer's schema lists as required is
     * in the answer, and every null in it is allowed by its property's schema (a probe found no property marked as able
     * to be null, while answers were full of nulls). Request bodies keep their properties optional.
     */
    @Test
    void answersSchemasSayWhatIsAlwaysThereAndWhatMayBeNull() {
        JsonNode schemas = document().get("components").get("schemas");
        var shop = shops.open();
        String customer = shops.customer(shop);
        var answers = new java.util.LinkedHashMap<String, JsonNode>();
        answers.put("Customer", api.get("/api/v1/customers/" + customer, shop.apiKey()).json());
        String product = api.get("/api/v1/checkouts/" + shop.checkoutId(), shop.apiKey()).json().get("product_id")
            .asString();
        answers.put("Product", api.get("/api/v1/products/" + product, shop.apiKey()).json());
        answers.put("ProductOption", answers.get("Product").get("options").get(0));
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "nulls@example.com");
        answers.put("Order", api.get("/api/v1/orders/" + order.get("id").asString(), shop.apiKey()).json());
        answers.put("Subscription", api.get("/api/v1/subscriptions/" + order.get("subscription_id").asString(), shop
            .apiKey()).json());

        var wrong = new java.util.ArrayList<String>();
        answers.forEach((name, answer) -> {
            JsonNode schema = schemas.get(name);
            schema.path("required").forEach(required -> {
                if (!answer.has(required.asString())) {
                    wrong.add(name + "." + required.asString() + " is required but missing");
                }
            });
            answer.properties().forEach(field -> {
                JsonNode property = schema.path("properties").path(field.getKey());
                if (field.getValue().isNull() && !property.isMissingNode() && !property.toString().contains(
                    "\"null\"")) {
                    wrong.add(name + "." + field.getKey() + " is null but not nullable: " + property);
                }
            });
        });
        assertThat(wrong).isEmpty();
        assertThat(answers.get("Customer").get("phone").isNull()).as("the case is tried").isTrue();
        assertThat(schemas.get("Customer").get("properties").get("id").get("type").asString()).isEqualTo("string");
        assertThat(schemas.get("Customer").get("required")).isNotEmpty();
        assertThat(schemas.get("CustomerChange").has("required")).as("a change's fields stay optional").isFalse();
        // A PUT that takes what its GET answers takes its own copy, whose fields stay optional.
        assertThat(schemas.get("Branding").get("required")).isNotEmpty();
        assertThat(schemas.get("BrandingInput").has("required")).as("a PUT's fields stay optional").isFalse();
        assertThat(schemas.get("BillingAddressInput").get("required").toString()).isEqualTo("[\"country\"]");
    }

    /**
     * A generated client checks nulls as the document says: a list or a map in an answer is never null (an empty one is
     * [] or {}), nor a settings flag that always has a value, so none is marked nullable (a probe found every list and
     * flag marked so, and a client made every one optional). A flag that may be null says why here.
     */
    @Test
    void listsMapsAndFlagsOfAnswersAreNotMarkedNullableUnlessTheyCanBeNull() {
        JsonNode schemas = document().get("components").get("schemas");
        // null until a payment is declined: then true or false.
        var nullableFlags = Set.of("Payment.hard_decline");
        var wrong = new TreeSet<String>();
        int answers = 0;
        for (var schema : schemas.properties()) {
            if (!schema.getValue().has("required") || schema.getKey().endsWith(RequestSchemas.SUFFIX)
                || schema.getKey().equals("Problem")) {
                continue; // not an answer's schema: a request's properties may be left out or null
            }
            answers++;
            for (var property : schema.getValue().path("properties").properties()) {
                String types = property.getValue().path("type").toString();
                String name = schema.getKey() + "." + property.getKey();
                boolean map = types.contains("\"object\"") && property.getValue().has("additionalProperties");
                if (types.contains("\"null\"") && (types.contains("\"array\"") || map || types.contains(
                    "\"boolean\"") && !nullableFlags.contains(name))) {
                    wrong.add(name + " " + types);
                }
            }
        }
        assertThat(answers).isGreaterThan(20);
        assertThat(wrong).isEmpty();
        for (String flag : List.of("PortalSettings.self_cancel", "ReceiptEmails.initial_order", "Customer.tags",
            "Order.items", "WebhookEndpoint.event_types", "Customer.metadata")) {
            String[] at = flag.split("\\.");
            assertThat(schemas.get(at[0]).get("required").toString()).as(flag).contains("\"" + at[1] + "\"");
        }
        assertThat(schemas.at("/Payment/properties/hard_decline/type").toString()).contains("\"null\"");
    }

    /**
     * POST /api/v1/automations takes a definition or a template reference, and the document says so with oneOf; a PUT
     * takes a definition alone.
     */
    @Test
    void anAutomationIsCreatedFromADefinitionOrATemplateReference() {
        JsonNode document = document();
        JsonNode create = document
            .at("/paths/~1api~1v1~1automations/post/requestBody/content/application~1json/schema");
        JsonNode update = document.at(
            "/paths/~1api~1v1~1automations~1{id}/put/requestBody/content/application~1json/schema");
        JsonNode schemas = document.get("components").get("schemas");

        var alternatives = new TreeSet<String>();
        create.path("oneOf").forEach(alternative -> alternatives.add(alternative.path("$ref").asString()));
        assertThat(alternatives).containsExactly("#/components/schemas/AutomationDefinition",
            "#/components/schemas/AutomationTemplateReference");
        assertThat(update.path("$ref").asString()).isEqualTo("#/components/schemas/AutomationDefinition");
        assertThat(schemas.at("/AutomationDefinition/required").toString()).contains("\"name\"", "\"trigger\"",
            "\"steps\"");
        assertThat(schemas.at("/AutomationTemplateReference/required").toString()).isEqualTo("[\"template\"]");
        assertThat(schemas.at("/AutomationTemplateReference/additionalProperties").asBoolean(true)).isFalse();
    }

    /**
     * A client generated from the document reads every real answer: each answer's status is one the document lists
     * for its operation (a replay answered 202 where only 200 was documented), and its body has every property its
     * schema requires, declares every property it carries (an expanded customer, a declined purchase's order_id) and
     * allows every null it holds. Checked on answers of many kinds, read as a client would read them.
     */
    @Test
    void realAnswersAreWhatTheDocumentSays() {
        JsonNode document = document();
        var shop = shops.open();
        String key = shop.apiKey();
        String customer = shops.customer(shop);
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "answers@example.com");
        var wrong = new ArrayList<String>();

        conforms(document, "GET", "/api/v1/customers/{id}", api.get("/api/v1/customers/" + customer, key), wrong);
        conforms(document, "GET", "/api/v1/customers", api.get("/api/v1/customers", key), wrong);
        // Every name each read can expand, expanded.
        var reads = new java.util.LinkedHashMap<String, String>();
        reads.put("/api/v1/orders/{id}", "/api/v1/orders/" + order.get("id").asString());
        reads.put("/api/v1/orders", "/api/v1/orders");
        reads.put("/api/v1/subscriptions/{id}", "/api/v1/subscriptions/" + order.get("subscription_id").asString());
        reads.put("/api/v1/subscriptions", "/api/v1/subscriptions");
        reads.put("/api/v1/payments", "/api/v1/payments");
        reads.put("/api/v1/invoices", "/api/v1/invoices");
        reads.forEach((template, path) -> {
            var names = new ArrayList<String>();
            document.at("/paths/" + template.replace("/", "~1") + "/get/parameters").forEach(parameter -> {
                if (parameter.path("name").asString("").equals("expand")) {
                    parameter.at("/schema/items/enum").forEach(name -> names.add(name.asString()));
                }
            });
            assertThat(names).as(template + " expands").isNotEmpty();
            conforms(document, "GET", template, api.get(path + "?expand=" + String.join(",", names), key), wrong);
        });

        var endpoint = api.post("/api/v1/webhook_endpoints", key, """
            {"url": "https://hooks.example.com/till", "event_types": ["acme.unused"]}""");
        conforms(document, "POST", "/api/v1/webhook_endpoints", endpoint, wrong);
        String endpointPath = "/api/v1/webhook_endpoints/" + endpoint.json().get("id").asString();
        var delivery = api.post(endpointPath + "/test", key, null);
        conforms(document, "POST", "/api/v1/webhook_endpoints/{id}/test", delivery, wrong);
        String deliveryPath = endpointPath + "/deliveries/" + delivery.json().get("id").asString();
        conforms(document, "GET", "/api/v1/webhook_endpoints/{id}/deliveries", api.get(endpointPath + "/deliveries",
            key), wrong);
        conforms(document, "GET", "/api/v1/webhook_endpoints/{id}/deliveries/{deliveryId}", api.get(deliveryPath,
            key), wrong);
        conforms(document, "POST", "/api/v1/webhook_endpoints/{id}/deliveries/{deliveryId}/replay", api.post(
            deliveryPath + "/replay", key, null), wrong);

        var automation = api.post("/api/v1/automations", key, """
            {"name": "Wait a day", "trigger": {"type": "manual"},
             "steps": [{"id": "wait", "type": "delay", "duration": "P1D"}]}""");
        conforms(document, "POST", "/api/v1/automations", automation, wrong);
        String automationPath = "/api/v1/automations/" + automation.json().get("id").asString();
        conforms(document, "POST", "/api/v1/automations/{id}/activate", api.post(automationPath + "/activate", key,
            null), wrong);
        var run = api.post(automationPath + "/run", key, "{\"customer_id\": \"" + customer + "\"}");
        conforms(document, "POST", "/api/v1/automations/{id}/run", run, wrong);
        conforms(document, "GET", "/api/v1/executions", api.get("/api/v1/executions", key), wrong);
        conforms(document, "GET", "/api/v1/executions/{id}", api.get("/api/v1/executions/" + run.json().get("id")
            .asString(), key), wrong);

        // Settings read back as they were put: each answer's schema is the answer's own, not the request body's
        // (whose fields a PUT may leave out), so a null in an answer is declared as one.
        conforms(document, "GET", "/api/v1/account/branding", api.get("/api/v1/account/branding", key), wrong);
        conforms(document, "GET", "/api/v1/portal_settings", api.get("/api/v1/portal_settings", key), wrong);
        conforms(document, "GET", "/api/v1/retry_schedule", api.get("/api/v1/retry_schedule", key), wrong);
        var addressed = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", key, """
            {"customer_id": "%s", "token": "pm_card_visa", "option_id": "%s", "billing_address": {"country": "DE"}}"""
            .formatted(customer, shop.monthly()));
        assertThat(addressed.status()).as(addressed.text()).isEqualTo(201);
        var addressedOrder = api.get("/api/v1/orders/" + addressed.json().get("id").asString(), key);
        assertThat(addressedOrder.json().at("/billing_address/city").isNull()).as("the case is tried").isTrue();
        conforms(document, "GET", "/api/v1/orders/{id}", addressedOrder, wrong);

        var declined = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", key, """
            {"customer_id": "%s", "token": "pm_card_chargeDeclinedInsufficientFunds", "option_id": "%s"}"""
            .formatted(customer, shop.monthly()));
        assertThat(declined.status()).as(declined.text()).isEqualTo(402);
        assertThat(declined.json().has("decline_code")).as("the case is tried").isTrue();
        conforms(document, "POST", "/api/v1/checkouts/{id}/purchases", declined, wrong);

        assertThat(wrong).isEmpty();
    }

    /** Where {@code answer} disagrees with what the document says {@code method template} answers, into wrong. */
    private static void conforms(JsonNode document, String method, String template, Api.Response answer,
        List<String> wrong) {
        String operation = method + " " + template;
        JsonNode responses = document.at("/paths/" + template.replace("/", "~1") + "/" + method.toLowerCase()
            + "/responses");
        assertThat(responses.isObject()).as(operation + " is documented").isTrue();
        String status = Integer.toString(answer.status());
        if (!responses.has(status)) {
            wrong.add(operation + " answered " + status + ", documented " + responses.propertyNames());
            return;
        }
        if (answer.text() == null || answer.text().isBlank()) {
            return;
        }
        JsonNode content = responses.get(status).path("content");
        JsonNode schema = content.path(answer.status() < 300 ? "application/json" : ApiContract.PROBLEM).path(
            "schema");
        if (schema.isMissingNode()) {
            wrong.add(operation + " " + status + " has no JSON schema");
            return;
        }
        disagreements(document, schema, answer.json(), operation + " " + status, wrong);
    }

    /**
     * Where {@code value} disagrees with {@code schema}: a required property missing, a property the schema does not
     * declare, a null or a type it does not allow.
     */
    private static void disagreements(JsonNode document, JsonNode schema, JsonNode value, String at,
        List<String> wrong) {
        if (schema.has("$ref")) {
            disagreements(document, document.at(schema.get("$ref").asString().substring(1)), value, at, wrong);
            return;
        }
        JsonNode alternatives = schema.has("anyOf") ? schema.get("anyOf") : schema.get("oneOf");
        if (alternatives != null) {
            List<String> closest = null;
            for (JsonNode alternative : alternatives) {
                var found = new ArrayList<String>();
                disagreements(document, alternative, value, at, found);
                if (closest == null || found.size() < closest.size()) {
                    closest = found;
                }
            }
            wrong.addAll(closest);
            return;
        }
        if (value.isNull()) {
            boolean anyJson = !schema.has("type") && !schema.has("properties") && !schema.has("items");
            if (!anyJson && !schema.path("type").toString().contains("\"null\"")) {
                wrong.add(at + " is null, which its schema does not allow: " + schema);
            }
            return;
        }
        String kind = value.isObject()
            ? "object"
            : value.isArray()
                ? "array"
                : value.isString()
                    ? "string"
                    : value.isBoolean() ? "boolean" : value.isIntegralNumber() ? "integer" : "number";
        String types = schema.path("type").toString();
        if (schema.has("type") && !types.contains("\"" + kind + "\"") && !(kind.equals("integer") && types.contains(
            "\"number\""))) {
            // An alternative of another type (the "null" beside a billing address) is not a match for it.
            wrong.add(at + " is " + kind + ", which its schema does not allow: " + schema);
            return;
        }
        if (value.isObject() && schema.has("properties")) {
            schema.path("required").forEach(required -> {
                if (!value.has(required.asString())) {
                    wrong.add(at + "." + required.asString() + " is required but missing");
                }
            });
            value.properties().forEach(field -> {
                JsonNode property = schema.get("properties").get(field.getKey());
                if (property == null) {
                    if (!schema.has("additionalProperties")) {
                        wrong.add(at + "." + field.getKey() + " is answered but not declared");
                    }
                } else {
                    disagreements(document, property, field.getValue(), at + "." + field.getKey(), wrong);
                }
            });
        } else if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < Math.min(value.size(), 3); i++) {
                disagreements(document, schema.get("items"), value.get(i), at + "[" + i + "]", wrong);
            }
        }
    }

    /**
     * A generated client names its methods after operationIds: each is unique and says what it does (listOrders,
     * createCustomer), never springdoc's list_7 for the eighth method named list.
     */
    @Test
    void everyOperationHasAUniqueMeaningfulId() {
        var ids = new ArrayList<String>();
        document().get("paths").properties().forEach(path -> path.getValue().properties().forEach(entry -> ids.add(
            entry.getValue().path("operationId").asString(""))));

        assertThat(ids).hasSizeGreaterThan(100).doesNotHaveDuplicates();
        assertThat(ids).allMatch(id -> id.matches("[a-z]+[A-Z][A-Za-z]*"), "a verb and what it acts on, camelCase");
        assertThat(ids).contains("listOrders", "createCustomer", "getCustomer", "updateCustomer",
            "replayWebhookEndpointDelivery", "cancelSubscription", "deleteWebhookEndpoint");
    }

    /** The Location a create answers with can be read: each collection that creates has a GET of one record. */
    @Test
    void everyCollectionThatCreatesCanReadWhatItCreated() throws Exception {
        JsonNode paths = document().get("paths");
        // The collections whose creates answer Location /api/v1/<collection>/<id>, from the code itself.
        var located = new TreeSet<String>();
        try (var sources = java.nio.file.Files.walk(java.nio.file.Path.of("src/main/java"))) {
            for (var source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                var matcher = java.util.regex.Pattern.compile("URI\\.create\\(\"/api/v1/([a-z_]+)/\"").matcher(
                    java.nio.file.Files.readString(source));
                while (matcher.find()) {
                    located.add(matcher.group(1));
                }
            }
        }
        assertThat(located).hasSizeGreaterThan(10);
        var unreadable = new TreeSet<String>();
        for (String collection : located) {
            boolean readable = paths.propertyNames().stream().anyMatch(path -> path.matches("/api/v1/" + collection
                + "/\\{[A-Za-z]+}") && paths.get(path).has("get"));
            if (!readable) {
                unreadable.add(collection);
            }
        }
        assertThat(unreadable).isEmpty();
    }

    /**
     * What a create cannot do without is marked required in its request body's schema, exactly: the fields the server
     * names "required" when sent an empty object (a probe found 6 of 112 schemas with a required list).
     */
    @Test
    void aCreatesRequiredFieldsAreTheOnesTheServerAsksFor() {
        JsonNode document = document();
        var shop = shops.open();
        String customer = shops.customer(shop);
        var creates = List.of("/api/v1/customers", "/api/v1/products", "/api/v1/checkouts", "/api/v1/promo_codes",
            "/api/v1/subscription_groups", "/api/v1/refunds", "/api/v1/webhook_endpoints",
            "/api/v1/checkouts/{id}/purchases", "/api/v1/orders", "/api/v1/subscriptions", "/api/v1/tasks",
            "/api/v1/portal_sessions", "/api/v1/customers/{id}/credits",
            "/api/v1/customers/{customerId}/payment_methods",
            "/api/v1/events", "/api/v1/usage", "/api/v1/integrations",
            "/api/v1/subscriptions/{id}/change_card", "/api/v1/payment_plans/{id}/change_card");
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "required@example.com");
        String plan = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer_id": "%s", "token": "pm_card_visa", "option_id": "%s"}""".formatted(customer, shop.plan()))
            .json().get("payment_plan_id").asString();
        var differences = new ArrayList<String>();
        for (String create : creates) {
            String path = create.replace("/checkouts/{id}", "/checkouts/" + shop.checkoutId())
                .replace("/subscriptions/{id}", "/subscriptions/" + order.get("subscription_id").asString())
                .replace("/payment_plans/{id}", "/payment_plans/" + plan)
                .replace("{id}", customer)
                .replace("{customerId}", customer);
            var answer = api.post(path, shop.apiKey(), "{}");
            var asked = new TreeSet<String>();
            if (answer.status() == 400) {
                answer.json().path("errors").forEach(error -> {
                    if (error.get("code").asString().equals("required") && !error.get("field").asString().contains(
                        ".")) {
                        asked.add(error.get("field").asString());
                    }
                });
            }
            JsonNode body = document.at("/paths/" + create.replace("/", "~1") + "/post/requestBody/content");
            JsonNode schema = body.path("application/json").path("schema");
            String ref = schema.path("$ref").asString("");
            JsonNode resolved = ref.isEmpty() ? schema : document.at(ref.substring(1));
            var marked = new TreeSet<String>();
            resolved.path("required").forEach(field -> marked.add(field.asString()));
            // One of two (customer_id or customer, percent_off or amount_off) or needed only sometimes (a card, unless
            // the customer has a default one): not required of every request.
            if (create.endsWith("/purchases")) {
                asked.removeAll(List.of("customer_id", "payment_method_id"));
            } else if (create.endsWith("/promo_codes")) {
                asked.remove("percent_off");
            }
            if (!marked.containsAll(asked) || marked.isEmpty() && answer.status() == 400) {
                differences.add(create + ": the server asks for " + asked + ", the document marks " + marked);
            }
        }
        assertThat(differences).isEmpty();
    }

    /** Each list's status filter lists its values in the document, the very ones the server's refusal names. */
    @Test
    void everyStatusFilterListsTheValuesTheServerTakes() {
        JsonNode paths = document().get("paths");
        String key = shops.open().apiKey();
        var differences = new ArrayList<String>();
        int lists = 0;
        for (var path : paths.properties()) {
            JsonNode get = path.getValue().path("get");
            for (JsonNode parameter : get.path("parameters")) {
                if (!parameter.path("name").asString("").equals("status") || path.getKey().contains("{")) {
                    continue;
                }
                lists++;
                var documented = new TreeSet<String>();
                parameter.path("schema").path("enum").forEach(value -> documented.add(value.asString()));
                var refused = api.get(path.getKey() + "?status=zzz", key);
                assertThat(refused.status()).as(path.getKey()).isEqualTo(400);
                String message = refused.json().at("/errors/0/message").asString();
                var taken = new TreeSet<>(List.of(message.replaceFirst("^must be one of ", "").replaceAll(
                    "[\\[\\]]", "").split(",\\s*")));
                if (!documented.equals(taken)) {
                    differences.add(path.getKey() + ": documented " + documented + ", taken " + taken);
                }
            }
        }
        assertThat(lists).isGreaterThanOrEqualTo(9);
        assertThat(differences).isEmpty();
    }

    @Test
    void theProblemCodesAreTheApisAndEveryReferenceResolves() {
        JsonNode document = document();
        JsonNode schemas = document.get("components").get("schemas");
        var codes = new TreeSet<String>();
        schemas.get("Problem").get("properties").get("code").get("enum").forEach(code -> codes.add(code.asString()));
        assertThat(codes).isEqualTo(new TreeSet<>(Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList()));

        var dangling = new TreeSet<String>();
        collectRefs(document, dangling);
        dangling.removeIf(ref -> ref.startsWith("#/components/schemas/") && schemas.has(ref.substring(
            "#/components/schemas/".length())) || ref.startsWith("#/components/parameters/") && document
                .get(
                    "components")
                .get("parameters").has(ref.substring("#/components/parameters/".length())));
        assertThat(dangling).isEmpty();
        // Free JSON is any JSON, not Jackson's node class described as a bean.
        assertThat(document.toString()).doesNotContain("\"node_type\"", "\"missing_node\"");
        // Two answers that were both a record named Result: each has its own schema.
        assertThat(schemas.get("DryRun").get("properties").has("steps")).isTrue();
        assertThat(schemas.get("Backtest").get("properties").has("would_start")).isTrue();
    }

    private static void collectRefs(JsonNode node, Set<String> refs) {
        if (node.isObject()) {
            node.properties().forEach(entry -> {
                if (entry.getKey().equals("$ref")) {
                    refs.add(entry.getValue().asString());
                } else {
                    collectRefs(entry.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, refs));
        }
    }
}
