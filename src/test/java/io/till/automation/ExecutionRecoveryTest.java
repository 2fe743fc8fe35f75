package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.shared.Timestamps;
import io.till.testing.Api;
import io.till.testing.MutableClock;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The recovery report counts each invoice once, in the week its payment first failed: written off as bad debt while
 * its subscription is still owed it, it is still unpaid; first failed before the report's weeks, it is none of theirs.
 */
@TillIntegrationTest
class ExecutionRecoveryTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    JdbcClient db;
    @Autowired
    MutableClock clock;
    @Autowired
    ExecutionReports reports;

    private String failingInvoice(Shops.Shop shop) {
        var created = api.post("/api/v1/automations", shop.apiKey(), """
            {"name": "Failed payment note", "trigger": {"type": "event", "event": "payment.failed"},
             "steps": [{"id": "tag", "type": "action", "action": "add_tag", "params": {"tag": "failed_payment"}}]}""");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(api.post("/api/v1/automations/" + created.json().get("id").asString() + "/activate",
            shop.apiKey(), null).status()).isEqualTo(200);
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "owing@example.com");
        // The trial ends, its first charge fails, and a retry fails again: two runs about one invoice.
        assertThat(shops.advance(shop, "P14DT1H").status()).isEqualTo(200);
        assertThat(shops.advance(shop, "P5D").status()).isEqualTo(200);
        return api.get("/api/v1/invoices?customer_id=" + order.get("customer_id").asString(), shop.apiKey()).json()
            .get("data").get(0).get("id").asString();
    }

    private long runsAbout(String invoice) {
        return db.sql("SELECT count(*) FROM executions WHERE trigger -> 'data' -> 'invoice' ->> 'id' = :invoice")
            .param("invoice", invoice).query(Long.class).single();
    }

    @Test
    void anInvoiceWrittenOffWhileItsSubscriptionStillOwesItIsStillUnpaid() {
        var shop = shops.open();
        String invoice = failingInvoice(shop);
        db.sql("UPDATE invoices SET status = 'uncollectible' WHERE id = :id").param("id", invoice).update();
        Instant now = Timestamps.now(clock);

        var weeks = reports.recovery(shop.accountId(), ZoneOffset.UTC, now.minus(Duration.ofDays(84)),
            now.plusSeconds(1));

        assertThat(weeks).singleElement().satisfies(week -> {
            assertThat(week.failed()).isEqualTo(1);
            assertThat(week.unpaid()).isEqualTo(1);
            assertThat(week.unpaidAmount()).isEqualTo(1900);
        });
    }

    @Test
    void anInvoiceThatFirstFailedBeforeTheReportsWeeksIsNoneOfTheirs() {
        var shop = shops.open();
        String invoice = failingInvoice(shop);
        assertThat(runsAbout(invoice)).as("a failure and a retry's").isGreaterThanOrEqualTo(2);
        Instant now = Timestamps.now(clock);
        // Its first run before the weeks shown, the later ones within them.
        Instant from = db.sql("""
            SELECT min(created_at) + interval '1 second' FROM executions
             WHERE trigger -> 'data' -> 'invoice' ->> 'id' = :invoice
            """).param("invoice", invoice).query(java.sql.Timestamp.class).single().toInstant();

        var weeks = reports.recovery(shop.accountId(), ZoneOffset.UTC, from, now.plusSeconds(1));

        assertThat(weeks).isEmpty();
    }
}
