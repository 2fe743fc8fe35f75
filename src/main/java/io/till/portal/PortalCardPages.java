package io.till.portal;

import io.till.access.BrowserHeaders;
import io.till.billing.CardChoices;
import io.till.billing.CardExpiry;
import io.till.customer.Card;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The buyer's card pages, {@code /portal/{a}/cards/**}, reached by full and cards-only sessions alike: the cards and
 * what each pays, a "Paid with" choice per subscription and plan, adding a card, removing one that pays nothing. A
 * choice redirects to the list, which reads where the unpaid balance stands from the records themselves, so that a
 * reload shows the truth and never charges again.
 */
@Controller
class PortalCardPages {

    private static final Logger log = LoggerFactory.getLogger(PortalCardPages.class);

    /** How many times (one a second) the page asks again while the billing clock still holds the attempt. */
    static final int POLLS = 20;

    /** Why the add-card form was refused, handed to the page it redirects to (a {@link PortalNotes} note). */
    static final String REFUSAL = "till_portal_card_refused";

    private final PortalCards portalCards;
    private final Clock clock;
    private final OwedBeforeChoice owedSeal;
    private final PortalNotes notes;

    PortalCardPages(PortalCards portalCards, OwedBeforeChoice owedSeal, Clock clock, PortalNotes notes) {
        this.notes = notes;
        this.portalCards = portalCards;
        this.clock = clock;
        this.owedSeal = owedSeal;
    }

    @GetMapping("/portal/{accountId}/cards")
    String cards(PortalBuyer buyer, @RequestParam(required = false) String chosen,
        @RequestParam(required = false) String was, @RequestParam(required = false) String added,
        @RequestParam(required = false) String removed, Model model) {
        var wallet = portalCards.wallet(buyer.accountId(), buyer.customerId());
        if (added != null) {
            wallet.card(added).ifPresent(saved -> model.addAttribute("notice", PortalCardText.name(saved.card())
                + " is saved. Choose it below for each subscription or plan it should pay."));
        }
        if (removed != null) {
            portalCards.removedCard(buyer.accountId(), buyer.customerId(), removed)
                .ifPresent(card -> model.addAttribute("notice", PortalCardText.name(card)
                    + (PortalCardViews.sameNumber(wallet, card)
                        ? ", " + CardExpiry.of(card, Timestamps.now(clock)).inSentence(card.expiry())
                            + ","
                        : "")
                    + " is removed."));
        }
        // The outcome of a choice is told only for the choice the signed address names: anyone can write a link.
        var owed = owedSeal.read(buyer, chosen, was);
        return page(buyer, wallet, owed.isPresent() ? chosen : null, owed.orElse(OwedBeforeChoice.Owed.NOTHING), 0,
            added, model);
    }

    /** The outcome beside one subscription or plan, asked for again every second while the attempt is under way. */
    @GetMapping("/portal/{accountId}/cards/outcome")
    String outcome(PortalBuyer buyer, @RequestParam String chosen, @RequestParam(required = false) String was,
        @RequestParam(defaultValue = "1") int poll, Model model) {
        var wallet = portalCards.wallet(buyer.accountId(), buyer.customerId());
        var target = Chosen.parse(chosen).orElseThrow(OwedBeforeChoice::notOurs);
        var owed = owedSeal.read(buyer, chosen, was).orElseThrow(OwedBeforeChoice::notOurs);
        // Whatever its status: the payment being waited for may have been a plan's last.
        var billed = portalCards.billedEver(buyer.accountId(), buyer.customerId(), target.kind(), target.id());
        model.addAttribute("outcome", outcome(buyer, wallet, billed, owed, poll));
        return "portal/cards :: outcome";
    }

