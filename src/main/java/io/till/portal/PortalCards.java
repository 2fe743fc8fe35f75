package io.till.portal;

import io.till.account.Accounts;
import io.till.account.Brandings;
import io.till.account.Mode;
import io.till.billing.CardChoices;
import io.till.billing.ChargedBy;
import io.till.customer.Card;
import io.till.customer.Cards;
import io.till.payment.CardSetups;
import io.till.payment.Gateways;
import io.till.payment.PaymentGateway;
import io.till.payment.SandboxTestCards;
import io.till.shared.ErrorCode;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A buyer's cards in the portal (issue 11, item 4; seed 003 "Updating Card Information"): the saved cards and what each
 * pays, adding one (a sandbox test card, or a Stripe SetupIntent the buyer confirms with Stripe.js), choosing which
 * card pays ONE subscription or plan — never the others — with the unpaid balance retried at once, and removing a card
 * that pays nothing. Every call is for one customer of one account; anything of anybody else is not found.
 */
@Component
public class PortalCards {

    /** A saved card and the subscriptions and plans it pays now. */
    public record SavedCard(Card card, List<CardChoices.Billed> pays) {}

    /**
     * What the cards page shows: the saved cards (newest first), and what the customer is billed for; {@code zone} is
     * the store's, in which a card's "added" day is written.
     */
    public record Wallet(List<SavedCard> cards, List<CardChoices.Billed> billed, ZoneId zone) {

        public Optional<SavedCard> card(String id) {
            return cards.stream().filter(saved -> saved.card().id().equals(id)).findFirst();
        }
    }

    private final Cards cards;
    private final CardChoices choices;
    private final Gateways gateways;
    private final Accounts accounts;
    private final Brandings brandings;
    private final OpenCardSetups openSetups;

    private final TransactionTemplate transaction;

    PortalCards(Cards cards, CardChoices choices, Gateways gateways, Accounts accounts, Brandings brandings,
        OpenCardSetups openSetups, TransactionTemplate transaction) {
        this.transaction = transaction;
        this.openSetups = openSetups;
        this.brandings = brandings;
        this.cards = cards;
        this.choices = choices;
        this.gateways = gateways;
        this.accounts = accounts;
    }

    public Wallet wallet(String accountId, String customerId) {
        var saved = cards.list(accountId, customerId, PageRequest.of(PageRequest.MAX_LIMIT, null, "card")).data();
        var billed = choices.billed(accountId, customerId);
        var withWhatTheyPay = saved.stream()
            .map(card -> new SavedCard(card, billed.stream()
                .filter(item -> card.id().equals(item.cardId()))
                .toList()))
            .toList();
        return new Wallet(withWhatTheyPay, billed, brandings.zone(accountId));
    }

    /** Whether the account takes test cards (sandbox) rather than real ones. */
    public boolean takesTestCards(String accountId) {
        return accounts.get(accountId).mode() == Mode.SANDBOX;
    }

    /**
     * Saves the sandbox test card with this documented number (see {@link SandboxTestCards}); the number itself is
     * neither stored nor logged. It pays nothing until the buyer chooses it for something. A card alike one already
     * saved is that one. {@code tell}: whether saving it raises {@code card.updated} (not when it is chosen at once,
     * see {@link Cards#add}).
     */
    public Card addTestCard(String accountId, String customerId, String number, boolean tell) {
        if (!takesTestCards(accountId)) {
            throw TillException.invalid("number", "not_allowed", "test cards are only for sandbox stores");
        }
        String token = SandboxTestCards.tokenFor(number)
            .orElseThrow(() -> TillException.invalid("number", "unknown_test_card",
                "is not one of the sandbox's test card numbers; pick one from the list"));
        // Sent twice (a double click), it is saved once and both answers name the same card.
        return cards.attachOnce(accountId, customerId, new PaymentGateway.CardToken(token, null, null), tell);
    }

    /** How the buyer confirms a real card in the browser, where the account has a way (live, with Stripe.js). */
    public Optional<CardSetups> cardSetups(String accountId) {
        return gateways.cardSetups(accountId);
    }

