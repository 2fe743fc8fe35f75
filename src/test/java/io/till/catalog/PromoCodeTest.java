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
        assertThat(percentOff(15).discountOn(999, "usd")).isEqualTo(150);
    }

    @Test
    void anExactHalfRoundsUp() {
        assertThat(percentOff(50).discountOn(999, "usd")).isEqualTo(500);
        assertThat(percentOff(10).discountOn(5, "usd")).isEqualTo(1);
        assertThat(percentOff(25).discountOn(2, "usd")).isEqualTo(1);
    }

    @Test
    void lessThanAHalfRoundsDownAndAWholeAmountStaysWhole() {
        assertThat(percentOff(15).discountOn(994, "usd")).isEqualTo(149);
        assertThat(percentOff(20).discountOn(2400, "usd")).isEqualTo(480);
        assertThat(percentOff(1).discountOn(49, "usd")).isZero();
        assertThat(percentOff(15).discountOn(0, "usd")).isZero();
    }

    /** Stripe takes KWD in tens of fils: a percentage off leaves an amount it can charge. */
    @Test
    void roundsAPercentageToTheStepTheGatewayTakesTheCurrencyIn() {
        assertThat(percentOff(10).discountOn(4990, "kwd")).isEqualTo(500);
        assertThat(percentOff(15).discountOn(1230, "kwd")).isEqualTo(180);
        assertThat(percentOff(10).discountOn(4990, "usd")).isEqualTo(499);
        assertThat(percentOff(100).discountOn(4990, "kwd")).isEqualTo(4990);
    }

    @Test
    void neverTakesMoreThanTheAmount() {
        assertThat(percentOff(100).discountOn(999, "usd")).isEqualTo(999);
        var fiveOff = new PromoCode("promo_1", "FIVE", null, 500L, "usd", null, null, 0, Instant.EPOCH);
        assertThat(fiveOff.discountOn(300, "usd")).isEqualTo(300);
    }

    private static PromoCode percentOff(int percent) {
        return new PromoCode("promo_1", "PCT", percent, null, null, null, null, 0, Instant.EPOCH);
    }
}
