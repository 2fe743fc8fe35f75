package io.till.billing;

import io.till.account.Brandings;
import io.till.catalog.Products;
import io.till.customer.Customers;
import io.till.shared.Amounts;
import io.till.shared.Caller;
import io.till.shared.FieldErrors;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.web.CsvExport;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The Billing lists as CSV files for a seller's accounting: every order, subscription, payment plan or invoice of the
 * account, all or in one status and creation window (as the list shows), newest first. Read a page at a time, so an export of a large
 * account holds no connection while it writes, and never holds all rows at once.
 */
@Controller
class BillingExports {

    private final Orders orders;
    private final Subscriptions subscriptions;
    private final PaymentPlans paymentPlans;
    private final Invoices invoices;
    private final Customers customers;
    private final Products products;
    private final Brandings brandings;
    private final Clock clock;

    BillingExports(Orders orders, Subscriptions subscriptions, PaymentPlans paymentPlans, Invoices invoices,
        Customers customers, Products products, Brandings brandings, Clock clock) {
        this.brandings = brandings;
        this.orders = orders;
        this.subscriptions = subscriptions;
        this.paymentPlans = paymentPlans;
        this.invoices = invoices;
        this.customers = customers;
        this.products = products;
        this.clock = clock;
    }

    /** A row source: the next page of records after {@code afterId}. */
    private interface Source<T> extends BiFunction<RecordFilter, PageRequest, Page<T>> {}

    /** Writes one record's row. */
    private interface RowWriter<T> {
        void write(CsvExport csv, T record, RecordNames names) throws IOException;
    }

    @GetMapping("/admin/orders.csv")
    void orders(Caller.Staff staff, HttpServletRequest request, HttpServletResponse response) throws IOException {
        // What the buyers' banks hold back of each order's payments, looked up a page of orders at a time.
        var disputed = new HashMap<String, Long>();
        export(staff, request, false, BillingListValues.ORDERS_STATUSES, "orders", response,
            (filter, page) -> {
                var orderPage = orders.list(staff.accountId(), filter, page);
                disputed.putAll(orders.disputed(staff.accountId(), orderPage.data().stream().map(Order::id).toList()));
                return orderPage;
            }, Order::id,
            new String[]{"id", "number", "created_at", "status", "customer_id", "customer_name", "customer_email",
                    "items", "currency", "subtotal", "discount", "total", "refunded", "disputed", "net"},
            (csv, o, names) -> {
                var who = names.customer(o.customerId());
                long held = disputed.getOrDefault(o.id(), 0L);
                // A partly refunded or disputed order stays paid: what went back, and what the buyer's bank holds in
                // a dispute, are columns of their own, and net what the seller kept.
                csv.row(o.id(), o.number(), o.createdAt(), o.status().code(), o.customerId(), who.name(), who.email(),
                    o.items().stream().map(Order.Item::name).collect(Collectors.joining("; ")), o.currency(),
                    Amounts.typed(o.subtotal(), o.currency()), Amounts.typed(o.discount(), o.currency()),
                    Amounts.typed(o.total(), o.currency()), Amounts.typed(o.amountRefunded(), o.currency()),
                    Amounts.typed(held, o.currency()),
                    Amounts.typed(o.status().tookMoney() ? o.total() - o.amountRefunded() - held : 0, o.currency()));
            });
    }

    @GetMapping("/admin/subscriptions.csv")
    void subscriptions(Caller.Staff staff, HttpServletRequest request, HttpServletResponse response)
        throws IOException {
        export(staff, request, false, BillingListValues.SUBSCRIPTIONS_STATUSES, "subscriptions", response,
            (filter, page) -> subscriptions.list(staff.accountId(), filter, page), Subscription::id,
            new String[]{"id", "created_at", "status", "customer_id", "customer_name", "customer_email", "product",
                    "currency", "amount", "interval", "interval_count", "current_period_end", "next_bill", "trial_end",
                    "ends_at", "canceled_at"},
            (csv, s, names) -> {
                var who = names.customer(s.customerId());
                csv.row(s.id(), s.createdAt(), s.status(), s.customerId(), who.name(), who.email(),
                    names.product(s.productId()), s.currency(), Amounts.typed(s.amount(), s.currency()), s.interval(),
                    s.intervalCount(), s.currentPeriodEnd(), s.nextBill(), s.trialEnd(), s.endsAt(), s.canceledAt());
            });
    }

