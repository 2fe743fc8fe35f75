package io.till.billing;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import io.till.shared.FieldErrors;
import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1")
@Tag(name = "Billing records")
class BillingController {

    private final Orders orders;
    private final Payments payments;
    private final Subscriptions subscriptions;
    private final PaymentPlans paymentPlans;
    private final Invoices invoices;
    private final SubscriptionActions actions;
    private final Refunds refunds;
    private final Disputes disputes;
    private final RefundHistory refundHistory;
    private final SubscriptionResumes resumes;

    BillingController(Orders orders, Payments payments, Subscriptions subscriptions, PaymentPlans paymentPlans,
        Invoices invoices, SubscriptionActions actions, Refunds refunds, Disputes disputes,
        RefundHistory refundHistory, SubscriptionResumes resumes) {
        this.resumes = resumes;
        this.refunds = refunds;
        this.refundHistory = refundHistory;
        this.disputes = disputes;
        this.invoices = invoices;
        this.actions = actions;
        this.orders = orders;
        this.payments = payments;
        this.subscriptions = subscriptions;
        this.paymentPlans = paymentPlans;
    }

    @GetMapping("/orders")
    @Operation(summary = "List orders, newest first", description = "Filter by customer_id, by status (pending, paid, failed, refunded: "
        + "all of its money went back; a partly refunded order is paid, with amount_refunded) and by when they were "
        + "created: created_from (inclusive) and created_to (exclusive), each a moment or a day.")
    Page<Order> orders(Caller caller, @RequestParam(name = "customer_id", required = false) String customerId,
        @RequestParam(required = false) String status,
        @RequestParam(name = "created_from", required = false) String createdFrom,
        @RequestParam(name = "created_to", required = false) String createdTo,
        @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        var errors = new FieldErrors();
        var filter = RecordFilter.of(customerId, status, createdFrom, createdTo, BillingListValues.ORDERS_STATUSES,
            errors);
        var page = PageRequest.of(limit, cursor, "ord", errors);
        errors.throwIfAny();
        return orders.list(caller.accountId(), filter, page);
    }

    @GetMapping("/orders/{id}")
    @Operation(summary = "Read an order with its line items and billing address")
    Order order(Caller caller, @PathVariable String id) {
        return orders.get(caller.accountId(), id);
    }

    @GetMapping("/payments")
    @Operation(summary = "List payments, newest first", description = "Filter by customer_id, by status (succeeded, failed, refunded, disputed) and by when they were "
        + "created: created_from (inclusive) and created_to (exclusive), each a moment or a day. invoice_id (inv_…) "
        + "keeps the charges tried for one invoice: as many as its attempt_count; another account's invoice finds "
        + "none.")
    Page<Payment> payments(Caller caller, @RequestParam(name = "customer_id", required = false) String customerId,
        @RequestParam(name = "invoice_id", required = false) String invoiceId,
        @RequestParam(required = false) String status,
        @RequestParam(name = "created_from", required = false) String createdFrom,
        @RequestParam(name = "created_to", required = false) String createdTo,
        @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        var errors = new FieldErrors();
        var filter = RecordFilter.of(customerId, status, createdFrom, createdTo, BillingListValues.PAYMENTS_STATUSES,
            errors);
        var page = PageRequest.of(limit, cursor, "pay", errors);
        String invoice = invoiceId == null || invoiceId.isBlank() ? null : invoiceId.strip();
        if (invoice != null && !Ids.isId(invoice, "inv")) {
            errors.add("invoice_id", "invalid", "must be an invoice id (inv_…)");
        }
        errors.throwIfAny();
        return payments.list(caller.accountId(), filter, invoice, page);
    }

    @GetMapping("/payments/{id}")
    @Operation(summary = "Read a payment")
    Payment payment(Caller caller, @PathVariable String id) {
        return payments.get(caller.accountId(), id);
    }

    @GetMapping("/subscriptions")
    @Operation(summary = "List subscriptions, newest first", description = "Filter by customer_id, by status (trialing, active, past_due, unpaid, canceling, canceled, paused) and by when they were "
        + "created: created_from (inclusive) and created_to (exclusive), each a moment or a day.")
    Page<Subscription> subscriptions(Caller caller,
        @RequestParam(name = "customer_id", required = false) String customerId,
        @RequestParam(required = false) String status,
        @RequestParam(name = "created_from", required = false) String createdFrom,
        @RequestParam(name = "created_to", required = false) String createdTo,
        @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        var errors = new FieldErrors();
        var filter = RecordFilter.of(customerId, status, createdFrom, createdTo,
            BillingListValues.SUBSCRIPTIONS_STATUSES, errors);
        var page = PageRequest.of(limit, cursor, "sub", errors);
        errors.throwIfAny();
        return subscriptions.list(caller.accountId(), filter, page);
    }

