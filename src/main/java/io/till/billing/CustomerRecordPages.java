package io.till.billing;

import io.till.catalog.ProductOption;
import io.till.catalog.Products;
import io.till.customer.Customer;
import io.till.customer.CustomerStats;
import io.till.customer.Customers;
import io.till.shared.Amounts;
import io.till.shared.Caller;
import io.till.shared.PageRequest;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The customer record of seed 004 in the dashboard: stats, email and card, subscriptions and payment plans (active or
 * all), orders, credits, tags and a timeline of the customer's events and automation runs. It lives with billing
 * because most of it is billing's records, and billing already knows customers (customer must not know billing).
 * Every read is bound to the signed-in staff member's account; a customer of another account is "not found", as on
 * the API.
 */
@Controller
class CustomerRecordPages {

    /** As many rows as a record shows per section; the API pages through the rest. */
    private static final int ROWS = 50;

    private final Customers customers;
    private final CustomerStats.Source stats;
    private final Subscriptions subscriptions;
    private final PaymentPlans paymentPlans;
    private final Orders orders;
    private final Credits credits;
    private final Products products;
    private final CustomerTimeline timeline;
    private final CardChoices cardChoices;
    private final io.till.customer.Cards cards;
    private final Invoices invoices;
    private final java.time.Clock clock;

    CustomerRecordPages(Customers customers, CustomerStats.Source stats, Subscriptions subscriptions,
        PaymentPlans paymentPlans, Orders orders, Credits credits, Products products, CustomerTimeline timeline,
        CardChoices cardChoices, io.till.customer.Cards cards, Invoices invoices, java.time.Clock clock) {
        this.invoices = invoices;
        this.clock = clock;
        this.cardChoices = cardChoices;
        this.cards = cards;
        this.customers = customers;
        this.stats = stats;
        this.subscriptions = subscriptions;
        this.paymentPlans = paymentPlans;
        this.orders = orders;
        this.credits = credits;
        this.products = products;
        this.timeline = timeline;
    }

    /** A saved card, not the default, that pays some subscriptions and plans (the buyer chose it in the portal). */
    record PayingCard(String card, String pays) {}

    /** A subscription or plan as one row of the record: what was bought, its state and what it costs. */
    record Holding(String id, String name, String status, String price, Instant next, boolean active) {}

    record OrderRow(String id, long number, Instant createdAt, String status, String total, String refunded,
        String summary) {}

    /** An invoice of the customer still waiting for its money: what it bills, what is owed, since when. */
    record UnpaidRow(String id, String bills, String owed, Instant dueAt, int attempts, boolean overdue,
        boolean writtenOff) {}

    /**
     * An entry of the customer's credit, newest first: granted (by staff, the API or an automation), from a credit
     * note on an invoice, or spent on one ({@code invoiceId}, shown by {@code invoiceNumber}); the amount signed.
     */
    record CreditRow(String what, String amount, String invoiceId, Long invoiceNumber, String reason, Instant at) {}

    /** How many credit entries the record lists; the API pages through all of them. */
    static final int CREDIT_ROWS = 10;

