package io.till.portal;

import io.till.billing.CardChoices;
import io.till.customer.Card;
import io.till.shared.TillException;

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

    /** A refusal in the buyer's words: never a field name, an error code or a processor's raw answer. */
    static String refusal(TillException e) {
        var field = e.errors().isEmpty() ? null : e.errors().getFirst();
        return switch (e.code()) {
            // The processor's generic "Your card was declined." would only say it twice.
            case CARD_DECLINED -> "Your bank declined this card" + (field == null || field.message() == null
                || field.message().strip().equalsIgnoreCase("Your card was declined.")
                    ? "."
                    : ": " + field.message());
            case INVALID_STATE -> e.getMessage();
            case GATEWAY_UNAVAILABLE, GATEWAY_NOT_CONFIGURED -> "We could not reach the card processor. Nothing was "
                + "saved or charged; please try again in a minute.";
            case VALIDATION_FAILED -> field != null && "unknown_test_card".equals(field.code())
                ? "That is not one of the test card numbers. Type one from the list below, or pick one."
                : field != null && "not_allowed".equals(field.code())
                    ? "This store takes real cards only."
                    : "That did not work. Please check and try again.";
            default -> "That did not work. Please try again.";
        };
    }
}
