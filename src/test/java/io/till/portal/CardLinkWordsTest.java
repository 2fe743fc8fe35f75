package io.till.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * How long a card link works, as its email says it: exactly what the settings allow (to the second), never rounded to
 * whole hours (a review found a 90-minute link announced as working "within 1 hour", and 24 hours and a minute as "1
 * day").
 */
class CardLinkWordsTest {

    @Test
    void aLinksValidityIsSaidExactly() {
        assertThat(CardLinkEmails.words(Duration.ofDays(7))).isEqualTo("7 days");
        assertThat(CardLinkEmails.words(Duration.ofDays(1))).isEqualTo("1 day");
        assertThat(CardLinkEmails.words(Duration.ofHours(12))).isEqualTo("12 hours");
        assertThat(CardLinkEmails.words(Duration.ofHours(1))).isEqualTo("1 hour");
        assertThat(CardLinkEmails.words(Duration.ofMinutes(90))).isEqualTo("1 hour and 30 minutes");
        assertThat(CardLinkEmails.words(Duration.parse("P1DT1M"))).isEqualTo("1 day and 1 minute");
        assertThat(CardLinkEmails.words(Duration.parse("P1DT2H3M4S"))).isEqualTo("1 day, 2 hours, 3 minutes and "
            + "4 seconds");
    }
}
