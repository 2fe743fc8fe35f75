package io.till.admin;

import io.till.billing.Invoices;
import io.till.billing.Orders;
import io.till.customer.Customers;
import io.till.shared.Caller;
import io.till.shared.PageRequest;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The search box of every dashboard page: a pasted id goes straight to its record, a number ({@code #1042} or
 * {@code 1042}, as the buyer quotes it from a receipt or an invoice email) to that order or invoice, anything else
 * searches customers by name or email, and opens the customer's record when exactly one matches (a redirect, so that
 * Back returns to the page the search was typed on).
 */
@Controller
class AdminSearch {

    /**
     * {@code #1042}, {@code 1042}, {@code order #1042} or {@code invoice #1042}; at most 18 digits, so that it is a
     * number.
     */
    private static final Pattern NUMBER = Pattern.compile("(?i)(?:(order|invoice|inv)\\s*)?#?\\s*([0-9]{1,18})");

    private static final Pattern ID = Pattern
        .compile("(cus|sub|inv|ord|pay|plan|exe|evt|aut|we|prod|chk)_[0-9A-Za-z]+");

    /** The record page of each id prefix (the page URLs of issue 12's conventions). */
    private static final Map<String, String> PAGES = Map.ofEntries(Map.entry("cus", "/admin/customers/"),
        Map.entry("sub", "/admin/subscriptions/"), Map.entry("inv", "/admin/invoices/"),
        Map.entry("ord", "/admin/orders/"), Map.entry("pay", "/admin/payments/"),
        Map.entry("plan", "/admin/payment-plans/"), Map.entry("evt", "/admin/developers/events/"),
        Map.entry("exe", "/admin/executions/"), Map.entry("aut", "/admin/automations/"),
        Map.entry("we", "/admin/webhooks/"), Map.entry("prod", "/admin/catalog/products/"),
        Map.entry("chk", "/admin/catalog/checkouts/"));

    private final Orders orders;
    private final Invoices invoices;
    private final Customers customers;

    AdminSearch(Orders orders, Invoices invoices, Customers customers) {
        this.customers = customers;
        this.orders = orders;
        this.invoices = invoices;
    }

    @GetMapping("/admin/search")
    String search(Caller.Staff staff, @RequestParam(name = "q", defaultValue = "") String query,
        RedirectAttributes redirect) {
        String needle = query.strip();
        if (ID.matcher(needle).matches()) {
            // An id of no record (or of another account's) lands on its page's friendly "not found".
            return "redirect:" + PAGES.get(needle.substring(0, needle.indexOf('_'))) + needle;
        }
        var number = NUMBER.matcher(needle);
        if (number.matches()) {
            // A number of no order or invoice searches customers for it, as anything else does (it may be part of an
            // email). A bare number both an order and an invoice carry opens the order, the buyer's receipt, and says
            // where the invoice is.
            String kind = number.group(1) == null ? "" : number.group(1).toLowerCase(Locale.ROOT);
            long n = Long.parseLong(number.group(2));
            var order = kind.startsWith("inv") ? Optional.<String>empty() : orders.idOfNumber(staff.accountId(), n);
            var invoice = kind.equals("order") ? Optional.<String>empty() : invoices.idOfNumber(staff.accountId(), n);
            if (order.isPresent()) {
                invoice.ifPresent(id -> {
                    redirect.addFlashAttribute("flash", "Invoice #" + n + " has this number too.");
                    redirect.addFlashAttribute("flashLink", "/admin/invoices/" + id);
                    redirect.addFlashAttribute("flashLinkText", "Open invoice #" + n);
                });
                return "redirect:/admin/orders/" + order.get();
            }
            if (invoice.isPresent()) {
                return "redirect:/admin/invoices/" + invoice.get();
            }
        }
        if (needle.isEmpty()) {
            return "redirect:/admin/customers";
        }
        var found = customers.list(staff.accountId(), needle, PageRequest.of(2, null, "cus"));
        return found.data().size() == 1
            ? "redirect:/admin/customers/" + found.data().getFirst().id()
            : "redirect:" + UriComponentsBuilder.fromPath("/admin/customers")
                .queryParam("q", needle)
                // Encoded after it is built, so that braces are searched for, not taken as a template's variables.
                .build()
                .encode()
                .toUriString();
    }
}
