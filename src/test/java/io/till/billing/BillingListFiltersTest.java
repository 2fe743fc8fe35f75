package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The billing lists filter by status and by creation time (PRODUCT §8), as an integrating developer asks "the
 * subscriptions that are past due", "last month's invoices"; a status a record never has is refused with the ones it
 * can have.
 */
@TillIntegrationTest
class BillingListFiltersTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    JdbcClient db;

    private List<String> ids(Shops.Shop shop, String path) {
        var response = api.get(path, shop.apiKey());
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        var ids = new ArrayList<String>();
        response.json().get("data").forEach(row -> ids.add(row.get("id").asString()));
        return ids;
    }

    @Test
    void listsFilterByStatusAndByWhenTheRecordWasCreated() {
        var shop = shops.open();
        String canceled = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com").get("subscription_id")
            .asString();
        assertThat(api.post("/api/v1/subscriptions/" + canceled + "/cancel", shop.apiKey(), "{}").status())
            .isEqualTo(200);
        var laterOrder = shops.buy(shop, shop.monthly(), "pm_card_visa", "grace@example.com");
        shops.advance(shop, "P2D");
        var lastOrder = shops.buy(shop, shop.monthly(), "pm_card_visa", "alan@example.com");
        String active = laterOrder.get("subscription_id").asString();
        String newest = lastOrder.get("subscription_id").asString();
        String twoDaysIn = shops.subscription(shop, newest).get("created_at").asString().substring(0, 10);

        assertThat(ids(shop, "/api/v1/subscriptions?status=canceled")).containsExactly(canceled);
        assertThat(ids(shop, "/api/v1/subscriptions?status=active")).containsExactly(newest, active);
        assertThat(ids(shop, "/api/v1/subscriptions?created_from=" + twoDaysIn)).containsExactly(newest);
        assertThat(ids(shop, "/api/v1/subscriptions?status=active&created_to=" + twoDaysIn)).containsExactly(active);
        assertThat(ids(shop, "/api/v1/orders?status=paid&created_from=" + twoDaysIn)).containsExactly(lastOrder.get(
            "id").asString());
        // A purchase's first payment has no invoice; the renewal a month later does.
        shops.advance(shop, "P30D");
        var invoices = api.get("/api/v1/invoices", shop.apiKey()).json().get("data");
        var paid = new ArrayList<String>();
        invoices.forEach(invoice -> {
            if (invoice.get("status").asString().equals("paid")) {
                paid.add(invoice.get("id").asString());
            }
        });
        assertThat(paid).isNotEmpty();
        assertThat(ids(shop, "/api/v1/invoices?status=paid")).isEqualTo(paid);
        assertThat(ids(shop, "/api/v1/invoices?status=void")).isEmpty();
        assertThat(ids(shop, "/api/v1/payments?status=succeeded&created_to=" + twoDaysIn)).hasSize(2);
        assertThat(ids(shop, "/api/v1/payment_plans?status=active")).isEmpty();
    }

    @Test
    void aStatusTheRecordNeverHasAndABadWindowAreRefused() {
        var shop = shops.open();

        var status = api.get("/api/v1/subscriptions?status=pastdue", shop.apiKey());
        var window = api.get("/api/v1/invoices?created_from=2026-12-02&created_to=2026-12-01", shop.apiKey());
        var moment = api.get("/api/v1/orders?created_from=yesterday", shop.apiKey());

        assertThat(status.status()).isEqualTo(400);
        assertThat(status.text()).contains("\"status\"", "must be one of trialing, active, past_due, unpaid, "
            + "canceling, canceled, paused");
        assertThat(window.status()).isEqualTo(400);
        assertThat(window.text()).contains("created_to");
        assertThat(moment.status()).isEqualTo(400);
        assertThat(moment.text()).contains("created_from");
    }

    /**
     * An integrating developer lists the charges an invoice's attempt_count counts: each payment names the invoice it
     * was for (a purchase's names none), and the payments list filters by it, within the caller's account only.
     */
    @Test
    void paymentsNameTheirInvoiceAndFilterByItWithinTheAccount() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        shops.advance(shop, "P32D");
        String invoice = api.get("/api/v1/invoices?customer_id=" + order.get("customer_id").asString(), shop.apiKey())
            .json().get("data").get(0).get("id").asString();
        var purchase = api.get("/api/v1/payments/" + order.get("payment_id").asString(), shop.apiKey()).json();

        var charges = api.get("/api/v1/payments?invoice_id=" + invoice, shop.apiKey()).json().get("data");

        assertThat(purchase.has("invoice_id")).isTrue();
        assertThat(purchase.get("invoice_id").isNull()).as("a purchase's payment is for no invoice").isTrue();
        assertThat(charges).hasSize(api.get("/api/v1/invoices/" + invoice, shop.apiKey()).json().get("attempt_count")
            .asInt()).hasSize(1);
        assertThat(charges.get(0).get("invoice_id").asString()).isEqualTo(invoice);
        assertThat(api.get("/api/v1/payments/" + charges.get(0).get("id").asString(), shop.apiKey()).json().get(
            "invoice_id").asString()).isEqualTo(invoice);
        assertThat(ids(shops.open(), "/api/v1/payments?invoice_id=" + invoice)).as("another account's invoice")
            .isEmpty();
    }

    @Test
    void aMalformedInvoiceIdIsRefusedNamingTheField() {
        var shop = shops.open();

        var malformed = api.get("/api/v1/payments?invoice_id=pay_01", shop.apiKey());

        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.text()).contains("\"invoice_id\"", "must be an invoice id");
    }

    @Test
    void aCustomerIdThatIsNotOneIsRefusedByEveryListRatherThanAnsweredWithNoRecords() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");

        for (String list : java.util.List.of("orders", "payments", "subscriptions", "payment_plans", "invoices")) {
            var byEmail = api.get("/api/v1/" + list + "?customer_id=ada@example.com", shop.apiKey());
            assertThat(byEmail.status()).as(list).isEqualTo(400);
            assertThat(byEmail.text()).as(list).contains("\"customer_id\"", "must be a customer id (cus_");
        }
        assertThat(ids(shop, "/api/v1/orders?customer_id=" + order.get("customer_id").asString()))
            .containsExactly(order.get("id").asString());
    }

    @Test
    void theStatusesOfferedAreTheOnesEachTableAllows() {
        var offered = Map.of("subscriptions", BillingListValues.SUBSCRIPTIONS_STATUSES, "payment_plans",
            BillingListValues.PAYMENT_PLANS_STATUSES, "invoices", BillingListValues.INVOICES_STATUSES, "payments",
            BillingListValues.PAYMENTS_STATUSES, "orders", BillingListValues.ORDERS_STATUSES);
        offered.forEach((table, statuses) -> {
            String check = db.sql("""
                SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
                 WHERE c.conrelid = CAST(:table AS regclass) AND c.contype = 'c'
                   AND pg_get_constraintdef(c.oid) LIKE '%(status = ANY%'
                """).param("table", table).query(String.class).single();
            var allowed = new TreeSet<String>();
            Pattern.compile("'([a-z_]+)'::text").matcher(check).results().forEach(m -> allowed.add(m.group(1)));
            assertThat(new TreeSet<>(statuses)).as(table).isEqualTo(allowed);
        });
    }
}
