package io.till.billing;

import io.till.customer.Cards;
import io.till.customer.Customers;
import io.till.event.EventType;
import io.till.event.Events;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * What staff (and later the buyer, in the portal) can do to a subscription or plan. Each action checks the current
 * status and refuses with {@code invalid_state}, naming it, when the action makes no sense there.
 */
@Component
class SubscriptionActions {

    private final Subscriptions subscriptions;
    private final PaymentPlans paymentPlans;
    private final Invoices invoices;
    private final BillingJobs jobs;
    private final Cards cards;
    private final Customers customers;
    private final Events events;
    private final Clock clock;
    private final CardRecovery recovery;

    SubscriptionActions(Subscriptions subscriptions, PaymentPlans paymentPlans, Invoices invoices, BillingJobs jobs,
        Cards cards, Customers customers, Events events, Clock clock, CardRecovery recovery) {
        this.recovery = recovery;
        this.subscriptions = subscriptions;
        this.paymentPlans = paymentPlans;
        this.invoices = invoices;
        this.jobs = jobs;
        this.cards = cards;
        this.customers = customers;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Cancels now (unpaid invoices are voided) or at the end of the current period (status {@code canceling}).
     * {@code skipAutomations} still records the events, marked so that automations ignore them; at period end, that holds
     * for the {@code subscription.canceled} the billing clock raises when the period ends too.
     */
    @Transactional
    Subscription cancel(String accountId, String id, boolean atPeriodEnd, boolean skipAutomations) {
        Subscription subscription = lock(accountId, id);
        Instant now = Timestamps.now(clock);
        if (atPeriodEnd) {
            requireStatus(subscription, "cancel at period end", "trialing", "active", "past_due");
            subscriptions.setStatus(accountId, id, "canceling", now);
            subscriptions.setCancelSkipsAutomations(accountId, id, skipAutomations);
            record(accountId, EventType.SUBSCRIPTION_CANCELING, subscriptions.get(accountId, id), skipAutomations);
        } else {
            requireStatus(subscription, "cancel", "trialing", "active", "past_due", "unpaid", "canceling", "paused");
            subscriptions.setStatus(accountId, id, "canceled", now);
            for (Invoice voided : invoices.voidUnpaid(accountId, id, null)) {
                events.record(accountId, EventType.INVOICE_VOIDED, voided.customerId(), Map.of("invoice", voided,
                    "customer", customers.get(accountId, voided.customerId())));
            }
            record(accountId, EventType.SUBSCRIPTION_CANCELED, subscriptions.get(accountId, id), skipAutomations);
        }
        return subscriptions.get(accountId, id);
    }

    /** Stops renewing; nothing is charged while paused. */
    @Transactional
    Subscription pause(String accountId, String id) {
        Subscription subscription = lock(accountId, id);
        requireStatus(subscription, "pause", "active", "past_due", "trialing");
        subscriptions.setStatus(accountId, id, "paused", Timestamps.now(clock));
        record(accountId, EventType.SUBSCRIPTION_PAUSED, subscriptions.get(accountId, id), false);
        return subscriptions.get(accountId, id);
    }

    /**
     * Renews again: at the end of the current period if it is still running, otherwise a new period starts now and is
     * charged at once.
     */
    @Transactional
    Subscription resume(String accountId, String id) {
        Subscription subscription = lock(accountId, id);
        requireStatus(subscription, "resume", "paused");
        Instant now = Timestamps.now(clock);
        subscriptions.setStatus(accountId, id, "active", now);
        if (!subscription.currentPeriodEnd().isAfter(now)) {
            subscriptions.advancePeriod(accountId, id, subscription.currentPeriodStart(), now, now);
        }
        jobs.schedule(accountId, BillingJobs.Kind.SUBSCRIPTION_RENEWAL, id,
            subscriptions.get(accountId, id).currentPeriodEnd());
        record(accountId, EventType.SUBSCRIPTION_RESUMED, subscriptions.get(accountId, id), false);
        return subscriptions.get(accountId, id);
    }

    /**
     * Chooses which saved card pays this subscription; its unpaid invoices are retried at once with it, unless it is
     * the card that just failed on them.
     */
    @Transactional
    Subscription changeCard(String accountId, String id, String cardId) {
        Subscription subscription = lock(accountId, id);
        requireStatus(subscription, "change the card of", "trialing", "active", "past_due", "unpaid", "canceling",
            "paused");
        var card = cards.findSaved(accountId, cardId)
            .filter(saved -> saved.customerId().equals(subscription.customerId()))
            .orElseThrow(() -> TillException.invalid("payment_method_id", "not_found",
                "is not a saved card of this subscription's customer"));
        Instant now = Timestamps.now(clock);
        subscriptions.setCard(accountId, id, cardId, now);
        events.record(accountId, EventType.CARD_UPDATED, subscription.customerId(), Map.of("card", card,
            "subscription", subscriptions.get(accountId, id), "customer",
            customers.get(accountId, subscription.customerId())));
        recovery.retry(accountId, invoices.unpaidFor(accountId, id, null), now);
        return subscriptions.get(accountId, id);
    }

    /** Chooses which saved card pays this plan; its unpaid installments are retried at once with it. */
    @Transactional
    PaymentPlan changePlanCard(String accountId, String id, String cardId) {
        paymentPlans.get(accountId, id);
        PaymentPlan plan = paymentPlans.lockForUpdate(accountId, id);
        var card = cards.findSaved(accountId, cardId)
            .filter(saved -> saved.customerId().equals(plan.customerId()))
            .orElseThrow(() -> TillException.invalid("payment_method_id", "not_found",
                "is not a saved card of this plan's customer"));
        Instant now = Timestamps.now(clock);
        paymentPlans.setCard(accountId, id, cardId, now);
        events.record(accountId, EventType.CARD_UPDATED, plan.customerId(), Map.of("card", card, "payment_plan",
            paymentPlans.get(accountId, id), "customer", customers.get(accountId, plan.customerId())));
        recovery.retry(accountId, invoices.unpaidFor(accountId, null, id), now);
        return paymentPlans.get(accountId, id);
    }

    /**
     * Staff's changes to a plan: its status ({@code active} or {@code canceled}; the buyer cannot cancel a plan) and
     * the date of its next installment.
     */
    @Transactional
    PaymentPlan updatePlan(String accountId, String id, String status, Instant nextBillAt) {
        PaymentPlan plan = paymentPlans.lockForUpdate(accountId, id);
        Instant now = Timestamps.now(clock);
        if (status != null && !status.equals(plan.status())) {
            boolean allowed = switch (status) {
                case "canceled" -> List.of("active", "unpaid").contains(plan.status());
                case "active" -> List.of("unpaid", "canceled").contains(plan.status());
                default -> throw TillException.invalid("status", "invalid_value", "must be active or canceled");
            };
            if (!allowed) {
                throw new TillException(ErrorCode.INVALID_STATE, "A " + plan.status() + " payment plan cannot become "
                    + status + ".");
            }
            paymentPlans.setStatus(accountId, id, status, now);
            if (status.equals("canceled")) {
                invoices.voidUnpaid(accountId, null, id);
            }
        }
        if (nextBillAt != null) {
            if (!nextBillAt.isAfter(now)) {
                throw TillException.invalid("next_bill_at", "out_of_range", "must be in the future");
            }
            if (plan.installmentsPaid() >= plan.installments()) {
                throw new TillException(ErrorCode.INVALID_STATE, "The plan has no installment left to bill.");
            }
            paymentPlans.setNextBill(accountId, id, nextBillAt, now);
            jobs.schedule(accountId, BillingJobs.Kind.PLAN_INSTALLMENT, id, nextBillAt);
        }
        return paymentPlans.get(accountId, id);
    }

    private Subscription lock(String accountId, String id) {
        subscriptions.get(accountId, id);
        return subscriptions.lockForUpdate(accountId, id);
    }

    private static void requireStatus(Subscription subscription, String action, String... allowed) {
        if (!List.of(allowed).contains(subscription.status())) {
            throw new TillException(ErrorCode.INVALID_STATE, "Cannot " + action + " a subscription that is "
                + subscription.status() + ".");
        }
    }

    private void record(String accountId, EventType type, Subscription subscription, boolean skipAutomations) {
        var data = new LinkedHashMap<String, Object>();
        data.put("subscription", subscription);
        data.put("customer", customers.get(accountId, subscription.customerId()));
        if (skipAutomations) {
            data.put("skip_automations", true);
        }
        events.record(accountId, type, subscription.customerId(), data);
    }
}
