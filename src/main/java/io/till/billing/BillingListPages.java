package io.till.billing;

import io.till.account.Brandings;
import io.till.catalog.ProductOption;
import io.till.catalog.Products;
import io.till.customer.Customer;
import io.till.customer.Customers;
import io.till.shared.Amounts;
import io.till.shared.Caller;
import io.till.shared.FieldErrors;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The account's billing records across customers, each kind by status (the lists the API gives as
 * {@code GET /api/v1/orders?status=} and so on): the latest orders and the ones whose payment failed; subscriptions past
 * due, unpaid, canceling or on a trial; payment plans that went unpaid; invoices still open. Each row leads to the
 * record and its customer, newest first, 50 at a time.
 */
@Controller
class BillingListPages {

    private static final int ROWS = 50;

    /** The invoices tab of open ones past their due date: not a status of its own, an open invoice marked overdue. */
    static final String OVERDUE = "overdue";

    /** The tabs of each list, in a seller's order: all, then what needs attention. */
    static final List<Tab> ORDER_TABS = List.of(new Tab("", "All"), new Tab("paid", "Paid"),
        new Tab("failed", "Failed"), new Tab("pending", "Pending"), new Tab("refunded", "Refunded"));
    static final List<Tab> SUBSCRIPTION_TABS = List.of(new Tab("", "All"), new Tab("active", "Active"),
        new Tab("past_due", "Past due"), new Tab("unpaid", "Unpaid"), new Tab("trialing", "Trialing"),
        new Tab("canceling", "Canceling"), new Tab("paused", "Paused"), new Tab("canceled", "Canceled"));
    static final List<Tab> PLAN_TABS = List.of(new Tab("", "All"), new Tab("active", "Active"),
        new Tab("unpaid", "Unpaid"), new Tab("completed", "Completed"), new Tab("canceled", "Canceled"));
    static final List<Tab> INVOICE_TABS = List.of(new Tab("", "All"), new Tab("issued", "Open"),
        new Tab(OVERDUE, "Overdue"), new Tab("paid", "Paid"), new Tab("uncollectible", "Uncollectible"),
        new Tab("void", "Void"));

    private final Orders orders;
    private final Subscriptions subscriptions;
    private final PaymentPlans paymentPlans;
    private final Invoices invoices;
    private final Customers customers;
    private final Products products;
    private final BillingSettings settings;
    private final Brandings brandings;

    BillingListPages(Orders orders, Subscriptions subscriptions, PaymentPlans paymentPlans, Invoices invoices,
        Customers customers, Products products, BillingSettings settings, Brandings brandings) {
        this.settings = settings;
        this.brandings = brandings;
        this.orders = orders;
        this.subscriptions = subscriptions;
        this.paymentPlans = paymentPlans;
        this.invoices = invoices;
        this.customers = customers;
        this.products = products;
    }

    record Tab(String status, String label) {}

    /** How long after its due date an unpaid invoice turns overdue, in words: "3 days", "12 hours", "at once". */
    static String overdueAfter(java.time.Duration after) {
        if (after.isZero() || after.isNegative()) {
            return "at once";
        }
        if (after.toHours() % 24 == 0) {
            long days = after.toDays();
            return days == 1 ? "1 day" : days + " days";
        }
        long hours = Math.max(1, after.toHours());
        return hours == 1 ? "1 hour" : hours + " hours";
    }

    /** Who a row is for: the customer's name (or email alone) and where their record is. */
    record Who(String id, String name, String email) {}

    record OrderRow(String id, long number, String what, Who customer, String status, String total, String refunded,
        Instant createdAt) {}

    record SubscriptionRow(String id, String product, Who customer, String status, String price, Instant nextBill,
        Instant createdAt) {}

    record PlanRow(String id, String product, Who customer, String status, String installments, String paid,
        Instant nextBill, Instant createdAt) {}

    record InvoiceRow(String id, String number, Who customer, String status, boolean overdue, String amount,
        Instant dueAt, Instant createdAt) {}

    @GetMapping("/admin/orders")
    String orders(Caller.Staff staff, HttpServletRequest request, Model model) {
        var lookup = new RecordNames(customers, products, staff.accountId());
        var found = list(staff, model, request, false, "ord", BillingListValues.ORDERS_STATUSES, ORDER_TABS,
            (filter, page) -> orders.list(staff.accountId(), filter, page));
        model.addAttribute("rows", found.data().stream().map(o -> new OrderRow(o.id(), o.number(), what(o.items()),
            who(lookup, o.customerId()), RecordViews.listedStatus(o), Amounts.format(o.total(), o.currency()),
            RecordViews.partlyRefundedText(o), o.createdAt()))
            .toList());
        return "billing/orders";
    }

