package io.till.shared;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Bounds on amounts (minor units) and counts, so that no sum Till computes or PostgreSQL adds up can overflow a long.
 */
public final class Amounts {

    /**
     * The largest single price or credit Till accepts: 10^12 minor units (ten billion dollars), far above any real
     * price, and small enough that millions of them still sum within a long.
     */
    public static final long MAX = 1_000_000_000_000L;

    /**
     * What an amount typed by staff may be once a leading currency symbol is dropped: ASCII digits, grouped by
     * thousands with commas or not, and a point with decimals. No sign, exponent or other script's digits, so that
     * what the dashboard's confirm dialogs show (admin/assets/refunds.js reads the same grammar) is what is charged or
     * refunded.
     */
    private static final Pattern PLAIN = Pattern.compile("(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\\.[0-9]+)?");

    /** A leading currency symbol and the spaces after it, as in $19 or € 5. */
    private static final Pattern SYMBOL = Pattern.compile("^\\p{Sc}[ \\t\\n\\x0B\\f\\r]*");

    private Amounts() {}

    /** Adds an {@code amount_too_large} error when {@code amount} is above {@link #MAX}. */
    public static void checkAtMostMax(FieldErrors errors, String field, Long amount) {
        if (amount != null && amount > MAX) {
            errors.add(field, "amount_too_large", "must be at most " + MAX + " (minor units)");
        }
    }

    /** Refuses an amount above {@link #MAX} with {@code amount_too_large}. */
    public static void requireAtMostMax(String field, Long amount) {
        if (amount != null && amount > MAX) {
            throw tooLarge(field, "must be at most " + MAX + " (minor units)");
        }
    }

    /** {@code total + more}, or {@code amount_too_large} naming {@code field} when the sum would overflow. */
    public static long add(String field, long total, long more) {
        try {
            return Math.addExact(total, more);
        } catch (ArithmeticException e) {
            throw tooLarge(field, "would make the total larger than " + Long.MAX_VALUE);
        }
    }

    /**
     * An amount as staff type it ({@code 5}, {@code 5.5}, {@code 1,234.50}, {@code $19}) in minor units of
     * {@code currency}; null when left blank; {@code invalid_format} naming {@code field} when it is not an amount with
     * at most the currency's decimals. A comma only separates thousands: {@code 19,99} is refused rather than read as
     * 1,999, since a price cannot change once a product exists; {@code 2e1}, {@code -5} and full-width digits are
     * refused rather than read as 20, 5 or 10.
     */
    public static Long parseTyped(String field, String typed, String currency) {
        if (typed == null || typed.isBlank()) {
            return null;
        }
        int digits = digits(currency);
        // trim, not strip: the dashboard's script drops the same characters (code points up to a space).
        String text = SYMBOL.matcher(typed.trim()).replaceFirst("");
        // Long text is no amount, and a pattern repeating a group would recurse once per group of thousands.
        if (text.length() > 40 || !PLAIN.matcher(text).matches()) {
            throw TillException.invalid(field, "invalid_format", text.contains(",") && !text.contains("-")
                ? "must be an amount such as " + BigDecimal.valueOf(1999, digits).toPlainString()
                    + ": a point for decimals, commas only between thousands"
                : "must be an amount such as " + BigDecimal.valueOf(500, digits).toPlainString()
                    + ": digits, and a point for decimals");
        }
        BigDecimal minor = new BigDecimal(text.replace(",", "")).movePointRight(digits);
        if (minor.stripTrailingZeros().scale() > 0) {
            String code = currency.toUpperCase(Locale.ROOT);
            throw TillException.invalid(field, "invalid_format", digits == 0
                ? "must be a whole amount such as 500: " + code + " has no decimals"
                : "must be an amount such as " + BigDecimal.valueOf(500, digits).toPlainString() + ": " + code
                    + " has at most " + digits + " decimals");
        }
        if (minor.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw tooLarge(field, "must be at most " + format(MAX, currency));
        }
        return minor.longValueExact();
    }

    /**
     * {@link #parseTyped(String, String, String)} for a form that lists every refusal at once: a refusal is added to
     * {@code errors} (and null answered), as is an amount above {@link #MAX}, said in the currency.
     */
    public static Long parseTyped(FieldErrors errors, String field, String typed, String currency) {
        try {
            Long amount = parseTyped(field, typed, currency);
            if (amount != null && amount > MAX) {
                errors.add(field, "amount_too_large", "must be at most " + format(MAX, currency));
                return null;
            }
            return amount;
        } catch (TillException refused) {
            refused.errors().forEach(e -> errors.add(e.field(), e.code(), e.message()));
            return null;
        }
    }

    /**
     * Whether {@code code} is an ISO 4217 code of money (usd, EUR, jpy…), in any case: not a fund, a metal or the
     * testing and "no currency" codes (XAU, XDR, XTS, XXX), which no card is charged in.
     */
    public static boolean isCurrency(String code) {
        if (code == null || !code.matches("[a-zA-Z]{3}")) {
            return false;
        }
        try {
            // Those have no minor unit (-1); money does, even if none is used (jpy: 0). XAF and XOF are money.
            return Currency.getInstance(code.toUpperCase(Locale.ROOT)).getDefaultFractionDigits() >= 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The amount as staff type it, {@code 1900, "usd"} as {@code 19.00}: the value a money field starts with. */
    public static String typed(long minor, String currency) {
        return BigDecimal.valueOf(minor, digits(currency)).toPlainString();
    }

    /** How many digits the minor unit of {@code currency} has (ISO 4217: usd 2, jpy 0, kwd 3): Till's minor units. */
    public static int digits(String currency) {
        try {
            return Math.max(0, Currency.getInstance(currency.toUpperCase(Locale.ROOT)).getDefaultFractionDigits());
        } catch (IllegalArgumentException | NullPointerException e) {
            // An unknown currency code: two decimals, as format shows it.
            return 2;
        }
    }

    /**
     * Minor units as money for people, {@code 2900, "usd"} as {@code $29.00}: US style for every currency (the
     * symbol where Java knows one), with the currency's own number of decimals ({@code ¥2,900}).
     */
    public static String format(long minor, String currencyCode) {
        try {
            Currency currency = Currency.getInstance(currencyCode.toUpperCase(Locale.ROOT));
            NumberFormat format = NumberFormat.getCurrencyInstance(Locale.US);
            format.setCurrency(currency);
            int digits = Math.max(0, currency.getDefaultFractionDigits());
            format.setMinimumFractionDigits(digits);
            format.setMaximumFractionDigits(digits);
            String formatted = format.format(BigDecimal.valueOf(minor, digits));
            // A currency Java knows no symbol for is shown by its code, which reads apart from the number ("CHF 1.00",
            // not "CHF1.00"), as a symbol ("$1.00") needs not.
            String symbol = currency.getSymbol(Locale.US);
            return Character.isLetter(symbol.charAt(symbol.length() - 1))
                ? formatted.replaceFirst(java.util.regex.Pattern.quote(symbol), symbol + " ")
                : formatted;
        } catch (IllegalArgumentException e) {
            return BigDecimal.valueOf(minor, 2).toPlainString() + " " + currencyCode.toUpperCase(Locale.ROOT);
        }
    }

    private static TillException tooLarge(String field, String message) {
        return new TillException(ErrorCode.AMOUNT_TOO_LARGE, "Invalid " + field + ": " + message,
            List.of(new FieldError(field, "amount_too_large", message)));
    }
}
