package io.till.billing;

import io.till.customer.Customers;
import io.till.shared.Amounts;
import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A payment plan's record in the dashboard (seed 004: "manage things like status, next bill date, and refunds"): its
 * installments paid and to come, card, payments, refunds and invoices; and staff's changes through the services the
 * API uses (the plan's PATCH for status and next bill date).
 */
@Controller
@RequestMapping("/admin/payment-plans/{id}")
class PaymentPlanPages {

    private final PaymentPlans paymentPlans;
    private final SubscriptionActions actions;
    private final Customers customers;
    private final Payments payments;
    private final RecordViews views;
    private final RecordForms forms;

    PaymentPlanPages(PaymentPlans paymentPlans, SubscriptionActions actions, Customers customers, Payments payments,
        RecordViews views, RecordForms forms) {
        this.paymentPlans = paymentPlans;
        this.actions = actions;
        this.customers = customers;
        this.payments = payments;
        this.views = views;
        this.forms = forms;
    }

    /** One installment: paid (with its order or invoice), billed and waiting, void, or still to come. */
    record Installment(int number, String amount, String status, Instant date, String invoiceId) {}

    @GetMapping
    String record(Caller.Staff staff, @PathVariable String id, Model model) {
        String accountId = staff.accountId();
        PaymentPlan plan = paymentPlans.get(accountId, id);
        var customer = customers.get(accountId, plan.customerId());
        var planInvoices = views.invoices(accountId, null, id);
        model.addAttribute("plan", plan);
        model.addAttribute("customer", customer);
        model.addAttribute("product", views.product(accountId, plan.productId(), plan.optionId()));
        model.addAttribute("order", views.order(accountId, plan.orderId()));
        model.addAttribute("installment", Amounts.format(plan.installmentAmount(), plan.currency()));
        var paid = paymentPlans.paid(accountId, id);
        model.addAttribute("paid", Amounts.format(paid.total(), plan.currency()));
        model.addAttribute("remaining", Amounts.format(paymentPlans.leftToPay(accountId, plan), plan.currency()));
        model.addAttribute("installments", installments(plan, paid.first(), planInvoices));
        model.addAttribute("card", views.card(accountId, plan.cardId()));
        model.addAttribute("cards", views.cardChoices(accountId, plan.customerId(), plan.cardId()));
        var planPayments = payments.of(accountId, null, id);
        model.addAttribute("payments", planPayments.stream().map(p -> views.row(accountId, p)).toList());
        // Paid so far counts what was charged; what went back since is said beside it.
        long refunded = planPayments.stream().mapToLong(Payment::amountRefunded).sum();
        model.addAttribute("refunded", refunded == 0 ? null : Amounts.format(refunded, plan.currency()));
        model.addAttribute("refunds", views.refunds(accountId, null, id));
        model.addAttribute("invoices", planInvoices);
        model.addAttribute("unpaid", planInvoices.stream().anyMatch(i -> i.status().equals("issued")));
        model.addAttribute("canCancel", plan.canBecome("canceled"));
        model.addAttribute("canReactivate", plan.canBecome("active"));
        model.addAttribute("canChangeCard", plan.status().equals("active") || plan.status().equals("unpaid"));
        // An unpaid plan keeps its next bill date too (its next installment falls due then), and staff may move it.
        model.addAttribute("canMoveNextBill", plan.nextBillAt() != null && List.of("active", "unpaid").contains(plan
            .status()));
        // What staff look for and do not find, with the status that forbids it, rather than a control gone unsaid.
        boolean billing = List.of("active", "unpaid").contains(plan.status());
        var notOffered = new ArrayList<String>();
        if (!plan.canBecome("canceled")) {
            notOffered.add("cancel");
        }
        if (!billing) {
            notOffered.addAll(List.of("move next bill", "change card"));
        }
        model.addAttribute("notOffered", notOffered);
        model.addAttribute("owing", views.owing(accountId, null, id));
        RecordForms.formKey(model);
        return "billing/payment_plan";
    }

    /**
     * The plan's installments in order. The first is paid with the order (less what a promo code took off it); each later one is billed by an invoice of
     * the same sequence number; those not billed yet (or whose invoice was voided, to be billed again) fall due one
     * interval apart from the next bill date.
     */
    static List<Installment> installments(PaymentPlan plan, long firstPaid, List<RecordViews.InvoiceRow> billed) {
        Map<Integer, RecordViews.InvoiceRow> bySequence = billed.stream()
            .filter(invoice -> !invoice.status().equals("void"))
            .collect(Collectors.toMap(RecordViews.InvoiceRow::sequence, Function.identity()));
        // Voided and not billed since: owed again, billed on the next bill date, whatever the count of paid ones says.
        var voided = billed.stream()
            .filter(invoice -> invoice.status().equals("void") && !bySequence.containsKey(invoice.sequence()))
            .map(RecordViews.InvoiceRow::sequence)
            .collect(Collectors.toSet());
        String amount = Amounts.format(plan.installmentAmount(), plan.currency());
        var rows = new ArrayList<Installment>();
        rows.add(new Installment(1, Amounts.format(firstPaid, plan.currency()), "paid", plan.createdAt(), null));
        Instant due = plan.nextBillAt();
        for (int number = 2; number <= plan.installments(); number++) {
            var invoice = bySequence.get(number);
            if (invoice != null) {
                rows.add(new Installment(number, amount, invoice.status(),
                    invoice.paidAt() != null ? invoice.paidAt() : invoice.dueAt(), invoice.id()));
            } else if (number <= plan.installmentsPaid() && !voided.contains(number)) {
                rows.add(new Installment(number, amount, "paid", null, null));
            } else {
                rows.add(new Installment(number, amount, plan.isActive() ? "upcoming" : "not billed", due, null));
                due = due == null ? null : Periods.after(due, plan.interval(), plan.intervalCount(), plan.createdAt());
            }
        }
        return rows;
    }

    @PostMapping("/status")
    String status(Caller.Staff staff, @PathVariable String id, @RequestParam String status,
        @RequestParam(name = "form_key", required = false) String key, RedirectAttributes redirect) {
        return forms.act(staff, key, page(id) + "/status?" + status, page(id), redirect, () -> {
            actions.updatePlan(staff.accountId(), id, status, null);
            return status.equals("canceled")
                ? "Payment plan canceled. Its unpaid installments are voided; nothing more is charged."
                : "Payment plan active again: its next installment is billed on its date, or at once if that "
                    + "has passed.";
        });
    }

    @PostMapping("/next-bill")
    /**
     * Moves the next bill to a day the staff member picks, in their own time zone ({@code zone}, which the page's
     * script sends; UTC without it), at the time of day the plan bills now, so that only the day changes.
     */
    String nextBill(Caller.Staff staff, @PathVariable String id, @RequestParam(name = "next_bill") String day,
        @RequestParam(defaultValue = "") String zone,
        @RequestParam(name = "form_key", required = false) String key, RedirectAttributes redirect) {
        return forms.act(staff, key, page(id) + "/next-bill?" + day + "&" + zone, page(id), redirect,
            Map.of("form", "next_bill", "next_bill", day), () -> {
                ZoneId where = zoneOrUtc(zone);
                LocalDate picked;
                try {
                    picked = LocalDate.parse(day);
                } catch (DateTimeParseException e) {
                    throw new TillException(ErrorCode.VALIDATION_FAILED, "The next bill must be a date such as "
                        + "2027-01-31.");
                }
                Instant current = paymentPlans.get(staff.accountId(), id).nextBillAt();
                LocalTime time = current == null ? LocalTime.MIDNIGHT : current.atZone(where).toLocalTime();
                ZonedDateTime at = ZonedDateTime.of(picked, time, where);
                try {
                    actions.updatePlan(staff.accountId(), id, null, at.toInstant());
                } catch (TillException e) {
                    // Said as the page names the field, not by the API's name for it.
                    if (e.errors().size() == 1 && e.errors().getFirst().field().equals("next_bill_at")) {
                        throw new TillException(ErrorCode.VALIDATION_FAILED, "The next bill " + e.errors().getFirst()
                            .message() + ".");
                    }
                    throw e;
                }
                return "The next installment is billed on " + NEXT_BILL.format(at) + " (" + where.getId() + ").";
            });
    }

    private static final DateTimeFormatter NEXT_BILL = DateTimeFormatter.ofPattern("MMM d, yyyy 'at' HH:mm",
        Locale.ENGLISH);

    private static ZoneId zoneOrUtc(String zone) {
        try {
            return zone.isBlank() ? ZoneOffset.UTC : ZoneId.of(zone.strip());
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    @PostMapping("/card")
    String changeCard(Caller.Staff staff, @PathVariable String id, @RequestParam(name = "card_id") String cardId,
        @RequestParam(name = "form_key", required = false) String key, RedirectAttributes redirect) {
        var plan = paymentPlans.get(staff.accountId(), id);
        return forms.changeCard(staff, CardChoices.Kind.PAYMENT_PLAN, id, plan.customerId(), cardId, key, page(id),
            redirect);
    }

    @PostMapping("/refund")
    String refund(Caller.Staff staff, @PathVariable String id, @RequestParam(name = "payment_id") String paymentId,
        @RequestParam(defaultValue = "") String amount, @RequestParam(defaultValue = "") String reason,
        @RequestParam(name = "form_key", required = false) String key, RedirectAttributes redirect) {
        String accountId = staff.accountId();
        paymentPlans.get(accountId, id);
        Payment payment = payments.get(accountId, paymentId);
        if (!id.equals(payment.paymentPlanId())) {
            throw TillException.notFound("payment", paymentId);
        }
        return forms.refund(staff, page(id), payment, amount, reason, key, redirect);
    }

    private static String page(String id) {
        return "/admin/payment-plans/" + id;
    }
}
