package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.till.testing.Api;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
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
        .withConfiguration(GreenMailConfiguration.aConfig().withUser("shop@shop.test", "till", "mail-password"));

    @Autowired
    Api api;
    @Autowired
    Shops shops;

    private void activate(Shops.Shop shop, String template) {
        var smtp = api.post("/api/v1/integrations", shop.apiKey(), """
            {"type": "smtp", "config": {"host": "127.0.0.1", "port": %d, "username": "till",
             "password": "mail-password", "from_email": "shop@shop.test"}}""".formatted(mail.getSmtp().getPort()));
        assertThat(smtp.status()).as(smtp.text()).isIn(200, 201);
        var created = api.post("/api/v1/automations", shop.apiKey(), "{\"template\": \"" + template + "\"}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(api.post("/api/v1/automations/" + id + "/activate", shop.apiKey(), null).status()).isEqualTo(200);
    }

    private List<String> mails() {
        return Arrays.stream(mail.getReceivedMessages()).map(message -> {
            try {
                return message.getAllRecipients()[0] + " | " + message.getSubject() + " | " + plainText(message)
                    .replaceAll("http\\S*/portal/[a-z0-9_]+/card_link/[a-z0-9_-]+", "<card url>");
            } catch (jakarta.mail.MessagingException | java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /** The plain-text part as the customer reads it, without the shop's signature. */
    private static String plainText(jakarta.mail.Part part) throws jakarta.mail.MessagingException,
        java.io.IOException {
        if (part.getContent() instanceof jakarta.mail.Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                if (multipart.getBodyPart(i).isMimeType("text/plain")) {
                    return plainText(multipart.getBodyPart(i));
                }
            }
        }
        String text = part.getContent().toString().replace("\r\n", "\n");
        int signature = text.indexOf("\n-- \n");
        return (signature < 0 ? text : text.substring(0, signature)).strip();
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
    void winBackInvitesOnlyTheCustomerWhoDidNotComeBack() {
        var shop = shops.open();
        activate(shop, "win_back");
        var gone = shops.buy(shop, shop.monthly(), "pm_card_visa", "gone@example.com");
        var back = shops.buy(shop, shop.monthly(), "pm_card_visa", "back@example.com");
        for (var order : List.of(gone, back)) {
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
    void cardExpiringRemindsOnlyTheCustomerWhoseExpiringCardIsStillTheDefault() {
        var shop = shops.open();
        activate(shop, "card_expiring_followup");
        var today = Instant.parse(api.get("/api/v1/test_clock", shop.apiKey()).json().get("now").asString());
        var expiry = YearMonth.from(today.atZone(ZoneOffset.UTC)).plusMonths(3);
        customerWithCard(shop, "kept@example.com", expiry);
        String replaced = customerWithCard(shop, "replaced@example.com", expiry);
        String removed = customerWithCard(shop, "removed@example.com", expiry);
        // card.expiring comes 60 days before the end of the expiry month.
        Instant notice = expiry.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().minus(Duration
            .ofDays(60));
        var advanced = api.post("/api/v1/test_clock/advance", shop.apiKey(), "{\"to\": \"" + notice.plus(Duration
            .ofHours(1)) + "\"}");
        assertThat(advanced.status()).as(advanced.text()).isEqualTo(200);
        String ask = " | Your card ending in 4242 expires soon | Hi Ada, please add a new card so nothing is "
            + "interrupted: <card url>";
        assertThat(mails()).containsExactlyInAnyOrder("kept@example.com" + ask, "replaced@example.com" + ask,
            "removed@example.com" + ask);

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

        assertThat(mails()).containsExactlyInAnyOrder("kept@example.com" + ask, "replaced@example.com" + ask,
            "removed@example.com" + ask,
            "kept@example.com | Reminder: your card expires soon | Hi Ada, your card ending in 4242 still needs "
                + "replacing: <card url>");
    }

    private String customerWithCard(Shops.Shop shop, String email, YearMonth expiry) {
        var customer = api.post("/api/v1/customers", shop.apiKey(), """
            {"name": "Ada Lovelace", "email": "%s"}""".formatted(email));
        assertThat(customer.status()).as(customer.text()).isEqualTo(201);
        String id = customer.json().get("id").asString();
        var card = api.post("/api/v1/customers/" + id + "/payment_methods", shop.apiKey(), """
            {"token": "pm_card_visa", "exp_month": %d, "exp_year": %d, "make_default": true}"""
            .formatted(expiry.getMonthValue(), expiry.getYear()));
        assertThat(card.status()).as(card.text()).isEqualTo(201);
        return id;
    }
}
