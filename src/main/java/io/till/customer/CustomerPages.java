package io.till.customer;

import io.till.shared.Caller;
import io.till.shared.PageRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The dashboard's customer search (seed 004: "use the Search Bar and start typing their name"). It runs the API's
 * search ({@link Customers#list}); as the staff member types, htmx asks for the results alone. Without JavaScript the
 * form submits and the whole page comes back with the same results. The record itself is billing's CustomerRecordPages.
 */
@Controller
class CustomerPages {

    /** One screen of results; a longer list means the needle should be longer. */
    private static final int RESULTS = 20;
    /** The search's parameter, the one filter of the list and of its export ({@link CustomerExports}). */
    static final String QUERY = "q";
    /** The longest needle searched for, as the search field allows. */
    static final int LONGEST = 200;

    private final Customers customers;

    CustomerPages(Customers customers) {
        this.customers = customers;
    }

    @GetMapping("/admin/customers")
    String search(Caller.Staff staff, @RequestParam(name = QUERY, defaultValue = "") String query,
        @RequestHeader(name = "HX-Request", required = false) String htmx, HttpServletResponse response, Model model) {
        // The same address answers a whole page or only the results: a browser cache must keep the two apart.
        response.addHeader(HttpHeaders.VARY, "HX-Request");
        String needle = query.strip();
        if (needle.length() > LONGEST) {
            needle = needle.substring(0, LONGEST);
        }
        var found = customers.list(staff.accountId(), needle.isEmpty() ? null : needle,
            PageRequest.of(RESULTS, null, "cus"));
        model.addAttribute("query", needle);
        model.addAttribute("results", found.data());
        model.addAttribute("more", found.hasMore());
        // An empty list of the newest customers means the account has none at all: a different next step.
        model.addAttribute("noCustomersYet", needle.isEmpty() && found.data().isEmpty());
        return htmx != null ? "customer/search :: results" : "customer/search";
    }
}
