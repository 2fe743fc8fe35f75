package io.till.portal;

import io.till.billing.CardChoices;
import io.till.customer.Card;

/** How the portal names cards and what they pay, in sentences and labels. */
public final class PortalCardText {

    private PortalCardText() {}

    /** "Visa ending in 4242". */
    public static String name(Card card) {
        return card.name();
    }

    /** "Membership · Monthly", as the overview names it. */
    public static String name(CardChoices.Billed billed) {
        return billed.optionName() == null
            ? billed.productName()
            : billed.productName() + " · " + billed.optionName();
    }

    public static String brand(String brand) {
        return Card.brandName(brand);
    }
}