    @GetMapping("/admin/customers/{id}")
    String record(Caller.Staff staff, @PathVariable String id,
        @RequestParam(name = "subscriptions", defaultValue = "active") String subscriptionsShown,
        @RequestParam(name = "plans", defaultValue = "active") String plansShown,
        @RequestParam(name = "events_before", required = false) String eventsBefore,
        @RequestParam(name = "runs_before", required = false) String runsBefore,
        @RequestParam(name = "orders_after", required = false) String ordersAfter, Model model) {
        String accountId = staff.accountId();
        Customer customer = customers.get(accountId, id);
        var names = products.names(accountId);
        boolean allSubscriptions = "all".equals(subscriptionsShown);
        boolean allPlans = "all".equals(plansShown);
        // The default lists leave out what is over in the query, before it cuts them at ROWS: a customer's fifty
        // newer canceled subscriptions would otherwise hide the one still billed.
        var theirSubscriptions = (allSubscriptions
            ? subscriptions.list(accountId, id, PageRequest.of(ROWS, null, "sub"))
            : subscriptions.listCurrent(accountId, id, PageRequest.of(ROWS, null, "sub"))).data();
        var theirPlans = (allPlans
            ? paymentPlans.list(accountId, id, PageRequest.of(ROWS, null, "plan"))
            : paymentPlans.listOpen(accountId, id, PageRequest.of(ROWS, null, "plan"))).data();
        var endedOwing = subscriptions.endedOwing(accountId, theirSubscriptions.stream()
            .map(Subscription::id).toList());
        List<Holding> subs = theirSubscriptions.stream()
            // Only a canceled one is over (left out above): a paused one resumes, an unpaid one still owes.
            .map(s -> new Holding(s.id(), names.of(s.productId()), s.shownStatus(endedOwing.contains(s.id())),
                Amounts.format(s.amount(), s.currency()) + " / " + ProductOption.every(s.intervalCount(), s.interval()),
                s.nextBill(), s.isActive()))
            .toList();
        List<Holding> plans = theirPlans.stream()
            .map(p -> new Holding(p.id(), names.of(p.productId()), p.status(),
                p.installmentsPaid() + " of " + p.installments() + " × "
                    + Amounts.format(p.installmentAmount(), p.currency()),
                p.billsNextAt(), p.isActive()))
            .toList();
        // Newest first, ROWS at a time: "Older orders" goes on past the last one shown.
        var theirOrders = orders.list(accountId, id, PageRequest.of(ROWS, ordersAfter, "ord"));
        List<OrderRow> orderRows = theirOrders.data()
            .stream()
            .map(o -> new OrderRow(o.id(), o.number(), o.createdAt(), RecordViews.listedStatus(o),
                Amounts.format(o.total(), o.currency()), RecordViews.partlyRefundedText(o),
                o.items().stream().map(Order.Item::name).collect(Collectors.joining(", "))))
            .toList();
        var billedNames = new java.util.HashMap<String, String>();
        theirSubscriptions.forEach(sub -> billedNames.put(sub.id(), names.of(sub.productId())));
        theirPlans.forEach(plan -> billedNames.put(plan.id(), names.of(plan.productId()) + " · installment"));
        var owed = invoices.owedBy(accountId, id);
        // What a canceled subscription or plan still owes names it too, though the default lists leave it out.
        for (Invoice invoice : owed) {
            if (invoice.subscriptionId() != null && !billedNames.containsKey(invoice.subscriptionId())) {
                billedNames.put(invoice.subscriptionId(),
                    names.of(subscriptions.get(accountId, invoice.subscriptionId()).productId()));
            } else if (invoice.paymentPlanId() != null && !billedNames.containsKey(invoice.paymentPlanId())) {
                billedNames.put(invoice.paymentPlanId(),
                    names.of(paymentPlans.get(accountId, invoice.paymentPlanId()).productId()) + " · installment");
            }
        }
        List<UnpaidRow> unpaid = owed.stream()
            .map(i -> new UnpaidRow(i.id(), billedNames.getOrDefault(i.subscriptionId() != null
                ? i.subscriptionId()
                : i.paymentPlanId(), "Invoice"), Amounts.format(i.amountDue() - i.amountCredited(), i.currency()),
                i.dueAt(), i.attemptCount(), i.overdue(), i.writtenOffStillOwed()))
            .toList();
        var customerStats = stats.of(accountId, id);
        model.addAttribute("unpaid", unpaid);
        model.addAttribute("customer", customer);
        model.addAttribute("stats", customerStats);
        model.addAttribute("lifetimeValue", money(customerStats.lifetimeValue()));
        model.addAttribute("disputed", money(customerStats.disputed()));
        var balance = credits.balance(accountId, id);
        model.addAttribute("credits", money(balance.balances()));
        model.addAttribute("creditRows", balance.entries().stream().limit(CREDIT_ROWS).map(e -> creditRow(accountId,
            e)).toList());
        model.addAttribute("creditMore", balance.entries().size() > CREDIT_ROWS);
        // "Add credit" starts in the currency the customer buys in: their newest order's, else their subscriptions'.
        model.addAttribute("creditCurrency", orders.list(accountId, id, PageRequest.of(1, null, "ord")).data().stream()
            .map(Order::currency)
            .findFirst()
            .orElse(theirSubscriptions.stream().map(Subscription::currency).findFirst().orElse("usd")));
        // The largest grant Credits accepts, for the browser to refuse a larger one before asking to confirm it.
        model.addAttribute("creditMax", io.till.shared.Amounts.MAX);
        RecordForms.formKey(model);
        model.addAttribute("subscriptions", subs);
        model.addAttribute("payingCards", payingCards(accountId, customer));
        model.addAttribute("allSubscriptions", allSubscriptions);
        model.addAttribute("plans", plans);
        // Out of retries but still owing: not active, yet listed under "Active", so the stat says why.
        model.addAttribute("unpaidSubscriptions", theirSubscriptions.stream().filter(s -> s.status().equals("unpaid"))
            .count());
        model.addAttribute("unpaidPlans", theirPlans.stream().filter(p -> p.status().equals("unpaid")).count());
        model.addAttribute("allPlans", allPlans);
        model.addAttribute("orders", orderRows);
        model.addAttribute("olderOrders", theirOrders.hasMore() ? theirOrders.nextCursor() : null);
        model.addAttribute("ordersPaged", ordersAfter != null);
        model.addAttribute("timeline", timeline.page(accountId, id, eventsBefore, runsBefore));
        model.addAttribute("timelineOlder", eventsBefore != null || runsBefore != null);
        // Where each part of the page stands, for the links of the others to keep: paging the timeline kept
        // neither the lists' "All" nor the orders' page, and the reverse.
        model.addAttribute("eventsBefore", eventsBefore);
        model.addAttribute("runsBefore", runsBefore);
        model.addAttribute("ordersAfter", ordersAfter);
        return "billing/customer";
    }

