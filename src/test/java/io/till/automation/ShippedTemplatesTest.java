package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.till.testing.Api;
import io.till.testing.Inbox;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The shipped templates end to end on the sandbox test clock, their mail going to a real SMTP server: each says and
 * does what its name promises.
 */
@TillIntegrationTest
class ShippedTemplatesTest {

    @RegisterExtension
    static GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
        .withConfiguration(GreenMailConfiguration.aConfig().withUser(Inbox.FROM, Inbox.USER, Inbox.PASSWORD));

    @Autowired
    Api api;
    @Autowired
    Shops shops;

    private void activate(Shops.Shop shop, String template) {
        Inbox.connect(api, shop, mail);
        var created = api.post("/api/v1/automations", shop.apiKey(), "{\"template\": \"" + template + "\"}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", shop.apiKey(), null).status()).isEqualTo(200);
    }

    private List<String> mails() {
        return Inbox.lines(mail);
    }

    @Test
    void usageAlertSaysThePlainNumbersCrossed() {
        var shop = shops.open();
        activate(shop, "usage_alert");
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        api.send("PUT", "/api/v1/subscriptions/" + subscription + "/usage_thresholds", shop.apiKey(),
            "{\"meter\": \"api_calls\", \"thresholds\": [100, 500]}", List.of("Content-Type", "application/json"));

        var recorded = api.post("/api/v1/usage", shop.apiKey(), """
            {"subscription_id": "%s", "meter": "api_calls", "quantity": 120}""".formatted(subscription));
        assertThat(recorded.status()).as(recorded.text()).isEqualTo(201);
        shops.advance(shop, "PT1M");

        assertThat(mails()).containsExactly("ada@example.com | You have used 120 api_calls | Hi Buyer, your usage "
            + "this period has passed 100.");
    }

    @Test
    void usageAlertSaysNothingBelowAThresholdAndTellsEachThresholdOnce() {
        var shop = shops.open();
        activate(shop, "usage_alert");
        String low = meteredSubscription(shop, "low@example.com");
        String high = meteredSubscription(shop, "high@example.com");

        use(shop, low, 90);
        use(shop, high, 120);
        use(shop, high, 10);
        shops.advance(shop, "PT1M");
        assertThat(mails()).containsExactly("high@example.com | You have used 120 api_calls | Hi Buyer, your usage "
            + "this period has passed 100.");

        use(shop, high, 400);
        shops.advance(shop, "PT1M");
        assertThat(mails()).containsExactly("high@example.com | You have used 120 api_calls | Hi Buyer, your usage "
            + "this period has passed 100.",
            "high@example.com | You have used 530 api_calls | Hi Buyer, your usage "
                + "this period has passed 500.");
    }

    private String meteredSubscription(Shops.Shop shop, String email) {
        String subscription = shops.buy(shop, shop.monthly(), "pm_card_visa", email).get("subscription_id")
            .asString();
        var thresholds = api.send("PUT", "/api/v1/subscriptions/" + subscription + "/usage_thresholds", shop
            .apiKey(), "{\"meter\": \"api_calls\", \"thresholds\": [100, 500]}",
            List.of("Content-Type",
                "application/json"));
        assertThat(thresholds.status()).as(thresholds.text()).isEqualTo(200);
        return subscription;
    }

    private void use(Shops.Shop shop, String subscription, int quantity) {
        var recorded = api.post("/api/v1/usage", shop.apiKey(), """
            {"subscription_id": "%s", "meter": "api_calls", "quantity": %d}""".formatted(subscription, quantity));
        assertThat(recorded.status()).as(recorded.text()).isEqualTo(201);
    }

    /** An offer is marketing: only to a customer who agreed to marketing emails (a probe found it sent to all). */
    @Test
    void winBackInvitesOnlyTheCustomerWhoDidNotComeBackAndAgreedToMarketing() {
        var shop = shops.open();
        activate(shop, "win_back");
        var gone = shops.buy(shop, shop.monthly(), "pm_card_visa", "gone@example.com");
        var back = shops.buy(shop, shop.monthly(), "pm_card_visa", "back@example.com");
        var quiet = shops.buy(shop, shop.monthly(), "pm_card_visa", "quiet@example.com");
        for (var order : List.of(gone, back)) {
            var consented = api.send("PATCH", "/api/v1/customers/" + order.get("customer_id").asString(),
                shop.apiKey(), "{\"marketing_consent\": true}", List.of("Content-Type", "application/json"));
            assertThat(consented.status()).as(consented.text()).isEqualTo(200);
        }
        for (var order : List.of(gone, back, quiet)) {
            var canceled = api.post("/api/v1/subscriptions/" + order.get("subscription_id").asString() + "/cancel",
                shop.apiKey(), "{}");
            assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);
        }
        shops.advance(shop, "P10D");
        var again = shops.buy(shop, shop.monthly(), "pm_card_visa", "back@example.com");
        assertThat(again.get("customer_id").asString()).isEqualTo(back.get("customer_id").asString());

        shops.advance(shop, "P21D");

        assertThat(mails()).containsExactly("gone@example.com | We miss you, Buyer | Come back with 20% off your "
            + "first month: use the code COMEBACK20.");
    }

    @Test
    void cardExpiringAsksOnlyAboutCardsThatPaySomethingAndRemindsWhileTheyStillDo() {
        var shop = shops.open();
        activate(shop, "card_expiring_followup");
        var today = Instant.parse(api.get("/api/v1/test_clock", shop.apiKey()).json().get("now").asString());
        var expiry = YearMonth.from(today.atZone(ZoneOffset.UTC)).plusMonths(3);
        var later = expiry.plusYears(2);
        subscribe(shop, customerWithCard(shop, "kept@example.com", expiry));
        String replaced = subscribe(shop, customerWithCard(shop, "replaced@example.com", expiry));
        String removed = subscribe(shop, customerWithCard(shop, "removed@example.com", expiry));
        // Nothing to pay: the expiring card interrupts nothing.
        customerWithCard(shop, "nothing@example.com", expiry);
        // A spare card expires; the default one pays the subscription.
        String spare = customerWithCard(shop, "spare@example.com", later);
        subscribe(shop, spare);
        saveCard(shop, spare, expiry, false);
        // The subscription pays with a card of its own, not the default: it is that card's expiry that matters.
        String own = customerWithCard(shop, "own@example.com", later);
        String ownCard = saveCard(shop, own, expiry, false);
        var bought = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer_id": "%s", "payment_method_id": "%s", "option_id": "%s"}""".formatted(own, ownCard,
            shop.monthly()));
        assertThat(bought.status()).as(bought.text()).isEqualTo(201);

        // card.expiring comes 60 days before the end of the expiry month.
        Instant notice = expiry.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().minus(Duration
            .ofDays(60));
        advanceTo(shop, notice.plus(Duration.ofHours(1)));
        String ask = " | Your card ending in 4242 expires soon | Hi Ada, please add a new card so nothing is "
            + "interrupted: <card url>";
        assertThat(mails()).containsExactlyInAnyOrder("kept@example.com" + ask, "replaced@example.com" + ask,
            "removed@example.com" + ask, "own@example.com" + ask);

        var newer = api.post("/api/v1/customers/" + replaced + "/payment_methods", shop.apiKey(), """
            {"token": "pm_card_mastercard", "make_default": true}""");
        assertThat(newer.status()).as(newer.text()).isEqualTo(201);
        // Saving another card and removing the expiring one makes the other the default.
        String expiring = api.get("/api/v1/customers/" + removed + "/payment_methods", shop.apiKey()).json()
            .get("data").get(0).get("id").asString();
        assertThat(api.post("/api/v1/customers/" + removed + "/payment_methods", shop.apiKey(), """
            {"token": "pm_card_amex"}""").status()).isEqualTo(201);
        assertThat(api.delete("/api/v1/customers/" + removed + "/payment_methods/" + expiring, shop.apiKey())
            .status()).isIn(200, 204);
        shops.advance(shop, "P14DT1H");

        String reminder = " | Reminder: your card expires soon | Hi Ada, your card ending in 4242 still needs "
            + "replacing: <card url>";
        assertThat(mails()).containsExactlyInAnyOrder("kept@example.com" + ask, "replaced@example.com" + ask,
            "removed@example.com" + ask, "own@example.com" + ask, "kept@example.com" + reminder,
            "own@example.com" + reminder);
    }

    @Test
    void renewalReminderTellsEachRenewingSubscriberTheDateAndAmountSevenDaysAhead() {
        var shop = shops.open();
        activate(shop, "renewal_reminder");
        var renewing = shops.buy(shop, shop.monthly(), "pm_card_visa", "renews@example.com");
        var canceling = shops.buy(shop, shop.monthly(), "pm_card_visa", "canceling@example.com");
        var canceled = shops.buy(shop, shop.monthly(), "pm_card_visa", "canceled@example.com");
        var paused = shops.buy(shop, shop.monthly(), "pm_card_visa", "paused@example.com");
        var trial = shops.buy(shop, shop.trial(), "pm_card_visa", "trial@example.com");
        cancel(shop, canceling, "{\"at_period_end\": true}");
        cancel(shop, canceled, "{}");
        var pausedNow = api.post("/api/v1/subscriptions/" + paused.get("subscription_id").asString() + "/pause",
            shop.apiKey(), null);
        assertThat(pausedNow.status()).as(pausedNow.text()).isEqualTo(200);
        String subscription = renewing.get("subscription_id").asString();
        Instant firstEnd = periodEnd(shop, subscription);

        advanceTo(shop, firstEnd.minus(Duration.ofDays(7)).minusSeconds(1));
        // The trial's end was announced (subscription.trial_ending), not a renewal.
        assertThat(mails()).isEmpty();
        advanceTo(shop, firstEnd.minus(Duration.ofDays(7)));
        assertThat(mails()).containsExactly(reminder("renews", firstEnd));

        // Each renewal moves the period on, and the next reminder comes 7 days before its end; the trial, now paid,
        // renews like the others. The canceling one ended, the paused one stays paused: no reminder for them.
        advanceTo(shop, firstEnd.plus(Duration.ofHours(1)));
        Instant secondEnd = periodEnd(shop, subscription);
        Instant trialsFirstRenewal = periodEnd(shop, trial.get("subscription_id").asString());
        assertThat(trialsFirstRenewal).isBetween(firstEnd.plus(Duration.ofDays(8)), secondEnd.minus(Duration
            .ofDays(1)));
        advanceTo(shop, trialsFirstRenewal.minus(Duration.ofDays(7)).minusSeconds(1));
        assertThat(mails()).containsExactly(reminder("renews", firstEnd));
        advanceTo(shop, trialsFirstRenewal.minus(Duration.ofDays(7)));
        // (GreenMail lists mail by recipient, so across recipients only the set tells.)
        assertThat(mails()).containsExactlyInAnyOrder(reminder("renews", firstEnd), reminder("trial",
            trialsFirstRenewal));
        advanceTo(shop, secondEnd.minus(Duration.ofDays(7)).minusSeconds(1));
        assertThat(mails()).hasSize(2);
        advanceTo(shop, secondEnd.minus(Duration.ofDays(7)));
        assertThat(mails()).containsExactlyInAnyOrder(reminder("renews", firstEnd), reminder("trial",
            trialsFirstRenewal), reminder("renews", secondEnd));
        assertThat(shops.subscription(shop, canceling.get("subscription_id").asString()).get("status").asString())
            .isEqualTo("canceled");
    }

    private Instant periodEnd(Shops.Shop shop, String subscription) {
        return Instant.parse(shops.subscription(shop, subscription).get("current_period_end").asString());
    }

    private static String reminder(String who, Instant periodEnd) {
        String date = DateTimeFormatter.ofPattern("MMMM d, yyyy", Locale.US).withZone(ZoneOffset.UTC).format(
            periodEnd);
        return who + "@example.com | Your subscription renews soon | Hi Buyer, your subscription renews on " + date
            + " for $19.00. Manage it here: <portal url>";
    }

    private void cancel(Shops.Shop shop, tools.jackson.databind.JsonNode order, String body) {
        var canceled = api.post("/api/v1/subscriptions/" + order.get("subscription_id").asString() + "/cancel", shop
            .apiKey(), body);
        assertThat(canceled.status()).as(canceled.text()).isEqualTo(200);
    }

    private void advanceTo(Shops.Shop shop, Instant to) {
        var advanced = api.post("/api/v1/test_clock/advance", shop.apiKey(), "{\"to\": \"" + to + "\"}");
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
    }

    private String customerWithCard(Shops.Shop shop, String email, YearMonth expiry) {
        var customer = api.post("/api/v1/customers", shop.apiKey(), """
            {"name": "Ada Lovelace", "email": "%s"}""".formatted(email));
        assertThat(customer.status()).as(customer.text()).isEqualTo(201);
        String id = customer.json().get("id").asString();
        saveCard(shop, id, expiry, true);
        return id;
    }

    private String saveCard(Shops.Shop shop, String customer, YearMonth expiry, boolean makeDefault) {
        var card = api.post("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey(), """
            {"token": "pm_card_visa", "exp_month": %d, "exp_year": %d, "make_default": %b}"""
            .formatted(expiry.getMonthValue(), expiry.getYear(), makeDefault));
        assertThat(card.status()).as(card.text()).isEqualTo(201);
        return card.json().get("id").asString();
    }

    /** A monthly subscription paid with the customer's default card. */
    private String subscribe(Shops.Shop shop, String customer) {
        String card = api.get("/api/v1/customers/" + customer + "/payment_methods", shop.apiKey()).json().get("data")
            .get(0).get("id").asString();
        var bought = api.post("/api/v1/checkouts/" + shop.checkoutId() + "/purchases", shop.apiKey(), """
            {"customer_id": "%s", "payment_method_id": "%s", "option_id": "%s"}""".formatted(customer, card,
            shop.monthly()));
        assertThat(bought.status()).as(bought.text()).isEqualTo(201);
        return customer;
    }
}
