package io.till.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Money as buyers and staff read it on receipts, pages and emails. */
class AmountsFormatTest {

    @Test
    void aCurrencyWithASymbolReadsAsTheSymbolThenTheAmountWithItsOwnDecimals() {
        assertThat(Amounts.format(2900, "usd")).isEqualTo("$29.00");
        assertThat(Amounts.format(123456, "jpy")).isEqualTo("¥123,456");
        assertThat(Amounts.format(-500, "usd")).isEqualTo("-$5.00");
    }

    /** A reviewer's: "KWD123.456", "CHF1,234.56" and "-KWD0.500" ran the code into the number. */
    @Test
    void aCurrencyShownByItsCodeHasASpaceBeforeTheAmount() {
        assertThat(Amounts.format(123456, "kwd")).isEqualTo("KWD 123.456");
        assertThat(Amounts.format(123456, "chf")).isEqualTo("CHF 1,234.56");
        assertThat(Amounts.format(-500, "kwd")).isEqualTo("-KWD 0.500");
    }
}
