package io.till.billing;

import io.till.catalog.PromoCode;
import io.till.catalog.PromoCodes;
import io.till.customer.Customers;
import io.till.shared.Amounts;
import io.till.shared.Caller;
import io.till.shared.TillException;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The order record (seed 004: "Clicking on this will allow you to manage things like refunds. You can also access any
 * Subscription or Payment Plan Records from within the order record"): its lines, totals, billing address, payments
 * and refunds, and a refund form per payment that goes through the refund service of POST /api/v1/refunds. And the
 * payment ids the search finds, which lead to the order or invoice holding them. Every read is bound to the signed-in
 * staff member's account; another account's id is "not found", as on the API.
 */
@Controller
class OrderPages {

    private final Orders orders;
    private final Payments payments;
    private final Refunds refunds;
    private final RefundHistory history;
    private final Customers customers;
    private final RecordViews views;
    private final PromoCodes promoCodes;
    private final RecordForms forms;

    OrderPages(Orders orders, Payments payments, Refunds refunds, RefundHistory history, Customers customers,
        RecordViews views, PromoCodes promoCodes, RecordForms forms) {
        this.orders = orders;
        this.payments = payments;
        this.refunds = refunds;
        this.history = history;
        this.customers = customers;
        this.views = views;
        this.promoCodes = promoCodes;
        this.forms = forms;
    }

    /** One line bought; Till sells one of each option, addon or upsell per line. */
    record LineRow(String name, String kind, int quantity, String price) {}

    /**
     * A charge attempt: {@code left} is what can still be given back (typed, the refund field's starting value), and
     * {@code confirm} the refund dialog's question for that amount, which refunds.js rewrites as staff change it.
     */
    record PaymentRow(String id, Instant createdAt, String amount, String refunded, String status, String card,
        String failure, boolean refundable, String left, String leftTyped, String currency, String confirm) {}

    record RefundRow(String id, String paymentId, Instant createdAt, String amount, String status, String reason) {}

    @GetMapping("/admin/orders/{id}")
    String order(Caller.Staff staff, @PathVariable String id, Model model) {
        String accountId = staff.accountId();
        Order order = orders.get(accountId, id);
        var customer = customers.get(accountId, order.customerId());
        String currency = order.currency();
        var orderPayments = payments.ofOrder(accountId, id);
        List<PaymentRow> paymentRows = orderPayments.stream()
            .map(p -> paymentRow(accountId, p, customer.name()))
            .toList();
        List<Refund> orderRefunds = history.ofOrder(accountId, id);
        List<RefundRow> refundRows = orderRefunds.stream()
            .map(r -> new RefundRow(r.id(), r.paymentId(), r.createdAt(), Amounts.format(r.amount(), r.currency()),
                r.status(), r.reason()))
            .toList();
        long refunded = orderRefunds.stream()
            .filter(r -> !r.status().equals("failed"))
            .mapToLong(Refund::amount)
            .sum();
        model.addAttribute("order", order);
        model.addAttribute("customer", customer);
        model.addAttribute("lines", order.items()
            .stream()
            .map(item -> new LineRow(item.name(), item.kind(), 1, Amounts.format(item.amount(), currency)))
            .toList());
        model.addAttribute("subtotal", Amounts.format(order.subtotal(), currency));
        model.addAttribute("discount", order.discount() == 0 ? null : "−" + Amounts.format(order.discount(), currency));
        model.addAttribute("total", Amounts.format(order.total(), currency));
        model.addAttribute("refunded", refunded == 0 ? null : Amounts.format(refunded, currency));
        long disputed = orderPayments.stream()
            .filter(p -> p.status().equals("disputed"))
            .mapToLong(p -> p.amount() - p.amountRefunded())
            .sum();
        model.addAttribute("statusText", statusText(order, orderRefunds.stream()
            .filter(r -> r.status().equals("pending"))
            .mapToLong(Refund::amount)
            .sum(), disputed));
        model.addAttribute("promoCode", order.promoCodeId() == null
            ? null
            : promoCodes.find(accountId, order.promoCodeId()).map(PromoCode::code).orElse(order.promoCodeId()));
        model.addAttribute("address", order.billingAddress() == null ? null : order.billingAddress().lines());
        model.addAttribute("payments", paymentRows);
        model.addAttribute("refunds", refundRows);
        RecordForms.formKey(model);
        return "billing/order";
    }

    @PostMapping("/admin/orders/{id}/refund")
    String refund(Caller.Staff staff, @PathVariable String id, @RequestParam(name = "payment_id") String paymentId,
        @RequestParam(defaultValue = "") String amount, @RequestParam(defaultValue = "") String reason,
        @RequestParam(name = "form_key", required = false) String formKey, RedirectAttributes redirect) {
        Order order = orders.get(staff.accountId(), id);
        Payment payment = payments.get(staff.accountId(), paymentId);
        if (!order.id().equals(payment.orderId())) {
            // A payment of this account but of another order: the form never offers it, so it is not found here.
            throw TillException.notFound("payment", paymentId);
        }
        return forms.refund(staff, "/admin/orders/" + id, payment, amount, reason, formKey, redirect);
    }

    /** A payment id (from the search, an event, an email) opens the record that holds it. */
    @GetMapping("/admin/payments/{id}")
    String payment(Caller.Staff staff, @PathVariable String id) {
        var holder = payments.holder(staff.accountId(), id);
        if (holder.orderId() != null) {
            return "redirect:/admin/orders/" + holder.orderId() + "#payments";
        }
        if (holder.invoiceId() != null) {
            // To its own row among the invoice's charge attempts, which the page marks.
            return "redirect:/admin/invoices/" + holder.invoiceId() + "#" + id;
        }
        return "redirect:/admin/customers/" + holder.customerId();
    }

    private PaymentRow paymentRow(String accountId, Payment p, String customerName) {
        long left = refunds.refundable(accountId, p);
        String card = views.cardName(accountId, p.cardId());
        String failure = RecordViews.failure(p);
        String leftText = Amounts.format(left, p.currency());
        return new PaymentRow(p.id(), p.createdAt(), Amounts.format(p.amount(), p.currency()),
            p.amountRefunded() == 0 ? null : Amounts.format(p.amountRefunded(), p.currency()), p.status(), card,
            failure, left > 0, leftText, RecordForms.typed(left, p.currency()),
            p.currency(), confirm(leftText, customerName));
    }

    /**
     * Where the order's money stands, in words (a partly refunded order is paid, and says how much went back);
     * {@code refundPending} is how much of what it says went back is still waiting for the gateway's answer (counted
     * as refunded, so that it cannot be refunded twice, until the answer comes); {@code disputed} how much of its
     * payments the buyer's bank holds in a dispute (the order stays paid, as a partly refunded one does).
     */
    static String statusText(Order order, long refundPending, long disputed) {
        String total = Amounts.format(order.total(), order.currency());
        String status = switch (order.status()) {
            case PENDING -> "Waiting for the payment";
            case FAILED -> "Payment failed";
            case REFUNDED -> "Refunded in full: " + total;
            case PAID -> order.amountRefunded() == 0
                ? "Paid"
                : "Paid. Partly refunded: " + Amounts.format(order.amountRefunded(), order.currency()) + " of "
                    + total;
        };
        if (refundPending > 0) {
            status += " (" + Amounts.format(refundPending, order.currency()) + " of it waiting for the gateway's "
                + "answer)";
        }
        return disputed == 0
            ? status
            : status + ". Disputed with the buyer's bank: " + Amounts.format(disputed, order.currency());
    }

    /** The refund dialog's question, naming the amount and whose card gets it back. */
    static String confirm(String amount, String customerName) {
        return "Refund " + amount + " to " + customerName + "? The money goes back to their card; this cannot be "
            + "undone.";
    }
}
