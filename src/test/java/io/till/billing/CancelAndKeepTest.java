package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.till.payment.SandboxLedger;
import io.till.shared.TillException;
import io.till.testing.Api;
import io.till.testing.ClockDatabase;
import io.till.testing.Shops;
import io.till.testing.TillIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@TillIntegrationTest
@ClockDatabase
class CancelAndKeepTest {

    @Autowired
    Api api;
    @Autowired
    Shops shops;
    @Autowired
    SandboxLedger ledger;
    @Autowired
    SubscriptionActions actions;

    @Test
    void keepsTheReasonOnTheSubscriptionAndInBothCancelEventsAndChargesNothingMore() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();

        var canceling = api.post("/api/v1/subscriptions/" + subscription + "/cancel", shop.apiKey(), """
            {"at_period_end": true, "reason": "Too expensive", "reason_text": "  Found a cheaper plan.  "}""");
        shops.advance(shop, "P32D");

        assertThat(canceling.json().get("status").asString()).isEqualTo("canceling");
        assertThat(canceling.json().get("cancel_reason").asString()).isEqualTo("Too expensive");
        assertThat(canceling.json().get("cancel_reason_text").asString()).isEqualTo("Found a cheaper plan.");
        assertThat(canceling.json().get("canceled_by").asString()).isEqualTo("staff");
        // Which of the seller's side: an API key, said as such (a staff member would be named by email).
        assertThat(canceling.json().get("canceled_by_who").asString()).isEqualTo("the API");
        assertThat(canceling.json().get("cancel_requested_at").isNull()).isFalse();
        var ended = shops.subscription(shop, subscription);
        assertThat(ended.get("status").asString()).isEqualTo("canceled");
        assertThat(ended.get("cancel_reason").asString()).isEqualTo("Too expensive");
        var events = shops.events(shop, order.get("customer_id").asString());
        var cancelEvents = events.stream()
            .filter(event -> event.get("type").asString().startsWith("subscription.cancel")).toList();
        assertThat(cancelEvents).extracting(event -> event.get("type").asString())
            .containsExactly("subscription.canceling", "subscription.canceled");
        assertThat(cancelEvents).allSatisfy(event -> {
            var data = event.get("data").get("subscription");
            assertThat(data.get("cancel_reason").asString()).isEqualTo("Too expensive");
            assertThat(data.get("cancel_reason_text").asString()).isEqualTo("Found a cheaper plan.");
            assertThat(data.get("canceled_by").asString()).isEqualTo("staff");
            assertThat(data.get("canceled_by_who").asString()).isEqualTo("the API");
            // The staff's timeline says it in words, from the event as it is.
            assertThat(io.till.event.EventWords.about(event.get("type").asString(), event.get("data")))
                .isEqualTo("by the API · Too expensive · “Found a cheaper plan.”");
        });
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
    }

    @Test
    void aKeptSubscriptionIsActiveAgainAndItsNextRenewalIsCharged() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        api.post("/api/v1/subscriptions/" + subscription + "/cancel", shop.apiKey(), """
            {"at_period_end": true, "reason": "Not using it"}""");
        shops.advance(shop, "P10D");

        var kept = api.post("/api/v1/subscriptions/" + subscription + "/keep", shop.apiKey(), null);
        shops.advance(shop, "P22D");

        assertThat(kept.status()).as(kept.text()).isEqualTo(200);
        assertThat(kept.json().get("status").asString()).isEqualTo("active");
        assertThat(kept.json().get("cancel_reason").isNull()).isTrue();
        assertThat(kept.json().get("canceled_by").isNull()).isTrue();
        assertThat(kept.json().get("canceled_by_who").isNull()).isTrue();
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("active");
        assertThat(ledger.successfulCharges(shop.accountId())).isEqualTo(2);
        var resumed = shops.events(shop, order.get("customer_id").asString()).stream()
            .filter(event -> event.get("type").asString().equals("subscription.resumed")).toList();
        assertThat(resumed).hasSize(1);
        assertThat(resumed.getFirst().get("data").get("resumed_from").asString()).isEqualTo("canceling");
        assertThat(shops.typesAfterPurchase(shop, order.get("customer_id").asString())).containsSubsequence(
            "subscription.canceling", "subscription.resumed", "invoice.issued", "payment.succeeded");
    }

    @Test
    void aSubscriptionWhosePeriodEndedCanNoLongerBeKept() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        api.post("/api/v1/subscriptions/" + subscription + "/cancel", shop.apiKey(), "{\"at_period_end\": true}");
        shops.advance(shop, "P32D");

        var kept = api.post("/api/v1/subscriptions/" + subscription + "/keep", shop.apiKey(), null);

        assertThat(kept.status()).isEqualTo(409);
        assertThat(kept.json().get("code").asString()).isEqualTo("invalid_state");
        assertThat(kept.json().get("detail").asString()).contains("ended on").contains("can no longer be kept");
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("canceled");
        assertThat(ledger.charges(shop.accountId())).isEqualTo(1);
    }

    @Test
    void aKeptTrialIsTrialingAgainAndAnActiveSubscriptionHasNothingToKeep() {
        var shop = shops.open();
        var trial = shops.buy(shop, shop.trial(), "pm_card_visa", "ada@example.com").get("subscription_id")
            .asString();
        var active = shops.buy(shop, shop.monthly(), "pm_card_visa", "bo@example.com").get("subscription_id")
            .asString();
        api.post("/api/v1/subscriptions/" + trial + "/cancel", shop.apiKey(), "{\"at_period_end\": true}");

        var keptTrial = api.post("/api/v1/subscriptions/" + trial + "/keep", shop.apiKey(), null);
        var keptActive = api.post("/api/v1/subscriptions/" + active + "/keep", shop.apiKey(), null);

        assertThat(keptTrial.json().get("status").asString()).isEqualTo("trialing");
        assertThat(keptActive.status()).isEqualTo(409);
        assertThat(keptActive.json().get("detail").asString()).isEqualTo(
            "Cannot keep a subscription that is active.");
    }

    @Test
    void refusesAReasonThatIsNotShortPlainText() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        String cancel = "/api/v1/subscriptions/" + subscription + "/cancel";

        var tooLong = api.post(cancel, shop.apiKey(),
            "{\"at_period_end\": true, \"reason_text\": \"" + "x".repeat(501) + "\"}");
        var nul = api.post(cancel, shop.apiKey(), "{\"at_period_end\": true, \"reason\": \"a\\u0000b\"}");
        var object = api.post(cancel, shop.apiKey(), "{\"at_period_end\": true, \"reason\": {\"a\": 1}}");

        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().get("errors").get(0).get("field").asString()).isEqualTo("reason_text");
        assertThat(nul.status()).isEqualTo(400);
        assertThat(nul.json().get("errors").get(0).get("field").asString()).isEqualTo("reason");
        assertThat(object.status()).isEqualTo(400);
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("active");
    }

    @Test
    void aBuyerCancelsOnlyTheirOwnSubscriptionAndIsRecordedAsTheCustomer() {
        var shop = shops.open();
        var ada = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        var bo = shops.buy(shop, shop.monthly(), "pm_card_visa", "bo@example.com");
        String adas = ada.get("subscription_id").asString();

        assertThatThrownBy(() -> actions.cancelForCustomer(shop.accountId(), bo.get("customer_id").asString(), adas,
            "Too expensive", null)).isInstanceOf(TillException.class).hasMessageContaining("No subscription");
        var canceled = actions.cancelForCustomer(shop.accountId(), ada.get("customer_id").asString(), adas, "other",
            "Moving abroad");

        assertThat(canceled.status()).isEqualTo("canceling");
        assertThat(canceled.canceledBy()).isEqualTo("customer");
        assertThat(canceled.cancelReason()).isEqualTo("other");
        assertThat(canceled.cancelReasonText()).isEqualTo("Moving abroad");
        assertThatThrownBy(() -> actions.keepForCustomer(shop.accountId(), bo.get("customer_id").asString(), adas))
            .isInstanceOf(TillException.class).hasMessageContaining("No subscription");
        assertThat(shops.subscription(shop, adas).get("status").asString()).isEqualTo("canceling");
    }

    @Test
    void aBuyerCannotKeepWhatStaffCanceled() {
        var shop = shops.open();
        var order = shops.buy(shop, shop.monthly(), "pm_card_visa", "ada@example.com");
        String subscription = order.get("subscription_id").asString();
        api.post("/api/v1/subscriptions/" + subscription + "/cancel", shop.apiKey(), "{\"at_period_end\": true}");

        assertThatThrownBy(() -> actions.keepForCustomer(shop.accountId(), order.get("customer_id").asString(),
            subscription)).isInstanceOf(TillException.class).hasMessageContaining("canceled by the seller");
        assertThat(shops.subscription(shop, subscription).get("status").asString()).isEqualTo("canceling");
    }
}
