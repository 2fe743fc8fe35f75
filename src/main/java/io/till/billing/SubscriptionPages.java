package io.till.billing;

import io.till.catalog.ProductOption;
import io.till.customer.Customers;
import io.till.shared.Amounts;
import io.till.shared.Caller;
import io.till.shared.TillException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A subscription's record in the dashboard (seed 004: "manage things like refunds, canceling, pausing payments"): what
 * it is and costs, its card, payments, refunds and invoices; and staff's changes, each through the service the API
 * uses. A change its status forbids is not offered; one sent anyway (a page left open while the subscription changed)
 * comes back with the service's refusal, which names the status.
 */
@Controller
@RequestMapping("/admin/subscriptions/{id}")
class SubscriptionPages {

    private final Subscriptions subscriptions;
    private final SubscriptionActions actions;
    private final Customers customers;
    private final Payments payments;
    private final RecordViews views;
    private final RecordForms forms;
    private final SubscriptionResumes resumes;

    SubscriptionPages(Subscriptions subscriptions, SubscriptionActions actions, Customers customers,
        Payments payments, RecordViews views, RecordForms forms, SubscriptionResumes resumes) {
        this.resumes = resumes;
        this.subscriptions = subscriptions;
        this.actions = actions;
        this.customers = customers;
        this.payments = payments;
        this.views = views;
        this.forms = forms;
    }

    @GetMapping
    String record(Caller.Staff staff, @PathVariable String id, Model model) {
        String accountId = staff.accountId();
        Subscription subscription = subscriptions.get(accountId, id);
        var customer = customers.get(accountId, subscription.customerId());
        model.addAttribute("subscription", subscription);
        model.addAttribute("customer", customer);
        model.addAttribute("product", views.product(accountId, subscription.productId(), subscription.optionId()));
        model.addAttribute("order", views.order(accountId, subscription.orderId()));
        model.addAttribute("price", Amounts.format(subscription.amount(), subscription.currency()) + " every "
            + ProductOption.every(subscription.intervalCount(), subscription.interval()));
        model.addAttribute("nextBill", subscription.nextBill());
        model.addAttribute("card", views.card(accountId, subscription.cardId()));
        model.addAttribute("shownStatus", subscription.shownStatus(!subscriptions.endedOwing(accountId,
            List.of(id)).isEmpty()));
        model.addAttribute("cancelNote", subscription.canceledBy() == null
            ? null
            : subscriptions.cancelNote(accountId,
                id));
        model.addAttribute("cards", views.cardChoices(accountId, subscription.customerId(), subscription.cardId()));
        model.addAttribute("payments", views.payments(accountId, id, null));
        model.addAttribute("refunds", views.refunds(accountId, id, null));
        var invoices = views.invoices(accountId, id, null);
        model.addAttribute("invoices", invoices);
        model.addAttribute("unpaid", invoices.stream().anyMatch(i -> i.status().equals("issued")));
        for (var change : Subscription.Change.values()) {
            model.addAttribute("can" + camel(change), subscription.allows(change));
        }
        // What staff look for and do not find, with the status that forbids it, rather than a control gone unsaid.
        model.addAttribute("notOffered", NAMED.stream()
            .filter(named -> !subscription.allows(named.getKey()))
            .map(Map.Entry::getValue)
            .toList());
        model.addAttribute("statusInWords", subscription.status().replace('_', ' '));
        model.addAttribute("owing", views.owing(accountId, id, null));
        RecordForms.formKey(model);
        return "billing/subscription";
    }

