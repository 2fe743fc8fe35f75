package io.till.action;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.till.automation.AutomationAgenda;
import io.till.testing.Api;
import io.till.testing.ChildTills;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A Till process SIGKILLed inside a {@code retry_payment} step, after the gateway took the charge and before anything
 * was recorded: the node that resumes the step charges nothing more.
 */
@TillIntegrationTest
class RetryPaymentCrashTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    AutomationAgenda agenda;
    @Autowired
    JdbcClient db;
    @Autowired
    MutableClock clock;
    @Autowired
    HikariDataSource dataSource;
    @Value("${till.master-key}")
    String masterKey;

    @Test
    void aStepKilledBetweenChargeAndRecordChargesOnce() throws Exception {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        shops.advance(shop, "P14DT12H");
        String invoice = api.get("/api/v1/invoices?customer_id=" + order.get("customer_id").asString(), shop
            .apiKey()).json().get("data").get(0).get("id").asString();
        var created = api.post("/api/v1/automations", shop.apiKey(), """
            {"name": "Retry", "trigger": {"type": "manual"},
             "steps": [{"id": "retry", "type": "action", "action": "retry_payment",
                        "params": {"invoice_id": "{{event.data.invoice_id}}"}}]}""");
        String automation = created.json().get("id").asString();
        api.post("/api/v1/automations/" + automation + "/activate", shop.apiKey(), null);
        agenda.runDue();
        String execution = api.post("/api/v1/automations/" + automation + "/run", shop.apiKey(), """
            {"data": {"invoice_id": "%s"}}""".formatted(invoice)).json().get("id").asString();
        ChildTills.shareClock(db, clock);

        Process child = ChildTills.start(dataSource, masterKey,
            ChildTills.quickStart("-Dtill.test.hang-after-charge=true"),
            List.of("--till.automation.lease=PT5S"));
        try {
            var charged = ChildTills.awaitLines(child, "CHARGED ", 1);
            assertThat(charged).containsExactly("automation:" + execution + ":retry");
        } finally {
            ChildTills.kill(child);
        }
        assertThat(ledger(shop.accountId())).isEqualTo(1);
        assertThat(payments(shop.accountId(), execution)).isZero();

        clock.advance(Duration.ofHours(1));
        agenda.runDue();

        var run = api.get("/api/v1/executions/" + execution, shop.apiKey()).json();
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(run.get("steps")).hasSize(1);
        assertThat(run.get("steps").get(0).get("output").get("status").asString()).isEqualTo("declined");
        assertThat(ledger(shop.accountId())).isEqualTo(1);
        assertThat(payments(shop.accountId(), execution)).isEqualTo(1);
    }

    private long ledger(String accountId) {
        return db.sql("SELECT count(*) FROM sandbox_charges WHERE account_id = :accountId AND idempotency_key LIKE "
            + "'automation:%'")
            .param("accountId", accountId)
            .query(Long.class)
            .single();
    }

    private long payments(String accountId, String execution) {
        return db.sql("SELECT count(*) FROM payments WHERE account_id = :accountId AND idempotency_key = :key")
            .param("accountId", accountId)
            .param("key", "automation:" + execution + ":retry")
            .query(Long.class)
            .single();
    }
}
