package io.till.billing;

import io.till.catalog.ProductOption;
import io.till.catalog.Products;
import io.till.customer.Customers;
import io.till.shared.Amounts;
import io.till.shared.Caller;
import io.till.shared.FieldErrors;
import io.till.shared.PageRequest;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Every subscription of the account by status (the list the API gives as {@code GET /api/v1/subscriptions?status=}):
 * who is past due or unpaid while retries run, who is canceling, who is on a trial; each row leads to the subscription
 * and its customer.
 */
@Controller
class SubscriptionListPages {

    private static final int ROWS = 50;

    /** The tabs, in a seller's order: what needs attention first after all and active. */
    static final List<Tab> TABS = List.of(new Tab("", "All"), new Tab("active", "Active"),
        new Tab("past_due", "Past due"), new Tab("unpaid", "Unpaid"), new Tab("trialing", "Trialing"),
        new Tab("canceling", "Canceling"), new Tab("paused", "Paused"), new Tab("canceled", "Canceled"));

    private final Subscriptions subscriptions;
    private final Customers customers;
    private final Products products;

    SubscriptionListPages(Subscriptions subscriptions, Customers customers, Products products) {
        this.subscriptions = subscriptions;
        this.customers = customers;
        this.products = products;
    }

    record Tab(String status, String label) {}

    /** One subscription as the list shows it. */
    record Row(String id, String product, String customerId, String customerName, String customerEmail,
        String status, String price, Instant nextBill, Instant createdAt) {}

    @GetMapping("/admin/subscriptions")
    String list(Caller.Staff staff, @RequestParam(defaultValue = "") String status,
        @RequestParam(required = false) String cursor, Model model) {
        String accountId = staff.accountId();
        var errors = new FieldErrors();
        var filter = RecordFilter.of(null, status, null, null, BillingController.SUBSCRIPTIONS_STATUSES, errors);
        var page = PageRequest.of(ROWS, cursor, "sub", errors);
        errors.throwIfAny();
        var found = subscriptions.list(accountId, filter, page);
        var productNames = new HashMap<String, String>();
        var people = new HashMap<String, io.till.customer.Customer>();
        var rows = found.data().stream().map(s -> {
            var customer = people.computeIfAbsent(s.customerId(), id -> customers.get(accountId, id));
            String product = productNames.computeIfAbsent(s.productId(), id -> products.find(accountId, id)
                .map(p -> p.name()).orElse("Removed product"));
            return new Row(s.id(), product, s.customerId(), customer.name(), customer.email(), s.status(),
                Amounts.format(s.amount(), s.currency()) + " / " + ProductOption.every(s.intervalCount(),
                    s.interval()),
                s.isActive() && !"canceling".equals(s.status()) ? s.currentPeriodEnd() : null, s.createdAt());
        }).toList();
        model.addAttribute("rows", rows);
        model.addAttribute("tabs", TABS);
        model.addAttribute("status", filter.status() == null ? "" : filter.status());
        model.addAttribute("shown", TABS.stream().filter(tab -> tab.status().equals(filter.status() == null
            ? ""
            : filter.status())).findFirst().orElseThrow().label());
        model.addAttribute("next", found.hasMore() ? found.nextCursor() : null);
        return "billing/subscriptions";
    }
}
