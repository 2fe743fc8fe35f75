package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.till.event.EventType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The standard notices are whole days, as announcements carry them and automations ask for them. */
class UpcomingNoticesTest {

    private static BillingSettings settings(Duration upcoming, Duration endingSoon) {
        return new BillingSettings(List.of(Duration.ofDays(1)), List.of(Duration.ofDays(1)), Duration.ofDays(3),
            upcoming, endingSoon, Duration.ofSeconds(5));
    }

    @Test
    void aNoticeThatIsNotWholeDaysStopsTillWithTheVariableToFix() {
        assertThatThrownBy(() -> new UpcomingNotices(settings(Duration.ofHours(36), Duration.ofDays(7)), null, null))
            .hasMessage("TILL_BILLING_UPCOMING_NOTICE must be a whole number of days, at least one (P7D), not PT36H");
        assertThatThrownBy(() -> new UpcomingNotices(settings(Duration.ofDays(7), Duration.ZERO), null, null))
            .hasMessageStartingWith("TILL_BILLING_ENDING_SOON_NOTICE must be a whole number of days");
    }

    @Test
    void eachUpcomingEventHasItsStandardNotice() {
        var notices = new UpcomingNotices(settings(Duration.ofDays(5), Duration.ofDays(10)), null, null);

        assertThat(notices.standardDays(EventType.SUBSCRIPTION_RENEWAL_UPCOMING)).isEqualTo(5);
        assertThat(notices.standardDays(EventType.PAYMENT_PLAN_PAYMENT_UPCOMING)).isEqualTo(5);
        assertThat(notices.standardDays(EventType.SUBSCRIPTION_TRIAL_ENDING)).isEqualTo(5);
        assertThat(notices.standardDays(EventType.SUBSCRIPTION_ENDING_SOON)).isEqualTo(10);
        assertThat(notices.standardDays(EventType.CARD_EXPIRING)).isEqualTo(60);
        assertThatThrownBy(() -> notices.standard(EventType.PAYMENT_FAILED)).hasMessageContaining(
            "payment.failed is not announced ahead of time");
    }
}
