package io.till.billing;

import io.till.idempotency.FormSubmissions;
import io.till.payment.PaymentGateway;
import io.till.shared.Amounts;
import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.FieldError;
import io.till.shared.TillException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * What the subscription, payment plan and invoice pages' forms share: a one-time key per rendered form (so that a
 * double click acts once), money as staff type it, and the outcome shown back on the record, a success as the
 * {@code flash} and a refusal (with the status that forbids it, in the service's words) as {@code refused}, nothing
 * changed. Another account's id is not refused here but thrown on, to the frame's not-found page.
 */
@Component
class RecordForms {

    private final FormSubmissions submissions;
    private final Refunds refunds;
    private final RecordViews views;
    private final CardChoices cardChoices;
    private final SubscriptionActions actions;

    RecordForms(FormSubmissions submissions, Refunds refunds, RecordViews views, CardChoices cardChoices,
        SubscriptionActions actions) {
        this.submissions = submissions;
        this.refunds = refunds;
        this.views = views;
        this.cardChoices = cardChoices;
        this.actions = actions;
    }

    /** A fresh key for one form of a page being rendered. */
    static String newKey() {
        return FormSubmissions.newKey();
    }

    /**
     * The key of the forms of a page being rendered: the one a form was sent with, when its processor did not answer
     * (sent again, it finishes what it began), else a fresh one.
     */
    static void formKey(org.springframework.ui.Model model) {
        if (!(model.getAttribute("formKey") instanceof String kept) || kept.isBlank()) {
            model.addAttribute("formKey", newKey());
        }
    }

    /**
     * Runs {@code action} once for {@code formKey} and goes back to {@code page} with its message, or with the reason
     * it was refused.
     */
    String act(Caller.Staff staff, String formKey, String request, String page, RedirectAttributes redirect,
        Supplier<String> action) {
        return act(staff, formKey, request, page, redirect, Map.of(), action);
    }

    /**
     * {@link #act} for a form whose fields staff type: on a refusal, {@code typed} (field name to value, with
     * {@code form} naming the form) goes back to the page as {@code typed}, so that the form shows what was typed
     * rather than its starting values (a refund's starting amount is all that is left).
     */
    String act(Caller.Staff staff, String formKey, String request, String page, RedirectAttributes redirect,
        Map<String, String> typed, Supplier<String> action) {
        return act(staff, formKey, request, page, "", redirect, typed, action);
    }

    /**
     * {@link #act} whose refusal opens the page at {@code refusedAt} ({@code #refund}), where the page says it beside
     * the form, rather than at its top: on a phone the order page's refund form is screens down.
     */
    private String act(Caller.Staff staff, String formKey, String request, String page, String refusedAt,
        RedirectAttributes redirect, Map<String, String> typed, Supplier<String> action) {
        try {
            redirect.addFlashAttribute("flash", submissions.once(staff.accountId(), formKey, request, action));
        } catch (TillException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw e;
            }
            // No answer from the processor: the money may have moved. The page keeps this form's key, so that sending
            // the form again finishes this very refund or charge (RequestEffects) rather than making another. Not
            // reached at all (NotSent): nothing moved, and the form sent again tries once more under the same key.
            boolean notSent = e instanceof PaymentGateway.NotSent;
            boolean inDoubt = e.code() == ErrorCode.GATEWAY_UNAVAILABLE && !notSent;
            redirect.addFlashAttribute("refused", inDoubt
                ? e.getMessage() + " It may have gone through: Till asks the processor and records the outcome within "
                    + "minutes. Sending this form again finishes it, never twice."
                : notSent
                    ? e.getMessage() + " No money moved. Sending this form again tries once more."
                    : e.getMessage());
            redirect.addFlashAttribute("typed", typed);
            // A decline is kept as a failed attempt: something did happen, only not the payment.
            redirect.addFlashAttribute("refusedTitle", e.code() == ErrorCode.CARD_DECLINED
                ? "The charge failed."
                : inDoubt
                    ? "The payment processor did not answer."
                    : notSent ? "The payment processor was not reached." : "Nothing changed.");
            if (e.code() == ErrorCode.GATEWAY_UNAVAILABLE) {
                redirect.addFlashAttribute("formKey", formKey);
            }
            return "redirect:" + page + refusedAt;
        }
        return "redirect:" + page;
    }

    /** Refunds the amount typed of a payment shown on {@code page}. */
    String refund(Caller.Staff staff, String page, Payment payment, String amount, String reason, String formKey,
        RedirectAttributes redirect) {
        return act(staff, formKey, page + "/refund?" + payment.id() + "&" + amount + "&" + reason, page, "#refund",
            redirect, Map.of("form", "refund", "payment_id", payment.id(), "amount", amount, "reason", reason), () -> {
                var refund = refunds.refund(staff.accountId(), payment.id(), refundAmount(amount, payment.currency()),
                    reason.isBlank() ? null : reason.strip());
                String card = views.cardName(staff.accountId(), payment.cardId());
                return "Refunded " + Amounts.format(refund.amount(), refund.currency()) + " of the "
                    + Amounts.format(payment.amount(), payment.currency()) + " payment"
                    + (card == null ? "." : " by " + card + ": it goes back to that card.");
            });
    }

    /**
     * Makes {@code cardId} pay the subscription or plan shown on {@code page}, as the buyer's portal does ({@link
     * CardChoices#choose}): what it owes is charged to the card at once, and the message says how that went, paid,
     * declined (in the bank's words) or still under way, so that staff who pressed "Change card and charge" know.
     */
    String changeCard(Caller.Staff staff, CardChoices.Kind kind, String id, String customerId, String cardId,
        String formKey, String page, RedirectAttributes redirect) {
        String what = kind == CardChoices.Kind.SUBSCRIPTION ? "The subscription" : "The plan";
        return act(staff, formKey, page + "/card?" + cardId, page, redirect, () -> {
            String accountId = staff.accountId();
            var before = stillBilled(accountId, customerId, kind, id);
            boolean justFailed = before.isPresent() && before.get().unpaid() > 0 && cardChoices.justFailedWith(
                accountId, customerId, kind, id, cardId);
            // The service checks the card (saved, the customer's, not expired) and says which status forbids a
            // change; it schedules the retries of what is owed, none when this card is the one that just failed.
            String chosen = kind == CardChoices.Kind.SUBSCRIPTION
                ? actions.changeCard(accountId, id, cardId).cardId()
                : actions.changePlanCard(accountId, id, cardId).cardId();
            String changed = what + " is paid with " + views.card(accountId, chosen) + " from now on";
            if (before.isEmpty()) {
                return changed + ".";
            }
            String owed = Amounts.format(before.get().unpaid(), before.get().currency());
            if (justFailed) {
                return changed + ". It was not charged again: the last attempt at the " + owed + " owed failed on "
                    + "this card" + (before.get().declineReason() == null
                        ? "."
                        : " (“" + before.get().declineReason() + "”).");
            }
            return switch (cardChoices.chargeOwed(accountId, customerId, kind, id, before.get().unpaid(),
                staff.who())) {
                case CardChoices.Outcome.NothingDue nothing -> changed + ".";
                case CardChoices.Outcome.Paid paid -> changed + ", and the " + owed + " it owed is paid with it.";
                case CardChoices.Outcome.Declined declined -> changed + ". The bank declined it for the " + owed
                    + " owed (“" + declined.reason() + "”): it stays unpaid, and its retries go on with this card.";
                case CardChoices.Outcome.Held held -> changed + ". It is paused: the " + owed + " it owes is charged "
                    + "to this card when it resumes.";
                case CardChoices.Outcome.Trying trying -> changed + ". The " + owed + " it owes is being charged to "
                    + "it: reload in a moment to see how that went.";
            };
        });
    }

    private Optional<CardChoices.Billed> stillBilled(String accountId, String customerId, CardChoices.Kind kind,
        String id) {
        return cardChoices.billed(accountId, customerId).stream()
            .filter(billed -> billed.kind() == kind && billed.id().equals(id))
            .findFirst();
    }

    /** An amount typed by staff, in minor units of {@code currency}; see {@link Amounts#parseTyped}. */
    /**
     * The amount typed in a refund form: required there (the API's refund without an amount gives back all that is
     * left, a form left blank must not), and more than nothing.
     */
    private static long refundAmount(String typed, String currency) {
        Long minor = minorUnits(typed, currency);
        if (minor == null) {
            throw new TillException(ErrorCode.VALIDATION_FAILED, "Type the amount to refund.", List.of(new FieldError(
                "amount", "required", "is required")));
        }
        if (minor <= 0) {
            throw new TillException(ErrorCode.VALIDATION_FAILED, "The amount to refund must be more than "
                + Amounts.format(0, currency) + ".",
                List.of(new FieldError("amount", "out_of_range",
                    "must be positive")));
        }
        return minor;
    }

    static Long minorUnits(String typed, String currency) {
        return Amounts.parseTyped("amount", typed, currency);
    }

    /** The amount as staff type it; see {@link Amounts#typed}. */
    static String typed(long minor, String currency) {
        return Amounts.typed(minor, currency);
    }
}