    @PostMapping("/portal/{accountId}/cards/choose")
    String choose(PortalBuyer buyer, @RequestParam String kind, @RequestParam String id,
        @RequestParam(name = "card_id", required = false) String cardId, Model model, HttpServletResponse response) {
        var target = new Chosen(PortalCardViews.kind(kind), id);
        CardChoices.Billed before;
        try {
            before = portalCards.billed(buyer.accountId(), buyer.customerId(), target.kind(), id);
        } catch (TillException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            // Ended since the page was opened (canceled in another tab, a plan's last installment paid): the buyer's
            // own, so it is said, not "not found". Another buyer's is not found still (billedEver throws).
            var ended = portalCards.billedEver(buyer.accountId(), buyer.customerId(), target.kind(), id);
            return refused(buyer, PortalCardText.name(ended) + (ended.status().equals("completed")
                ? " is paid in full"
                : ended.status().equals("canceled") ? " has been canceled" : " has ended")
                + ": there is nothing left for a card to pay.", HttpServletResponse.SC_CONFLICT, model, response);
        }
        if (cardId == null || cardId.isBlank()) {
            return refused(buyer, "Choose a card first.", HttpServletResponse.SC_BAD_REQUEST, model, response);
        }
        if (portalCards.justFailedWith(buyer.accountId(), buyer.customerId(), target.kind(), id, cardId)) {
            // The bank just declined this card for this payment: it is not tried again, and nothing else changes.
            var wallet = portalCards.wallet(buyer.accountId(), buyer.customerId());
            String card = wallet.card(cardId).map(saved -> PortalCardText.name(saved.card())).orElse("This card");
            String reason = before.declineReason() == null ? "" : " (“" + before.declineReason() + "”)";
            return refused(buyer, card + " is the card this payment just failed on" + reason + ", so it was not "
                + "charged again. Choose another card, or add a new one.", 422, model, response);
        }
        return chosen(buyer, target, before, cardId, model, response);
    }

    /**
     * Makes {@code cardId} pay {@code target} (which owed {@code before}), charging what it owes, and shows the
     * outcome beside it: the end of a choice, and of a card added to pay something.
     */
    private String chosen(PortalBuyer buyer, Chosen target, CardChoices.Billed before, String cardId, Model model,
        HttpServletResponse response) {
        Instant at = Timestamps.now(clock);
        try {
            portalCards.choose(buyer.accountId(), buyer.customerId(), target.kind(), target.id(), cardId);
        } catch (TillException e) {
            return refused(buyer, e, model, response);
        }
        // What was owed before the choice rides in the address, signed: an unsigned amount could say anything, and a
        // server session would not follow the buyer to another node or into a frame on the seller's site.
        return "redirect:" + PortalPaths.cards(buyer.accountId()) + "?chosen=" + target + "&was="
            + owedSeal.sign(buyer, target.toString(), new OwedBeforeChoice.Owed(before.unpaid(), at)) + "#pay-"
            + target.id();
    }

    @PostMapping("/portal/{accountId}/cards/{cardId}/remove")
    String remove(PortalBuyer buyer, @PathVariable String cardId, Model model, HttpServletResponse response) {
        try {
            portalCards.remove(buyer.accountId(), buyer.customerId(), cardId);
        } catch (TillException e) {
            // A second click (or a second tab) finds the card removed by the first: it shows what the first one did.
            if (e.code() != ErrorCode.NOT_FOUND
                || portalCards.removedCard(buyer.accountId(), buyer.customerId(), cardId).isEmpty()) {
                return refused(buyer, e, model, response);
            }
        }
        return "redirect:" + PortalPaths.cards(buyer.accountId()) + "?removed=" + cardId;
    }

    /**
     * The add-card page; {@code for} ({@code kind:id}) is an unpaid subscription or plan of the buyer's that the new
     * card is to pay at once ("Save card and pay $19.00"): one step from a failed payment to paid, where choosing the
     * card after saving it would be a second. Anything else in {@code for} is ignored: the card is then only saved.
     */
    @GetMapping("/portal/{accountId}/cards/new")
    String addPage(PortalBuyer buyer, @RequestParam(name = "for", required = false) String forWhat, Model model,
        HttpServletRequest request, HttpServletResponse response) {
        String refusal = notes.take(request, response, REFUSAL, addPath(buyer)).orElse(null);
        return addPage(buyer, model, refusal, paying(buyer, forWhat), request);
    }

    /** A sandbox test card, typed in ({@code number}) or picked from the list ({@code test_number}). */
    @PostMapping("/portal/{accountId}/cards/new")
    String addTestCard(PortalBuyer buyer, @RequestParam(required = false) String number,
        @RequestParam(name = "test_number", required = false) String testNumber,
        @RequestParam(name = "for", required = false) String forWhat, Model model, HttpServletRequest request,
        HttpServletResponse response) {
        var paying = paying(buyer, forWhat);
        String typed = testNumber != null ? testNumber : number;
        if (typed == null || typed.isBlank()) {
            return addRefused(buyer, "Type a card number, or pick a test card from the list.", paying, request,
                response);
        }
        try {
            // Chosen at once for what it is to pay, the choice says card.updated; saved alone, the save does.
            Card card = portalCards.addTestCard(buyer.accountId(), buyer.customerId(), typed, paying == null);
            return added(buyer, card, paying, model, request, response);
        } catch (TillException e) {
            return addRefused(buyer, e, paying, request, response);
        }
    }

