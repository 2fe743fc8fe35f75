package io.till.admin;

import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The search box of every dashboard page: a pasted id goes straight to its record, anything else searches customers
 * by name or email. An id whose record page is not built yet says so rather than failing.
 */
@Controller
class AdminSearch {

    private static final Pattern ID = Pattern.compile("(cus|sub|inv|ord|pay|plan|exe|evt)_[0-9A-Za-z]+");

    /** The record page of each id prefix (the page URLs of issue 12's conventions). */
    private static final Map<String, String> PAGES = Map.of("cus", "/admin/customers/", "sub",
        "/admin/subscriptions/", "inv", "/admin/invoices/", "ord", "/admin/orders/", "pay", "/admin/payments/", "plan",
        "/admin/payment-plans/", "evt", "/admin/developers/events/");

    /** The records an id prefix names whose pages come with the next part of the dashboard (automations). */
    private static final Map<String, String> COMING = Map.of("exe", "an automation run");

    @GetMapping("/admin/search")
    String search(@RequestParam(name = "q", defaultValue = "") String query, Model model) {
        String needle = query.strip();
        if (ID.matcher(needle).matches()) {
            String prefix = needle.substring(0, needle.indexOf('_'));
            if (PAGES.containsKey(prefix)) {
                return "redirect:" + PAGES.get(prefix) + needle;
            }
            model.addAttribute("heading", "Search");
            model.addAttribute("kind", COMING.get(prefix));
            model.addAttribute("id", needle);
            return "admin/coming";
        }
        return needle.isEmpty()
            ? "redirect:/admin/customers"
            : "redirect:" + UriComponentsBuilder.fromPath("/admin/customers")
                .queryParam("q", needle)
                .encode()
                .build()
                .toUriString();
    }
}
