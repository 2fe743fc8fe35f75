package io.till.catalog;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * One way to buy a product: {@code one_time}; a {@code subscription} billed every {@code interval_count}
 * {@code interval}s after an optional free trial; or a {@code payment_plan} of {@code installments} payments of
 * {@code amount}, one every {@code interval_count} {@code interval}s.
 */
public record ProductOption(
    String id,
    String productId,
    String name,
    Kind kind,
    long amount,
    String currency,
    Interval interval,
    Integer intervalCount,
    Integer trialDays,
    Integer installments,
    Integer cycles,
    Display display) {

    public enum Kind {
        ONE_TIME,
        SUBSCRIPTION,
        PAYMENT_PLAN;

        @JsonValue
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How a checkout shows the option among the product's others. */
    public enum Display {
        RADIO,
        DROPDOWN,
        CHECKBOX;

        @JsonValue
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Interval {
        DAY,
        WEEK,
        MONTH,
        YEAR;

        @JsonValue
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
