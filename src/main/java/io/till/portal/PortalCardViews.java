package io.till.portal;

import io.till.billing.CardChoices;
import io.till.billing.CardExpiry;
import io.till.customer.Card;
import io.till.payment.SandboxTestCards;
import io.till.shared.Amounts;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The cards pages' rows, in the words and formats a buyer reads. */
final class PortalCardViews {

    private PortalCardViews() {}

    /**
     * A saved card; {@code pays} names what it pays, empty when it pays nothing (then it can be removed).
     *
     * @param expires as printed on the card, "01/2025"
     */
    record CardRow(String id, String brand, String last4, String label, String expires, CardExpiry expiry,
        List<String> pays, String added, boolean sameNumber) {

        public boolean removable() {
            return pays.isEmpty();
        }

        /**
         * "Visa ending in 4242", and when a card alike is saved too, ", added Mar 3, 2026", or when one of the same
         * number with another expiry is, ", expired 12/2026": which one goes.
         */
        public String removeLabel() {
            return "Remove " + label + (added != null
                ? ", " + added
                : sameNumber ? ", " + expiry.inSentence(expires) : "");
        }

        /** "Expired 01/2025", "Expires soon: 01/2027", "Expires 12/2031". */
        public String expiryText() {
            return expiry.text(expires);
        }

        /** The class of the mark: {@code expired}, {@code soon} or {@code valid}. */
        public String expiryTone() {
            return expiry.tone();
        }
    }

    /** A card in a "Paid with" list. */
    record CardOption(String id, String label) {}

    /**
     * A subscription or plan with its "Paid with" choice; {@code unpaid} (formatted) is null when nothing is owed.
     *
     * @param endsAt when a canceling subscription ends, said beside its status; null otherwise
     * @param outcome what the last choice of a card for it did, shown beside it; null when none was just made
     * @param suggestedCardId the card its picker offers instead of its own, which the last payment failed with: the
     *     newest card saved since; null to offer its own
     * @param declinedCardId its own card when the last payment failed with it, which its picker shows but does not
     *     offer (choosing it again would charge nothing); null otherwise
     * @param expiredCard its own card when that expired ("Visa •••• 4242 · expired 01/2025"), which its picker shows
     *     but does not offer; null when its card has not
     */
    record BilledRow(String kind, String id, String name, String status, String price, Instant nextBillAt,
        Instant endsAt, String cardId, String unpaid, String declineReason, Outcome outcome, String suggestedCardId,
        String declinedCardId, String expiredCard, String dueOnceSettled, Instant dueSince) {

        /** "installment" or "renewal": what is charged right after the unpaid balance, when something is. */
        public String followingCharge() {
            return "payment_plan".equals(kind) ? "installment" : "renewal";
        }

        /** The card its picker starts at: null when the buyer is to choose one (its own cannot be). */
        public String pickedCardId() {
            return suggestedCardId != null ? suggestedCardId : declinedCardId != null ? null : cardId;
        }

        /** Whether its picker starts at "Choose another card": its own card just failed, and none was added since. */
        public boolean choiceNeeded() {
            return declinedCardId != null && suggestedCardId == null && expiredCard == null;
        }

        public String anchor() {
            return "pay-" + id;
        }

        /** Paused by the seller: a card chosen now pays what it owes when it resumes, not at once. */
        public boolean paused() {
            return "paused".equals(status);
        }

        /** Whether choosing a card pays what it owes at once. */
        public boolean payable() {
            return unpaid != null && !paused();
        }

        public String statusLabel() {
            return status.replace('_', ' ');
        }
    }

    /**
     * What choosing a card did, as the page says it.
     *
     * @param tone {@code success}, {@code warning} or {@code info}
     * @param pollUrl where the page asks again while the attempt is under way; null once it is settled
     * @param payWithNewCard after a decline, the way out that always remains: a new card paying what is owed
     */
    record Outcome(String tone, String text, String pollUrl, Link payWithNewCard) {

        Outcome(String tone, String text, String pollUrl) {
            this(tone, text, pollUrl, null);
        }
    }

    record Link(String href, String text) {}

    /** A sandbox test card, with its number grouped as printed on a card. */
    record TestCardRow(String number, String grouped, String label, String behaviour) {}

    static List<CardRow> cards(PortalCards.Wallet wallet, Instant now) {
        return wallet.cards()
            .stream()
            .map(saved -> new CardRow(saved.card().id(), PortalCardText.brand(saved.card().brand()),
                saved.card().last4(), PortalCardText.name(saved.card()), saved.card().expiry(), CardExpiry.of(saved
                    .card(), now),
                saved.pays()
                    .stream()
                    .map(PortalCardText::name)
                    .toList(),
                added(wallet, saved.card()), sameNumber(wallet, saved.card())))
            .toList();
    }

    /** Whether another saved card has this one's brand and last 4 (a card renewed with its number, say). */
    static boolean sameNumber(PortalCards.Wallet wallet, Card card) {
        return wallet.cards()
            .stream()
            .map(PortalCards.SavedCard::card)
            .anyMatch(other -> !other.id().equals(card.id()) && other.brand().equals(card.brand())
                && other.last4().equals(card.last4()));
    }

