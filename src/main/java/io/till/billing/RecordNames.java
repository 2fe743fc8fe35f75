package io.till.billing;

import io.till.catalog.Products;
import io.till.customer.Customer;
import io.till.customer.Customers;
import java.util.HashMap;
import java.util.Map;

/**
 * The customers and product names a list of billing records shows, each read once: a page of the dashboard's lists
 * or a whole CSV export.
 */
final class RecordNames {

    /** A large account's export would otherwise keep every customer it met; the newest rows come together. */
    private static final int MOST_REMEMBERED = 10_000;

    private final Customers customers;
    private final Products.Names productNames;
    private final String accountId;
    private final Map<String, Customer> people = new HashMap<>();

    RecordNames(Customers customers, Products products, String accountId) {
        this.customers = customers;
        this.productNames = products.names(accountId);
        this.accountId = accountId;
    }

    Customer customer(String id) {
        if (people.size() >= MOST_REMEMBERED) {
            people.clear();
        }
        return people.computeIfAbsent(id, key -> customers.get(accountId, key));
    }

    String product(String id) {
        return productNames.of(id);
    }
}
