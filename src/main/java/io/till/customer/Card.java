package io.till.customer;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * A saved card as the API and events show it: never its number, only brand, last 4 digits and expiry. {@code inUse}:
 * it pays a subscription or payment plan that is not over (its own card, or the default for those without one), so
 * its expiry would interrupt something; a spare card's would not.
 */
public record Card(
    String id,
    String customerId,
    String brand,
    String last4,
    int expMonth,
    int expYear,
    boolean isDefault,
    boolean inUse,
    Instant createdAt) {

    /** The card as its holder reads it: "Visa ending in 4242". */
    public String name() {
        return name(brand, last4);
    }

    /** The moment the card stops working: when its expiry month ends. */
    public Instant expiresAt() {
        return expiry(expMonth, expYear);
    }

    /** Whether the card no longer works at {@code now}: a charge on it would only be declined. */
    public boolean expiredAt(Instant now) {
        return expiredAt(expMonth, expYear, now);
    }

    /** Whether a card expiring in {@code month}/{@code year} no longer works at {@code now}. */
    public static boolean expiredAt(int month, int year, Instant now) {
        return !now.isBefore(expiry(month, year));
    }

    /** The expiry as printed on the card, with the full year: "01/2025". */
    public String expiry() {
        return "%02d/%d".formatted(expMonth, expYear);
    }

    /** The moment a card expiring in {@code month}/{@code year} stops working: the end of that month (UTC). */
    public static Instant expiry(int month, int year) {
        return YearMonth.of(year, month).plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The short form a customer record shows for its default card. */
    public record Summary(String id, String brand, String last4, int expMonth, int expYear) {

        /** As {@link Card#name()}. */
        public String name() {
            return Card.name(brand, last4);
        }
    }

    /** A card's brand as its holder reads it on the card: "Visa", "American Express"; "Card" when unknown. */
    public static String brandName(String brand) {
        if (brand == null || brand.isBlank()) {
            return "Card";
        }
        return switch (brand.toLowerCase(Locale.ROOT)) {
            case "visa" -> "Visa";
            case "mastercard" -> "Mastercard";
            case "amex", "american_express" -> "American Express";
            case "discover" -> "Discover";
            case "diners", "diners_club" -> "Diners Club";
            case "jcb" -> "JCB";
            case "unionpay" -> "UnionPay";
            default -> brand.substring(0, 1).toUpperCase(Locale.ROOT) + brand.substring(1);
        };
    }

    /** "Visa ending in 4242": the words the portal, receipts and the dashboard all use for a card. */
    public static String name(String brand, String last4) {
        return brandName(brand) + " ending in " + last4;
    }
}
