package io.till.billing;

import io.till.customer.Card;
import java.time.Instant;
import java.util.Locale;

/**
 * How near a card is to its expiry, in the words both the portal's cards page and staff's card lists use: two cards
 * of one brand and number (a card reissued with a new expiry) are told apart by it.
 */
public enum CardExpiry {
    VALID,
    /** Expires within the notice of {@code card.expiring} (UpcomingNotices): time to add a new one. */
    SOON,
    /** No longer works: it is offered for nothing, and choosing it is refused (CardChoices.choose). */
    EXPIRED;

    public static CardExpiry of(Card card, Instant now) {
        return of(card.expMonth(), card.expYear(), now);
    }

    /** Of a card expiring in {@code month}/{@code year}. */
    public static CardExpiry of(int month, int year, Instant now) {
        if (Card.expiredAt(month, year, now)) {
            return EXPIRED;
        }
        return Card.expiry(month, year).minus(UpcomingNotices.CARD_EXPIRY_NOTICE).isAfter(now) ? VALID : SOON;
    }

    /** "Expired 01/2025", "Expires soon: 01/2027", "Expires 12/2031", of a card that expires {@code expires}. */
    public String text(String expires) {
        return switch (this) {
            case EXPIRED -> "Expired " + expires;
            case SOON -> "Expires soon: " + expires;
            case VALID -> "Expires " + expires;
        };
    }

    /** The same within a sentence: "Visa ending in 4242, expired 12/2026". */
    public String inSentence(String expires) {
        return text(expires).toLowerCase(Locale.ROOT);
    }

    /** The card's name with its expiry, as a staff list labels it: "Visa ending in 4242 · expires 03/2031". */
    public static String label(Card card, Instant now) {
        return card.name() + " · " + of(card, now).inSentence(card.expiry());
    }

    /** The class of the mark: {@code expired}, {@code soon} or {@code valid}. */
    public String tone() {
        return name().toLowerCase(Locale.ROOT);
    }
}