    /** A card the buyer confirmed with Stripe.js: the page sends the SetupIntent's id, the card is read from Stripe. */
    @PostMapping("/portal/{accountId}/cards/setup")
    String finishSetup(PortalBuyer buyer, @RequestParam(name = "setup_intent") String setupIntent,
        @RequestParam(name = "for", required = false) String forWhat, Model model, HttpServletRequest request,
        HttpServletResponse response) {
        var paying = paying(buyer, forWhat);
        try {
            Card card = portalCards.finishSetup(buyer.accountId(), buyer.customerId(), setupIntent, paying == null);
            return added(buyer, card, paying, model, request, response);
        } catch (TillException e) {
            return addRefused(buyer, e, paying, request, response);
        }
    }

    /**
     * What a new card is to pay, from the add-card page's {@code for}: the buyer's own subscription or plan, while it
     * owes something.
     *
     * @param target {@code kind:id}, as the page carries it
     * @param name "Membership · Monthly"
     * @param unpaid what it owes, formatted: "$19.00"
     */
    record Paying(Chosen chosen, CardChoices.Billed billed, String target, String name, String unpaid) {

        /** Paused: the card saved pays what is owed when the subscription resumes, not at once. */
        public boolean held() {
            return "paused".equals(billed.status());
        }

        /** The add buttons' words: "Save card and pay $19.00", or "Save card" while nothing can be charged. */
        public String saveButton() {
            return held() ? "Save card" : "Save card and pay " + unpaid;
        }
    }

    private Paying paying(PortalBuyer buyer, String forWhat) {
        var chosen = forWhat == null ? Optional.<Chosen>empty() : Chosen.parse(forWhat);
        if (chosen.isEmpty()) {
            return null;
        }
        try {
            var billed = portalCards.billed(buyer.accountId(), buyer.customerId(), chosen.get().kind(), chosen.get()
                .id());
            return billed.unpaid() == 0
                ? null
                : new Paying(chosen.get(), billed, chosen.get().toString(), PortalCardText.name(billed),
                    io.till.shared.Amounts.format(billed.unpaid(), billed.currency()));
        } catch (TillException notTheirs) {
            // Another buyer's, or none: the card is only saved.
            return null;
        }
    }

    /** A card saved: it pays what the page was opened for, if anything, else the list says it is saved. */
    private String added(PortalBuyer buyer, Card card, Paying paying, Model model, HttpServletRequest request,
        HttpServletResponse response) {
        if (paying == null) {
            return "redirect:" + PortalPaths.cards(buyer.accountId()) + "?added=" + card.id();
        }
        if (card.id().equals(paying.billed().cardId()) && justFailedAt(buyer, paying.billed()).isPresent()) {
            // The card typed is the one saved already, that this payment was just declined on: trying it again would
            // charge nothing, and "declined … nothing was charged" would tell of a charge never made.
            return addRefused(buyer, "That is " + PortalCardText.name(card) + ", the card this payment was just "
                + "declined on. Add a different card to pay " + paying.unpaid() + ".", paying, request, response);
        }
        return chosen(buyer, paying.chosen(), paying.billed(), card.id(), model, response);
    }

    private String addRefused(PortalBuyer buyer, TillException e, Paying paying, HttpServletRequest request,
        HttpServletResponse response) {
        if (e.code() == ErrorCode.NOT_FOUND) {
            throw e;
        }
        return addRefused(buyer, PortalCardText.refusal(e), paying, request, response);
    }

    /**
     * A refused card (declined, not a test card, no number) answers with a redirect back to the form, which says why
     * once: the page the buyer goes on from is then a plain page, so Back after paying with another card never offers
     * to send the refused card again (a reviewer's Back showed "Confirm Form Resubmission", and sending it again said
     * "declined" of a subscription already paid).
     */
    private String addRefused(PortalBuyer buyer, String sentence, Paying paying, HttpServletRequest request,
        HttpServletResponse response) {
        notes.keep(request, response, REFUSAL, addPath(buyer), sentence, Duration.ofMinutes(5));
        return "redirect:" + addPath(buyer, paying);
    }

    private static String addPath(PortalBuyer buyer) {
        return PortalPaths.cards(buyer.accountId()) + "/new";
    }

    /** The add-card page, still to pay what {@code paying} names. */
    private static String addPath(PortalBuyer buyer, Paying paying) {
        return addPath(buyer) + (paying == null
            ? ""
            : "?for=" + URLEncoder.encode(paying.target(), StandardCharsets.UTF_8));
    }

