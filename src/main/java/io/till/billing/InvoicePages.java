package io.till.billing;

import io.till.customer.Customers;
import io.till.shared.Amounts;
import io.till.shared.Caller;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * An invoice's record in the dashboard: what it bills, what is due and paid, every attempt at collecting it with the
 * card's answer; and staff's pay now, void, apply credits and credit note, through the services the API's invoice
 * endpoints use. Each is offered only in the status that allows it; one sent anyway comes back refused, naming it.
 */
@Controller
@RequestMapping("/admin/invoices/{id}")
class InvoicePages {

    private final Invoices invoices;
    private final InvoiceCharges charges;
    private final BillingActions actions;
    private final Credits credits;
    private final Customers customers;
    private final Payments payments;
    private final Subscriptions subscriptions;
    private final PaymentPlans paymentPlans;
    private final RecordViews views;
    private final RecordForms forms;

    InvoicePages(Invoices invoices, InvoiceCharges charges, BillingActions actions, Credits credits,
        Customers customers, Payments payments, Subscriptions subscriptions, PaymentPlans paymentPlans,
        RecordViews views, RecordForms forms) {
        this.invoices = invoices;
        this.charges = charges;
        this.actions = actions;
        this.credits = credits;
        this.customers = customers;
        this.payments = payments;
        this.subscriptions = subscriptions;
        this.paymentPlans = paymentPlans;
        this.views = views;
        this.forms = forms;
    }

    /** A line of the invoice: what it bills, or credit that paid part of it. */
    record Line(String description, String amount) {}

    /**
     * One attempt at collecting the invoice: a charge tried on a card, by the retry schedule (or staff's pay now) or by
     * an automation, said in {@code madeBy}; and the card's answer.
     */
    record Attempt(String paymentId, int number, Instant at, String amount, String card, String madeBy, String status,
        String reason) {}

    /** A credit entry tied to this invoice: credit spent on it, or a credit note given back from it. */
    record CreditLine(Instant at, String kind, String amount, String reason) {}

    @GetMapping
    String record(Caller.Staff staff, @PathVariable String id, Model model) {
        String accountId = staff.accountId();
        Invoice invoice = invoices.get(accountId, id);
        var customer = customers.get(accountId, invoice.customerId());
        String currency = invoice.currency();
        String billed;
        String cardId;
        if (invoice.subscriptionId() != null) {
            var subscription = subscriptions.get(accountId, invoice.subscriptionId());
            billed = views.product(accountId, subscription.productId(), subscription.optionId()) + ", period "
                + invoice.sequence();
            cardId = subscription.cardId();
        } else {
            var plan = paymentPlans.get(accountId, invoice.paymentPlanId());
            billed = views.product(accountId, plan.productId(), plan.optionId()) + ", installment "
                + invoice.sequence() + " of " + plan.installments();
            cardId = plan.cardId();
        }
        var lines = new java.util.ArrayList<Line>();
        lines.add(new Line(billed, Amounts.format(invoice.amountDue(), currency)));
        if (invoice.amountCredited() > 0) {
            lines.add(new Line("Credit applied", "−" + Amounts.format(invoice.amountCredited(), currency)));
        }
        var tried = payments.forInvoice(accountId, id);
        var attempts = tried.stream().map(Payments.Tried::payment).toList();
        var balance = credits.balance(accountId, invoice.customerId());
        long available = balance.balances()
            .stream()
            .filter(m -> m.currency().equalsIgnoreCase(currency))
            .mapToLong(m -> m.amount())
            .sum();
        model.addAttribute("invoice", invoice);
        model.addAttribute("customer", customer);
        model.addAttribute("lines", lines);
        model.addAttribute("amountDue", Amounts.format(invoice.amountDue(), currency));
        model.addAttribute("toCharge", Amounts.format(invoice.amountDue() - invoice.amountCredited(), currency));
        model.addAttribute("amountPaid", Amounts.format(paid(invoice, attempts), currency));
        // An attempt is a charge tried, whoever made it: the rows listed, as many as the invoice's attempt_count, the
        // number the API shows (the schedule's own count leaves out an automation's retries, which do not move it).
        model.addAttribute("attempts", java.util.stream.IntStream.range(0, tried.size())
            .mapToObj(i -> attempt(accountId, i + 1, tried.get(i)))
            .toList());
        long byAutomations = tried.stream().filter(t -> ChargeKeys.retriedByAutomation(t.key())).count();
        model.addAttribute("byAutomations", byAutomations == 0 ? null : byAutomations);
        model.addAttribute("creditLines", balance.entries()
            .stream()
            .filter(e -> id.equals(e.invoiceId()))
            .map(e -> new CreditLine(e.createdAt(), e.kind().replace('_', ' '), Amounts.format(Math.abs(e.amount()),
                e.currency()), e.reason()))
            .toList());
        model.addAttribute("credit", available > 0 ? Amounts.format(available, currency) : null);
        model.addAttribute("refunds", views.invoiceRefunds(accountId, id));
        model.addAttribute("card", views.card(accountId, cardId));
        model.addAttribute("paidWith", paidWith(accountId, invoice, attempts));
        // The card that pays it is the first choice, "(pays it)": the others are the customer's other cards.
        model.addAttribute("cards", views.cardChoices(accountId, invoice.customerId(), null).stream()
            .filter(choice -> !choice.id().equals(cardId))
            .toList());
        boolean open = invoice.status().equals("issued");
        boolean paid = invoice.status().equals("paid");
        // A subscription's invoice written off is still owed, and voiding it forgives it (BillingActions.close).
        boolean forgivable = invoice.writtenOffStillOwed();
        model.addAttribute("open", open);
        model.addAttribute("paid", paid);
        model.addAttribute("voidable", open || forgivable);
        // What staff look for and do not find, with the status that forbids it, rather than a control gone unsaid.
        var notOffered = new ArrayList<String>();
        if (!open) {
            notOffered.addAll(forgivable
                ? List.of("pay now", "apply credits")
                : List.of("pay now", "apply credits",
                    "void"));
        }
        if (!paid) {
            notOffered.add("credit note");
        }
        model.addAttribute("notOffered", notOffered);
        model.addAttribute("statusInWords", open ? "open" : invoice.status().replace('_', ' '));
        // A paused subscription's invoice waits for it to resume: charging it is refused, so it is not offered.
        model.addAttribute("pausedSubscription", invoice.status().equals("issued") && charges.paused(accountId,
            invoice));
        RecordForms.formKey(model);
        return "billing/invoice";
    }