    @GetMapping("/subscriptions/{id}")
    @Operation(summary = "Read a subscription")
    Subscription subscription(Caller caller, @PathVariable String id) {
        return subscriptions.get(caller.accountId(), id);
    }

    @GetMapping("/payment_plans")
    @Operation(summary = "List payment plans, newest first", description = "Filter by customer_id, by status (active, completed, unpaid, canceled) and by when they were "
        + "created: created_from (inclusive) and created_to (exclusive), each a moment or a day.")
    Page<PaymentPlan> paymentPlans(Caller caller,
        @RequestParam(name = "customer_id", required = false) String customerId,
        @RequestParam(required = false) String status,
        @RequestParam(name = "created_from", required = false) String createdFrom,
        @RequestParam(name = "created_to", required = false) String createdTo,
        @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        var errors = new FieldErrors();
        var filter = RecordFilter.of(customerId, status, createdFrom, createdTo,
            BillingListValues.PAYMENT_PLANS_STATUSES, errors);
        var page = PageRequest.of(limit, cursor, "plan", errors);
        errors.throwIfAny();
        return paymentPlans.list(caller.accountId(), filter, page);
    }

    record Cancel(Boolean atPeriodEnd, Boolean skipAutomations, String reason, String reasonText) {}

    @PostMapping("/subscriptions/{id}/cancel")
    @Operation(summary = "Cancel a subscription", description = "Now (unpaid invoices are voided), or with "
        + "at_period_end at the end of the paid period. skip_automations marks the events so that automations ignore "
        + "them. reason (at most 200 characters) and reason_text (at most 500) are kept on the subscription as "
        + "cancel_reason and cancel_reason_text, with canceled_by staff, and carried in the events.")
    Subscription cancel(Caller caller, @PathVariable String id, @RequestBody(required = false) Cancel body) {
        boolean atPeriodEnd = body != null && Boolean.TRUE.equals(body.atPeriodEnd());
        boolean skip = body != null && Boolean.TRUE.equals(body.skipAutomations());
        var cancellation = body == null
            ? Cancellation.byStaff(null, null, caller)
            : Cancellation.byStaff(body.reason(), body.reasonText(), caller);
        return actions.cancel(caller.accountId(), id, atPeriodEnd, skip, cancellation);
    }

    @PostMapping("/subscriptions/{id}/keep")
    @Operation(summary = "Keep a subscription that is canceling", description = "Takes back a cancellation at period "
        + "end before the period ends: the subscription renews again and subscription.resumed is raised with "
        + "resumed_from canceling. Refused (409) once the period is over.")
    Subscription keep(Caller caller, @PathVariable String id) {
        return actions.keep(caller.accountId(), id);
    }

    @PostMapping("/subscriptions/{id}/pause")
    @Operation(summary = "Pause a subscription's billing")
    Subscription pause(Caller caller, @PathVariable String id) {
        return actions.pause(caller.accountId(), id);
    }

    @PostMapping("/subscriptions/{id}/resume")
    @Operation(summary = "Resume a paused subscription", description = "If its period ended while paused, a new one "
        + "starts now and is charged at once, and what it owes is retried at once: the answer shows the outcome.")
    Subscription resume(Caller caller, @PathVariable String id) {
        return resumes.resume(caller.accountId(), id);
    }

    record ChangeCard(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String paymentMethodId) {}

    @PostMapping("/subscriptions/{id}/change_card")
    @Operation(summary = "Choose the saved card that pays a subscription", description = "Raises card.updated; "
        + "unpaid invoices of the subscription are retried at once.")
    Subscription changeCard(Caller caller, @PathVariable String id, @RequestBody ChangeCard body) {
        if (body.paymentMethodId() == null) {
            throw TillException.invalid("payment_method_id", "required", "is required");
        }
        return actions.changeCard(caller.accountId(), id, body.paymentMethodId());
    }

    @PostMapping("/payment_plans/{id}/change_card")
    @Operation(summary = "Choose the saved card that pays a payment plan", description = "Raises card.updated; "
        + "unpaid installments are retried at once.")
    PaymentPlan changePlanCard(Caller caller, @PathVariable String id, @RequestBody ChangeCard body) {
        if (body.paymentMethodId() == null) {
            throw TillException.invalid("payment_method_id", "required", "is required");
        }
        return actions.changePlanCard(caller.accountId(), id, body.paymentMethodId());
    }

