package io.till.billing;

import io.till.customer.Customer;
import io.till.event.EventType;
import io.till.event.Events;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * What follows an invoice's charge, in the transaction that records it: the payment's events, and the state of the
 * subscription or payment plan the invoice bills (active again once nothing is owed; past due, then unpaid once the
 * retry schedule is spent), with the next retry on the agenda.
 */
@Component
class InvoiceOutcomes {

    private final Invoices invoices;
    private final Subscriptions subscriptions;
    private final PaymentPlans paymentPlans;
    private final PlanInstallments planInstallments;
    private final Events events;
    private final BillingJobs jobs;
    private final RetrySchedules retrySchedules;

    InvoiceOutcomes(Invoices invoices, Subscriptions subscriptions, PaymentPlans paymentPlans,
        PlanInstallments planInstallments, Events events, BillingJobs jobs, RetrySchedules retrySchedules) {
        this.invoices = invoices;
        this.subscriptions = subscriptions;
        this.paymentPlans = paymentPlans;
        this.planInstallments = planInstallments;
        this.events = events;
        this.jobs = jobs;
        this.retrySchedules = retrySchedules;
    }

    /**
     * The events of a paid invoice, and its subscription or plan back in good standing when nothing else is owed;
     * {@code payment} is null when credits paid it all.
     */
    void paid(String accountId, Invoice invoice, Payment payment, Customer customer, Instant now) {
        String customerId = customer.id();
        var paid = new java.util.LinkedHashMap<String, Object>();
        paid.put("invoice", invoice);
        if (payment != null) {
            paid.put("payment", payment);
        }
        paid.put("customer", customer);
        if (payment != null) {
            events.record(accountId, EventType.PAYMENT_SUCCEEDED, customerId, Map.of("payment", payment, "invoice",
                invoice, "customer", customer));
        }
        if (invoice.subscriptionId() != null) {
            Subscription subscription = subscriptions.lockForUpdate(accountId, invoice.subscriptionId());
            if (payment != null) {
                events.record(accountId, EventType.SUBSCRIPTION_PAYMENT_SUCCEEDED, customerId, Map.of(
                    "subscription", subscription, "payment", payment, "invoice", invoice, "customer", customer));
            }
            events.record(accountId, EventType.INVOICE_PAID, customerId, paid);
            // Back in good standing only when nothing else is owed: paying the newest of two unpaid invoices leaves
            // the subscription past due for the older one.
            settled(accountId, subscription, customer, now);
        } else {
            boolean wasUnpaid = paymentPlans.lockForUpdate(accountId, invoice.paymentPlanId()).status()
                .equals("unpaid");
            boolean othersOwed = !invoices.unpaidFor(accountId, null, invoice.paymentPlanId()).isEmpty();
            PaymentPlan plan = paymentPlans.installmentPaid(accountId, invoice.paymentPlanId(), othersOwed, now);
            if (wasUnpaid && plan.isActive()) {
                // An installment that fell due while it was unpaid billed nothing: it is billed now.
                planInstallments.resume(accountId, plan.id(), now);
            }
            if (payment != null) {
                events.record(accountId, EventType.PAYMENT_PLAN_PAYMENT_SUCCEEDED, customerId, Map.of(
                    "payment_plan", plan, "payment", payment, "invoice", invoice, "customer", customer));
            }
            events.record(accountId, EventType.INVOICE_PAID, customerId, paid);
            if (plan.status().equals("completed")) {
                events.record(accountId, EventType.PAYMENT_PLAN_COMPLETED, customerId, Map.of("payment_plan", plan,
                    "customer", customer));
            } else {
                planInstallments.completeIfBilledOut(accountId, plan.id(), now);
            }
        }
    }

