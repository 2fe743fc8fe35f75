package io.till.portal;

import io.till.billing.CardChoices;
import io.till.customer.Card;
import java.util.Locale;

/** How the portal names cards and what they pay, in sentences and labels. */
public final class PortalCardText {

    private PortalCardText() {}

    /** "Visa ending in 4242". */
    public static String name(Card card) {
        return brand(card.brand()) + " ending in " + card.last4();
    }

    /** "Membership · Monthly", as the overview names it. */
    public static String name(CardChoices.Billed billed) {
        return billed.optionName() == null
            ? billed.productName()
            : billed.productName() + " · " + billed.optionName();
    }

    public static String brand(String brand) {
        return switch (brand == null ? "" : brand.toLowerCase(Locale.ROOT)) {
            case "visa" -> "Visa";
            case "mastercard" -> "Mastercard";
            case "amex" -> "American Express";
            case "discover" -> "Discover";
            case "jcb" -> "JCB";
            case "diners" -> "Diners Club";
            case "unionpay" -> "UnionPay";
            case "" -> "Card";
            default -> brand.substring(0, 1).toUpperCase(Locale.ROOT) + brand.substring(1);
        };
    }
}
