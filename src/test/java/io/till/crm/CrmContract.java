package io.till.crm;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.till.action.Action;
import io.till.action.ActionCall;
import io.till.action.ActionResult;
import io.till.action.Actions;
import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the vendor contract tests share: a WireMock server standing in for the vendor, an account whose integration
 * points at it, a customer, and calls of the real {@code crm.*} actions.
 */
abstract class CrmContract {

    static final String EMAIL = "ada@example.com";

    protected final WireMockServer vendor = new WireMockServer(options().dynamicPort());
    private final JsonMapper json = JsonMapper.builder().build();

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    Actions actions;
    @Autowired
    MutableClock clock;

    TestAccounts.TestAccount store;
    String customerId;

    @BeforeEach
    void startVendor() {
        vendor.start();
        store = accounts.create();
        var created = api.post("/api/v1/customers", store.apiKey(), """
            {"name": "Ada King Lovelace", "email": "%s", "phone": "+44 20 7946 0958"}""".formatted(EMAIL));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        customerId = created.json().get("id").asString();
    }

    @AfterEach
    void stopVendor() {
        vendor.stop();
    }

    void connect(String type, String config) {
        var saved = api.post("/api/v1/integrations", store.apiKey(), """
            {"type": "%s", "config": %s}""".formatted(type, config));
        assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    }

    ActionResult perform(String action, String params) {
        return perform(action, params, "exe_test");
    }

    /** As a step of the run {@code executionId} performs it (each run's step has a key of its own). */
    ActionResult perform(String action, String params, String executionId) {
        Action found = actions.find(action).orElseThrow();
        var checked = found.schema().checkRendered(json.readTree(params));
        assertThat(checked.errors()).isEmpty();
        return found.perform(new ActionCall(store.id(), executionId, "crm", executionId + ":crm", 1, customerId,
            checked.params(), clock.instant()));
    }

    static JsonNode output(ActionResult result) {
        assertThat(result).isInstanceOf(ActionResult.Done.class);
        return ((ActionResult.Done) result).output();
    }

    static ResponseDefinitionBuilder answer(int status, String body) {
        return WireMock.aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }
}
