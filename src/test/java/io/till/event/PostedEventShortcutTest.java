package io.till.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.till.account.ApiKeys;
import io.till.shared.web.ApiGate;
import io.till.shared.web.Problems;
import io.till.testing.Api;
import io.till.testing.Await;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plain posted event is answered ahead of Spring Security and MVC (PostedEventShortcut): exactly as the regular way
 * answers it, and everything else is handed to the regular way untouched, with nothing recorded.
 */
@TillIntegrationTest
class PostedEventShortcutTest {

    private static final String EVENT = """
        {"type": "acme.signup", "data": {"plan": "pro", "seats": 3, "tags": ["a", "é"]}}""";
    /** What differs between any two answers: the moment, the request, the event's own address. */
    private static final Set<String> PER_ANSWER = Set.of("date", "x-request-id", "location", "content-length",
        "transfer-encoding");

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;
    @Autowired
    ApiGate gate;
    @Autowired
    CustomEvents customEvents;
    @Autowired
    JsonMapper json;
    @Autowired
    ApiKeys apiKeys;
    @Autowired
    MeterRegistry meters;
    @Autowired
    Problems problems;

    @Test
    void answersAPlainPostedEventExactlyAsTheRegularWayDoes() {
        var store = accounts.create();

        var shortcut = api.post("/api/v1/events", store.apiKey(), EVENT);
        // An Idempotency-Key takes the regular way (Spring Security, the idempotency filter, MVC).
        var regular = api.post("/api/v1/events", store.apiKey(), EVENT, "Idempotency-Key",
            UUID.randomUUID().toString());

        assertThat(shortcut.status()).isEqualTo(201);
        assertThat(regular.status()).isEqualTo(201);
        assertThat(comparable(shortcut)).isEqualTo(comparable(regular));
        for (var answer : List.of(shortcut, regular)) {
            String id = answer.json().get("id").asString();
            assertThat(answer.header("Location")).isEqualTo("/api/v1/events/" + id);
            assertThat(api.get("/api/v1/events/" + id, store.apiKey()).json()).isEqualTo(answer.json());
        }
        assertThat(withoutIdAndTime(shortcut)).isEqualTo(withoutIdAndTime(regular));
    }

    @Test
    void isTimedOnceAsAnyRequestOfItsRouteUnderTheSameTags() {
        var store = accounts.create();
        double before = timed();

        assertThat(api.post("/api/v1/events", store.apiKey(), EVENT).status()).isEqualTo(201);
        // The regular way (an Idempotency-Key goes there), timed by Spring's request observation.
        assertThat(api.post("/api/v1/events", store.apiKey(), EVENT, "Idempotency-Key", "timed-" + UUID
            .randomUUID()).status()).isEqualTo(201);

        // A request is timed once its answer is on its way, so the client may read it a moment before it counts.
        Await.until("timed under its route", Duration.ofSeconds(10), Duration.ofMillis(1), () -> timed() >= before + 2);
        assertThat(timed()).isEqualTo(before + 2);
        var series = meters.find("http.server.requests").tag("uri", "/api/v1/events").tag("status", "201").timers();
        assertThat(series).hasSize(1);
        assertThat(series.iterator().next().getId().getTags()).extracting(tag -> tag.getKey() + "=" + tag.getValue())
            .containsExactlyInAnyOrder("error=none", "exception=none", "method=POST", "outcome=SUCCESS",
                "status=201", "uri=/api/v1/events");
    }

    @Test
    void recordsAPlainValidEventWithoutTheRegularWay() throws Exception {
        var store = accounts.create();
        var chain = new MockFilterChain();
        var response = new MockHttpServletResponse();

        shortcut().doFilter(post(store.apiKey(), EVENT, request -> {
        }), response, chain);

        assertThat(chain.getRequest()).as("handed to the regular way").isNull();
        assertThat(response.getStatus()).isEqualTo(201);
        assertThat(response.getContentType()).isEqualTo("application/json");
        assertThat(response.getHeader("X-Frame-Options")).isEqualTo("DENY");
        String id = json.readTree(response.getContentAsByteArray()).get("id").asString();
        assertThat(response.getHeader("Location")).isEqualTo("/api/v1/events/" + id);
        assertThat(events(store.id())).isEqualTo(1);
    }