    @GetMapping("/admin/payment-plans.csv")
    void paymentPlans(Caller.Staff staff, HttpServletRequest request, HttpServletResponse response)
        throws IOException {
        export(staff, request, false, BillingListValues.PAYMENT_PLANS_STATUSES, "payment-plans", response,
            (filter, page) -> paymentPlans.list(staff.accountId(), filter, page), PaymentPlan::id,
            new String[]{"id", "created_at", "status", "customer_id", "customer_name", "customer_email", "product",
                    "currency", "installment_amount", "installments", "installments_paid", "next_bill_at"},
            (csv, p, names) -> {
                var who = names.customer(p.customerId());
                csv.row(p.id(), p.createdAt(), p.status(), p.customerId(), who.name(), who.email(),
                    names.product(p.productId()), p.currency(), Amounts.typed(p.installmentAmount(), p.currency()),
                    p.installments(), p.installmentsPaid(), p.isActive() ? p.nextBillAt() : null);
            });
    }

    @GetMapping("/admin/invoices.csv")
    void invoices(Caller.Staff staff, HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean overdue = BillingListPages.OVERDUE.equals(request.getParameter("status"));
        export(staff, request, overdue, BillingListValues.INVOICES_STATUSES, overdue
            ? "invoices-overdue"
            : "invoices", response,
            (filter, page) -> overdue
                ? invoices.listOverdue(staff.accountId(), filter, page)
                : invoices.list(staff.accountId(), filter, page),
            Invoice::id,
            new String[]{"id", "number", "sequence", "created_at", "status", "overdue", "customer_id", "customer_name",
                    "customer_email", "subscription_id", "payment_plan_id", "currency", "amount_due", "amount_credited",
                    "due_at", "paid_at"},
            (csv, i, names) -> {
                var who = names.customer(i.customerId());
                csv.row(i.id(), i.number(), i.sequence(), i.createdAt(), i.status(), i.overdue(),
                    i.customerId(), who.name(), who.email(), i.subscriptionId(), i.paymentPlanId(), i.currency(),
                    Amounts.typed(i.amountDue(), i.currency()), Amounts.typed(i.amountCredited(), i.currency()),
                    i.dueAt(), i.paidAt());
            });
    }

    /**
     * Checks the filters as the list does (ListQuery, RecordFilter: a bad one is refused naming it before anything is
     * written), then writes every record they let through, a page at a time. The invoices' overdue tab
     * ({@code overdueTab}) is no status of its own.
     */
    private <T> void export(Caller.Staff staff, HttpServletRequest request, boolean overdueTab, List<String> statuses,
        String kind, HttpServletResponse response, Source<T> source, Function<T, String> idOf, String[] header,
        RowWriter<T> writer) throws IOException {
        var errors = new FieldErrors();
        var asked = ListQuery.ofExport(request.getParameterMap(), errors);
        // The days of the window, and of the file's name, are the store's, as on the list it was asked from.
        ZoneId zone = brandings.zone(staff.accountId());
        var filter = RecordFilter.of(null, overdueTab ? "" : asked.status(), asked.createdFrom(), asked.createdTo(),
            zone, statuses, errors);
        errors.throwIfAny();
        String name = kind + (filter.status() == null ? "" : "-" + filter.status()) + "-"
            + LocalDate.ofInstant(clock.instant(), zone);
        var names = new RecordNames(customers, products, staff.accountId());
        try (var csv = CsvExport.start(response, name, header)) {
            csv.rows(page -> source.apply(filter, page), idOf, (out, record) -> writer.write(out, record, names));
        }
    }
}