    @GetMapping("/admin/subscriptions")
    String subscriptions(Caller.Staff staff, HttpServletRequest request, Model model) {
        var lookup = new RecordNames(customers, products, staff.accountId());
        var found = list(staff, model, request, false, "sub", BillingListValues.SUBSCRIPTIONS_STATUSES,
            SUBSCRIPTION_TABS,
            (filter, page) -> subscriptions.list(staff.accountId(), filter, page));
        var endedOwing = subscriptions.endedOwing(staff.accountId(), found.data().stream()
            .map(Subscription::id).toList());
        model.addAttribute("rows", found.data().stream().map(s -> new SubscriptionRow(s.id(),
            lookup.product(s.productId()), who(lookup, s.customerId()), s.shownStatus(endedOwing.contains(s.id())),
            Amounts.format(s.amount(), s.currency()) + " / " + ProductOption.every(s.intervalCount(), s.interval()),
            s.nextBill(), s.createdAt()))
            .toList());
        return "billing/subscriptions";
    }

    @GetMapping("/admin/payment-plans")
    String paymentPlans(Caller.Staff staff, HttpServletRequest request, Model model) {
        var lookup = new RecordNames(customers, products, staff.accountId());
        var found = list(staff, model, request, false, "plan", BillingListValues.PAYMENT_PLANS_STATUSES, PLAN_TABS,
            (filter, page) -> paymentPlans.list(staff.accountId(), filter, page));
        model.addAttribute("rows", found.data().stream().map(p -> new PlanRow(p.id(), lookup.product(p.productId()),
            who(lookup, p.customerId()), p.status(),
            p.installments() + " × " + Amounts.format(p.installmentAmount(), p.currency()),
            p.installmentsPaid() + " of " + p.installments(), p.billsNextAt(), p.createdAt()))
            .toList());
        return "billing/payment_plans";
    }

    @GetMapping("/admin/invoices")
    String invoices(Caller.Staff staff, HttpServletRequest request, Model model) {
        var lookup = new RecordNames(customers, products, staff.accountId());
        boolean overdue = OVERDUE.equals(request.getParameter("status"));
        var found = list(staff, model, request, overdue, "inv", BillingListValues.INVOICES_STATUSES, INVOICE_TABS,
            (filter, page) -> overdue
                ? invoices.listOverdue(staff.accountId(), filter, page)
                : invoices.list(staff.accountId(), filter, page));
        if (overdue) {
            model.addAttribute("status", OVERDUE);
            model.addAttribute("shown", "Overdue");
        }
        model.addAttribute("overdueAfter", overdueAfter(settings.invoiceOverdueAfter()));
        model.addAttribute("rows", found.data().stream().map(i -> new InvoiceRow(i.id(), "#" + i.number(),
            who(lookup, i.customerId()), i.status(), i.overdue(),
            Amounts.format(i.amountDue(), i.currency()), i.dueAt(), i.createdAt()))
            .toList());
        return "billing/invoices";
    }

    /**
     * Reads the filters and cursor as the API would (a status the record never has, a day that is not one, or a
     * parameter the list does not take is a 400 page naming it; the export reads them alike), and the tabs. The
     * invoices' overdue tab ({@code overdueTab}) is no status of its own: it lists open invoices past due.
     */
    private <T> Page<T> list(Caller.Staff staff, Model model, HttpServletRequest request, boolean overdueTab,
        String idPrefix, List<String> statuses, List<Tab> tabs,
        BiFunction<RecordFilter, PageRequest, Page<T>> query) {
        var errors = new FieldErrors();
        var asked = ListQuery.ofPage(request.getParameterMap(), errors);
        // A day typed in the window is the store's, as the page says beside it.
        var filter = RecordFilter.of(null, overdueTab ? "" : asked.status(), asked.createdFrom(), asked.createdTo(),
            brandings.zone(staff.accountId()), statuses, errors);
        var page = PageRequest.of(ROWS, asked.cursor(), idPrefix, errors);
        errors.throwIfAny();
        var found = query.apply(filter, page);
        String current = filter.status() == null ? "" : filter.status();
        model.addAttribute("query", asked);
        model.addAttribute("tabs", tabs);
        model.addAttribute("status", current);
        model.addAttribute("shown", tabs.stream().filter(tab -> tab.status().equals(current)).findFirst()
            .map(Tab::label)
            .orElse(current));
        model.addAttribute("next", found.hasMore() ? found.nextCursor() : null);
        return found;
    }

    private static Who who(RecordNames names, String customerId) {
        Customer customer = names.customer(customerId);
        return new Who(customerId, customer.name(), customer.email());
    }

    /** {@code Membership} or {@code Membership + 2 more}: what an order bought, in a cell. */
    private static String what(List<Order.Item> items) {
        if (items.isEmpty()) {
            return "Order";
        }
        return items.size() == 1
            ? items.getFirst().name()
            : items.getFirst().name() + " + " + (items.size() - 1)
                + " more";
    }
}
