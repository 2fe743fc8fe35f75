package io.till.customer;

import io.till.shared.Caller;
import io.till.shared.web.CsvExport;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Every customer of the account as a CSV file, newest first: contact details, tags and marketing consent (what a
 * seller's mailing tool imports), read a page at a time.
 */
@Controller
class CustomerExports {

    private final Customers customers;
    private final Clock clock;

    CustomerExports(Customers customers, Clock clock) {
        this.customers = customers;
        this.clock = clock;
    }

    @GetMapping("/admin/customers.csv")
    void customers(Caller.Staff staff, HttpServletResponse response) throws IOException {
        try (var csv = CsvExport.start(response, "customers-" + LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC),
            "id", "created_at", "name", "email", "phone", "tags", "marketing_consent")) {
            csv.rows(page -> customers.list(staff.accountId(), null, page), Customer::id, (out, c) -> out.row(c.id(),
                c.createdAt(), c.name(), c.email(), c.phone(), String.join("; ", c.tags()), c.marketingConsent()));
        }
    }
}
