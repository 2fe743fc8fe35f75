package io.till.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SampleEventsTest {

    private static final Instant NOW = Instant.parse("2026-12-03T09:00:00Z");

    @Test
    void aFailedPaymentsSampleIsAFirstDeclineOfAnIssuedInvoiceForAMadeUpCustomer() {
        var data = SampleEvents.data("payment.failed", NOW);

        assertThat(data.at("/invoice/attempt_count").asInt()).isEqualTo(1);
        assertThat(data.at("/invoice/status").asString()).isEqualTo("issued");
        assertThat(data.at("/invoice/amount_due").asLong()).isEqualTo(1900);
        assertThat(data.at("/payment/status").asString()).isEqualTo("failed");
        assertThat(data.at("/payment/invoice_id").asString()).isEqualTo("inv_sample");
        assertThat(data.at("/payment/customer_id").asString()).isEqualTo("cus_sample");
        assertThat(data.at("/customer/email").asString()).isEqualTo("ada@example.com");
        assertThat(data.at("/customer/stats/order_count").asInt()).isEqualTo(1);
        // A failed payment is a renewal's or an order's, not both at once.
        assertThat(data.has("order")).isFalse();
    }

    @Test
    void eachEventsSampleIsInTheStateThatEventLeavesItsRecordsIn() {
        var paid = SampleEvents.data("invoice.paid", NOW);
        assertThat(paid.at("/invoice/status").asString()).isEqualTo("paid");
        assertThat(paid.at("/invoice/paid_at").asString()).isEqualTo("2026-12-03T09:00:00Z");
        assertThat(paid.at("/payment/status").asString()).isEqualTo("succeeded");
        assertThat(paid.at("/payment/failure_message").isNull()).isTrue();

        assertThat(SampleEvents.data("subscription.canceled", NOW).at("/subscription/status").asString())
            .isEqualTo("canceled");
        assertThat(SampleEvents.data("payment_plan.completed", NOW).at("/payment_plan/status").asString())
            .isEqualTo("completed");
        var expired = SampleEvents.data("card.expired", NOW);
        assertThat(expired.at("/card/exp_year").asInt() * 100 + expired.at("/card/exp_month").asInt())
            .isEqualTo(202611);
        var expiring = SampleEvents.data("card.expiring", NOW);
        assertThat(expiring.at("/card/exp_year").asInt() * 100 + expiring.at("/card/exp_month").asInt())
            .isEqualTo(202612);
    }

    @Test
    void anAdvanceNoticeCarriesHowManyDaysAheadItIs() {
        var data = SampleEvents.data("subscription.renewal_upcoming", NOW);

        assertThat(data.at("/days_before").asInt()).isEqualTo(7);
        assertThat(data.at("/renews_at").asString()).isEqualTo("2026-12-10T09:00:00Z");
        assertThat(data.at("/subscription/id").asString()).isEqualTo("sub_sample");
    }

    @Test
    void aCustomEventsDataIsTheSendersOwnSoItsSampleIsEmpty() {
        assertThat(SampleEvents.data("acme.signup", NOW).isEmpty()).isTrue();
    }
}
