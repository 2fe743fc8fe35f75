package io.till.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Money as staff type it on dashboard forms, read in the currency's own minor units, and refused when ambiguous. */
class AmountsTypedTest {

    @Test
    void readsWholeAndDecimalAmountsWithASymbolAndThousandsSeparators() {
        assertThat(Amounts.parseTyped("amount", "19", "usd")).isEqualTo(1900);
        assertThat(Amounts.parseTyped("amount", "19.5", "usd")).isEqualTo(1950);
        assertThat(Amounts.parseTyped("amount", " $19.99 ", "usd")).isEqualTo(1999);
        assertThat(Amounts.parseTyped("amount", "$ 1,299", "usd")).isEqualTo(129900);
        assertThat(Amounts.parseTyped("amount", "1,234,567.50", "eur")).isEqualTo(123456750);
        assertThat(Amounts.parseTyped("amount", "", "usd")).isNull();
    }

    /** A repeated group in a pattern recurses per repetition: thousands of them overflowed the stack elsewhere. */
    @Test
    void anAmountOfThousandsOfGroupsIsRefusedAsAnAmount() {
        assertThatThrownBy(() -> Amounts.parseTyped("amount", "1" + ",000".repeat(5000), "usd"))
            .isInstanceOf(TillException.class).hasMessageContaining("must be an amount such as");
    }

    @Test
    void usesTheCurrencysOwnDecimals() {
        assertThat(Amounts.parseTyped("amount", "500", "jpy")).isEqualTo(500);
        assertThat(Amounts.parseTyped("amount", "1.250", "bhd")).isEqualTo(1250);
        assertThatThrownBy(() -> Amounts.parseTyped("amount", "5.5", "jpy"))
            .hasMessageContaining("must be a whole amount such as 500: JPY has no decimals");
        assertThatThrownBy(() -> Amounts.parseTyped("amount", "5.555", "usd"))
            .hasMessageContaining("must be an amount such as 5.00: USD has at most 2 decimals");
        assertThat(Amounts.typed(129900, "usd")).isEqualTo("1299.00");
        assertThat(Amounts.typed(500, "jpy")).isEqualTo("500");
    }

    @Test
    void aCommaThatIsNotBetweenThousandsIsRefusedRatherThanReadAsOne() {
        assertThatThrownBy(() -> Amounts.parseTyped("price", "19,99", "eur"))
            .isInstanceOfSatisfying(TillException.class, e -> {
                assertThat(e.errors()).singleElement().satisfies(error -> {
                    assertThat(error.field()).isEqualTo("price");
                    assertThat(error.code()).isEqualTo("invalid_format");
                    assertThat(error.message()).contains("a point for decimals, commas only between thousands");
                });
            });
        assertThatThrownBy(() -> Amounts.parseTyped("price", "1,2345", "usd")).isInstanceOf(TillException.class);
        assertThatThrownBy(() -> Amounts.parseTyped("price", "12,34.5", "usd")).isInstanceOf(TillException.class);
    }

    @Test
    void whatIsNotAnAmountIsRefusedNeverThrownAsSomethingElse() {
        for (String typed : new String[]{"twelve", "1e400", "1e-400", "NaN", "1.2.3", "--5", "$"}) {
            assertThatThrownBy(() -> Amounts.parseTyped("amount", typed, "usd")).as(typed)
                .isInstanceOf(TillException.class);
        }
    }

    @Test
    void onlyPlainDecimalsInAsciiDigitsAreAmountsNeverExponentsSignsOrOtherScriptsDigits() {
        for (String typed : new String[]{"2e1", "2E1", "-5", "+5", "5,5", "\uFF11\uFF10", "\u0661\u0660", ".5", "5.",
                "0x10", "1_000", "5 5", "$-5"}) {
            assertThatThrownBy(() -> Amounts.parseTyped("amount", typed, "usd")).as(typed)
                .isInstanceOfSatisfying(TillException.class, e -> assertThat(e.errors()).singleElement()
                    .satisfies(error -> assertThat(error.message()).startsWith("must be an amount such as")));
        }
        assertThat(Amounts.parseTyped("amount", "\t$20 ", "usd")).isEqualTo(2000);
        assertThat(Amounts.parseTyped("amount", "0.5", "usd")).isEqualTo(50);
    }

    @Test
    void aFormCollectsTheRefusalAndAnAmountAboveTheMaximumInTheCurrency() {
        var errors = new FieldErrors();
        assertThat(Amounts.parseTyped(errors, "a", "nope", "usd")).isNull();
        assertThat(Amounts.parseTyped(errors, "b", "10000000001", "usd")).isNull();
        assertThat(Amounts.parseTyped(errors, "c", "10000000000", "usd")).isEqualTo(Amounts.MAX);
        assertThatThrownBy(errors::throwIfAny).isInstanceOfSatisfying(TillException.class, e -> {
            assertThat(e.errors()).extracting(FieldError::field).containsExactly("a", "b");
            assertThat(e.errors().get(1).message()).isEqualTo("must be at most $10,000,000,000.00");
        });
    }

    @Test
    void aCurrencyIsAnIsoCodeOfMoneyInAnyCase() {
        assertThat(List.of("usd", "EUR", "jpy", "XAF", "xof")).allMatch(Amounts::isCurrency);
        assertThat(List.of("zzz", "xau", "XTS", "XXX", "us", "dollars", "")).noneMatch(Amounts::isCurrency);
        assertThat(Amounts.isCurrency(null)).isFalse();
    }
}
