package io.till.shared.web;

import static io.till.shared.web.ApiErrorsTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Requests no client should send: each is refused with a problem naming what is wrong, never a 500. */
@TillIntegrationTest
class MalformedInputTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    Shops shops;

    @Test
    void refusesAQueryParameterThatIsNotUtf8() {
        String key = accounts.create().apiKey();

        var truncated = api.get("/api/v1/customers?query=%C3%28", key);
        var notUtf8 = api.get("/api/v1/tasks?customer_id=%FF", key);

        assertProblem(truncated, 400, "validation_failed");
        assertThat(truncated.json().get("errors").get(0).get("field").asString()).isEqualTo("query");
        assertThat(truncated.json().get("errors").get(0).get("code").asString()).isEqualTo("invalid_encoding");
        assertProblem(notUtf8, 400, "validation_failed");
        assertThat(notUtf8.json().get("errors").get(0).get("field").asString()).isEqualTo("customer_id");
    }

    /** A number where one is expected is said in a client's words, not as a Java type ("must be a valid int"). */
    @Test
    void aParameterOfTheWrongKindIsRefusedInTheClientsWords() {
        var store = accounts.create();
        String automation = api.post("/api/v1/automations", store.apiKey(), "{\"template\": \"payment_dunning\"}")
            .json().get("id").asString();

        var response = api.post("/api/v1/automations/" + automation + "/versions/two/restore", store.apiKey(), null);

        assertProblem(response, 400, "validation_failed");
        assertThat(response.json().get("errors").get(0).get("code").asString()).isEqualTo("invalid_type");
        assertThat(response.json().get("errors").get(0).get("message").asString()).isEqualTo(
            "must be a whole number");
    }

    @Test
    void refusesAQueryParameterValueWithoutAName() {
        var response = api.get("/api/v1/events?type=a.b&=101", accounts.create().apiKey());

        assertProblem(response, 400, "validation_failed");
        assertThat(response.json().get("errors").get(0).get("code").asString()).isEqualTo("missing_name");
    }

    @Test
    void refusesTheNulCharacterInAQueryParameter() {
        var response = api.get("/api/v1/subscriptions?customer_id=cus_%00", accounts.create().apiKey());

        assertProblem(response, 400, "validation_failed");
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("customer_id");
        assertThat(response.json().get("errors").get(0).get("code").asString()).isEqualTo("invalid_character");
    }

    @Test
    void refusesTheNulCharacterAnywhereInAJsonBodyNamingTheField() {
        String key = accounts.create().apiKey();

        var name = api.post("/api/v1/api_keys", key, "{\"name\": \"a\\u0000b\"}");
        var nested = api.post("/api/v1/products", key, """
            {"name": "Course", "options": [{"name": "Once\\u0000", "kind": "one_time", "amount": 100,
             "currency": "usd"}]}""");
        var inData = api.post("/api/v1/events", key, "{\"type\": \"acme.signup\", \"data\": {\"k\\u0000\": 1}}");

        assertProblem(name, 400, "validation_failed");
        assertThat(name.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
        assertThat(name.json().get("errors").get(0).get("code").asString()).isEqualTo("invalid_character");
        assertProblem(nested, 400, "validation_failed");
        assertThat(nested.json().get("errors").get(0).get("field").asString()).isEqualTo("options[0].name");
        assertProblem(inData, 400, "validation_failed");
        assertThat(inData.json().get("errors").get(0).get("field").asString()).isEqualTo("data");
    }

    @Test
    void refusesAFieldSentTwiceInOneObjectInsteadOfKeepingTheLast() {
        String key = accounts.create().apiKey();

        var twice = api.post("/api/v1/customers", key, """
            {"email": "first@example.com", "name": "Ann", "email": "second@example.com"}""");
        var inData = api.post("/api/v1/events", key, """
            {"type": "acme.signup", "data": {"plan": "pro", "plan": "free"}}""");

        assertProblem(twice, 400, "malformed_request");
        assertThat(twice.json().get("detail").asString()).contains("email").contains("twice");
        assertProblem(inData, 400, "malformed_request");
        assertThat(inData.json().get("detail").asString()).contains("plan");
        assertThat(api.get("/api/v1/customers?query=example.com", key).json().get("data")).isEmpty();
    }

    @Test
    void anApiRequestTheServerCannotEvenParseIsAnsweredWithAProblemNotAnHtmlPage() throws IOException {
        String notUtf8Path = raw("GET /api/v1/customers/%FF HTTP/1.1\r\nHost: localhost\r\n\r\n");
        String controlByteHeader = raw("GET /api/v1/customers HTTP/1.1\r\nHost: localhost\r\nX-Note: a\u0001b\r\n\r\n");
        String longUrl = raw("GET /api/v1/customers?query=" + "a".repeat(20_000)
            + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        String page = raw("GET /admin/%FF HTTP/1.1\r\nHost: localhost\r\n\r\n");

        for (String answer : java.util.List.of(notUtf8Path, controlByteHeader, longUrl)) {
            assertThat(answer).startsWith("HTTP/1.1 400").containsIgnoringCase(
                "Content-Type: application/problem+json").contains("\"code\":\"malformed_request\"")
                .doesNotContain("<html").doesNotContain("Tomcat");
        }
        assertThat(notUtf8Path).contains("address");
        assertThat(page).startsWith("HTTP/1.1 400").contains("<html").doesNotContain("Tomcat");
    }

    /** Sends bytes no HTTP client library would send, and reads the whole answer (the server closes after it). */
    private String raw(String request) throws IOException {
        try (var socket = new java.net.Socket(api.uri("/").getHost(), api.uri("/").getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void aMomentThatIsNotOneIsRefusedNamingItsField() {
        String key = accounts.create().apiKey();

        var day = api.post("/api/v1/promo_codes", key, """
            {"code": "LATER", "percent_off": 10, "expires_at": "2030-01-01"}""");

        assertProblem(day, 400, "validation_failed");
        assertThat(day.json().get("errors").get(0).get("field").asString()).isEqualTo("expires_at");
        assertThat(day.json().get("errors").get(0).get("message").asString()).contains("2030-01-01T00:00:00Z");
    }

    @Test
    void refusesAFractionalOrQuotedAmountInsteadOfTruncatingIt() {
        String key = accounts.create().apiKey();

        var dollars = api.post("/api/v1/products", key, """
            {"name": "Course", "options": [{"name": "Once", "kind": "one_time", "amount": 19.99,
             "currency": "usd"}]}""");
        var quoted = api.post("/api/v1/products", key, """
            {"name": "Course", "options": [{"name": "Once", "kind": "one_time", "amount": "1999",
             "currency": "usd"}]}""");
        var promo = api.post("/api/v1/promo_codes", key, """
            {"code": "HALF", "amount_off": 4.5, "currency": "usd"}""");
        var unknownCurrency = api.post("/api/v1/products", key, """
            {"name": "Course", "options": [{"name": "Once", "kind": "one_time", "amount": 1999,
             "currency": "zzz"}]}""");

        assertProblem(dollars, 400, "validation_failed");
        assertThat(dollars.json().get("errors").get(0).get("field").asString()).isEqualTo("options[0].amount");
        assertThat(dollars.json().get("errors").get(0).get("message").asString()).contains("whole number");
        assertProblem(quoted, 400, "validation_failed");
        assertThat(quoted.json().get("errors").get(0).get("field").asString()).isEqualTo("options[0].amount");
        assertProblem(promo, 400, "validation_failed");
        assertThat(promo.json().get("errors").get(0).get("field").asString()).isEqualTo("amount_off");
        assertProblem(unknownCurrency, 400, "validation_failed");
        assertThat(unknownCurrency.json().get("errors").get(0).get("field").asString())
            .isEqualTo("options[0].currency");
        assertThat(api.get("/api/v1/products", key).json().get("data")).isEmpty();
    }

    @Test
    void refusesWhatCannotBeStoredAsSentInsteadOfStoringSomethingElse() {
        String key = accounts.create().apiKey();
        String product = api.post("/api/v1/products", key, """
            {"name": "Course", "options": [{"name": "Once", "kind": "one_time", "amount": 100, "currency": "usd"}]}
            """).json().get("id").asString();

        var infinite = api.post("/api/v1/events", key, "{\"type\": \"acme.x\", \"data\": {\"a\": 1e309}}");
        var surrogate = api.post("/api/v1/events", key, "{\"type\": \"acme.x\", \"data\": {\"a\": [\"\\ud800\"]}}");
        var renamed = api.send("PATCH", "/api/v1/products/" + product, key, "{\"name\": \"x\\udfffy\"}",
            java.util.List.of("Content-Type", "application/json"));

        assertProblem(infinite, 400, "validation_failed");
        assertThat(infinite.json().get("errors").get(0).get("field").asString()).isEqualTo("data.a");
        assertProblem(surrogate, 400, "validation_failed");
        assertThat(surrogate.json().get("errors").get(0).get("field").asString()).isEqualTo("data.a[0]");
        assertThat(surrogate.json().get("errors").get(0).get("code").asString()).isEqualTo("invalid_character");
        assertProblem(renamed, 400, "validation_failed");
        assertThat(renamed.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
        assertThat(api.get("/api/v1/events?type=acme.x", key).json().get("data")).isEmpty();
        assertThat(api.get("/api/v1/products/" + product, key).json().get("name").asString()).isEqualTo("Course");
    }

    @Test
    void aBodyNestedTooDeeplyIsRefusedInPlainWords() {
        var response = api.post("/api/v1/events", accounts.create().apiKey(), "{\"type\": \"acme.deep\", \"data\": "
            + "[".repeat(2000) + "]".repeat(2000) + "}");

        assertProblem(response, 400, "malformed_request");
        assertThat(response.json().get("detail").asString()).contains("nested too deeply").doesNotContain("Stream");
    }

    /**
     * Data nested deeper than events take, though within what the JSON reader takes (500 levels), is refused naming
     * it, posted alone or in a batch: a review found one 499 levels deep stored, after which every page of the event
     * log holding it answered 500 (Till nests the data further to list it), and one 500 deep failed the shared insert
     * of every event posted at that moment.
     */
    @Test
    void eventDataNestedDeeperThanEventsTakeIsRefusedNamingItAndNothingIsStored() {
        var store = accounts.create();
        String deep = "{\"a\": ".repeat(498) + "1" + "}".repeat(498);
        var alone = api.post("/api/v1/events", store.apiKey(), "{\"type\": \"acme.deep\", \"data\": " + deep + "}");
        // Two levels fewer in a batch, whose body holds it two deeper.
        String deepInBatch = "{\"a\": ".repeat(496) + "1" + "}".repeat(496);
        var batch = api.post("/api/v1/events/batch", store.apiKey(), "{\"events\": [{\"type\": \"acme.fine\"}, "
            + "{\"type\": \"acme.deep\", \"data\": " + deepInBatch + "}]}");

        for (var response : List.of(alone, batch)) {
            assertProblem(response, 400, "validation_failed");
            assertThat(response.json().get("errors").get(0).get("code").asString()).isEqualTo("too_deep");
        }
        assertThat(alone.json().get("errors").get(0).get("field").asString()).isEqualTo("data");
        assertThat(batch.json().get("errors").get(0).get("field").asString()).isEqualTo("events[1].data");
        var listed = api.get("/api/v1/events", store.apiKey());
        assertThat(listed.status()).as(listed.text()).isEqualTo(200);
        assertThat(listed.json().get("data")).isEmpty();
        String fine = "{\"a\": ".repeat(31) + "1" + "}".repeat(31);
        assertThat(api.post("/api/v1/events", store.apiKey(), "{\"type\": \"acme.fine\", \"data\": " + fine + "}")
            .status()).isEqualTo(201);
        assertThat(api.get("/api/v1/events", store.apiKey()).status()).isEqualTo(200);
    }

    @Test
    void aMistypedFilterIsRefusedInsteadOfListingEverything() {
        var shop = shops.open();
        shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");

        var typo = api.get("/api/v1/orders?customerid=cus_x&limit=5", shop.apiKey());
        var onAPost = api.post("/api/v1/events?dry_run=true", shop.apiKey(), "{\"type\": \"acme.x\"}");

        assertProblem(typo, 400, "validation_failed");
        assertThat(typo.json().get("errors")).hasSize(1);
        assertThat(typo.json().get("errors").get(0).get("field").asString()).isEqualTo("customerid");
        assertThat(typo.json().get("errors").get(0).get("code").asString()).isEqualTo("unknown_parameter");
        assertProblem(onAPost, 400, "validation_failed");
        var expandedWrite = api.post("/api/v1/events?expand=customer", shop.apiKey(), "{\"type\": \"acme.x\"}");
        assertProblem(expandedWrite, 400, "validation_failed");
        assertThat(expandedWrite.json().get("errors").get(0).get("message").asString()).contains("GET");
        assertThat(api.get("/api/v1/events?type=acme.x", shop.apiKey()).json().get("data")).isEmpty();
        assertThat(api.get("/api/v1/orders?customer_id=" + io.till.shared.Ids.newId("cus") + "&limit=5&expand=customer",
            shop.apiKey()).status())
            .isEqualTo(200);
    }

    /**
     * OPTIONS answers what a path allows whatever its query says: a review found {@code OPTIONS /customers?limit=5}
     * answered 500, the framework's OPTIONS handler declaring no parameter and its refusal reaching no handler.
     */
    @Test
    void anOptionsRequestWithAQueryIsAnsweredWithWhatThePathAllows() {
        var shop = shops.open();

        var options = api.send("OPTIONS", "/api/v1/customers?limit=5", shop.apiKey(), null, java.util.List.of());

        assertThat(options.status()).as(options.text()).isEqualTo(200);
        assertThat(options.headers().firstValue("Allow").orElse("")).contains("GET", "POST");
    }

    @Test
    void aFilterGivenTwiceIsRefusedInsteadOfAnsweringForOneOfThem() {
        var shop = shops.open();

        var twice = api.get("/api/v1/orders?limit=1&limit=3", shop.apiKey());

        assertProblem(twice, 400, "validation_failed");
        assertThat(twice.json().get("errors").get(0).get("field").asString()).isEqualTo("limit");
        assertThat(twice.json().get("errors").get(0).get("code").asString()).isEqualTo("given_twice");
        assertThat(api.get("/api/v1/orders?limit=1&expand=customer&expand=customer", shop.apiKey()).status())
            .isEqualTo(200);
    }

    @Test
    void refusesNumbersOutsideTheRangeOfAFieldInsteadOfFailingOnThem() {
        String key = accounts.create().apiKey();

        var port = api.post("/api/v1/integrations", key, """
            {"type": "smtp", "config": {"host": "smtp.example.com", "port": 9223372036854775807,
             "from_email": "shop@shop.test"}}""");
        var attempts = api.post("/api/v1/automations", key, """
            {"name": "Retry", "trigger": {"type": "manual"}, "steps": [{"id": "t", "type": "action",
             "action": "create_task", "params": {"title": "Call"}, "retry": {"attempts": 99999999999}}]}""");

        assertProblem(port, 400, "validation_failed");
        assertThat(port.json().get("errors").get(0).get("field").asString()).isEqualTo("config.port");
        assertProblem(attempts, 400, "validation_failed");
        assertThat(attempts.json().get("errors").get(0).get("field").asString()).isEqualTo("steps[0].retry.attempts");
    }

    @Test
    void refusesADeclaredBodyOverTheLimitBeforeReadingIt() {
        String body = "{\"type\": \"acme.big\", \"data\": {\"x\": \"" + "x".repeat(1024 * 1024) + "\"}}";

        var response = api.post("/api/v1/events", accounts.create().apiKey(), body);

        assertProblem(response, 413, "payload_too_large");
    }

    @Test
    void refusesAChunkedBodyOnceItPassesTheLimit() throws IOException, InterruptedException {
        byte[] body = ("{\"type\": \"acme.big\", \"data\": {\"x\": \"" + "x".repeat(1100 * 1024) + "\"}}").getBytes();
        var request = HttpRequest.newBuilder(api.uri("/api/v1/events"))
            .header("Authorization", "Bearer " + accounts.create().apiKey())
            .header("Content-Type", "application/json")
            // An InputStream of unknown length goes out chunked, without a Content-Length.
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build();

        var response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        var problem = new Api.Response(response.statusCode(), response.headers(), response.body());
        assertProblem(problem, 413, "payload_too_large");
    }

    /** Forms are read by the server itself, not through the body the API's JSON is read from: bounded as well. */
    @Test
    void refusesAChunkedFormOnceItPassesTheLimitOnTheDashboardAndThePortal() throws Exception {
        String store = accounts.create().id();
        byte[] form = ("email=ada%40example.com&password=" + "x".repeat(1100 * 1024)).getBytes();

        for (String path : new String[]{"/admin/sign-in", "/portal/" + store}) {
            var request = HttpRequest.newBuilder(api.uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(form)))
                .build();

            var response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(413);
            assertThat(response.body()).as(path).contains("The request body is larger than 1024 KB");
        }
    }

    /** A decimal whose exponent no number can hold (found by fuzzing: it answered 500 where any JSON is read). */
    @Test
    void refusesANumberWhoseExponentIsBeyondAnyDecimalWhereverJsonIsRead() {
        // And a zero whose exponent the JSON writer cannot write out (a review's: it answered 500).
        for (String huge : List.of("2e4999999999999999999999", "0e-10000")) {
            refusedWhereverJsonIsRead(huge);
        }
    }

    private void refusedWhereverJsonIsRead(String huge) {
        var store = accounts.create();
        var bodies = Map.of(
            "/api/v1/automations", "{\"amount\": " + huge + "}",
            "/api/v1/events", "{\"type\": \"acme.big\", \"data\": {\"x\": " + huge + "}}",
            "/api/v1/events/batch", "{\"events\": [{\"type\": \"acme.big\", \"data\": {\"x\": " + huge + "}}]}",
            "/api/v1/customers", "{\"email\": \"ada@example.com\", \"metadata\": {\"x\": " + huge + "}}");

        bodies.forEach((path, body) -> {
            var response = api.post(path, store.apiKey(), body);

            assertThat(response.status()).as(path + ": " + response.text()).isEqualTo(400);
            assertThat(response.json().get("code").asString()).as(path).isIn("malformed_request",
                "validation_failed");
            assertThat(response.text()).as(path).doesNotContain("BigDecimal").doesNotContain("Exception");
        });
    }

    /** The path errors are shown at, asked for by itself (found by fuzzing: it said 500, an internal error). */
    @Test
    void theErrorPathAskedForDirectlyIsNotFound() throws Exception {
        var asApi = api.get("/error", accounts.create().apiKey());
        var page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(api.uri("/error"))
            .header("Accept", "text/html")
            .build(), HttpResponse.BodyHandlers.ofString());

        assertProblem(asApi, 404, "route_not_found");
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).doesNotContain("Internal error");
    }

    @Test
    void answersADisputeOfAnUnknownPaymentWithNotFound() {
        var response = api.post("/api/v1/payments/pay_01unknown/dispute", accounts.create().apiKey(), null);

        assertProblem(response, 404, "not_found");
    }
}
