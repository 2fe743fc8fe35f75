package io.till.shared.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@TillIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class ApiErrorsTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;

    @Test
    void answersAnUnknownEndpointWithNotFound() {
        var response = api.get("/api/v1/no_such_thing", accounts.create().apiKey());

        assertProblem(response, 404, "route_not_found");
        assertThat(response.json().get("instance").asString()).isEqualTo("/api/v1/no_such_thing");
    }

    @Test
    void answersAWrongMethodWithMethodNotAllowed() {
        var response = api.send("PUT", "/api/v1/account", accounts.create().apiKey(), "{}",
            List.of("Content-Type", "application/json"));

        assertProblem(response, 405, "method_not_allowed");
        assertThat(response.header("Allow")).contains("GET");
        assertThat(response.json().get("instance").asString()).isEqualTo("/api/v1/account");
    }

    @Test
    void answersAnUnsupportedBodyTypeWithUnsupportedMediaType() {
        var response = api.send("POST", "/api/v1/api_keys", accounts.create().apiKey(), "name=x",
            List.of("Content-Type", "application/x-www-form-urlencoded"));

        assertProblem(response, 415, "unsupported_media_type");
    }

    /**
     * A change asked for with an Accept header that takes no JSON is refused before anything is done: the answer to a
     * change is always JSON, and refusing it only once the change was made (as content negotiation would) tells the
     * client it failed when it did not, and a retry does it twice.
     */
    @Test
    void aChangeWhoseAnswerTheClientWouldNotAcceptIsRefusedBeforeItIsMade() {
        String key = accounts.create().apiKey();
        for (String accept : List.of("text/html", "application/xml, text/plain;q=0.5", "image/*", "not a type",
            "application/json;q=0, text/html")) {
            var event = api.post("/api/v1/events", key, "{\"type\": \"acme.signup\"}", "Accept", accept);
            var customer = api.post("/api/v1/customers", key, """
                {"name": "Ada", "email": "ada@example.com"}""", "Accept", accept);

            assertProblem(event, 406, "not_acceptable");
            assertProblem(customer, 406, "not_acceptable");
            assertThat(event.json().get("detail").asString()).contains("application/json", "Nothing was done");
        }
        assertThat(api.get("/api/v1/events", key).json().get("data")).isEmpty();
        assertThat(api.get("/api/v1/customers", key).json().get("data")).isEmpty();

        for (String accept : List.of("application/json", "*/*", "application/*", "text/html, application/json;q=0.1",
            "application/problem+json, application/json")) {
            assertThat(api.post("/api/v1/events", key, "{\"type\": \"acme.signup\"}", "Accept", accept).status())
                .as(accept).isEqualTo(201);
        }
    }

    @Test
    void answersAJsonBodySentAsAnotherTypeWithUnsupportedMediaType() {
        String key = accounts.create().apiKey();
        for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
            "application/octet-stream")) {
            var response = api.send("POST", "/api/v1/customers", key, """
                {"name": "Ada", "email": "ada@example.com"}""", List.of("Content-Type", type));

            assertProblem(response, 415, "unsupported_media_type");
        }
        assertThat(api.get("/api/v1/customers", key).json().get("data")).isEmpty();
    }

    @Test
    void aNumberOrABooleanSentForTextIsRefusedNamingTheField() {
        String key = accounts.create().apiKey();

        var number = api.post("/api/v1/api_keys", key, "{\"name\": 123}");
        var bool = api.post("/api/v1/events", key, "{\"type\": true}");
        var tooLong = api.post("/api/v1/api_keys", key, "{\"name\": \"" + "k".repeat(101) + "\"}");

        assertProblem(number, 400, "validation_failed");
        assertThat(number.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
        assertProblem(bool, 400, "validation_failed");
        assertThat(bool.json().get("errors").get(0).get("field").asString()).isEqualTo("type");
        assertProblem(tooLong, 400, "validation_failed");
        assertThat(tooLong.json().get("errors").get(0).get("code").asString()).isEqualTo("too_long");
    }

    @Test
    void namesTheFieldOfANumberTooLargeForIt() {
        String key = accounts.create().apiKey();

        var flat = api.post("/api/v1/promo_codes", key, """
            {"code": "HUGE", "percent_off": 99999999999999999999}""");
        var nested = api.post("/api/v1/checkouts", key, """
            {"name": "N", "product_id": "prod_x", "addons": [{"name": "A", "amount": 1, "currency": "usd"},
             {"name": "B", "amount": 99999999999999999999, "currency": "usd"}]}""");

        assertProblem(flat, 400, "validation_failed");
        assertThat(flat.json().get("errors").get(0).get("field").asString()).isEqualTo("percent_off");
        assertThat(flat.json().get("errors").get(0).get("code").asString()).isEqualTo("out_of_range");
        assertProblem(nested, 400, "validation_failed");
        assertThat(nested.json().get("errors").get(0).get("field").asString()).isEqualTo("addons[1].amount");
    }

    @Test
    void answersBrokenJsonWithMalformedRequest() {
        var response = api.post("/api/v1/api_keys", accounts.create().apiKey(), "{\"name\": ");
        var truncated = api.post("/api/v1/api_keys", accounts.create().apiKey(), "{\"name\": \"ci\"");

        assertProblem(response, 400, "malformed_request");
        assertProblem(truncated, 400, "malformed_request");
        // Said as a reader would: where it broke, never the parser's internals.
        assertThat(truncated.json().get("detail").asString()).startsWith("The request body is not valid JSON: ")
            .contains("(line 1, column").doesNotContain("Source").doesNotContain("REDACTED")
            .doesNotContain("#UNKNOWN").doesNotContain("StreamReadFeature");
    }

    @Test
    void namesTheFieldOfAValueOfTheWrongType() {
        var response = api.post("/api/v1/api_keys", accounts.create().apiKey(), "{\"name\": {\"nested\": true}}");

        assertProblem(response, 400, "validation_failed");
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
    }

    @Test
    void hidesTheCauseOfAnInternalErrorButLogsItWithTheRequestId(CapturedOutput output) {
        var response = api.post("/api/v1/test_support/boom", accounts.create().apiKey(), null);

        assertProblem(response, 500, "internal_error");
        assertThat(response.text()).doesNotContain("secret internal detail")
            .doesNotContain("IllegalStateException")
            .doesNotContain("at io.till");
        String requestId = response.header("X-Request-Id");
        assertThat(output.getOut().lines().filter(line -> line.contains("Request failed unexpectedly")))
            .singleElement()
            .asString()
            .contains("[" + requestId + "]");
        assertThat(output.getOut()).contains("secret internal detail");
    }

    @Test
    void asksTheClientToComeBackWhenTheDatabaseCannotBeReached() {
        var response = api.post("/api/v1/test_support/database_away", accounts.create().apiKey(), null);

        assertProblem(response, 503, "database_unavailable");
        assertThat(response.header("Retry-After")).isEqualTo("5");
        assertThat(response.text()).doesNotContain("localhost").doesNotContain("Hikari").doesNotContain("JDBC");
    }

    @Test
    void echoesAWellFormedIncomingRequestId() {
        var response = api.send("GET", "/api/v1/account", accounts.create().apiKey(), null,
            List.of("X-Request-Id", "proxy-1234-abcd"));

        assertThat(response.header("X-Request-Id")).isEqualTo("proxy-1234-abcd");
    }

    @Test
    void replacesAMalformedIncomingRequestId() {
        var response = api.send("GET", "/api/v1/account", accounts.create().apiKey(), null,
            List.of("X-Request-Id", "<script>"));

        assertThat(response.header("X-Request-Id")).startsWith("req_");
    }

    static void assertProblem(Api.Response response, int status, String code) {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        assertThat(response.json().get("code").asString()).isEqualTo(code);
        assertThat(response.json().get("status").asInt()).isEqualTo(status);
        assertThat(response.json().get("request_id").asString()).isEqualTo(response.header("X-Request-Id"));
    }
}