    /** The setup the add-card page hands to Stripe.js: the one open for this buyer already, if any (OpenCardSetups). */
    public CardSetups.Started startSetup(String accountId, String customerId) {
        cards.list(accountId, customerId, PageRequest.of(1, null, "card"));
        var setups = setups(accountId);
        return openSetups.openFor(accountId, customerId, () -> setups.start(accountId, customerId));
    }

    /** Saves the card of a setup the buyer confirmed with Stripe.js; sending the same setup twice saves it once. */
    public Card finishSetup(String accountId, String customerId, String setupId, boolean tell) {
        var setups = setups(accountId);
        cards.list(accountId, customerId, PageRequest.of(1, null, "card"));
        try {
            var attached = setups.finish(accountId, customerId, setupId);
            return cards.add(accountId, customerId, gateways.forAccount(accountId).name(), attached, false, tell);
        } finally {
            // Confirmed, declined or refused: that setup is done with; the page opens a new one next time.
            openSetups.finished(accountId, customerId);
        }
    }

    /** Makes the card pay this one subscription or plan; see {@link CardChoices#choose}. */
    public CardChoices.Outcome choose(String accountId, String customerId, CardChoices.Kind kind, String id,
        String cardId) {
        cards.get(accountId, customerId, cardId);
        return choices.choose(accountId, customerId, kind, id, cardId, ChargedBy.PORTAL);
    }

    public CardChoices.Outcome outcome(String accountId, String customerId, CardChoices.Kind kind, String id,
        long wasDue, java.time.Instant since) {
        return choices.outcome(accountId, customerId, kind, id, wasDue, since);
    }

    public CardChoices.Billed billed(String accountId, String customerId, CardChoices.Kind kind, String id) {
        return choices.billed(accountId, customerId, kind, id);
    }

    /** See {@link CardChoices#billedEver}. */
    public CardChoices.Billed billedEver(String accountId, String customerId, CardChoices.Kind kind, String id) {
        return choices.billedEver(accountId, customerId, kind, id);
    }

    /** See {@link CardChoices#justFailedAt}. */
    public Optional<java.time.Instant> justFailedAt(String accountId, String customerId, CardChoices.Kind kind,
        String id, String cardId) {
        return choices.justFailedAt(accountId, customerId, kind, id, cardId);
    }

    /** See {@link CardChoices#justFailedWith}. */
    public boolean justFailedWith(String accountId, String customerId, CardChoices.Kind kind, String id,
        String cardId) {
        return choices.justFailedWith(accountId, customerId, kind, id, cardId);
    }

    /** A card of this customer that was removed (never one still saved), for saying which one was removed. */
    public Optional<Card> removedCard(String accountId, String customerId, String cardId) {
        return cards.findOnRecord(accountId, cardId)
            .filter(card -> card.customerId().equals(customerId))
            .filter(card -> cards.findSaved(accountId, cardId).isEmpty());
    }

    /**
     * Removes a card that pays nothing. One that pays a subscription or plan is refused with a sentence naming them:
     * the buyer chooses another card for those first, so that nothing is left without a card by surprise.
     */
    public void remove(String accountId, String customerId, String cardId) {
        transaction.executeWithoutResult(status -> {
            // The customer's cards held first, as a choice holds them: what the card pays is read after any choice of
            // it under way has committed (another tab), never before, when the removal would move what it just took.
            cards.holdWallet(accountId, customerId);
            Card card = cards.get(accountId, customerId, cardId);
            var pays = wallet(accountId, customerId).card(cardId).map(SavedCard::pays).orElse(List.of());
            if (!pays.isEmpty()) {
                throw new TillException(ErrorCode.INVALID_STATE, "This " + PortalCardText.name(card) + " pays "
                    + pays.stream().map(PortalCardText::name).collect(Collectors.joining(" and "))
                    + ". Choose another card for " + (pays.size() == 1 ? "it" : "them") + " first.");
            }
            cards.detach(accountId, customerId, cardId);
        });
    }

    private CardSetups setups(String accountId) {
        return gateways.cardSetups(accountId)
            .orElseThrow(() -> new TillException(ErrorCode.INVALID_STATE,
                "Cards are added here with the store's card processor, which is not set up for this store."));
    }
}
