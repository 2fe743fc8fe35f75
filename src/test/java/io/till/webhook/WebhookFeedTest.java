package io.till.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.till.testing.Api;
import io.till.testing.Await;
import io.till.testing.MutableClock;
import io.till.testing.PersonalDataSearch;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import io.till.webhook.Receiver.Answer;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
    @Autowired
    WebhookFeed feed;
    @Autowired
    MutableClock clock;
    @Autowired
    HikariDataSource dataSource;

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

    /**
     * An event read by the feed just before its customer's erasure committed is sent as the erasure left it: the feed
     * waits for an erasure under way before it makes deliveries, and reads an event erased meanwhile again. A review
     * found a delivery made after the erasure carrying what it had erased.
     */
    @Test
    void aDeliveryOfAnEventReadBeforeItsCustomerWasErasedCarriesWhatTheErasureLeft() throws Exception {
        var store = accounts.create();
        String surname = "Quux" + PersonalDataSearch.letters(8);
        try (var receiver = new Receiver()) {
            create(store, receiver.url("/hooks"), "acme.visit");
            String customer = api.post("/api/v1/customers", store.apiKey(), """
                {"name": "Zelda %s", "email": "zelda@quux.example"}""".formatted(surname)).json().get("id")
                .asString();
            String event = api.post("/api/v1/events", store.apiKey(), """
                {"type": "acme.visit", "customer_id": "%s", "data": {"who": "Zelda %s"}}""".formatted(customer,
                surname)).json().get("id").asString();

            try (var erasure = DriverManager.getConnection(dataSource.getJdbcUrl(), dataSource.getUsername(),
                dataSource.getPassword()); var node = Executors.newSingleThreadExecutor()) {
                erasure.setAutoCommit(false);
                // An erasure under way: its customer's key held alone, what it does to the event not yet done.
                try (var hold = erasure.prepareStatement(
                    "SELECT pg_advisory_xact_lock(hashtextextended('erasure/' || ? || '/' || ?, 0))")) {
                    hold.setString(1, store.id());
                    hold.setString(2, customer);
                    hold.executeQuery().close();
                }
                var feeding = node.submit(() -> feed.matchEvents(100, clock.instant()));
                Await.until("the feed waits for the erasure", () -> db.sql("""
                    SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted""")
                    .query(Long.class).single() > 0);
                try (var erase = erasure.prepareStatement(
                    "UPDATE events SET erased = true, data = '{\"who\": \"[redacted]\"}' WHERE id = ?")) {
                    erase.setString(1, event);
                    erase.executeUpdate();
                }
                erasure.commit();
                feeding.get(1, TimeUnit.MINUTES);
            }

            String payload = db.sql("SELECT payload FROM webhook_deliveries WHERE account_id = :id")
                .param("id", store.id()).query(String.class).single();
            assertThat(payload).contains("[redacted]").doesNotContain(surname);
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