    /**
     * A subscription back in good standing once none of its invoices is unpaid: one paid, or the last one owed voided
     * by staff (then nothing is owed and nothing is retried, so past due or unpaid would describe nothing). Its renewal
     * passed while it was unpaid: a new period starts now, billed now, and renews on its own again. Inside the caller's transaction, with the subscription locked.
     */
    void settled(String accountId, Subscription subscription, Customer customer, Instant now) {
        if (!List.of("trialing", "past_due", "unpaid").contains(subscription.status())
            || !invoices.unpaidFor(accountId, subscription.id(), null).isEmpty()) {
            return;
        }
        subscriptions.setStatus(accountId, subscription.id(), "active", now);
        // Only a renewal that has passed: one still due (the billing clock catching up, the retry due before it run
        // first) bills its own period from the billing day; restarted now, that stretch was never billed.
        if (!subscription.currentPeriodEnd().isAfter(now) && (subscription.status().equals("unpaid")
            || !jobs.isDue(accountId, BillingJobs.Kind.SUBSCRIPTION_RENEWAL, subscription.id(), now))) {
            subscriptions.restartPeriods(accountId, subscription, now);
            jobs.schedule(accountId, BillingJobs.Kind.SUBSCRIPTION_RENEWAL, subscription.id(), now);
        }
        events.record(accountId, EventType.SUBSCRIPTION_ACTIVATED, customer.id(), Map.of("subscription",
            subscriptions.get(accountId, subscription.id()), "customer", customer));
    }

    /**
     * The events of a declined scheduled attempt: the next attempt on the retry schedule, or, the schedule
     * exhausted, the subscription or plan unpaid (past due after a first decline). The next attempt takes the place
     * of any still queued (this one was made off the schedule: staff's pay now, a card change, a resume), and comes on
     * the schedule's day, but never sooner after this one than the schedule spaces them: an attempt made late (after a
     * pause) does not leave the ones after it due at once, back to back.
     */
    void failed(String accountId, Invoice invoice, Payment payment, Customer customer, int attempt,
        Instant now) {
        String customerId = customer.id();
        events.record(accountId, EventType.PAYMENT_FAILED, customerId, Map.of("payment", payment, "invoice", invoice,
            "customer", customer));
        boolean forSubscription = invoice.subscriptionId() != null;
        List<Duration> retries = retrySchedules.get(accountId).of(forSubscription);
        boolean exhausted = attempt > retries.size();
        jobs.cancelPending(accountId, BillingJobs.Kind.INVOICE_RETRY, invoice.id(), now);
        if (!exhausted) {
            Duration spacing = retries.get(attempt - 1).minus(attempt >= 2 ? retries.get(attempt - 2) : Duration.ZERO);
            Instant onSchedule = invoice.dueAt().plus(retries.get(attempt - 1));
            Instant spaced = now.plus(spacing);
            jobs.schedule(accountId, BillingJobs.Kind.INVOICE_RETRY, invoice.id(),
                onSchedule.isAfter(spaced) ? onSchedule : spaced);
        }
        if (forSubscription) {
            Subscription subscription = subscriptions.lockForUpdate(accountId, invoice.subscriptionId());
            events.record(accountId, EventType.SUBSCRIPTION_PAYMENT_FAILED, customerId, Map.of("subscription",
                subscription, "payment", payment, "invoice", invoice, "customer", customer));
            if (exhausted && List.of("active", "trialing", "past_due").contains(subscription.status())) {
                subscriptions.setStatus(accountId, subscription.id(), "unpaid", now);
                events.record(accountId, EventType.SUBSCRIPTION_UNPAID, customerId, Map.of("subscription",
                    subscriptions.get(accountId, subscription.id()), "invoice", invoice, "customer", customer));
            } else if (List.of("active", "trialing").contains(subscription.status())) {
                subscriptions.setStatus(accountId, subscription.id(), "past_due", now);
                events.record(accountId, EventType.SUBSCRIPTION_PAST_DUE, customerId, Map.of("subscription",
                    subscriptions.get(accountId, subscription.id()), "invoice", invoice, "customer", customer));
            }
        } else {
            PaymentPlan plan = paymentPlans.lockForUpdate(accountId, invoice.paymentPlanId());
            events.record(accountId, EventType.PAYMENT_PLAN_PAYMENT_FAILED, customerId, Map.of("payment_plan", plan,
                "payment", payment, "invoice", invoice, "customer", customer));
            if (exhausted && !plan.status().equals("unpaid")) {
                paymentPlans.setStatus(accountId, plan.id(), "unpaid", now);
                events.record(accountId, EventType.PAYMENT_PLAN_UNPAID, customerId, Map.of("payment_plan",
                    paymentPlans.get(accountId, plan.id()), "invoice", invoice, "customer", customer));
            }
        }
    }
}
