package io.till.account;

import static io.till.account.ApiKeyAuthenticationTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.till.shared.Timestamps;
import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

@TillIntegrationTest
class ApiKeysApiTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    MutableClock clock;

    @Test
    void createsAKeyThatWorksAndIsShownOnlyOnce() {
        var store = accounts.create();

        var created = api.post("/api/v1/api_keys", store.apiKey(), "{\"name\":\"Zapier\"}");

        assertThat(created.status()).isEqualTo(201);
        var body = created.json();
        String key = body.get("key").asString();
        assertThat(key).matches("till_sandbox_[0-9a-z]{12}_[0-9a-z]{32}");
        assertThat(body.get("prefix").asString()).isEqualTo(key.substring(0, key.lastIndexOf('_')));
        assertThat(body.get("name").asString()).isEqualTo("Zapier");
        assertThat(created.header("Location")).isEqualTo("/api/v1/api_keys/" + body.get("id").asString());
        assertThat(api.get("/api/v1/account", key).status()).isEqualTo(200);

        var read = api.get("/api/v1/api_keys/" + body.get("id").asString(), store.apiKey());
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.text()).doesNotContain(key).doesNotContain(key.substring(key.lastIndexOf('_') + 1));
        assertThat(read.json().get("status").asString()).isEqualTo("active");
    }

    /**
     * A leaked key could make a key of its own that outlived its revocation: a way back in once the leak was found.
     * Each key says who made it, and a key made by a key goes with it, and so do the keys that one made.
     */
    @Test
    void aKeyMadeByAKeyIsRevokedWithItAndEachKeySaysWhoMadeIt() {
        var store = accounts.create();
        var child = api.post("/api/v1/api_keys", store.apiKey(), "{\"name\": \"made by the test key\"}").json();
        String childKey = child.get("key").asString();
        var grandchild = api.post("/api/v1/api_keys", childKey, "{\"name\": \"made by the child\"}").json();
        var sibling = accounts.create();

        var read = api.get("/api/v1/api_keys/" + child.get("id").asString(), store.apiKey()).json();
        assertThat(read.get("created_by").asString()).isEqualTo("api_key");
        assertThat(read.get("created_by_who").asString()).isEqualTo(store.apiKeyId());
        assertThat(api.get("/api/v1/api_keys/" + store.apiKeyId(), store.apiKey()).json().get("created_by")
            .asString()).isEqualTo("till");

        var revoked = api.delete("/api/v1/api_keys/" + store.apiKeyId(), childKey);

        assertThat(revoked.status()).as(revoked.text()).isEqualTo(200);
        assertProblem(api.get("/api/v1/account", childKey), 401, "api_key_revoked");
        assertProblem(api.get("/api/v1/account", grandchild.get("key").asString()), 401, "api_key_revoked");
        assertThat(api.get("/api/v1/account", sibling.apiKey()).status()).as("another account's key").isEqualTo(200);
    }

    @Test
    void aRevokedKeyMakesNoKeys() {
        var store = accounts.create();
        var child = api.post("/api/v1/api_keys", store.apiKey(), null).json();
        var other = api.post("/api/v1/api_keys", store.apiKey(), null).json();
        api.delete("/api/v1/api_keys/" + child.get("id").asString(), other.get("key").asString());

        assertProblem(api.post("/api/v1/api_keys", child.get("key").asString(), null), 401, "api_key_revoked");
        assertThat(api.get("/api/v1/api_keys?status=active", store.apiKey()).json().get("data")).hasSize(2);
    }

    @Test
    void createsAKeyWithoutABody() {
        var store = accounts.create();

        var created = api.post("/api/v1/api_keys", store.apiKey(), null);

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("name").asString()).isEqualTo("API key");
    }

    @Test
    void listsKeysNewestFirstByPrefixOnlyPageByPage() {
        var store = accounts.create();
        for (String name : List.of("second", "third", "fourth")) {
            assertThat(api.post("/api/v1/api_keys", store.apiKey(), "{\"name\":\"" + name + "\"}").status())
                .isEqualTo(201);
        }

        var names = new ArrayList<String>();
        String cursor = null;
        int pages = 0;
        do {
            var page = api.get("/api/v1/api_keys?limit=3" + (cursor == null ? "" : "&cursor=" + cursor),
                store.apiKey());
            assertThat(page.status()).isEqualTo(200);
            for (JsonNode key : page.json().get("data")) {
                names.add(key.get("name").asString());
                assertThat(key.has("key")).isFalse();
                assertThat(key.get("prefix").asString()).startsWith("till_sandbox_");
            }
            cursor = page.json().get("has_more").asBoolean() ? page.json().get("next_cursor").asString() : null;
            pages++;
        } while (cursor != null);

        assertThat(names).containsExactly("fourth", "third", "second", "Test key");
        assertThat(pages).isEqualTo(2);
    }

    @Test
    void filtersKeysByStatus() {
        var store = accounts.create();
        String second = api.post("/api/v1/api_keys", store.apiKey(), "{\"name\":\"doomed\"}").json().get("id")
            .asString();
        api.delete("/api/v1/api_keys/" + second, store.apiKey());

        var revoked = api.get("/api/v1/api_keys?status=revoked", store.apiKey()).json().get("data");
        var active = api.get("/api/v1/api_keys?status=active", store.apiKey()).json().get("data");

        assertThat(revoked).extracting(key -> key.get("name").asString()).containsExactly("doomed");
        assertThat(active).extracting(key -> key.get("name").asString()).containsExactly("Test key");
    }

    @Test
    void revokesAKeyIdempotently() {
        var store = accounts.create();
        String id = api.post("/api/v1/api_keys", store.apiKey(), null).json().get("id").asString();

        var first = api.delete("/api/v1/api_keys/" + id, store.apiKey());
        var again = api.delete("/api/v1/api_keys/" + id, store.apiKey());

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("status").asString()).isEqualTo("revoked");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("revoked_at").asString()).isEqualTo(first.json().get("revoked_at").asString());
    }

    @Test
    void hidesAnotherAccountsKeysBehindNotFound() {
        var alice = accounts.create();
        var bob = accounts.create();

        assertProblem(api.get("/api/v1/api_keys/" + alice.apiKeyId(), bob.apiKey()), 404, "not_found");
        assertProblem(api.delete("/api/v1/api_keys/" + alice.apiKeyId(), bob.apiKey()), 404, "not_found");
        assertThat(api.get("/api/v1/api_keys", bob.apiKey()).json().get("data"))
            .extracting(key -> key.get("id").asString())
            .containsExactly(bob.apiKeyId());
        assertThat(api.get("/api/v1/account", alice.apiKey()).status()).isEqualTo(200);
    }

    @Test
    void listsEveryBadQueryParameter() {
        var store = accounts.create();

        var response = api.get("/api/v1/api_keys?limit=500&cursor=bogus&status=sleeping", store.apiKey());

        assertProblem(response, 400, "validation_failed");
        assertThat(response.json().get("errors")).extracting(error -> error.get("field").asString())
            .containsExactly("limit", "cursor", "status");
    }

    @Test
    void refusesAnOverlongNameAndUnknownFields() {
        var store = accounts.create();

        var tooLong = api.post("/api/v1/api_keys", store.apiKey(), "{\"name\":\"" + "x".repeat(101) + "\"}");
        var unknown = api.post("/api/v1/api_keys", store.apiKey(), "{\"nmae\":\"typo\"}");

        assertProblem(tooLong, 400, "validation_failed");
        assertThat(tooLong.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
        assertProblem(unknown, 400, "validation_failed");
        assertThat(unknown.json().get("errors").get(0).get("field").asString()).isEqualTo("nmae");
        assertThat(unknown.json().get("errors").get(0).get("code").asString()).isEqualTo("unknown_field");
    }

    @Test
    void recordsWhenAKeyWasLastUsed() {
        var store = accounts.create();
        assertThat(api.get("/api/v1/api_keys/" + store.apiKeyId(), store.apiKey()).json().get("last_used_at")
            .isNull()).isFalse();
    }

    @Test
    void aKeysCreationAndLastUseAreRealTimeWhateverTheSandboxTestClockSays() {
        var store = accounts.create();
        var advanced = api.post("/api/v1/test_clock/advance", store.apiKey(), "{\"by\": \"P30D\"}");
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        clock.passRealTime(Duration.ofMinutes(5));
        Instant realNow = Timestamps.now(clock.realTime());

        var created = api.post("/api/v1/api_keys", store.apiKey(), "{\"name\":\"after the jump\"}").json();
        var key = api.get("/api/v1/api_keys/" + created.get("id").asString(), created.get("key").asString()).json();

        assertThat(Instant.parse(key.get("created_at").asString())).isEqualTo(realNow);
        assertThat(Instant.parse(key.get("last_used_at").asString())).isEqualTo(realNow);
        var used = api.get("/api/v1/api_keys/" + store.apiKeyId(), store.apiKey()).json();
        assertThat(Instant.parse(used.get("last_used_at").asString())).isEqualTo(realNow);
    }
}