    @PatchMapping("/payment_plans/{id}")
    @Operation(summary = "Change a payment plan's status or next bill date (staff)", description = "status: active or canceled; next_bill_at: a future time. Only the fields sent change; a null "
        + "for either is refused (400, naming the field): leave it out to keep it.")
    PaymentPlan updatePlan(Caller caller, @PathVariable String id,
        @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(schema = @Schema(implementation = PlanChange.class))) @RequestBody JsonNode body) {
        // Another account's plan (or none) is not found whatever the body holds, as on every operation.
        paymentPlans.get(caller.accountId(), id);
        var errors = new FieldErrors();
        var change = PlanChange.of(body, errors);
        errors.throwIfAny();
        return actions.updatePlan(caller.accountId(), id, change.status(), change.nextBillAt());
    }

    record RefundInput(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String paymentId, Long amount,
        String reason) {}

    @ApiResponse(responseCode = "201", description = "Created", useReturnTypeSchema = true)
    @PostMapping("/refunds")
    @Operation(summary = "Refund a payment, fully or partly", description = "amount defaults to everything not yet "
        + "refunded and can never exceed it. Raises payment.refunded (and subscription.payment_refunded or "
        + "payment_plan.payment_refunded). Send an Idempotency-Key.")
    org.springframework.http.ResponseEntity<Refund> refund(Caller caller, @RequestBody RefundInput body) {
        var refund = refunds.refund(caller.accountId(), body.paymentId(), body.amount(), body.reason());
        return org.springframework.http.ResponseEntity.created(java.net.URI.create("/api/v1/refunds/" + refund.id()))
            .body(refund);
    }

    @GetMapping("/refunds")
    @Operation(summary = "List refunds, newest first", description = "Filter by payment_id, customer_id, status "
        + "(pending, succeeded, failed) and when they were asked for: created_from (inclusive) and created_to "
        + "(exclusive), each a moment or a day.")
    Page<Refund> refunds(Caller caller, @RequestParam(name = "payment_id", required = false) String paymentId,
        @RequestParam(name = "customer_id", required = false) String customerId,
        @RequestParam(required = false) String status,
        @RequestParam(name = "created_from", required = false) String createdFrom,
        @RequestParam(name = "created_to", required = false) String createdTo,
        @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        var errors = new FieldErrors();
        var filter = RecordFilter.of(customerId, status, createdFrom, createdTo, BillingListValues.REFUND_STATUSES,
            errors);
        var page = PageRequest.of(limit, cursor, "re", errors);
        String payment = errors.idParam("payment_id", paymentId, "pay", "a payment");
        errors.throwIfAny();
        return refundHistory.list(caller.accountId(), filter, payment, page);
    }

    @GetMapping("/refunds/{id}")
    @Operation(summary = "Read a refund")
    Refund refund(Caller caller, @PathVariable String id) {
        return refunds.get(caller.accountId(), id);
    }

    @PostMapping("/payments/{id}/dispute")
    @Operation(summary = "Simulate a dispute (sandbox)", description = "The payment becomes disputed; raises "
        + "payment.disputed.")
    Payment dispute(Caller caller, @PathVariable String id) {
        return disputes.dispute(caller.accountId(), id);
    }

    @GetMapping("/invoices")
    @Operation(summary = "List invoices, newest first", description = "Filter by customer_id, by status (issued, paid, void, uncollectible) and by when they were "
        + "created: created_from (inclusive) and created_to (exclusive), each a moment or a day. overdue=true keeps "
        + "the open invoices past their due date, overdue=false every other one.")
    Page<Invoice> invoices(Caller caller, @RequestParam(name = "customer_id", required = false) String customerId,
        @RequestParam(required = false) String status,
        @RequestParam(name = "created_from", required = false) String createdFrom,
        @RequestParam(name = "created_to", required = false) String createdTo,
        @io.swagger.v3.oas.annotations.Parameter(schema = @Schema(type = "boolean")) @RequestParam(name = "overdue", required = false) String overdueParam,
        @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        var errors = new FieldErrors();
        Boolean overdue = errors.trueOrFalse("overdue", overdueParam);
        var filter = RecordFilter.of(customerId, status, createdFrom, createdTo, BillingListValues.INVOICES_STATUSES,
            errors);
        var page = PageRequest.of(limit, cursor, "inv", errors);
        if (Boolean.TRUE.equals(overdue) && status != null && BillingListValues.INVOICES_STATUSES.contains(status)
            && !"issued".equals(status)) {
            errors.add("overdue", "invalid_combination",
                "an overdue invoice is an open one (issued): no " + status + " invoice is");
        }
        errors.throwIfAny();
        if (overdue == null) {
            return invoices.list(caller.accountId(), filter, page);
        }
        return overdue
            ? invoices.listOverdue(caller.accountId(), filter, page)
            : invoices.listNotOverdue(caller.accountId(), filter, page);
    }

    @GetMapping("/invoices/{id}")
    @Operation(summary = "Read an invoice with its attempts")
    Invoice invoice(Caller caller, @PathVariable String id) {
        return invoices.get(caller.accountId(), id);
    }

    @GetMapping("/payment_plans/{id}")
    @Operation(summary = "Read a payment plan")
    PaymentPlan paymentPlan(Caller caller, @PathVariable String id) {
        return paymentPlans.get(caller.accountId(), id);
    }
}
