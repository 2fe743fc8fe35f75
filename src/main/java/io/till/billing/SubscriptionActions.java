package io.till.billing;

import io.till.customer.Card;
import io.till.customer.Cards;
import io.till.customer.Customers;
import io.till.event.EventType;
import io.till.event.Events;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
public class SubscriptionActions {

    private final Subscriptions subscriptions;
    private final PaymentPlans paymentPlans;
    private final Invoices invoices;
    private final BillingJobs jobs;
    private final Cards cards;
    private final Customers customers;
    private final Events events;
    private final Clock clock;
    private final CardRecovery recovery;
    private final PlanInstallments planInstallments;
    private final UnpaidVoids unpaidVoids;
    private final BillingSchedule schedule;
    private final BillingSettings settings;

    SubscriptionActions(Subscriptions subscriptions, PaymentPlans paymentPlans, Invoices invoices, BillingJobs jobs,
        Cards cards, Customers customers, Events events, Clock clock, CardRecovery recovery,
        PlanInstallments planInstallments, UnpaidVoids unpaidVoids, BillingSchedule schedule,
        BillingSettings settings) {
        this.schedule = schedule;
        this.settings = settings;
        this.recovery = recovery;
        this.unpaidVoids = unpaidVoids;
        this.planInstallments = planInstallments;
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
    Subscription cancel(String accountId, String id, boolean atPeriodEnd, boolean skipAutomations,
        Cancellation cancellation) {
        Subscription subscription = lock(accountId, id);
        Instant now = Timestamps.now(clock);
        if (atPeriodEnd) {
            subscription.require(Subscription.Change.CANCEL_AT_PERIOD_END);
            subscriptions.setStatus(accountId, id, "canceling", now);
            subscriptions.setCancelSkipsAutomations(accountId, id, skipAutomations);
            subscriptions.setCancellation(accountId, id, cancellation, now);
            record(accountId, EventType.SUBSCRIPTION_CANCELING, subscriptions.get(accountId, id), skipAutomations);
        } else {
            subscription.require(Subscription.Change.CANCEL_NOW);
            subscriptions.setStatus(accountId, id, "canceled", now);
            if (!subscription.status().equals("canceling")) {
                // Canceling now what was canceling at period end keeps the reason the first request gave.
                subscriptions.setCancellation(accountId, id, cancellation, now);
                subscriptions.setCancelSkipsAutomations(accountId, id, skipAutomations);
            }
            unpaidVoids.voidUnpaid(accountId, id, null);
            record(accountId, EventType.SUBSCRIPTION_CANCELED, subscriptions.get(accountId, id), skipAutomations);
        }
        return subscriptions.get(accountId, id);
    }

    /**
     * The buyer's own cancellation from the portal (PRODUCT.md §6): always at the end of the paid period, so that
     * autocharge stops and they keep what they paid for; only their own subscription, any other id reads as unknown.
     * Whether the seller allows it at all is the portal's to check.
     */
    @Transactional
    public Subscription cancelForCustomer(String accountId, String customerId, String id, String reason,
        String text) {
        subscriptions.getForCustomer(accountId, customerId, id);
        return cancel(accountId, id, true, false, new Cancellation(reason, text, Cancellation.By.CUSTOMER,
            null));
    }

    /**
     * "Keep my subscription": the buyer takes back their own cancellation before the period ends. One staff made (a
     * contract ended, a refund agreed) is the seller's to take back.
     */
    @Transactional
    public Subscription keepForCustomer(String accountId, String customerId, String id) {
        subscriptions.getForCustomer(accountId, customerId, id);
        // Read under the lock: staff may keep it and cancel it again between a read before and the buyer's keep.
        Subscription subscription = lock(accountId, id);
        if (subscription.status().equals("canceling")
            && !Cancellation.By.CUSTOMER.code().equals(subscription.canceledBy())) {
            throw new TillException(ErrorCode.INVALID_STATE, "This subscription was canceled by the seller, so only "
                + "they can keep it going.");
        }
        return keep(accountId, id);
    }

    /**
     * Takes back a cancellation at period end while the period still runs: the subscription renews again at its end,
     * from the status it would have without the cancellation, and {@code subscription.resumed} is raised with
     * {@code resumed_from: canceling}. Once the period is over there is nothing left to keep.
     */
    @Transactional
    public Subscription keep(String accountId, String id) {
        Subscription subscription = lock(accountId, id);
        Instant now = Timestamps.now(clock);
        if (subscription.status().equals("canceled") || (subscription.status().equals("canceling")
            && !subscription.currentPeriodEnd().isAfter(now))) {
            Instant ended = subscription.canceledAt() != null
                ? subscription.canceledAt()
                : subscription.currentPeriodEnd();
            throw new TillException(ErrorCode.INVALID_STATE, "The subscription ended on "
                + DateTimeFormatter.ISO_LOCAL_DATE.format(ended.atOffset(ZoneOffset.UTC))
                + " (UTC), so it can no longer be kept.");
        }
        subscription.require(Subscription.Change.KEEP);
        subscriptions.setStatus(accountId, id, runningStatus(accountId, subscription), now);
        subscriptions.clearCancellation(accountId, id);
        jobs.schedule(accountId, BillingJobs.Kind.SUBSCRIPTION_RENEWAL, id, subscription.currentPeriodEnd());
        var resumed = subscriptions.get(accountId, id);
        events.record(accountId, EventType.SUBSCRIPTION_RESUMED, resumed.customerId(), Map.of("subscription",
            resumed, "customer", customers.get(accountId, resumed.customerId()), "resumed_from", "canceling"));
        return resumed;
    }

    /**
     * What a canceling subscription would be without the cancellation. Derived rather than remembered: a retry may
     * have paid its arrears while it was canceling.
     */
    private String runningStatus(String accountId, Subscription subscription) {
        if (subscription.inTrial()) {
            return "trialing";
        }
        return invoices.unpaidFor(accountId, subscription.id(), null).isEmpty() ? "active" : "past_due";
    }

    /** Stops renewing; nothing is charged while paused. */
    @Transactional
    Subscription pause(String accountId, String id) {
        Subscription subscription = lock(accountId, id);
        subscription.require(Subscription.Change.PAUSE);
        // Nothing is charged while paused: not a charge at the gateway now (the pause waits for it, as a cancel does),
        // nor one that claims an invoice after it (InvoiceCharges reads the pause once it holds the invoice).
        invoices.requireNoCharge(accountId, id, null);
        subscriptions.setStatus(accountId, id, "paused", Timestamps.now(clock));
        record(accountId, EventType.SUBSCRIPTION_PAUSED, subscriptions.get(accountId, id), false);
        return subscriptions.get(accountId, id);
    }

    /**
     * Renews again: at the end of the current period if it is still running, otherwise a new period starts now and is
     * charged at once. It resumes as what it would be without the pause (trialing during its trial, past due while an
     * invoice is unpaid), and what it owes, held while paused, is retried at once.
     */
    @Transactional
    Subscription resume(String accountId, String id) {
        Subscription subscription = lock(accountId, id);
        subscription.require(Subscription.Change.RESUME);
        Instant now = Timestamps.now(clock);
        if (!subscription.currentPeriodEnd().isAfter(now)) {
            subscriptions.restartPeriods(accountId, subscription, now);
        }
        subscriptions.setStatus(accountId, id, runningStatus(accountId, subscriptions.get(accountId, id)), now);
        jobs.schedule(accountId, BillingJobs.Kind.SUBSCRIPTION_RENEWAL, id,
            subscriptions.get(accountId, id).currentPeriodEnd());
        for (Invoice owed : invoices.unpaidFor(accountId, id, null)) {
            jobs.schedule(accountId, BillingJobs.Kind.INVOICE_RETRY, owed.id(), now);
            if (!owed.overdue()) {
                // Not overdue while it was held (Notices.overdue): if its retries from now leave it unpaid, it is
                // overdue as long after the resume as a new invoice is after its due date.
                jobs.schedule(accountId, BillingJobs.Kind.INVOICE_OVERDUE, owed.id(),
                    now.plus(settings.invoiceOverdueAfter()));
            }
        }
        var resumed = subscriptions.get(accountId, id);
        events.record(accountId, EventType.SUBSCRIPTION_RESUMED, resumed.customerId(), Map.of("subscription",
            resumed, "customer", customers.get(accountId, resumed.customerId()), "resumed_from", "paused"));
        return subscriptions.get(accountId, id);
    }

    /**
     * Chooses which saved card pays this subscription; its unpaid invoices are retried at once with it, unless it is
     * the card that just failed on them. The card that pays it already changes nothing.
     */
    @Transactional
    Subscription changeCard(String accountId, String id, String cardId) {
        cards.holdWallet(accountId, subscriptions.get(accountId, id).customerId());
        Subscription subscription = lock(accountId, id);
        subscription.require(Subscription.Change.CHANGE_CARD);
        Instant now = Timestamps.now(clock);
        var card = payingCard(accountId, subscription.customerId(), cardId, "this subscription's customer", now);
        if (cardId.equals(subscription.cardId())) {
            // Already its card: nothing changes, so nothing is said (card.updated starts automations) nor retried.
            return subscription;
        }
        subscriptions.setCard(accountId, id, cardId, now);
        events.record(accountId, EventType.CARD_UPDATED, subscription.customerId(), Map.of("card", card,
            "subscription", subscriptions.get(accountId, id), "customer",
            customers.get(accountId, subscription.customerId())));
        recovery.retry(accountId, invoices.unpaidFor(accountId, id, null), now);
        return subscriptions.get(accountId, id);
    }

    /**
     * The saved card of {@code customerId} that is to pay from now on ({@code payment_method_id}). An expired card is
     * refused, as the portal refuses it (CardChoices.choose): every charge on it would be declined, and the seller
     * would learn it only at the next bill.
     */
    private Card payingCard(String accountId, String customerId, String cardId, String whose, Instant now) {
        var card = cards.findSaved(accountId, cardId)
            .filter(saved -> saved.customerId().equals(customerId))
            .orElseThrow(() -> TillException.invalid("payment_method_id", "not_found", "is not a saved card of "
                + whose));
        if (card.expiredAt(now)) {
            throw TillException.invalid("payment_method_id", "expired", "is " + card.name() + ", which expired "
                + card.expiry() + ": choose a card that has not expired");
        }
        return card;
    }

    /**
     * Chooses which saved card pays this plan; its unpaid installments are retried at once with it. The card that pays
     * it already changes nothing.
     */
    @Transactional
    PaymentPlan changePlanCard(String accountId, String id, String cardId) {
        cards.holdWallet(accountId, paymentPlans.get(accountId, id).customerId());
        PaymentPlan plan = paymentPlans.lockForUpdate(accountId, id);
        if (!List.of("active", "unpaid").contains(plan.status())) {
            // Paid off or ended meanwhile (its last installment paid while a page was open): nothing left to pay.
            throw new TillException(ErrorCode.INVALID_STATE, "A " + plan.status() + " payment plan has nothing left "
                + "to pay, so its card cannot be changed.");
        }
        Instant now = Timestamps.now(clock);
        var card = payingCard(accountId, plan.customerId(), cardId, "this plan's customer", now);
        if (cardId.equals(plan.cardId())) {
            return plan;
        }
        paymentPlans.setCard(accountId, id, cardId, now);
        events.record(accountId, EventType.CARD_UPDATED, plan.customerId(), Map.of("card", card, "payment_plan",
            paymentPlans.get(accountId, id), "customer", customers.get(accountId, plan.customerId())));
        recovery.retry(accountId, invoices.unpaidFor(accountId, null, id), now);
        return paymentPlans.get(accountId, id);
    }

    /**
     * Staff's changes to a plan: its status ({@code active} or {@code canceled}; the buyer cannot cancel a plan) and
     * the date of its next installment. A reactivated plan bills its next installment on its date, or at once when
     * that passed meanwhile.
     */
    @Transactional
    PaymentPlan updatePlan(String accountId, String id, String status, Instant nextBillAt) {
        PaymentPlan plan = paymentPlans.lockForUpdate(accountId, id);
        Instant now = Timestamps.now(clock);
        // Whatever the plan's status now: the same body is refused or taken the same way on every plan.
        if (status != null && !List.of("active", "canceled").contains(status)) {
            throw TillException.invalid("status", "invalid_value", "must be active or canceled");
        }
        if (status != null && !status.equals(plan.status())) {
            if (!plan.canBecome(status)) {
                throw new TillException(ErrorCode.INVALID_STATE, "A " + plan.status() + " payment plan cannot become "
                    + status + ".");
            }
            paymentPlans.setStatus(accountId, id, status, now);
            if (status.equals("canceled")) {
                unpaidVoids.voidUnpaid(accountId, null, id);
            } else {
                planInstallments.resume(accountId, id, now);
                // Active again with nothing left to bill (its last unpaid installment was written off): completed.
                planInstallments.completeIfBilledOut(accountId, id, now);
            }
        }
        if (nextBillAt != null) {
            if ((status != null ? status : plan.status()).equals("canceled")) {
                throw new TillException(ErrorCode.INVALID_STATE, "A canceled payment plan bills no next installment, "
                    + "so its date cannot be set: make it active again first.");
            }
            if (!nextBillAt.isAfter(now)) {
                throw TillException.invalid("next_bill_at", "out_of_range", "must be in the future");
            }
            if (nextBillAt.isAfter(now.plus(Duration.ofDays(3650)))) {
                throw TillException.invalid("next_bill_at", "out_of_range", "must be at most ten years ahead");
            }
            if (invoices.nextInstallment(accountId, plan) > plan.installments()) {
                throw TillException.invalid("next_bill_at", "nothing_to_bill", "cannot be set: every installment of "
                    + "this plan is paid or billed already; an unpaid installment is paid from its invoice, or voided "
                    + "to be billed again");
            }
            paymentPlans.setNextBill(accountId, id, nextBillAt, now);
            // With the reminders ahead of it, at their offsets from the new date (those of the old one say nothing).
            schedule.nextInstallment(accountId, plan, now, nextBillAt, invoices.nextInstallment(accountId, plan));
        }
        return paymentPlans.get(accountId, id);
    }

    private Subscription lock(String accountId, String id) {
        subscriptions.get(accountId, id);
        return subscriptions.lockForUpdate(accountId, id);
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
