package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@TillIntegrationTest
class PortalSettingsApiTest {

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    PortalSettingsStore store;

    Api.Response put(TestAccounts.TestAccount account, String body) {
        return api.send("PUT", "/api/v1/portal_settings", account.apiKey(), body, List.of("Content-Type",
            "application/json"));
    }

    static List<String> fields(Api.Response response) {
        var fields = new ArrayList<String>();
        response.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        return fields;
    }

    @Test
    void anAccountThatNeverSavedSettingsGetsTheDefaults() {
        var account = accounts.create();

        var settings = api.get("/api/v1/portal_settings", account.apiKey());

        assertThat(settings.status()).as(settings.text()).isEqualTo(200);
        assertThat(settings.json().get("self_cancel").asBoolean()).isTrue();
        assertThat(settings.json().get("card_link_validity").asString()).isEqualTo("P7D");
        assertThat(settings.json().get("allowed_embed_origins")).isEmpty();
        assertThat(settings.json().get("cancel_reasons")).isNotEmpty();
        assertThat(settings.json().get("receipt_emails").get("initial_order").asBoolean()).isFalse();
        assertThat(settings.json().get("receipt_emails").get("subscription_renewals").asBoolean()).isFalse();
        assertThat(settings.json().get("receipt_emails").get("plan_installments").asBoolean()).isFalse();
        assertThat(settings.json().get("footer").isNull()).isTrue();
        assertThat(store.get(account.id())).isEqualTo(PortalSettings.DEFAULTS);
    }

    @Test
    void replacesTheSettingsOfTheCallersAccountOnly() {
        var account = accounts.create();
        var other = accounts.create();

        var saved = put(account, """
            {"self_cancel": false, "cancel_reasons": ["Too dear", "Moving"],
             "allowed_embed_origins": ["https://Shop.Example.com", "http://localhost:3000", "https://a.test:8443"],
             "card_link_validity": "PT36H",
             "receipt_emails": {"initial_order": true, "subscription_renewals": false, "plan_installments": true},
             "footer": "Questions? Reply to this email.\\nAcme Ltd, 1 Main St"}""");

        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        assertThat(saved.json().get("card_link_validity").asString()).isEqualTo("PT36H");
        var settings = store.get(account.id());
        assertThat(settings.selfCancel()).isFalse();
        assertThat(settings.cancelReasons()).containsExactly("Too dear", "Moving");
        assertThat(settings.allowedEmbedOrigins()).containsExactly("https://shop.example.com",
            "http://localhost:3000", "https://a.test:8443");
        assertThat(settings.cardLinkValidity()).isEqualTo(Duration.ofHours(36));
        assertThat(settings.receiptEmails()).isEqualTo(new PortalSettings.ReceiptEmails(true, false, true));
        assertThat(settings.footer()).isEqualTo("Questions? Reply to this email.\nAcme Ltd, 1 Main St");
        assertThat(api.get("/api/v1/portal_settings", account.apiKey()).json().get("footer").asString())
            .startsWith("Questions?");
        assertThat(store.get(other.id())).isEqualTo(PortalSettings.DEFAULTS);
        assertThat(api.get("/api/v1/portal_settings", other.apiKey()).json().get("self_cancel").asBoolean()).isTrue();
    }

    @Test
    void aFieldLeftOutOfAPutTakesItsDefault() {
        var account = accounts.create();
        put(account, """
            {"self_cancel": false, "footer": "Thanks!", "receipt_emails": {"initial_order": true}}""");

        var replaced = put(account, """
            {"card_link_validity": "P30D"}""");

        assertThat(replaced.status()).as(replaced.text()).isEqualTo(200);
        assertThat(store.get(account.id())).isEqualTo(new PortalSettings(true,
            PortalSettings.DEFAULTS.cancelReasons(), List.of(), Duration.ofDays(30), PortalSettings.ReceiptEmails.OFF,
            null));
    }

    @Test
    void namesEveryBadFieldAndKeepsTheSettings() {
        var account = accounts.create();
        String longReason = "x".repeat(101);

        var response = put(account, """
            {"cancel_reasons": ["Fine", "", "%s", "Fine"],
             "allowed_embed_origins": ["https://shop.test/portal", "https://*.shop.test", "http://shop.test",
                                       "shop.test", "https://shop.test:99999", "https://shop.test; script-src *",
                                       "https://ok.test"],
             "card_link_validity": "PT59M", "footer": "%s"}""".formatted(longReason, "f".repeat(501)));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        assertThat(fields(response)).containsExactlyInAnyOrder("cancel_reasons[1]", "cancel_reasons[2]",
            "cancel_reasons[3]", "allowed_embed_origins[0]", "allowed_embed_origins[1]", "allowed_embed_origins[2]",
            "allowed_embed_origins[3]", "allowed_embed_origins[4]", "allowed_embed_origins[5]", "card_link_validity",
            "footer");
        assertThat(store.get(account.id())).isEqualTo(PortalSettings.DEFAULTS);
    }

    @Test
    void refusesCardLinksLongerThanThirtyDaysAndDurationsThatAreNotDurations() {
        var account = accounts.create();

        assertThat(fields(put(account, "{\"card_link_validity\": \"P31D\"}"))).containsExactly("card_link_validity");
        assertThat(fields(put(account, "{\"card_link_validity\": \"7 days\"}"))).containsExactly("card_link_validity");
        assertThat(fields(put(account, "{\"card_link_validity\": \"P1M\"}"))).containsExactly("card_link_validity");
        assertThat(put(account, "{\"card_link_validity\": \"PT1H\"}").status()).isEqualTo(200);
    }

    @Test
    void refusesMoreThanTenReasons() {
        var account = accounts.create();
        var reasons = new ArrayList<String>();
        for (int i = 0; i < 11; i++) {
            reasons.add("\"Reason " + i + "\"");
        }

        var response = put(account, "{\"cancel_reasons\": [" + String.join(",", reasons) + "]}");

        assertThat(fields(response)).containsExactly("cancel_reasons");
        assertThat(put(account, "{\"cancel_reasons\": [" + String.join(",", reasons.subList(0, 10)) + "]}").status())
            .isEqualTo(200);
    }

    @Test
    void aBodyOfTheWrongShapeIsAProblemNotAnError() {
        var account = accounts.create();

        var response = put(account, "{\"self_cancel\": \"sometimes\", \"surprise\": 1}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
    }
}
