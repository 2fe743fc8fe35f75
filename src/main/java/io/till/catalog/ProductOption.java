package io.till.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.Schema;
import io.till.shared.Amounts;
import java.time.Instant;
import java.util.Locale;

/**
 * One way to buy a product: {@code one_time}; a {@code subscription} billed every {@code interval_count}
 * {@code interval}s after an optional free trial; or a {@code payment_plan} of {@code installments} payments of
 * {@code amount}, one every {@code interval_count} {@code interval}s. A retired option ({@code retired_at}) is sold no
 * more; what was bought with it keeps it.
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
    Display display,
    @Schema(description = "When it stopped being sold; null while it is on sale") Instant retiredAt) {

    /** Whether it is no longer sold: a checkout, an order or an upsell refuses it; what was bought with it stays. */
    @JsonIgnore
    public boolean retired() {
        return retiredAt != null;
    }

    /**
     * The price as a seller reads it: {@code $99.00 once}, {@code $19.00 / month}, {@code $5.00 / 2 weeks},
     * {@code 3 × $50.00 every month}.
     */
    public String price() {
        String amount = Amounts.format(amount(), currency());
        return switch (kind()) {
            case ONE_TIME -> amount + " once";
            case SUBSCRIPTION -> amount + " / " + every(intervalCount(), interval().code());
            case PAYMENT_PLAN ->
                installments() + " × " + amount + " every " + every(intervalCount(), interval().code());
        };
    }

    /** Whether it is a subscription that starts with a free trial. */
    @JsonIgnore
    public boolean startsWithTrial() {
        return kind == Kind.SUBSCRIPTION && trialDays != null && trialDays > 0;
    }

    /** What buying it charges at once: nothing for a free trial, its amount otherwise. */
    @JsonIgnore
    public long chargedAtPurchase() {
        return startsWithTrial() ? 0 : amount;
    }

    /** What else a buyer should know before choosing it: a free trial, a fixed number of renewals. */
    public String terms() {
        var terms = new java.util.ArrayList<String>();
        if (startsWithTrial()) {
            terms.add(trialDays() + "-day free trial");
        }
        if (cycles() != null) {
            terms.add("ends after " + cycles() + (cycles() == 1 ? " payment" : " payments"));
        }
        return String.join(", ", terms);
    }

    /** {@code month} for one, {@code 3 months} for three: how often something recurs. */
    public static String every(Integer count, String unit) {
        return count == null || count == 1 ? unit : count + " " + unit + "s";
    }

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
