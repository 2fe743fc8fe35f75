package io.till.billing;

import io.till.customer.Customers;
import io.till.event.EventType;
import io.till.event.Events;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Voids what a subscription or payment plan still owes as it ends (cancel now, the end of a cancel at period end or
 * of a fixed term, a plan canceled), each invoice with {@code invoice.voided} as a void by staff has: an automation on
 * that event hears of every one. Inside the caller's transaction, before the cancellation's own event.
 */
@Component
class UnpaidVoids {

    private final Invoices invoices;
    private final Customers customers;
    private final Events events;

    UnpaidVoids(Invoices invoices, Customers customers, Events events) {
        this.invoices = invoices;
        this.customers = customers;
        this.events = events;
    }

    List<Invoice> voidUnpaid(String accountId, String subscriptionId, String paymentPlanId) {
        var voided = invoices.voidUnpaid(accountId, subscriptionId, paymentPlanId);
        for (Invoice invoice : voided) {
            events.record(accountId, EventType.INVOICE_VOIDED, invoice.customerId(), Map.of("invoice", invoice,
                "customer", customers.get(accountId, invoice.customerId())));
        }
        return voided;
    }
}
