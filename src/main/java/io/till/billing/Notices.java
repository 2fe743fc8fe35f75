package io.till.billing;

import io.till.customer.Cards;
import io.till.customer.Customers;
import io.till.event.EventType;
import io.till.event.Events;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The billing clock's announcements: what is coming (renewals, trial ends, installments, card expiries) and what has
 * become overdue. Each is raised only if it is still true when its time comes.
 */
@Component
class Notices {

    private final Subscriptions subscriptions;
    private final PaymentPlans paymentPlans;
    private final Invoices invoices;
    private final Cards cards;
    private final Customers customers;
    private final Events events;
    private final BillingSettings settings;

    Notices(Subscriptions subscriptions, PaymentPlans paymentPlans, Invoices invoices, Cards cards,
        Customers customers, Events events, BillingSettings settings) {
        this.subscriptions = subscriptions;
        this.paymentPlans = paymentPlans;
        this.invoices = invoices;
        this.cards = cards;
        this.customers = customers;
        this.events = events;
        this.settings = settings;
    }

    @Transactional
    void renewalUpcoming(String accountId, String subscriptionId, Instant at) {
        Subscription subscription = subscriptions.get(accountId, subscriptionId);
        if (List.of("active", "past_due").contains(subscription.status())
            && subscription.currentPeriodEnd().minus(settings.upcomingNotice()).equals(at)) {
            events.record(accountId, EventType.SUBSCRIPTION_RENEWAL_UPCOMING, subscription.customerId(), Map.of(
                "subscription", subscription, "customer", customers.get(accountId, subscription.customerId())));
        }
    }

    @Transactional
    void endingSoon(String accountId, String subscriptionId) {
        Subscription subscription = subscriptions.get(accountId, subscriptionId);
        if (List.of("active", "past_due", "trialing").contains(subscription.status())
            && subscription.endsAt() != null) {
            events.record(accountId, EventType.SUBSCRIPTION_ENDING_SOON, subscription.customerId(), Map.of(
                "subscription", subscription, "customer", customers.get(accountId, subscription.customerId())));
        }
    }

    @Transactional
    void trialEnding(String accountId, String subscriptionId) {
        Subscription subscription = subscriptions.get(accountId, subscriptionId);
        if (subscription.status().equals("trialing")) {
            events.record(accountId, EventType.SUBSCRIPTION_TRIAL_ENDING, subscription.customerId(), Map.of(
                "subscription", subscription, "customer", customers.get(accountId, subscription.customerId())));
        }
    }

    @Transactional
    void paymentUpcoming(String accountId, String planId, Instant at) {
        PaymentPlan plan = paymentPlans.get(accountId, planId);
        if (plan.status().equals("active") && plan.nextBillAt() != null
            && plan.nextBillAt().minus(settings.upcomingNotice()).equals(at)) {
            events.record(accountId, EventType.PAYMENT_PLAN_PAYMENT_UPCOMING, plan.customerId(), Map.of(
                "payment_plan", plan, "customer", customers.get(accountId, plan.customerId())));
        }
    }

    @Transactional
    void overdue(String accountId, String invoiceId) {
        Invoice invoice = invoices.lockForUpdate(accountId, invoiceId);
        if (invoice.status().equals("issued") && !invoice.overdue()) {
            invoices.markOverdue(accountId, invoiceId);
            events.record(accountId, EventType.INVOICE_OVERDUE, invoice.customerId(), Map.of("invoice",
                invoices.get(accountId, invoiceId), "customer", customers.get(accountId, invoice.customerId())));
        }
    }

    @Transactional
    void cardExpiry(String accountId, String cardId, EventType type) {
        cards.findSaved(accountId, cardId)
            .ifPresent(card -> events.record(accountId, type, card.customerId(), Map.of("card", card, "customer",
                customers.get(accountId, card.customerId()))));
    }
}
