package io.till.billing;

import io.till.customer.Customers;
import io.till.event.EventType;
import io.till.event.Events;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What happens when a subscription period or a payment-plan interval ends: the next invoice is issued and the period
 * moves on in one transaction, then the invoice is charged. A job run again after a crash finds its invoice issued and
 * only charges it if no attempt was made yet.
 */
@Component
class Renewals {

    private final Subscriptions subscriptions;
    private final PaymentPlans paymentPlans;
    private final Invoices invoices;
    private final InvoiceCharges charges;
    private final BillingSchedule schedule;
    private final BillingJobs jobs;
    private final BillingSettings settings;
    private final Customers customers;
    private final Events events;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final Credits credits;
    private final UnpaidVoids unpaidVoids;

    Renewals(Subscriptions subscriptions, PaymentPlans paymentPlans, Invoices invoices, InvoiceCharges charges,
        BillingSchedule schedule, BillingJobs jobs, BillingSettings settings, Customers customers, Events events,
        TransactionTemplate transaction, Clock clock, Credits credits, UnpaidVoids unpaidVoids) {
        this.credits = credits;
        this.unpaidVoids = unpaidVoids;
        this.subscriptions = subscriptions;
        this.paymentPlans = paymentPlans;
        this.invoices = invoices;
        this.charges = charges;
        this.schedule = schedule;
        this.jobs = jobs;
        this.settings = settings;
        this.customers = customers;
        this.events = events;
        this.transaction = transaction;
        this.clock = clock;
    }

    void renewSubscription(String accountId, String subscriptionId, Instant periodEnd) {
        Invoice toCharge = transaction.execute(status -> {
            Subscription subscription = subscriptions.lockForUpdate(accountId, subscriptionId);
            Instant now = Timestamps.now(clock);
            if (subscription.status().equals("canceling") && subscription.currentPeriodEnd().equals(periodEnd)) {
                subscriptions.setStatus(accountId, subscriptionId, "canceled", now);
                unpaidVoids.voidUnpaid(accountId, subscriptionId, null);
                var data = new LinkedHashMap<String, Object>();
                data.put("subscription", subscriptions.get(accountId, subscriptionId));
                data.put("customer", customers.get(accountId, subscription.customerId()));
                if (subscriptions.cancelSkipsAutomations(accountId, subscriptionId)) {
                    // Staff asked at cancel time for the whole cancellation to pass quietly, its end included.
                    data.put("skip_automations", true);
                }
                events.record(accountId, EventType.SUBSCRIPTION_CANCELED, subscription.customerId(), data);
                return null;
            }
            if (!subscription.currentPeriodEnd().equals(periodEnd)) {
                return invoices.uncharged(accountId, subscriptionId, null, periodEnd).orElse(null);
            }
            if (!List.of("trialing", "active", "past_due", "paused").contains(subscription.status())) {
                return null;
            }
            if (subscription.endsAt() != null && !periodEnd.isBefore(subscription.endsAt())) {
                // A fixed-term subscription has billed all its cycles: it ends instead of renewing. Paused too: a pause
                // moves the term's end by the cycles it left unbilled, and one in the last period left none.
                subscriptions.setStatus(accountId, subscriptionId, "canceled", now);
                unpaidVoids.voidUnpaid(accountId, subscriptionId, null);
                events.record(accountId, EventType.SUBSCRIPTION_CANCELED, subscription.customerId(), Map.of(
                    "subscription", subscriptions.get(accountId, subscriptionId), "customer",
                    customers.get(accountId, subscription.customerId())));
                return null;
            }
            if (subscription.status().equals("paused")) {
                // Nothing is billed while paused; resuming takes up the periods from then.
                return null;
            }
            Instant nextEnd = Periods.after(periodEnd, subscription.interval(), subscription.intervalCount(),
                subscription.periodAnchor());
            Invoice issued = invoices.issue(accountId,
                new Invoices.Subject(subscription.customerId(), subscriptionId, null,
                    invoices.nextSequence(accountId, subscriptionId), subscription.amount(),
                    subscription.currency(),
                    periodEnd, nextEnd),
                now, periodEnd);
            issued(accountId, issued);
            subscriptions.advancePeriod(accountId, subscriptionId, periodEnd, nextEnd, now);
            schedule.subscriptionPeriod(accountId, subscriptions.get(accountId, subscriptionId));
            return issued;
        });
        if (toCharge != null) {
            charges.attempt(accountId, toCharge.id(), 1);
        }
    }

    void chargeInstallment(String accountId, String planId, Instant dueAt) {
        Invoice toCharge = transaction.execute(status -> {
            PaymentPlan plan = paymentPlans.lockForUpdate(accountId, planId);
            if (plan.nextBillAt() == null || !plan.nextBillAt().equals(dueAt)) {
                return invoices.uncharged(accountId, null, planId, dueAt).orElse(null);
            }
            if (!plan.status().equals("active")) {
                return null;
            }
            Instant now = Timestamps.now(clock);
            int number = invoices.nextInstallment(accountId, plan);
            if (number > plan.installments()) {
                // Every installment is paid or still owed: nothing is billed until one is voided.
                paymentPlans.setNextBill(accountId, planId, null, now);
                return null;
            }
            Invoice issued = invoices.issue(accountId, new Invoices.Subject(plan.customerId(), null, planId, number,
                plan.installmentAmount(), plan.currency(), dueAt, null), now, dueAt);
            issued(accountId, issued);
            int following = invoices.nextInstallment(accountId, plan);
            if (following <= plan.installments()) {
                Instant next = Periods.after(dueAt, plan.interval(), plan.intervalCount(), plan.createdAt());
                paymentPlans.setNextBill(accountId, planId, next, now);
                schedule.nextInstallment(accountId, plan, dueAt, next, following);
            } else {
                paymentPlans.setNextBill(accountId, planId, null, now);
            }
            return issued;
        });
        if (toCharge != null) {
            charges.attempt(accountId, toCharge.id(), 1);
        }
    }

    /** Spends the customer's credit on a new invoice, then announces it. */
    private void issued(String accountId, Invoice issued) {
        credits.applyTo(accountId, issued.id(), null);
        Invoice invoice = invoices.get(accountId, issued.id());
        jobs.schedule(accountId, BillingJobs.Kind.INVOICE_OVERDUE, invoice.id(),
            invoice.dueAt().plus(settings.invoiceOverdueAfter()));
        events.record(accountId, EventType.INVOICE_ISSUED, invoice.customerId(), Map.of("invoice", invoice,
            "customer", customers.get(accountId, invoice.customerId())));
    }
}
