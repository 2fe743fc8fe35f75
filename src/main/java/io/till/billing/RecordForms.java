package io.till.billing;

import io.till.idempotency.FormSubmissions;
import io.till.shared.Amounts;
import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import java.util.Map;
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

    RecordForms(FormSubmissions submissions, Refunds refunds, RecordViews views) {
        this.submissions = submissions;
        this.refunds = refunds;
        this.views = views;
    }

    /** A fresh key for one form of a page being rendered. */
    static String newKey() {
        return FormSubmissions.newKey();
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
            redirect.addFlashAttribute("refused", e.getMessage());
            redirect.addFlashAttribute("typed", typed);
            // A decline is kept as a failed attempt: something did happen, only not the payment.
            redirect.addFlashAttribute("refusedTitle", e.code() == ErrorCode.CARD_DECLINED
                ? "The charge failed."
                : "Nothing changed.");
            return "redirect:" + page + refusedAt;
        }
        return "redirect:" + page;
    }

    /** Refunds the amount typed (all that is left when blank) of a payment shown on {@code page}. */
    String refund(Caller.Staff staff, String page, Payment payment, String amount, String reason, String formKey,
        RedirectAttributes redirect) {
        return act(staff, formKey, page + "/refund?" + payment.id() + "&" + amount + "&" + reason, page, "#refund",
            redirect, Map.of("form", "refund", "payment_id", payment.id(), "amount", amount, "reason", reason), () -> {
                var refund = refunds.refund(staff.accountId(), payment.id(), minorUnits(amount, payment.currency()),
                    reason.isBlank() ? null : reason.strip());
                String card = views.cardName(staff.accountId(), payment.cardId());
                return "Refunded " + Amounts.format(refund.amount(), refund.currency()) + " of the "
                    + Amounts.format(payment.amount(), payment.currency()) + " payment"
                    + (card == null ? "." : " by " + card + ": it goes back to that card.");
            });
    }

    /** An amount typed by staff, in minor units of {@code currency}; see {@link Amounts#parseTyped}. */
    static Long minorUnits(String typed, String currency) {
        return Amounts.parseTyped("amount", typed, currency);
    }

    /** The amount as staff type it; see {@link Amounts#typed}. */
    static String typed(long minor, String currency) {
        return Amounts.typed(minor, currency);
    }
}