    @PostMapping("/cancel")
    String cancel(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "now") String when,
        @RequestParam(name = "skip_automations", defaultValue = "false") boolean skip,
        @RequestParam(defaultValue = "") String reason, @RequestParam(name = "form_key", required = false) String key,
        RedirectAttributes redirect) {
        boolean atPeriodEnd = when.equals("period_end");
        return forms.act(staff, key, page(id) + "/cancel?" + when + "&" + skip + "&" + reason, page(id), redirect,
            Map.of("form", "cancel_" + (atPeriodEnd ? "period_end" : "now"), "reason", reason), () -> {
                var canceled = actions.cancel(staff.accountId(), id, atPeriodEnd, skip,
                    Cancellation.byStaff(null, reason, staff));
                return (atPeriodEnd ? "Canceling at the end of the period" : "Canceled")
                    + (skip ? ", without running automations." : ".")
                    + (canceled.status().equals("canceling") ? " Choose “Keep” to take it back before then." : "");
            });
    }

    @PostMapping("/pause")
    String pause(Caller.Staff staff, @PathVariable String id,
        @RequestParam(name = "form_key", required = false) String key, RedirectAttributes redirect) {
        return forms.act(staff, key, page(id) + "/pause", page(id), redirect, () -> {
            actions.pause(staff.accountId(), id);
            return "Paused. Nothing is charged until it is resumed.";
        });
    }

    @PostMapping("/resume")
    String resume(Caller.Staff staff, @PathVariable String id,
        @RequestParam(name = "form_key", required = false) String key, RedirectAttributes redirect) {
        return forms.act(staff, key, page(id) + "/resume", page(id), redirect, () -> {
            var before = subscriptions.get(staff.accountId(), id);
            var after = resumes.resume(staff.accountId(), id);
            // Its period ended while paused: a new one started at the resume, charged then (the payments below).
            return after.currentPeriodStart().equals(before.currentPeriodStart())
                ? "Resumed. It renews again at the end of its period."
                : "Resumed. Its period ended while it was paused, so a new one started now and was billed at once.";
        });
    }

    @PostMapping("/keep")
    String keep(Caller.Staff staff, @PathVariable String id,
        @RequestParam(name = "form_key", required = false) String key, RedirectAttributes redirect) {
        return forms.act(staff, key, page(id) + "/keep", page(id), redirect, () -> {
            actions.keep(staff.accountId(), id);
            return "Kept: the cancellation is taken back and it renews as before.";
        });
    }

    @PostMapping("/card")
    String changeCard(Caller.Staff staff, @PathVariable String id, @RequestParam(name = "card_id") String cardId,
        @RequestParam(name = "form_key", required = false) String key, RedirectAttributes redirect) {
        var subscription = subscriptions.get(staff.accountId(), id);
        return forms.changeCard(staff, CardChoices.Kind.SUBSCRIPTION, id, subscription.customerId(), cardId, key,
            page(id), redirect);
    }

    @PostMapping("/refund")
    String refund(Caller.Staff staff, @PathVariable String id, @RequestParam(name = "payment_id") String paymentId,
        @RequestParam(defaultValue = "") String amount, @RequestParam(defaultValue = "") String reason,
        @RequestParam(name = "form_key", required = false) String key, RedirectAttributes redirect) {
        String accountId = staff.accountId();
        subscriptions.get(accountId, id);
        Payment payment = payments.get(accountId, paymentId);
        if (!id.equals(payment.subscriptionId())) {
            throw TillException.notFound("payment", paymentId);
        }
        return forms.refund(staff, page(id), payment, amount, reason, key, redirect);
    }

    /** The changes whose absence the page explains, as its controls name them. */
    private static final List<Map.Entry<Subscription.Change, String>> NAMED = List.of(
        Map.entry(Subscription.Change.PAUSE, "pause"),
        Map.entry(Subscription.Change.CANCEL_AT_PERIOD_END, "cancel at period end"),
        Map.entry(Subscription.Change.CANCEL_NOW, "cancel now"),
        Map.entry(Subscription.Change.CHANGE_CARD, "change card"));

    private static String page(String id) {
        return "/admin/subscriptions/" + id;
    }

    /** CANCEL_AT_PERIOD_END as CancelAtPeriodEnd, for the template's canCancelAtPeriodEnd. */
    private static String camel(Enum<?> change) {
        var name = new StringBuilder();
        for (String part : change.name().split("_")) {
            name.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }
}