    private String addPage(PortalBuyer buyer, Model model, String error, Paying paying, HttpServletRequest request) {
        model.addAttribute("error", error);
        model.addAttribute("paying", paying);
        if (portalCards.takesTestCards(buyer.accountId())) {
            model.addAttribute("testCards", PortalCardViews.testCards());
        } else if (portalCards.cardSetups(buyer.accountId()).isPresent()) {
            try {
                model.addAttribute("stripe", portalCards.startSetup(buyer.accountId(), buyer.customerId()));
                request.setAttribute(BrowserHeaders.STRIPE_JS, true);
            } catch (TillException e) {
                // The processor could not open a setup (down, or refusing the store's key): the buyer is told so in
                // the portal's words, never the processor's (which may name the store's key); the seller's log has it.
                log.warn("A card setup for customer {} of account {} could not be opened: {}", buyer.customerId(),
                    buyer.accountId(), e.getMessage());
                model.addAttribute("error", PortalCardText.refusal(e));
                model.addAttribute("tryAgain", addPath(buyer, paying));
            }
        }
        return "portal/add_card";
    }

    /** The cards page; {@code added} is a card just saved, which the notice says is chosen where it is offered. */
    private String page(PortalBuyer buyer, PortalCards.Wallet wallet, String chosen, OwedBeforeChoice.Owed was,
        int poll,
        String added, Model model) {
        var target = Optional.ofNullable(chosen).flatMap(Chosen::parse);
        Instant now = Timestamps.now(clock);
        model.addAttribute("cards", PortalCardViews.cards(wallet, now));
        model.addAttribute("options", PortalCardViews.options(wallet, now));
        var rows = wallet.billed()
            .stream()
            .map(billed -> {
                var failedAt = justFailedAt(buyer, billed);
                var outcome = target.filter(t -> t.kind() == billed.kind() && t.id().equals(billed.id()))
                    .map(t -> outcome(buyer, wallet, billed, was, poll))
                    .orElse(null);
                String declined = failedAt.isPresent() ? billed.cardId() : null;
                return PortalCardViews.billed(billed, outcome, suggested(wallet, failedAt, now), declined,
                    PortalCardViews.expiredCard(wallet, billed.cardId(), now));
            })
            .toList();
        model.addAttribute("billed", rows);
        // What the choice paid off for good (a plan's last instalment) leaves the list: its outcome is told above it.
        target.filter(t -> wallet.billed().stream().noneMatch(b -> b.kind() == t.kind() && b.id().equals(t.id())))
            .flatMap(t -> billedOrNone(buyer, t))
            .ifPresent(billed -> model.addAttribute("outcome", outcome(buyer, wallet, billed, was, poll)));
        if (added != null && rows.stream().anyMatch(row -> added.equals(row.suggestedCardId()))) {
            wallet.card(added).ifPresent(saved -> model.addAttribute("notice", PortalCardText.name(saved.card())
                + " is saved, and chosen below for what is unpaid: press “Save and pay” to pay with it."));
        }
        return "portal/cards";
    }

    /** The buyer's subscription or plan, whatever its status; none when it is not theirs. */
    private Optional<CardChoices.Billed> billedOrNone(PortalBuyer buyer, Chosen chosen) {
        try {
            return Optional
                .of(portalCards.billedEver(buyer.accountId(), buyer.customerId(), chosen.kind(), chosen.id()));
        } catch (TillException notTheirs) {
            return Optional.empty();
        }
    }

    /**
     * When the last payment of an unpaid subscription or plan failed with its own card: choosing that card again
     * would charge nothing (CardChoices), so its picker does not offer it. Empty when nothing is owed, or when it
     * failed otherwise.
     */
    private Optional<Instant> justFailedAt(PortalBuyer buyer, CardChoices.Billed billed) {
        if (billed.unpaid() == 0 || billed.cardId() == null) {
            return Optional.empty();
        }
        return portalCards.justFailedAt(buyer.accountId(), buyer.customerId(), billed.kind(), billed.id(),
            billed.cardId());
    }

    /**
     * The card to offer for an unpaid subscription or plan whose own card the last payment failed with (at
     * {@code failedAt}): the newest card saved since (a buyer who added one to pay it finds it chosen); none otherwise,
     * and then its picker asks the buyer to choose, as a card saved before is one they may not mean to charge.
     */
    private static String suggested(PortalCards.Wallet wallet, Optional<Instant> failedAt, Instant now) {
        return failedAt.flatMap(at -> wallet.cards()
            .stream()
            .map(PortalCards.SavedCard::card)
            .filter(card -> card.createdAt().isAfter(at) && !card.expiredAt(now))
            .max(java.util.Comparator.comparing(io.till.customer.Card::createdAt)
                .thenComparing(io.till.customer.Card::id)))
            .map(io.till.customer.Card::id)
            .orElse(null);
    }

