package io.till.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import io.till.webhook.Receiver.Answer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Which events reach the webhook feed: an endpoint is sent the events recorded while it is enabled and subscribed to
 * their type, never one recorded before it was there, and an event no endpoint can be sent costs the feed nothing.
 */
@TillIntegrationTest
class WebhookFeedTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    WebhookAgenda agenda;
    @Autowired
    JdbcClient db;

    @Test
    void anEndpointIsSentTheEventsRecordedOnceItIsThereNotTheOnesBefore() {
        var store = accounts.create();
        try (var receiver = new Receiver(new Answer(200), new Answer(200), new Answer(200))) {
            post(store, "acme.before");
            String endpoint = create(store, receiver.url("/hooks"), "*");
            post(store, "acme.after");

            agenda.runDue();

            assertThat(deliveredTypes(store, endpoint)).containsExactly("acme.after");
        }
    }

    /**
     * As above, while another endpoint of the account was there to take the earlier event: the new endpoint is not
     * sent it (the feed matched events against the endpoints there when it ran, not when the event was recorded).
     */
    @Test
    void aNewEndpointIsNotSentAnEventRecordedBeforeItWhileAnotherEndpointTookIt() {
        var store = accounts.create();
        try (var receiver = new Receiver(new Answer(200), new Answer(200), new Answer(200))) {
            String first = create(store, receiver.url("/first"), "*");
            post(store, "acme.before");
            String second = create(store, receiver.url("/second"), "*");
            post(store, "acme.after");

            agenda.runDue();

            assertThat(deliveredTypes(store, first)).containsExactlyInAnyOrder("acme.before", "acme.after");
            assertThat(deliveredTypes(store, second)).containsExactly("acme.after");
        }
    }

    @Test
    void anEventNoEndpointIsSubscribedToLeavesNothingForTheFeedToMatch() {
        var store = accounts.create();
        try (var receiver = new Receiver(new Answer(200))) {
            String endpoint = create(store, receiver.url("/hooks"), "acme.wanted");
            String disabled = create(store, receiver.url("/other"), "*");
            var patched = api.send("PATCH", "/api/v1/webhook_endpoints/" + disabled, store.apiKey(),
                "{\"status\": \"disabled\"}", List.of("Content-Type", "application/json"));
            assertThat(patched.status()).as(patched.text()).isEqualTo(200);

            post(store, "acme.unwanted");
            post(store, "acme.wanted");

            assertThat(db.sql("SELECT count(*) FROM webhook_inbox WHERE account_id = :id").param("id", store.id())
                .query(Long.class).single()).as("events waiting for the feed").isEqualTo(1);
            agenda.runDue();
            assertThat(deliveredTypes(store, endpoint)).containsExactly("acme.wanted");
            assertThat(deliveredTypes(store, disabled)).isEmpty();
        }
    }

    private void post(TestAccounts.TestAccount store, String type) {
        var posted = api.post("/api/v1/events", store.apiKey(), "{\"type\": \"%s\"}".formatted(type));
        assertThat(posted.status()).as(posted.text()).isEqualTo(201);
    }

    private String create(TestAccounts.TestAccount store, String url, String type) {
        var created = api.post("/api/v1/webhook_endpoints", store.apiKey(), """
            {"url": "%s", "event_types": ["%s"]}""".formatted(url, type));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private List<String> deliveredTypes(TestAccounts.TestAccount store, String endpoint) {
        var listed = api.get("/api/v1/webhook_endpoints/" + endpoint + "/deliveries", store.apiKey());
        assertThat(listed.status()).as(listed.text()).isEqualTo(200);
        var types = new ArrayList<String>();
        listed.json().get("data").forEach(d -> types.add(d.get("event_type").asString()));
        return types;
    }
}
