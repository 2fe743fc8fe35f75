package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.billing.CardExpiry;
import io.till.customer.Card;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How the cards page marks a card by its expiry: it works through the last day of its month (UTC). */
class PortalCardViewsTest {

    private static Card expiring(int month, int year) {
        return new Card("card_1", "cus_1", "visa", "4242", month, year, true, true,
            Instant.parse("2024-01-01T00:00:00Z"));
    }

    @Test
    void aCardWorksThroughTheLastMomentOfItsExpiryMonthAndIsExpiredFromTheNextMonthOn() {
        var card = expiring(1, 2025);

        assertThat(CardExpiry.of(card, Instant.parse("2025-01-31T23:59:59Z"))).isEqualTo(CardExpiry.SOON);
        assertThat(CardExpiry.of(card, Instant.parse("2025-02-01T00:00:00Z"))).isEqualTo(CardExpiry.EXPIRED);
        assertThat(card.expiry()).isEqualTo("01/2025");
    }

    @Test
    void aCardExpiresSoonWithinTheNoticeOfCardExpiringAndIsValidBefore() {
        var card = expiring(1, 2027);

        assertThat(CardExpiry.of(card, Instant.parse("2026-12-03T00:00:01Z"))).isEqualTo(CardExpiry.SOON);
        assertThat(CardExpiry.of(card, Instant.parse("2026-12-02T23:59:59Z"))).isEqualTo(CardExpiry.VALID);
    }
}