    /**
     * The cards other than the default that pay something, each with what it pays: a buyer who added a card in the
     * portal for one subscription (seed 003) pays it with that card, while the default stays as it was.
     */
    private List<PayingCard> payingCards(String accountId, io.till.customer.Customer customer) {
        String defaultCard = customer.defaultCard() == null ? null : customer.defaultCard().id();
        var byCard = new java.util.LinkedHashMap<String, List<String>>();
        for (var billed : cardChoices.billed(accountId, customer.id())) {
            if (billed.cardId() != null && !billed.cardId().equals(defaultCard)) {
                byCard.computeIfAbsent(billed.cardId(), id -> new java.util.ArrayList<>())
                    .add(billed.productName() + (billed.optionName() == null ? "" : " · " + billed.optionName()));
            }
        }
        var paying = new java.util.ArrayList<PayingCard>();
        var now = io.till.shared.Timestamps.now(clock);
        byCard.forEach((cardId, pays) -> cards.findSaved(accountId, cardId)
            .ifPresent(card -> paying.add(new PayingCard(CardExpiry.label(card, now), String.join(", ", pays)))));
        return paying;
    }

    private CreditRow creditRow(String accountId, Credits.Entry entry) {
        String what = switch (entry.kind()) {
            case "grant" -> "Granted";
            case "credit_note" -> "Credit note";
            case "returned" -> "Returned from a voided invoice";
            default -> "Spent on an invoice";
        };
        Long number = entry.invoiceId() == null ? null : invoices.get(accountId, entry.invoiceId()).number();
        String amount = (entry.amount() > 0 ? "+" : "\u2212") + Amounts.format(Math.abs(entry.amount()), entry
            .currency());
        return new CreditRow(what, amount, entry.invoiceId(), number, entry.reason(), entry.createdAt());
    }

    private static String money(List<CustomerStats.Money> amounts) {
        return amounts.isEmpty()
            ? null
            : amounts.stream().map(m -> Amounts.format(m.amount(), m.currency())).collect(Collectors.joining(" · "));
    }
}
