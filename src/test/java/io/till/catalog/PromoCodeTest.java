package io.till.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A percentage off is rounded half up to the nearest minor unit, as Stripe rounds percent_off: 15% of 9.99 is 1.4985,
 * so 1.50 off, not the 1.49 that cutting the fraction gave.
 */
class PromoCodeTest {

    @Test
    void fifteenPercentOf999Is150() {
        assertThat(percentOff(15).discountOn(999)).isEqualTo(150);
    }

    @Test
    void anExactHalfRoundsUp() {
        assertThat(percentOff(50).discountOn(999)).isEqualTo(500);
        assertThat(percentOff(10).discountOn(5)).isEqualTo(1);
        assertThat(percentOff(25).discountOn(2)).isEqualTo(1);
    }

    @Test
    void lessThanAHalfRoundsDownAndAWholeAmountStaysWhole() {
        assertThat(percentOff(15).discountOn(994)).isEqualTo(149);
        assertThat(percentOff(20).discountOn(2400)).isEqualTo(480);
        assertThat(percentOff(1).discountOn(49)).isZero();
        assertThat(percentOff(15).discountOn(0)).isZero();
    }

    @Test
    void neverTakesMoreThanTheAmount() {
        assertThat(percentOff(100).discountOn(999)).isEqualTo(999);
        var fiveOff = new PromoCode("promo_1", "FIVE", null, 500L, "usd", null, null, 0, Instant.EPOCH);
        assertThat(fiveOff.discountOn(300)).isEqualTo(300);
    }

    private static PromoCode percentOff(int percent) {
        return new PromoCode("promo_1", "PCT", percent, null, null, null, null, 0, Instant.EPOCH);
    }
}
