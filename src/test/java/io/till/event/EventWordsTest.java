package io.till.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class EventWordsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void everyEventTillRaisesHasWordsAndACustomOneIsItsOwnType() {
        assertThat(EventType.NAMES).allSatisfy(type -> assertThat(EventWords.hasWords(type)).as(type).isTrue());
        assertThat(EventWords.of("payment.failed")).isEqualTo("Payment failed");
        assertThat(EventWords.of("acme.signup")).isEqualTo("acme.signup");
    }

    @Test
    void aFailedPaymentSaysHowMuchAndWhyAndACardWhichOne() {
        var failed = JSON.readTree("""
            {"payment": {"amount": 1900, "currency": "usd", "failure_message": "Your card was declined."}}""");
        assertThat(EventWords.about("payment.failed", failed)).isEqualTo("$19.00 · Your card was declined.");
        assertThat(EventWords.about("subscription.payment_failed", failed)).isEqualTo(
            "$19.00 · Your card was declined.");
        assertThat(EventWords.about("payment.succeeded", JSON.readTree("""
            {"payment": {"amount": 1900, "currency": "usd", "failure_message": null}}"""))).isEqualTo("$19.00");
        assertThat(EventWords.about("payment.refunded", JSON.readTree("""
            {"payment": {"amount": 1900, "currency": "usd"}, "refund": {"amount": 500, "currency": "usd"}}""")))
            .isEqualTo("$5.00");
        assertThat(EventWords.about("product.purchased", JSON.readTree("""
            {"product": {"name": "Membership"}, "option": {"name": "Monthly"}}"""))).isEqualTo("Membership · Monthly");
        assertThat(EventWords.about("card.updated", JSON.readTree("""
            {"card": {"brand": "visa", "last4": "4242"}}"""))).isEqualTo("Visa ending in 4242");
        assertThat(EventWords.about("customer.created", JSON.readTree("{\"customer\": {}}"))).isNull();
        assertThat(EventWords.about("acme.signup", JSON.readTree("{\"plan\": \"pro\"}"))).isNull();
        assertThat(EventWords.about("order.created", JSON.readTree("{\"order\": {\"total\": \"x\"}}"))).isNull();
    }

    @Test
    void aCardSavedAndTheSameCardChosenForASubscriptionAreToldApart() {
        var saved = JSON.readTree("""
            {"card": {"brand": "visa", "last4": "4242"}, "customer": {"id": "cus_1"}}""");
        var chosen = JSON.readTree("""
            {"card": {"brand": "visa", "last4": "4242"}, "subscription": {"id": "sub_1"}}""");

        assertThat(EventWords.about("card.updated", saved)).isEqualTo("Visa ending in 4242");
        assertThat(EventWords.about("card.updated", chosen)).isEqualTo("Visa ending in 4242 · now pays a subscription");
        assertThat(EventWords.about("card.expiring", chosen)).isEqualTo("Visa ending in 4242");
    }

    @Test
    void aCancellationSaysWhoCanceledAndWhy() {
        var byBuyer = JSON.readTree("""
            {"subscription": {"canceled_by": "customer", "canceled_by_who": null, "cancel_reason": "It costs too much",
              "cancel_reason_text": "Back in spring"}}""");
        var byStaff = JSON.readTree("""
            {"subscription": {"canceled_by": "staff", "canceled_by_who": "sam@shop.example", "cancel_reason": null,
              "cancel_reason_text": null}}""");
        var unsaid = JSON.readTree("{\"subscription\": {}}");

        assertThat(EventWords.about("subscription.canceling", byBuyer))
            .isEqualTo("by the customer · It costs too much · “Back in spring”");
        assertThat(EventWords.about("subscription.canceled", byStaff)).isEqualTo("by sam@shop.example");
        assertThat(EventWords.about("subscription.canceled", unsaid)).isNull();
    }
}
