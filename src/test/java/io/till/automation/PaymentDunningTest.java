package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The Payment Dunning template end to end on the sandbox test clock, with its mail going to a real SMTP server and its
 * charges to the sandbox ledger.
 */
@TillIntegrationTest
class PaymentDunningTest {

    @RegisterExtension
    static GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
        .withConfiguration(GreenMailConfiguration.aConfig().withUser("shop@shop.test", "till", "mail-password"));

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    JdbcClient db;

    private String startDunning(Shops.Shop shop) {
        var smtp = api.post("/api/v1/integrations", shop.apiKey(), """
            {"type": "smtp", "config": {"host": "127.0.0.1", "port": %d, "username": "till",
             "password": "mail-password", "starttls": false, "from_email": "shop@shop.test"}}"""
            .formatted(mail.getSmtp().getPort()));
        assertThat(smtp.status()).as(smtp.text()).isIn(200, 201);
        var created = api.post("/api/v1/automations", shop.apiKey(), "{\"template\": \"payment_dunning\"}");
        String id = created.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", shop.apiKey(), null).status()).isEqualTo(200);
        return id;
    }

    private List<String> subjects() {
        return Arrays.stream(mail.getReceivedMessages()).map(message -> {
            try {
                return message.getSubject();
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private List<String> charges(Shops.Shop shop) {
        return db.sql("""
            SELECT outcome || ' ' || CASE WHEN idempotency_key LIKE 'automation:%' THEN 'automation' ELSE 'billing' END
              FROM sandbox_charges WHERE account_id = :accountId ORDER BY created_at, id
            """)
            .param("accountId", shop.accountId())
            .query(String.class)
            .list();
    }

    private JsonNode onlyRun(Shops.Shop shop, String automation) {
        var runs = api.get("/api/v1/executions?automation_id=" + automation, shop.apiKey()).json().get("data");
        assertThat(runs).hasSize(1);
        return api.get("/api/v1/executions/" + runs.get(0).get("id").asString(), shop.apiKey()).json();
    }

    @Test
    void remindsRetriesAndGivesFinalNoticeWhileTheInvoiceStaysUnpaid() throws Exception {
        var shop = shops.open();
        String automation = startDunning(shop);
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");

        shops.advance(shop, "P14DT1H");
        assertThat(subjects()).containsExactly("We couldn't process your payment");
        MimeMessage gentle = mail.getReceivedMessages()[0];
        String body = GreenMailUtil.getBody(gentle);
        // It says what was not paid: the subscription's product, read for a payment.failed that carries none.
        assertThat(body).contains("Hi Buyer, your payment of $19.00 for Membership did not go through.")
            .contains("/portal/" + shop.accountId() + "/card");
        assertThat(gentle.getAllRecipients()[0].toString()).isEqualTo("ada@example.com");

        shops.advance(shop, "P3D");
        assertThat(subjects()).containsExactly("We couldn't process your payment",
            "Action needed: your payment is overdue");

        shops.advance(shop, "P7D");
        assertThat(subjects()).containsExactly("We couldn't process your payment",
            "Action needed: your payment is overdue", "Final notice: your payment is still overdue");
        // The notice promises only what billing does whatever its retry schedule (a seller's may go on for 60 days):
        // a new card is charged at once; it neither says the retries are over nor that the subscription ends.
        assertThat(GreenMailUtil.getBody(mail.getReceivedMessages()[2])).contains("Hi Buyer, we still could not "
            + "collect $19.00 for Membership. Update your card here and we will charge it at once: ")
            .doesNotContain("about to end").doesNotContain("try your card again");
        assertThat(shops.subscription(shop, order.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("unpaid");
        JsonNode run = onlyRun(shop, automation);
        assertThat(run.get("status").asString()).isEqualTo("succeeded");
        assertThat(charges(shop)).filteredOn(c -> c.endsWith("automation")).containsExactly("declined automation");
        assertThat(charges(shop)).filteredOn(c -> c.endsWith("billing")).containsOnly("declined billing");
        assertThat(api.get("/api/v1/tasks?status=open", shop.apiKey()).json().get("data")).hasSize(1);
    }

    /** Credit the renewal spent is not owed: the emails quote what is still unpaid, $14.00 of $19.00. */
    @Test
    void quotesWhatIsStillOwedAfterTheCreditTheRenewalSpent() {
        var shop = shops.open();
        startDunning(shop);
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "ada@example.com");
        var granted = api.post("/api/v1/customers/" + order.get("customer_id").asString() + "/credits",
            shop.apiKey(), "{\"amount\": 500, \"currency\": \"usd\"}");
        assertThat(granted.status()).as(granted.text()).isEqualTo(201);

        shops.advance(shop, "P14DT1H");

        assertThat(subjects()).containsExactly("We couldn't process your payment");
        assertThat(GreenMailUtil.getBody(mail.getReceivedMessages()[0]))
            .contains("Hi Buyer, your payment of $14.00 for Membership did not go through.");
    }

    @Test
    void endsAsTheInvoiceIsPaidWhenTheCardIsUpdatedInBetween() {
        var shop = shops.open();
        String automation = startDunning(shop);
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "grace@example.com");
        String customer = order.get("customer_id").asString();
        shops.advance(shop, "P14DT1H");
        assertThat(subjects()).containsExactly("We couldn't process your payment");

        var card = api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(), """
            {"token": "pm_card_visa", "make_default": true}""");
        assertThat(card.status()).as(card.text()).isEqualTo(201);
        var changed = api.post("/api/v1/subscriptions/" + order.get("subscription_id").asString() + "/change_card",
            shop.apiKey(), "{\"payment_method_id\": \"" + card.json().get("id").asString() + "\"}");
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        shops.advance(shop, "P10D");

        assertThat(subjects()).containsExactly("We couldn't process your payment");
        // cancel_on invoice.paid (of this invoice): the run ends when the new card pays it, not 3 days later.
        JsonNode run = onlyRun(shop, automation);
        assertThat(run.get("status").asString()).isEqualTo("canceled");
        JsonNode paid = api.get("/api/v1/events/" + run.get("canceled_by_event").asString(), shop.apiKey()).json();
        assertThat(paid.get("type").asString()).isEqualTo("invoice.paid");
        assertThat(paid.get("data").get("invoice").get("id")).isEqualTo(run.get("trigger").get("data")
            .get("invoice").get("id"));
        var steps = new java.util.ArrayList<String>();
        run.get("steps").forEach(s -> steps.add(s.get("step_id").asString()));
        assertThat(steps).containsExactly("gentle", "wait");
        assertThat(charges(shop)).containsExactly("declined billing", "succeeded billing");
    }

    /** Canceled in between, its invoice voided: the run ends then, not days later by its "still unpaid" branch. */
    @Test
    void endsAsTheInvoiceIsVoidedWhenTheSubscriptionIsCanceledInBetween() {
        var shop = shops.open();
        String automation = startDunning(shop);
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "carol@example.com");
        shops.advance(shop, "P14DT1H");
        assertThat(subjects()).containsExactly("We couldn't process your payment");

        var canceled = api.post("/api/v1/subscriptions/" + order.get("subscription_id").asString() + "/cancel",
            shop.apiKey(), "{\"at_period_end\": false}");
        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);
        shops.advance(shop, "PT1H");

        JsonNode run = onlyRun(shop, automation);
        assertThat(run.get("status").asString()).isEqualTo("canceled");
        JsonNode voided = api.get("/api/v1/events/" + run.get("canceled_by_event").asString(), shop.apiKey()).json();
        assertThat(voided.get("type").asString()).isEqualTo("invoice.voided");
        assertThat(subjects()).containsExactly("We couldn't process your payment");
    }
    /**
     * "Start it for this event" on a payment that failed and was paid since: the run the matcher would have ended at
     * once (cancel_on invoice.paid) is refused, and the customer who paid gets no dunning mail.
     */
    @Test
    void refusesToStartDunningByHandForAPaymentPaidSince() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.trial(), "pm_card_chargeCustomerFail", "dora@example.com");
        String customer = order.get("customer_id").asString();
        shops.advance(shop, "P14DT1H");
        var card = api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(), """
            {"token": "pm_card_visa", "make_default": true}""");
        var changed = api.post("/api/v1/subscriptions/" + order.get("subscription_id").asString() + "/change_card",
            shop.apiKey(), "{\"payment_method_id\": \"" + card.json().get("id").asString() + "\"}");
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        shops.advance(shop, "PT1H");
        assertThat(shops.types(shop, customer)).contains("payment.failed", "invoice.paid");
        String failed = shops.events(shop, customer).stream()
            .filter(event -> event.get("type").asString().equals("payment.failed"))
            .findFirst().orElseThrow().get("id").asString();
        var created = api.post("/api/v1/automations", shop.apiKey(), "{\"template\": \"payment_dunning\"}");
        String automation = created.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + automation + "/activate", shop.apiKey(), null).status())
            .isEqualTo(200);

        var started = api.post("/api/v1/automations/" + automation + "/run", shop.apiKey(), """
            {"event_id": "%s"}""".formatted(failed));
        shops.advance(shop, "PT1H");

        assertThat(started.status()).as(started.text()).isEqualTo(409);
        assertThat(started.json().get("detail").asString()).contains("invoice.paid", "already ends");
        assertThat(api.get("/api/v1/executions?automation_id=" + automation, shop.apiKey()).json().get("data"))
            .isEmpty();
        assertThat(db.sql("""
            SELECT count(*) FROM dev_messages
             WHERE account_id = :accountId AND subject = 'We couldn''t process your payment'
            """).param("accountId", shop.accountId()).query(Long.class).single()).isZero();
    }
    /**
     * A payment plan's installment that fails and is never recovered: the same notes as a subscription's, naming the
     * plan's product and the installment owed, one charge of the automation's own, and a task for staff.
     */
    @Test
    void dunsAFailedInstallmentOfAPaymentPlanToTheFinalNoticeAndATask() throws Exception {
        var shop = shops.open();
        String automation = startDunning(shop);
        var order = shops.buy(shop, shop.plan(), "pm_card_visa", "ada@example.com");
        String customer = order.get("customer_id").asString();
        // The plan follows the default card, which from now on declines: the second installment fails.
        var failing = api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(), """
            {"token": "pm_card_chargeCustomerFail", "make_default": true}""");
        assertThat(failing.status()).as(failing.text()).isEqualTo(201);

        shops.advance(shop, "P1M");
        shops.advance(shop, "PT1H");
        assertThat(subjects()).containsExactly("We couldn't process your payment");
        JsonNode invoice = api.get("/api/v1/invoices?customer_id=" + customer, shop.apiKey()).json().get("data")
            .get(0);
        assertThat(invoice.get("payment_plan_id").asString()).isEqualTo(order.get("payment_plan_id").asString());
        String owed = "$%d.%02d".formatted(invoice.get("amount_remaining").asLong() / 100,
            invoice.get("amount_remaining").asLong() % 100);
        assertThat(GreenMailUtil.getBody(mail.getReceivedMessages()[0])).contains("Hi Buyer, your payment of " + owed
            + " for Membership did not go through.");

        shops.advance(shop, "P10D");

        assertThat(subjects()).containsExactly("We couldn't process your payment",
            "Action needed: your payment is overdue", "Final notice: your payment is still overdue");
        assertThat(GreenMailUtil.getBody(mail.getReceivedMessages()[2])).contains("we still could not collect "
            + owed + " for Membership.");
        assertThat(onlyRun(shop, automation).get("status").asString()).isEqualTo("succeeded");
        assertThat(charges(shop)).filteredOn(c -> c.endsWith("automation")).containsExactly("declined automation");
        var tasks = api.get("/api/v1/tasks?status=open", shop.apiKey()).json().get("data");
        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0).get("title").asString()).isEqualTo("Call Buyer about an unpaid invoice");
    }
}
