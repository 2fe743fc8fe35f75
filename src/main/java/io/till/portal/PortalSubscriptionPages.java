package io.till.portal;

import io.till.billing.Cancellation;
import io.till.billing.PaymentPlans;
import io.till.billing.Subscription;
import io.till.billing.SubscriptionActions;
import io.till.billing.Subscriptions;
import io.till.shared.Amounts;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * A buyer's subscription and payment-plan pages: what it costs, when it bills next, the card paying it, what is owed,
 * its payments with their receipts; and for a subscription, when the seller allows it, cancel at the end of the paid
 * period with an optional reason, and "keep my subscription" until then (PRODUCT.md §6, seed 003 "Self-Cancel
 * Subscriptions"). Payment plans are accounts receivable: they have no cancel at all.
 */
@Controller
class PortalSubscriptionPages {

    /** The choice in the reason list that asks for the free text instead. */
    static final String OTHER = "other";

    private final PortalOverview overview;
    private final PortalHistory history;
    private final Subscriptions subscriptions;
    private final PaymentPlans paymentPlans;
    private final SubscriptionActions actions;
    private final PortalSettingsStore settings;
    private final Clock clock;

    PortalSubscriptionPages(PortalOverview overview, PortalHistory history, Subscriptions subscriptions,
        PaymentPlans paymentPlans, SubscriptionActions actions, PortalSettingsStore settings, Clock clock) {
        this.overview = overview;
        this.history = history;
        this.subscriptions = subscriptions;
        this.paymentPlans = paymentPlans;
        this.actions = actions;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * What the subscription page offers now: cancel while it still renews and the seller allows it; keep while the
     * buyer's own cancellation waits for the period to end.
     */
    record Choices(boolean cancel, boolean keep, boolean sellerCanceled, boolean selfCancel) {

        /** The statuses in which a subscription renews at the end of its period. */
        static final List<String> RENEWING = List.of("trialing", "active", "past_due");

        static Choices of(Subscription subscription, boolean selfCancel, Instant now) {
            boolean renews = RENEWING.contains(subscription.status());
            boolean canceling = subscription.status().equals("canceling")
                && subscription.currentPeriodEnd().isAfter(now);
            boolean byBuyer = "customer".equals(subscription.canceledBy());
            return new Choices(selfCancel && renews, canceling && byBuyer, canceling && !byBuyer, selfCancel);
        }
    }

    /**
     * {@code done} says what the buyer just did (canceled, kept), after the redirect that follows their POST. Anyone
     * can write it into a link, so it is shown only when the subscription is where it says: canceled by this buyer,
     * or renewing again.
     */
    @GetMapping("/portal/{accountId}/subscriptions/{id}")
    String subscription(PortalBuyer buyer, @PathVariable String id, @RequestParam(required = false) String done,
        @RequestParam(required = false) String refused, @RequestParam(defaultValue = "1") int page, Model model) {
        Subscription subscription = subscriptions.getForCustomer(buyer.accountId(), buyer.customerId(), id);
        var choices = show(buyer, subscription, page, model);
        // As done, said only when the subscription is where the sentence says: anyone can write the link.
        if ("keep".equals(refused) && choices.sellerCanceled()) {
            model.addAttribute("error", "This subscription was canceled by the shop, so only they can keep it going.");
        } else if ("keep".equals(refused) && !choices.keep() && !Choices.RENEWING.contains(subscription.status())) {
            model.addAttribute("error", "This subscription has ended, so it can no longer be kept.");
        } else if ("cancel".equals(refused) && !choices.cancel() && !canceledByBuyer(subscription)) {
            model.addAttribute("error", "This subscription can no longer be canceled here: it is "
                + subscription.status().replace('_', ' ') + ".");
        }
        boolean happened = switch (done == null ? "" : done) {
            case "canceled" -> canceledByBuyer(subscription);
            case "kept" -> Choices.RENEWING.contains(subscription.status());
            default -> false;
        };
        if (happened) {
            model.addAttribute("done", done);
        }
        return "portal/subscription";
    }

    private static boolean canceledByBuyer(Subscription subscription) {
        return List.of("canceling", "canceled").contains(subscription.status())
            && "customer".equals(subscription.canceledBy());
    }

    @GetMapping("/portal/{accountId}/subscriptions/{id}/cancel")
    String confirmCancel(PortalBuyer buyer, @PathVariable String id, Model model) {
        Subscription subscription = subscriptions.getForCustomer(buyer.accountId(), buyer.customerId(), id);
        var choices = show(buyer, subscription, model);
        if (!choices.cancel()) {
            return "redirect:/portal/" + buyer.accountId() + "/subscriptions/" + id;
        }
        model.addAttribute("reasons", settings.get(buyer.accountId()).cancelReasons());
        return "portal/subscription_cancel";
    }

    @PostMapping("/portal/{accountId}/subscriptions/{id}/cancel")
    String cancel(PortalBuyer buyer, @PathVariable String id, @RequestParam(required = false) String reason,
        @RequestParam(name = "reason_text", required = false) String reasonText, Model model,
        HttpServletResponse response) {
        Subscription subscription = subscriptions.getForCustomer(buyer.accountId(), buyer.customerId(), id);
        var portal = settings.get(buyer.accountId());
        if (!portal.selfCancel()) {
            throw new TillException(ErrorCode.FORBIDDEN, "Subscriptions can't be canceled here. Please write to us "
                + "and we will help.");
        }
        String problem = problem(reason, reasonText, portal.cancelReasons());
        if (problem != null) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            show(buyer, subscription, model);
            model.addAttribute("reasons", portal.cancelReasons());
            model.addAttribute("problem", problem);
            model.addAttribute("chosen", reason);
            model.addAttribute("text", reasonText);
            return "portal/subscription_cancel";
        }
        try {
            actions.cancelForCustomer(buyer.accountId(), buyer.customerId(), id, reason, reasonText);
        } catch (TillException e) {
            // A second click (or a second tab) finds it canceling already: it shows what the first one did. One the
            // seller set to end is shown as it is, never as the buyer's own cancellation.
            if (!isNow(buyer, id, e, "canceling")) {
                return refused(e, buyer, id, "cancel");
            }
            if (!canceledByBuyer(subscriptions.getForCustomer(buyer.accountId(), buyer.customerId(), id))) {
                return "redirect:/portal/" + buyer.accountId() + "/subscriptions/" + id;
            }
        }
        return "redirect:/portal/" + buyer.accountId() + "/subscriptions/" + id + "?done=canceled";
    }

    @PostMapping("/portal/{accountId}/subscriptions/{id}/keep")
    String keep(PortalBuyer buyer, @PathVariable String id) {
        try {
            actions.keepForCustomer(buyer.accountId(), buyer.customerId(), id);
        } catch (TillException e) {
            if (!isNow(buyer, id, e, "active", "trialing", "past_due")) {
                return refused(e, buyer, id, "keep");
            }
        }
        return "redirect:/portal/" + buyer.accountId() + "/subscriptions/" + id + "?done=kept";
    }

    @GetMapping("/portal/{accountId}/payment_plans/{id}")
    String paymentPlan(PortalBuyer buyer, @PathVariable String id, @RequestParam(defaultValue = "1") int page,
        Model model) {
        var plan = paymentPlans.getForCustomer(buyer.accountId(), buyer.customerId(), id);
        model.addAttribute("plan", plan);
        long left = paymentPlans.leftToPay(buyer.accountId(), plan);
        if (left > 0) {
            model.addAttribute("left", Amounts.format(left, plan.currency()));
        }
        model.addAttribute("billing", summary(buyer, "payment_plan", id));
        payments(buyer, null, id, page, model);
        return "portal/payment_plan";
    }

    private Choices show(PortalBuyer buyer, Subscription subscription, Model model) {
        return show(buyer, subscription, 1, model);
    }

    /** The subscription's page with page {@code page} of its payments. */
    private Choices show(PortalBuyer buyer, Subscription subscription, int page, Model model) {
        var choices = Choices.of(subscription, settings.get(buyer.accountId()).selfCancel(),
            Timestamps.now(clock));
        model.addAttribute("subscription", subscription);
        model.addAttribute("billing", summary(buyer, "subscription", subscription.id()));
        payments(buyer, subscription.id(), null, page, model);
        model.addAttribute("choices", choices);
        return choices;
    }

    /**
     * Its payments a page at a time, as the payments list pages them (PortalHistoryPages): a subscription that has run
     * for years has more than one page should hold.
     */
    private void payments(PortalBuyer buyer, String subscriptionId, String paymentPlanId, int page, Model model) {
        var paging = PortalHistoryPages.Paging.of(page, history.paymentCount(buyer, subscriptionId, paymentPlanId));
        model.addAttribute("payments", history.payments(buyer, subscriptionId, paymentPlanId, paging.size(), paging
            .offset()));
        model.addAttribute("paging", paging);
    }

    private PortalOverview.Billing summary(PortalBuyer buyer, String kind, String id) {
        return overview.billing(buyer, true).stream()
            .filter(billing -> billing.kind().equals(kind) && billing.id().equals(id))
            .findFirst()
            .orElseThrow(() -> TillException.notFound(kind.replace('_', ' '), id));
    }

    /** Whether a refused change was refused because the subscription is already where the buyer asked it to go. */
    private boolean isNow(PortalBuyer buyer, String id, TillException e, String... statuses) {
        return e.code() == ErrorCode.INVALID_STATE && List.of(statuses).contains(subscriptions.getForCustomer(
            buyer.accountId(), buyer.customerId(), id).status());
    }

    /**
     * A change the subscription's state no longer allows (its period ended meanwhile) is told on the subscription's
     * own page, after a redirect, so that a reload sends nothing again; anything else (not found) gets the portal's
     * error page.
     */
    private static String refused(TillException e, PortalBuyer buyer, String id, String change) {
        if (e.code() != ErrorCode.INVALID_STATE) {
            throw e;
        }
        return "redirect:/portal/" + buyer.accountId() + "/subscriptions/" + id + "?refused=" + change;
    }

    /** What is wrong with the reason given, as a sentence for the buyer; null when nothing is. */
    private static String problem(String reason, String text, List<String> reasons) {
        if (reason != null && !reason.isBlank() && !reason.equals(OTHER) && !reasons.contains(reason)) {
            return "Please choose one of the reasons listed, or \"Something else\".";
        }
        if (!Cancellation.problems(null, text).isEmpty()) {
            return "Please keep your note to " + Cancellation.MAX_TEXT + " characters of plain text.";
        }
        return null;
    }
}
