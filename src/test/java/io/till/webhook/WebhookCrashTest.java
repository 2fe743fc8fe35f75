package io.till.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import io.till.automation.AutomationAgenda;
import io.till.testing.Api;
import io.till.testing.ChildTills;
import io.till.testing.MutableClock;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A Till process killed with SIGKILL while it delivers a webhook a step queued: another node delivers it again, and the
 * receiver sees the repeat only with the same webhook-id, signed as before.
 */
@TillIntegrationTest
class WebhookCrashTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    AutomationAgenda automations;
    @Autowired
    WebhookAgenda webhooks;
    @Autowired
    JdbcClient db;
    @Autowired
    MutableClock clock;
    @Autowired
    HikariDataSource dataSource;
    @Value("${till.master-key}")
    String masterKey;

    @Test
    void aReceiverSeesARepeatAfterACrashOnlyWithTheSameWebhookId() throws Exception {
        automations.runDue();
        webhooks.runDue();
        var firstArrived = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        List<String> webhookIds = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/hooks", exchange -> {
            exchange.getRequestBody().readAllBytes();
            webhookIds.add(exchange.getRequestHeaders().getFirst("webhook-id"));
            if (webhookIds.size() == 1) {
                // The first delivery hangs here until its sender is dead.
                firstArrived.countDown();
                try {
                    release.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                exchange.sendResponseHeaders(200, -1);
            } catch (IOException gone) {
                // The sender was killed: nobody reads the answer.
            }
            exchange.close();
        });
        receiver.start();
        Process child = null;
        try {
            var store = accounts.create();
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks";
            String endpoint = api.post("/api/v1/webhook_endpoints", store.apiKey(), """
                {"url": "%s", "event_types": ["acme.unused"]}""".formatted(url)).json().get("id").asString();
            var created = api.post("/api/v1/automations", store.apiKey(), """
                {"name": "Fulfil", "trigger": {"type": "manual"},
                 "steps": [{"id": "fulfil", "type": "action", "action": "send_webhook",
                            "params": {"endpoint_id": "%s", "payload": {"order": "ord_1"}}}]}""".formatted(endpoint));
            String automation = created.json().get("id").asString();
            api.post("/api/v1/automations/" + automation + "/activate", store.apiKey(), null);
            String execution = api.post("/api/v1/automations/" + automation + "/run", store.apiKey(), null).json()
                .get("id").asString();
            long ahead = Duration.between(Instant.now(), clock.instant()).toMillis() + 1000;
            db.sql("UPDATE test_clock SET offset_ms = greatest(offset_ms, :offset) WHERE id = 1")
                .param("offset", Math.max(0, ahead))
                .update();

            child = ChildTills.start(dataSource, masterKey, ChildTills.quickStart(),
                List.of("--till.webhooks.lease=PT5S",
                    "--till.webhooks.poll-interval=100ms", "--till.egress.allow=127.0.0.1/32"));
            var output = child.getInputStream();
            Thread.ofVirtual().start(() -> {
                try {
                    output.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException killed) {
                    // The child is gone.
                }
            });
            assertThat(firstArrived.await(2, TimeUnit.MINUTES)).as("the child Till delivered the webhook").isTrue();
            ChildTills.kill(child);
            release.countDown();

            clock.advance(Duration.ofHours(1));
            automations.runDue();
            webhooks.runDue();

            assertThat(webhookIds).hasSize(2);
            assertThat(webhookIds.get(1)).isEqualTo(webhookIds.get(0));
            assertThat(api.get("/api/v1/executions/" + execution, store.apiKey()).json().get("status").asString())
                .isEqualTo("succeeded");
            var deliveries = api.get("/api/v1/webhook_endpoints/" + endpoint + "/deliveries", store.apiKey()).json()
                .get("data");
            assertThat(deliveries).hasSize(1);
            assertThat(deliveries.get(0).get("status").asString()).isEqualTo("succeeded");
        } finally {
            release.countDown();
            if (child != null) {
                child.destroyForcibly();
            }
            receiver.stop(0);
        }
    }
}
