package io.till.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@TillIntegrationTest
class ApiKeyAuthenticationTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;

    @Test
    void answersTheAccountOfAValidKey() {
        var store = accounts.create();

        var response = api.get("/api/v1/account", store.apiKey());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("id").asString()).isEqualTo(store.id());
        assertThat(response.json().get("name").asString()).isEqualTo("Test store");
        assertThat(response.json().get("mode").asString()).isEqualTo("sandbox");
        assertThat(response.json().has("created_at")).isTrue();
    }

    @Test
    void refusesARequestWithoutKeyAsProblemDetail() {
        var response = api.get("/api/v1/account", null);

        assertProblem(response, 401, "api_key_missing");
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void refusesAMalformedKey() {
        assertProblem(api.get("/api/v1/account", "not-a-key"), 401, "api_key_invalid");
    }

    @Test
    void refusesAnotherAuthorizationScheme() {
        var response = api.send("GET", "/api/v1/account", null, null, List.of("Authorization", "Basic dXNlcjpwYXNz"));

        assertProblem(response, 401, "api_key_invalid");
    }

    @Test
    void refusesAWellFormedKeyTillNeverIssued() {
        var response = api.get("/api/v1/account", "till_sandbox_unknown_0123456789abcdef0123456789abcdef");

        assertProblem(response, 401, "api_key_invalid");
    }

    @Test
    void refusesAKnownPrefixWithTheWrongSecret() {
        var store = accounts.create();
        String forged = store.apiKey().substring(0, store.apiKey().lastIndexOf('_') + 1) + "0".repeat(32);

        assertProblem(api.get("/api/v1/account", forged), 401, "api_key_invalid");
    }

    @Test
    void refusesARevokedKeyAndSaysSo() {
        var store = accounts.create();
        assertThat(api.delete("/api/v1/api_keys/" + store.apiKeyId(), store.apiKey()).status()).isEqualTo(200);

        var response = api.get("/api/v1/account", store.apiKey());

        assertProblem(response, 401, "api_key_revoked");
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceEvenWhenCached() {
        var store = accounts.create();
        String other = api.post("/api/v1/api_keys", store.apiKey(), "{\"name\": \"Other\"}").json().get("key")
            .asString();
        // Used twice: the second request is answered from the node's cache of accepted keys.
        assertThat(api.get("/api/v1/account", store.apiKey()).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/account", store.apiKey()).status()).isEqualTo(200);

        assertThat(api.delete("/api/v1/api_keys/" + store.apiKeyId(), other).status()).isEqualTo(200);

        assertProblem(api.get("/api/v1/account", store.apiKey()), 401, "api_key_revoked");
    }

    @Test
    void refusesASandboxKeyPresentedAsLive() {
        var store = accounts.create();
        String asLive = store.apiKey().replaceFirst("^till_sandbox_", "till_live_");

        assertProblem(api.get("/api/v1/account", asLive), 401, "api_key_invalid");
    }

    static void assertProblem(Api.Response response, int status, String code) {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        var problem = response.json();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("code").asString()).isEqualTo(code);
        assertThat(problem.get("type").asString()).isEqualTo("urn:till:problem:" + code);
        assertThat(problem.get("title").asString()).isNotBlank();
        assertThat(problem.get("detail").asString()).isNotBlank();
        assertThat(problem.get("request_id").asString()).isEqualTo(response.header("X-Request-Id"));
    }
}