    /** What was paid for the invoice: in cash by its successful attempts, and in credit. */
    private static long paid(Invoice invoice, List<Payment> attempts) {
        long cash = attempts.stream()
            .filter(p -> !p.status().equals("failed"))
            .mapToLong(Payment::amount)
            .sum();
        return invoice.status().equals("paid") ? cash + invoice.amountCredited() : cash;
    }

    /**
     * What paid the invoice, for its summary: the card of the charge that succeeded, which need not be the card that
     * pays its subscription or plan (a pay now with another card after a decline); its credit when that covered all of
     * it; null while it is unpaid.
     */
    private String paidWith(String accountId, Invoice invoice, List<Payment> attempts) {
        if (!invoice.status().equals("paid")) {
            return null;
        }
        var succeeded = attempts.stream().filter(p -> p.status().equals("succeeded")).reduce((first, last) -> last);
        if (succeeded.isPresent()) {
            return views.card(accountId, succeeded.get().cardId());
        }
        return invoice.amountCredited() >= invoice.amountDue() ? "The customer’s credit" : null;
    }

    private Attempt attempt(String accountId, int number, Payments.Tried tried) {
        Payment p = tried.payment();
        return new Attempt(p.id(), number, p.createdAt(), Amounts.format(p.amount(), p.currency()),
            views.cardName(accountId, p.cardId()), madeBy(tried), p.status(), RecordViews.failure(p));
    }

    /**
     * What made a charge, in words: "Pay now by ada@example.com" (or "by the API"), "Billing, attempt 2" (the retry
     * schedule's, or a pay now whose asker was not kept) or "Automation retry".
     */
    private static String madeBy(Payments.Tried tried) {
        if (tried.chargedBy() != null) {
            return ChargedBy.words(tried.chargedBy());
        }
        String key = tried.key();
        var attempt = ChargeKeys.attemptOf(key);
        if (attempt.isPresent()) {
            return "Billing, attempt " + attempt.getAsInt();
        }
        return ChargeKeys.retriedByAutomation(key) ? "Automation retry" : null;
    }

    @PostMapping("/pay")
    String pay(Caller.Staff staff, @PathVariable String id,
        @RequestParam(name = "card_id", defaultValue = "") String cardId,
        @RequestParam(name = "form_key", required = false) String key, RedirectAttributes redirect) {
        return forms.act(staff, key, page(id) + "/pay?" + cardId, page(id), redirect, () -> {
            var paid = charges.payNow(staff.accountId(), id, cardId.isBlank() ? null : cardId, staff.who());
            return "Paid: " + Amounts.format(paid.amountDue() - paid.amountCredited(), paid.currency())
                + " charged.";
        });
    }

    @PostMapping("/void")
    String voidInvoice(Caller.Staff staff, @PathVariable String id,
        @RequestParam(name = "form_key", required = false) String key, RedirectAttributes redirect) {
        return forms.act(staff, key, page(id) + "/void", page(id), redirect, () -> {
            actions.voidInvoice(staff.accountId(), id);
            return "Invoice voided. It is no longer retried.";
        });
    }

    @PostMapping("/credits")
    String applyCredits(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String amount,
        @RequestParam(name = "form_key", required = false) String key, RedirectAttributes redirect) {
        String accountId = staff.accountId();
        Invoice invoice = invoices.get(accountId, id);
        return forms.act(staff, key, page(id) + "/credits?" + amount, page(id), redirect,
            Map.of("form", "apply_credits", "amount", amount), () -> {
                long applied = actions.applyAsked(accountId, id, RecordForms.minorUnits(amount, invoice.currency()));
                var now = invoices.get(accountId, id);
                return "Applied " + Amounts.format(applied, now.currency()) + " of credit."
                    + (now.status().equals("paid") ? " It covered the invoice, which is paid." : "");
            });
    }

    @PostMapping("/credit-note")
    String creditNote(Caller.Staff staff, @PathVariable String id, @RequestParam(defaultValue = "") String amount,
        @RequestParam(defaultValue = "") String reason, @RequestParam(name = "form_key", required = false) String key,
        RedirectAttributes redirect) {
        String accountId = staff.accountId();
        Invoice invoice = invoices.get(accountId, id);
        return forms.act(staff, key, page(id) + "/credit-note?" + amount + "&" + reason, page(id), redirect,
            Map.of("form", "credit_note", "amount", amount, "reason", reason), () -> {
                var entry = credits.creditNote(accountId, id, RecordForms.minorUnits(amount, invoice.currency()),
                    reason.isBlank() ? null : reason.strip());
                return "Credit note of " + Amounts.format(entry.amount(), entry.currency()) + " issued: "
                    + customers.get(accountId, invoice.customerId()).name() + " can spend it on later invoices.";
            });
    }

    private static String page(String id) {
        return "/admin/invoices/" + id;
    }
}