    @Test
    void handsEverythingElseToTheRegularWayUntouchedAndRecordsNothing() throws Exception {
        var store = accounts.create();
        var revoked = accounts.create();
        apiKeys.revoke(revoked.id(), revoked.apiKeyId());
        String customerOfAnother = api.post("/api/v1/customers", accounts.create().apiKey(),
            "{\"name\": \"Bob\", \"email\": \"bob@example.com\"}").json().get("id").asString();
        Map<String, MockHttpServletRequest> others = new HashMap<>();
        others.put("another method", post(store.apiKey(), EVENT, request -> request.setMethod("PUT")));
        others.put("another path", post(store.apiKey(), EVENT, request -> request.setRequestURI("/api/v1/events/")));
        others.put("a query", post(store.apiKey(), EVENT, request -> request.setQueryString("expand=customer")));
        others.put("an Idempotency-Key", post(store.apiKey(), EVENT, request -> request.addHeader("Idempotency-Key",
            "k1")));
        others.put("a cross-origin request", post(store.apiKey(), EVENT, request -> request.addHeader("Origin",
            "https://shop.example")));
        others.put("another content type", post(store.apiKey(), EVENT, request -> request.setContentType(
            "text/plain")));
        others.put("a content type the regular way cannot read", post(store.apiKey(), EVENT, request -> request
            .setContentType("application/json; charset=ut f-8")));
        others.put("JSON in another charset", post(store.apiKey(), EVENT, request -> request.setContentType(
            "application/json; charset=ISO-8859-1")));
        others.put("another answer type", post(store.apiKey(), EVENT, request -> request.addHeader("Accept",
            "text/html")));
        others.put("no key", post(null, EVENT, request -> {
        }));
        others.put("a malformed key", post("till_sandbox_nonsense", EVENT, request -> {
        }));
        others.put("a basic login", post(null, EVENT, request -> request.addHeader("Authorization",
            "Basic dXNlcjpwYXNz")));
        others.put("a revoked key", post(revoked.apiKey(), EVENT, request -> {
        }));
        others.put("a reserved type", post(store.apiKey(), "{\"type\": \"payment.failed\"}", request -> {
        }));
        others.put("malformed JSON", post(store.apiKey(), "{\"type\": \"acme.signup\"", request -> {
        }));
        others.put("a field twice", post(store.apiKey(), "{\"type\": \"acme.a\", \"type\": \"acme.b\"}",
            request -> {
            }));
        others.put("the NUL character", post(store.apiKey(), "{\"type\": \"acme.signup\", \"data\": {\"a\": "
            + "\"x\\u0000\"}}", request -> {
            }));
        others.put("data that is no object", post(store.apiKey(), "{\"type\": \"acme.signup\", \"data\": [1]}",
            request -> {
            }));
        others.put("another account's customer", post(store.apiKey(), "{\"type\": \"acme.signup\", "
            + "\"customer_id\": \"" + customerOfAnother + "\"}", request -> {
            }));
        others.put("a body of unknown length (chunked)", post(new UnknownLength(), store.apiKey(), EVENT,
            request -> {
            }));

        for (var other : others.entrySet()) {
            byte[] sent = other.getValue().getContentAsByteArray();
            var chain = new MockFilterChain();

            shortcut().doFilter(other.getValue(), new MockHttpServletResponse(), chain);

            assertThat(chain.getRequest()).as(other.getKey()).isNotNull();
            assertThat(chain.getRequest().getInputStream().readAllBytes()).as(other.getKey()).isEqualTo(sent);
        }
        assertThat(events(store.id())).isZero();
        assertThat(events(revoked.id())).isZero();
    }

    @Test
    void aFailureWhileRecordingIsAnsweredAsTheApiAnswersOne() throws Exception {
        var store = accounts.create();
        var chain = new MockFilterChain();
        var response = new MockHttpServletResponse();

        shortcut(failing(new IllegalStateException("the writer broke"))).doFilter(post(store.apiKey(), EVENT,
            request -> {
            }), response, chain);

        assertThat(chain.getRequest()).isNull();
        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        var problem = json.readTree(response.getContentAsByteArray());
        assertThat(problem.get("code").asString()).isEqualTo("internal_error");
        assertThat(problem.get("detail").asString()).contains("Quote request_id");
        assertThat(problem.get("instance").asString()).isEqualTo("/api/v1/events");
        assertThat(response.getHeader("X-Frame-Options")).isEqualTo("DENY");
        assertThat(response.getHeader("Content-Security-Policy")).contains("frame-ancestors 'none'");
    }