    private PortalCardViews.Outcome outcome(PortalBuyer buyer, PortalCards.Wallet wallet, CardChoices.Billed billed,
        OwedBeforeChoice.Owed was, int poll) {
        String card = Optional.ofNullable(billed.cardId())
            .flatMap(wallet::card)
            .map(saved -> PortalCardText.name(saved.card()))
            .orElse("the card");
        String name = PortalCardText.name(billed);
        var chosen = new Chosen(billed.kind(), billed.id());
        String amount = io.till.shared.Amounts.format(was.amount(), billed.currency());
        var outcome = was.amount() == 0
            ? new CardChoices.Outcome.NothingDue()
            : portalCards.outcome(buyer.accountId(), buyer.customerId(), billed.kind(), billed.id(), was.amount(),
                was.at());
        return switch (outcome) {
            case CardChoices.Outcome.NothingDue nothing -> new PortalCardViews.Outcome("success", "Saved. " + name
                + " is paid with " + card + " from now on.", null);
            case CardChoices.Outcome.Paid paid -> new PortalCardViews.Outcome("success", "Paid " + amount + " with "
                + card + ". " + name + ("completed".equals(billed.status()) ? " is paid in full." : " is paid up."),
                null);
            case CardChoices.Outcome.Declined declined -> new PortalCardViews.Outcome("warning", "Your bank declined "
                + card + ": “" + declined.reason() + "” Nothing was charged." + (anotherCard(wallet, billed)
                    ? " Choose another card, or pay with a new one."
                    : ""),
                null, new PortalCardViews.Link(PortalPaths.cards(buyer.accountId()) + "/new?for="
                    + URLEncoder.encode(chosen.toString(), StandardCharsets.UTF_8),
                    "Pay " + amount
                        + " with a new card"));
            case CardChoices.Outcome.Held held ->
                new PortalCardViews.Outcome("success", "Saved. " + name + " is paused: "
                    + "the " + amount + " it owes is charged to " + card + " when it resumes.", null);
            case CardChoices.Outcome.Trying trying -> poll >= POLLS
                ? new PortalCardViews.Outcome("info", "Your bank has not answered yet. Reload this page in a minute "
                    + "to see whether " + amount + " was paid.", null)
                : new PortalCardViews.Outcome("info", "Charging " + amount + " to " + card + "… This updates "
                    + "when your bank answers (or reload the page in a moment).",
                    PortalPaths.cards(buyer.accountId()) + "/outcome?chosen=" + chosen + "&was="
                        + owedSeal.sign(buyer, chosen.toString(), was) + "&poll=" + (poll + 1));
        };
    }

    /** Whether a saved card other than the one just declined could pay {@code billed} (it is offered to choose). */
    private boolean anotherCard(PortalCards.Wallet wallet, CardChoices.Billed billed) {
        return PortalCardViews.options(wallet, Timestamps.now(clock))
            .stream()
            .anyMatch(option -> !option.id().equals(billed.cardId()));
    }

    private String refused(PortalBuyer buyer, TillException e, Model model, HttpServletResponse response) {
        if (e.code() == ErrorCode.NOT_FOUND) {
            throw e;
        }
        return refused(buyer, PortalCardText.refusal(e), e.code().status().value(), model, response);
    }

    private String refused(PortalBuyer buyer, String sentence, int status, Model model,
        HttpServletResponse response) {
        response.setStatus(status);
        model.addAttribute("error", sentence);
        return page(buyer, portalCards.wallet(buyer.accountId(), buyer.customerId()), null,
            OwedBeforeChoice.Owed.NOTHING, 0, null,
            model);
    }

    /** The subscription or plan a card was just chosen for, as the page's address carries it: {@code kind:id}. */
    record Chosen(CardChoices.Kind kind, String id) {

        static Optional<Chosen> parse(String value) {
            int colon = value.indexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Chosen(PortalCardViews.kind(value.substring(0, colon)), value.substring(colon
                    + 1)));
            } catch (TillException e) {
                return Optional.empty();
            }
        }

        @Override
        public String toString() {
            return PortalCardViews.kind(kind) + ":" + id;
        }
    }
}
