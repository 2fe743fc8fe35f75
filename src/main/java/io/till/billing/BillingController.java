package io.till.billing;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1")
@Tag(name = "Billing records")
class BillingController {

    private final Orders orders;
    private final Payments payments;
    private final Subscriptions subscriptions;
    private final PaymentPlans paymentPlans;
    private final Invoices invoices;

    BillingController(Orders orders, Payments payments, Subscriptions subscriptions, PaymentPlans paymentPlans,
        Invoices invoices) {
        this.invoices = invoices;
        this.orders = orders;
        this.payments = payments;
        this.subscriptions = subscriptions;
        this.paymentPlans = paymentPlans;
    }

    @GetMapping("/orders")
    @Operation(summary = "List orders, newest first, optionally of one customer")
    Page<Order> orders(Caller caller, @RequestParam(name = "customer_id", required = false) String customerId,
        @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        return orders.list(caller.accountId(), customerId, PageRequest.of(limit, cursor, "ord"));
    }

    @GetMapping("/orders/{id}")
    Order order(Caller caller, @PathVariable String id) {
        return orders.get(caller.accountId(), id);
    }

    @GetMapping("/payments")
    Page<Payment> payments(Caller caller, @RequestParam(name = "customer_id", required = false) String customerId,
        @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        return payments.list(caller.accountId(), customerId, PageRequest.of(limit, cursor, "pay"));
    }

    @GetMapping("/payments/{id}")
    Payment payment(Caller caller, @PathVariable String id) {
        return payments.get(caller.accountId(), id);
    }

    @GetMapping("/subscriptions")
    Page<Subscription> subscriptions(Caller caller,
        @RequestParam(name = "customer_id", required = false) String customerId,
        @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        return subscriptions.list(caller.accountId(), customerId, PageRequest.of(limit, cursor, "sub"));
    }

    @GetMapping("/subscriptions/{id}")
    Subscription subscription(Caller caller, @PathVariable String id) {
        return subscriptions.get(caller.accountId(), id);
    }

    @GetMapping("/payment_plans")
    Page<PaymentPlan> paymentPlans(Caller caller,
        @RequestParam(name = "customer_id", required = false) String customerId,
        @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        return paymentPlans.list(caller.accountId(), customerId, PageRequest.of(limit, cursor, "plan"));
    }

    @GetMapping("/invoices")
    Page<Invoice> invoices(Caller caller, @RequestParam(name = "customer_id", required = false) String customerId,
        @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        return invoices.list(caller.accountId(), customerId, PageRequest.of(limit, cursor, "inv"));
    }

    @GetMapping("/invoices/{id}")
    Invoice invoice(Caller caller, @PathVariable String id) {
        return invoices.get(caller.accountId(), id);
    }

    @GetMapping("/payment_plans/{id}")
    PaymentPlan paymentPlan(Caller caller, @PathVariable String id) {
        return paymentPlans.get(caller.accountId(), id);
    }
}
