package io.till.customer;

import io.till.shared.Caller;
import io.till.shared.FieldErrors;
import io.till.shared.web.CsvExport;
import io.till.shared.web.ListParameters;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Every customer of the account as a CSV file, newest first, or those the customers page's search finds (its
 * {@code q}): contact details, tags and marketing consent (what a seller's mailing tool imports), read a page at a time.
 */
@Controller
class CustomerExports {

    private final Customers customers;
    private final Clock clock;

    CustomerExports(Customers customers, Clock clock) {
        this.customers = customers;
        this.clock = clock;
    }

    /**
     * Refuses what the list does not take before anything is written. A needle longer than the list searches for is
     * refused too, where the list cuts it (and shows the needle it searched for): an export has nowhere to say so.
     */
    @GetMapping("/admin/customers.csv")
    void customers(Caller.Staff staff, HttpServletRequest request, HttpServletResponse response) throws IOException {
        var errors = new FieldErrors();
        String query = ListParameters.check(request.getParameterMap(), List.of(CustomerPages.QUERY), Set.of(), errors)
            .value(CustomerPages.QUERY, "")
            .strip();
        errors.checkLength(CustomerPages.QUERY, query, CustomerPages.LONGEST);
        errors.throwIfAny();
        String needle = query.isEmpty() ? null : query;
        String name = (needle == null ? "customers-" : "customers-matching-") + LocalDate.ofInstant(clock.instant(),
            ZoneOffset.UTC);
        try (var csv = CsvExport.start(response, name, "id", "created_at", "name", "email", "phone", "tags",
            "marketing_consent")) {
            csv.rows(page -> customers.list(staff.accountId(), needle, page), Customer::id,
                (out, c) -> out.row(c.id(), c.createdAt(), c.name(), c.email(), c.phone(), String.join("; ", c.tags()),
                    c.marketingConsent()));
        }
    }
}
