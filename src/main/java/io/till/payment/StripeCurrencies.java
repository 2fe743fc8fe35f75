package io.till.payment;

import io.till.shared.Amounts;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How Stripe reads amounts, which differs from ISO 4217 (whose digits Till's amounts follow) for a few currencies, and
 * which amounts it cannot take exactly. The sandbox holds sellers to the same rule, so that a price Stripe would refuse
 * is found while testing rather than at a live buyer's first charge.
 */
final class StripeCurrencies {

    /** Stripe's zero-decimal currencies (its documentation's list): it reads their amounts in whole units. */
    private static final Set<String> ZERO_DECIMAL = Set.of("bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga",
        "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf");

    /**
     * Stripe's three-decimal currencies, whose amounts it takes only in tens ("the last digit must be 0", its
     * documentation says: KWD 5.124 is refused, 5.120 taken). Every other currency it reads in hundredths.
     */
    private static final Set<String> THREE_DECIMAL = Set.of("bhd", "jod", "kwd", "omr", "tnd");

    private StripeCurrencies() {}

    /**
     * An amount in Till's minor units as Stripe reads it. ISK has no digits in ISO 4217 and two at Stripe (kr 1,990 is
     * 199000 there; sent as 1990 it was kr 19.90), MGA the reverse. An amount it cannot take exactly is refused
     * ({@link #refusal}) rather than rounded.
     */
    static long amount(long amount, String currency) {
        refusal(amount, currency).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
        int stripe = stripeDigits(currency);
        int till = Amounts.digits(currency);
        return stripe >= till
            ? Math.multiplyExact(amount, BigInteger.TEN.pow(stripe - till).longValueExact())
            : amount / BigInteger.TEN.pow(till - stripe).longValueExact();
    }

    /**
     * Why Stripe cannot charge or refund {@code amount} of {@code currency} exactly, in words a seller acts on; empty
     * when it can.
     */
    static Optional<String> refusal(long amount, String currency) {
        long step = step(currency);
        if (amount % step == 0) {
            return Optional.empty();
        }
        String code = currency.toUpperCase(Locale.ROOT);
        return Optional.of("Stripe takes " + code + " only in steps of " + Amounts.format(step, currency) + ", so "
            + Amounts.format(amount, currency) + " cannot be charged or refunded exactly: make it a multiple of "
            + Amounts.format(step, currency) + ".");
    }

    /**
     * Stripe's smallest charge in the currencies whose minimum it documents, in Till's minor units (the same as
     * Stripe's for these): a smaller one is refused ({@code amount_too_small}). Refunds have none.
     */
    private static final Map<String, Long> SMALLEST_CHARGE = Map.ofEntries(Map.entry("usd", 50L),
        Map.entry("eur", 50L), Map.entry("gbp", 30L), Map.entry("cad", 50L), Map.entry("aud", 50L),
        Map.entry("nzd", 50L), Map.entry("chf", 50L), Map.entry("sgd", 50L), Map.entry("jpy", 50L),
        Map.entry("dkk", 250L), Map.entry("nok", 300L), Map.entry("sek", 300L), Map.entry("pln", 200L),
        Map.entry("hkd", 400L), Map.entry("mxn", 1000L), Map.entry("brl", 50L), Map.entry("inr", 50L),
        Map.entry("czk", 1500L), Map.entry("ron", 200L), Map.entry("bgn", 100L), Map.entry("aed", 200L),
        Map.entry("myr", 200L), Map.entry("thb", 1000L));

    /**
     * Why Stripe cannot charge {@code amount} (more than nothing) of {@code currency}: as {@link #refusal}, or it is
     * under Stripe's smallest charge in that currency; empty when it can.
     */
    static Optional<String> chargeRefusal(long amount, String currency) {
        var inexact = refusal(amount, currency);
        if (inexact.isPresent()) {
            return inexact;
        }
        Long smallest = SMALLEST_CHARGE.get(currency.toLowerCase(Locale.ROOT));
        if (smallest != null && amount > 0 && amount < smallest) {
            return Optional.of("Stripe charges at least " + Amounts.format(smallest, currency) + " in "
                + currency.toUpperCase(Locale.ROOT) + ", so " + Amounts.format(amount, currency)
                + " cannot be charged.");
        }
        return largestChargeRefusal(amount, currency);
    }

    /**
     * Stripe's largest charge: eight digits in its own units ($999,999.99, ¥99,999,999), which it refuses as
     * {@code amount_too_large}, an answer that would otherwise read as a declined card. Held only in the currencies
     * whose smallest charge it documents too: a few others (IDR) take more digits.
     */
    private static final long LARGEST_CHARGE = 99_999_999L;

    /** Why {@code amount} of {@code currency} is more than Stripe charges at once; empty when it is not. */
    static Optional<String> largestChargeRefusal(long amount, String currency) {
        String code = currency.toLowerCase(Locale.ROOT);
        // Till's digits are Stripe's in these currencies: the amount is the one Stripe would read.
        if (!SMALLEST_CHARGE.containsKey(code) || amount <= LARGEST_CHARGE) {
            return Optional.empty();
        }
        return Optional.of("Stripe charges at most " + Amounts.format(LARGEST_CHARGE, currency) + " in "
            + currency.toUpperCase(Locale.ROOT) + " at once, so " + Amounts.format(amount, currency)
            + " cannot be charged.");
    }

    /** Stripe's smallest charge in {@code currency}, in Till's minor units; 0 where it documents none. */
    static long smallestCharge(String currency) {
        return SMALLEST_CHARGE.getOrDefault(currency.toLowerCase(Locale.ROOT), 0L);
    }

    /** The smallest amount, in Till's minor units, of which every amount Stripe takes is a multiple. */
    static long step(String currency) {
        String code = currency.toLowerCase(Locale.ROOT);
        if (THREE_DECIMAL.contains(code)) {
            return 10;
        }
        int stripe = stripeDigits(code);
        int till = Amounts.digits(code);
        return stripe >= till ? 1 : BigInteger.TEN.pow(till - stripe).longValueExact();
    }

    private static int stripeDigits(String currency) {
        String code = currency.toLowerCase(Locale.ROOT);
        return ZERO_DECIMAL.contains(code) ? 0 : THREE_DECIMAL.contains(code) ? 3 : 2;
    }
}