    /**
     * "added Mar 3, 2026" (in the store's time zone: an option's text is not rewritten in the browser's) for a card that another saved card looks just like (brand, last 4, expiry: a card reissued
     * with its number, saved twice), so that the buyer knows which one they choose or remove; null for a card that
     * needs nothing more. Two alike added the same day are told apart by the minute.
     */
    static String added(PortalCards.Wallet wallet, Card card) {
        var alike = wallet.cards()
            .stream()
            .map(PortalCards.SavedCard::card)
            .filter(other -> !other.id().equals(card.id()) && other.brand().equals(card.brand())
                && other.last4().equals(card.last4()) && other.expMonth() == card.expMonth()
                && other.expYear() == card.expYear())
            .toList();
        if (alike.isEmpty()) {
            return null;
        }
        boolean sameDay = alike.stream()
            .anyMatch(other -> PortalTime.day(other.createdAt(), wallet.zone())
                .equals(PortalTime.day(card.createdAt(), wallet.zone())));
        return "added " + (sameDay
            ? PortalTime.minute(card.createdAt(), wallet.zone())
            : PortalTime.day(card.createdAt(), wallet.zone()));
    }

    /** The cards a "Paid with" list offers: every saved card that has not expired. */
    static List<CardOption> options(PortalCards.Wallet wallet, Instant now) {
        return wallet.cards()
            .stream()
            .map(PortalCards.SavedCard::card)
            .filter(card -> !card.expiredAt(now))
            .map(card -> new CardOption(card.id(), optionLabel(card, "exp", added(wallet, card))))
            .toList();
    }

    /** The label of a card that expired, as its subscription's picker shows it; null for a card still valid. */
    static String expiredCard(PortalCards.Wallet wallet, String cardId, Instant now) {
        return cardId == null
            ? null
            : wallet.card(cardId)
                .map(PortalCards.SavedCard::card)
                .filter(card -> card.expiredAt(now))
                .map(card -> optionLabel(card, "expired"))
                .orElse(null);
    }

    /** "Visa •••• 4242 · exp 12/31". */
    private static String optionLabel(Card card, String expiry) {
        return optionLabel(card, expiry, null);
    }

    /**
     * "Visa •••• 4242 · added Mar 3, 2026 · exp 12/31": what tells it from a card alike comes first, where a phone's
     * closed list still shows it.
     */
    private static String optionLabel(Card card, String expiry, String added) {
        return shortBrand(PortalCardText.brand(card.brand())) + " •••• " + card.last4()
            + (added == null ? "" : " · " + added)
            + " · " + expiry + " " + "%02d/%02d".formatted(card.expMonth(), card.expYear() % 100);
    }

    /** The brand as a closed list on a phone has room for it: "Amex", as the card itself says. */
    private static String shortBrand(String brand) {
        return switch (brand) {
            case "American Express" -> "Amex";
            case "Diners Club" -> "Diners";
            default -> brand;
        };
    }

    static BilledRow billed(CardChoices.Billed billed, Outcome outcome, String suggestedCardId,
        String declinedCardId, String expiredCard) {
        return new BilledRow(kind(billed.kind()), billed.id(), PortalCardText.name(billed),
            billed.kind() == CardChoices.Kind.PAYMENT_PLAN
                ? PortalOverview.shownPlanStatus(billed.status(), billed.unpaid())
                : billed
                    .status(),
            Amounts.format(billed.amount(), billed.currency()) + " " + every(billed.interval(), billed
                .intervalCount()),
            billed.nextBillAt(), billed.endsAt(), billed.cardId(), billed.unpaid() == 0
                ? null
                : Amounts.format(billed.unpaid(), billed.currency()),
            billed.declineReason(), outcome, suggestedCardId, declinedCardId, expiredCard, billed.dueOnceSettled() == 0
                ? null
                : Amounts.format(billed.dueOnceSettled(), billed.currency()),
            billed.dueSince());
    }

    static List<TestCardRow> testCards() {
        return SandboxTestCards.all()
            .stream()
            .map(card -> new TestCardRow(card.number(), grouped(card.number()), PortalCardText.brand(card.brand())
                + " •••• " + card.last4(), card.behaviour()))
            .toList();
    }

    static String kind(CardChoices.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    static CardChoices.Kind kind(String kind) {
        return switch (kind == null ? "" : kind) {
            case "subscription" -> CardChoices.Kind.SUBSCRIPTION;
            case "payment_plan" -> CardChoices.Kind.PAYMENT_PLAN;
            // Not an id that may be someone else's: a form the portal never made.
            default -> throw new io.till.shared.TillException(io.till.shared.ErrorCode.VALIDATION_FAILED,
                "This form is not one we made. Go back to your cards and choose again.");
        };
    }

    /** "every month", "every 3 months". */
    static String every(String interval, int count) {
        return count == 1 ? "every " + interval : "every " + count + " " + interval + "s";
    }

    /** 4242 4242 4242 4242; American Express numbers as 3714 496353 98431. */
    static String grouped(String number) {
        if (number.length() == 15) {
            return number.substring(0, 4) + " " + number.substring(4, 10) + " " + number.substring(10);
        }
        return number.replaceAll("(\\d{4})(?=\\d)", "$1 ");
    }
}