    @Test
    void aDatabaseOutageIsAnsweredAsAnyRequestsIsWithTheApiHeaders() throws Exception {
        var store = accounts.create();
        var outage = new CannotGetJdbcConnectionException("no connection",
            new java.sql.SQLTransientConnectionException("refused", "08001"));
        var response = new MockHttpServletResponse();
        var chain = new MockFilterChain();

        shortcut(failing(outage)).doFilter(post(store.apiKey(), EVENT, request -> {
        }), response, chain);

        assertThat(chain.getRequest()).as("not handed on: the event may have been recorded").isNull();
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("5");
        assertThat(json.readTree(response.getContentAsString()).get("code").asString())
            .isEqualTo("database_unavailable");
        assertThat(response.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.getHeader("Cache-Control")).contains("no-store");
    }

    @Test
    void keysTheRegularWayRefusesAreRefusedWithTheReason() {
        var revoked = accounts.create();
        apiKeys.revoke(revoked.id(), revoked.apiKeyId());

        var refused = api.post("/api/v1/events", revoked.apiKey(), EVENT);
        var unknown = api.post("/api/v1/events", revoked.apiKey().substring(0, revoked.apiKey().length() - 2) + "xx",
            EVENT);

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("code").asString()).isEqualTo("api_key_revoked");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.json().get("code").asString()).isEqualTo("api_key_invalid");
        assertThat(events(revoked.id())).isZero();
    }

    private PostedEventShortcut shortcut() {
        return shortcut(customEvents);
    }

    private PostedEventShortcut shortcut(CustomEvents recording) {
        return new PostedEventShortcut(gate, recording, json, problems, meters, "http.server.requests");
    }

    /** Events that fail to record with {@code failure}. */
    private CustomEvents failing(RuntimeException failure) {
        return new CustomEvents(null, null, json, null, null) {
            @Override
            Optional<Event> recordIfValid(String accountId, Posted posted) {
                throw failure;
            }
        };
    }

    private static MockHttpServletRequest post(String apiKey, String body, Consumer<MockHttpServletRequest> changed) {
        return post(new MockHttpServletRequest(), apiKey, body, changed);
    }

    private static MockHttpServletRequest post(MockHttpServletRequest request, String apiKey, String body,
        Consumer<MockHttpServletRequest> changed) {
        request.setMethod("POST");
        request.setRequestURI("/api/v1/events");
        request.setContentType("application/json");
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        request.addHeader("Content-Length", body.getBytes(StandardCharsets.UTF_8).length);
        if (apiKey != null) {
            request.addHeader("Authorization", "Bearer " + apiKey);
        }
        changed.accept(request);
        return request;
    }

    /** A body sent in chunks, whose length the server learns only at its end. */
    private static final class UnknownLength extends MockHttpServletRequest {
        @Override
        public int getContentLength() {
            return -1;
        }

        @Override
        public long getContentLengthLong() {
            return -1;
        }
    }

    private double timed() {
        var timer = meters.find("http.server.requests").tag("uri", "/api/v1/events").tag("method", "POST")
            .tag("status", "201").timer();
        return timer == null ? 0 : timer.count();
    }

    private int events(String accountId) {
        return db.sql("SELECT count(*) FROM events WHERE account_id = :account").param("account", accountId)
            .query(Integer.class).single();
    }

    private static Map<String, List<String>> comparable(Api.Response answer) {
        var headers = new HashMap<>(answer.headers().map());
        headers.keySet().removeIf(PER_ANSWER::contains);
        return headers;
    }

    private static String withoutIdAndTime(Api.Response answer) {
        var event = (tools.jackson.databind.node.ObjectNode) answer.json();
        event.remove(List.of("id", "occurred_at"));
        return event.toString();
    }
}
