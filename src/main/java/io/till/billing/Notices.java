package io.till.billing;

import io.till.customer.Card;
import io.till.customer.Cards;
import io.till.customer.Customers;
import io.till.event.EventType;
import io.till.event.Events;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Duration;
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
    private final UpcomingNotices upcoming;
    private final Clock clock;

    Notices(Subscriptions subscriptions, PaymentPlans paymentPlans, Invoices invoices, Cards cards,
        Customers customers, Events events, UpcomingNotices upcoming, Clock clock) {
        this.clock = clock;
        this.subscriptions = subscriptions;
        this.paymentPlans = paymentPlans;
        this.invoices = invoices;
        this.cards = cards;
        this.customers = customers;
        this.events = events;
        this.upcoming = upcoming;
    }

    /**
     * A renewal announced {@code at}: of the renewal at the end of the current period, or of the next one for a notice
     * longer than the period; {@code renews_at} in the event says which.
     */
    @Transactional
    void renewalUpcoming(String accountId, String subscriptionId, Instant at) {
        Subscription subscription = subscriptions.get(accountId, subscriptionId);
        if (!List.of("active", "past_due", "trialing").contains(subscription.status())) {
            return;
        }
        heard(accountId, EventType.SUBSCRIPTION_RENEWAL_UPCOMING, at, BillingSchedule.renewals(subscription,
            upcoming.offsets(accountId, EventType.SUBSCRIPTION_RENEWAL_UPCOMING)), opened(subscription))
            .forEach(renewal -> events.record(accountId, EventType.SUBSCRIPTION_RENEWAL_UPCOMING,
                subscription.customerId(), Map.of("subscription", subscription, "customer", customers.get(accountId,
                    subscription.customerId()), "days_before", renewal.daysBefore(), "renews_at", renewal.moment(),
                    LATE, renewal.late())));
    }

    /** When a subscription's late notices are given: as its first period begins (none later). */
    private static Instant opened(Subscription subscription) {
        return BillingSchedule.firstPeriod(subscription) ? subscription.currentPeriodStart() : null;
    }

    @Transactional
    void endingSoon(String accountId, String subscriptionId, Instant at) {
        Subscription subscription = subscriptions.get(accountId, subscriptionId);
        if (List.of("active", "past_due", "trialing").contains(subscription.status())
            && subscription.endsAt() != null) {
            announce(accountId, EventType.SUBSCRIPTION_ENDING_SOON, subscription, subscription.endsAt(), at);
        }
    }

    @Transactional
    void trialEnding(String accountId, String subscriptionId, Instant at) {
        Subscription subscription = subscriptions.get(accountId, subscriptionId);
        if (subscription.status().equals("trialing") && subscription.trialEnd() != null) {
            heard(accountId, EventType.SUBSCRIPTION_TRIAL_ENDING, at, List.of(subscription.trialEnd()), opened(
                subscription)).forEach(
                    announced -> events.record(accountId, EventType.SUBSCRIPTION_TRIAL_ENDING,
                        subscription.customerId(), Map.of("subscription", subscription, "customer", customers.get(
                            accountId, subscription.customerId()), "days_before", announced.daysBefore(), LATE,
                            announced.late())));
        }
    }

    /**
     * Raises a subscription's announcement made {@code at}, if its moment is still that far ahead and the account
     * still wants a notice that far ahead (the standard one, or an automation's days_before).
     */
    private void announce(String accountId, EventType type, Subscription subscription, Instant moment, Instant at) {
        wanted(accountId, type, at, List.of(moment)).forEach(announced -> events.record(accountId, type,
            subscription.customerId(), Map.of("subscription", subscription, "customer", customers.get(accountId,
                subscription.customerId()), "days_before", daysBefore(at, announced))));
    }

    /**
     * An installment announced {@code at}: the next one, or the one after it for a notice longer than an installment's
     * interval; {@code due_at} in the event says which.
     */
    @Transactional
    void paymentUpcoming(String accountId, String planId, Instant at) {
        PaymentPlan plan = paymentPlans.get(accountId, planId);
        if (!plan.status().equals("active") || plan.nextBillAt() == null) {
            return;
        }
        Instant following = BillingSchedule.following(plan, plan.nextBillAt(), invoices.nextInstallment(accountId,
            plan));
        wanted(accountId, EventType.PAYMENT_PLAN_PAYMENT_UPCOMING, at, following == null
            ? List.of(plan.nextBillAt())
            : List.of(plan.nextBillAt(), following))
            .forEach(due -> events.record(accountId, EventType.PAYMENT_PLAN_PAYMENT_UPCOMING, plan.customerId(),
                Map.of("payment_plan", plan, "customer", customers.get(accountId, plan.customerId()), "days_before",
                    daysBefore(at, due), "due_at", due)));
    }

    /**
     * An issued invoice past its due date by the overdue delay becomes overdue ({@code invoice.overdue}, which starts
     * dunning). Not one of a paused subscription: Till holds its charges meanwhile, and a buyer whose seller paused them
     * is not chased; resumed, it is overdue that long after the resume if still unpaid (SubscriptionActions.resume).
     */
    @Transactional
    void overdue(String accountId, String invoiceId) {
        Invoice invoice = invoices.lockForUpdate(accountId, invoiceId);
        boolean held = invoice.subscriptionId() != null
            && subscriptions.get(accountId, invoice.subscriptionId()).status().equals("paused");
        if (invoice.status().equals("issued") && !invoice.overdue() && !held) {
            invoices.markOverdue(accountId, invoiceId);
            events.record(accountId, EventType.INVOICE_OVERDUE, invoice.customerId(), Map.of("invoice",
                invoices.get(accountId, invoiceId), "customer", customers.get(accountId, invoice.customerId())));
        }
    }

    /** card.expired when it expired; card.expiring ahead of it, at each notice the account still wants. */
    @Transactional
    void cardExpiry(String accountId, String cardId, EventType type, Instant at) {
        cards.findSaved(accountId, cardId).ifPresent(card -> {
            if (type == EventType.CARD_EXPIRED) {
                events.record(accountId, type, card.customerId(), Map.of("card", card, "customer",
                    customers.get(accountId, card.customerId())));
                return;
            }
            heard(accountId, type, at, List.of(Card.expiry(card.expMonth(), card.expYear())), card.createdAt())
                .forEach(expires -> events.record(accountId, type, card.customerId(), Map.of("card", card,
                    "customer", customers.get(accountId, card.customerId()), "days_before", expires.daysBefore(),
                    LATE, expires.late())));
        });
    }

    /**
     * Which of these moments (a renewal, the one after it …) an announcement made {@code at} is about: each still ahead
     * by a notice the account wants (the standard one, or an automation's days_before), in order; two notices due at
     * one moment (2 days before a renewal, 30 before the one after it) are one job, and each is announced. None when
     * no moment is: its moment moved (a renewed period, a changed trial) or the automation that asked for it is gone.
     */
    private List<Instant> wanted(String accountId, EventType type, Instant at, List<Instant> moments) {
        return heard(accountId, type, at, moments, null).stream().map(Heard::moment).toList();
    }

    /**
     * What an announcement made {@code at} tells: the moment it is about, how many days ahead, and whether it is late
     * ({@code announced_late}): made as its window {@code opened} (a first period began, a card was saved) for every
     * wanted notice longer than that, which had passed by then. An automation on such a notice hears the late one.
     */
    record Heard(Instant moment, int daysBefore, boolean late) {}

    /** The data field that says an announcement is late: {@link Heard#late}. */
    static final String LATE = "announced_late";

    /**
     * As {@link #wanted}, and also late ({@link Heard}): made when the window {@code opened} (null: none is given late)
     * while a wanted notice is longer than what is left.
     */
    private List<Heard> heard(String accountId, EventType type, Instant at, List<Instant> moments, Instant opened) {
        List<Duration> offsets = upcoming.offsets(accountId, type);
        Instant now = Timestamps.now(clock);
        var heard = new java.util.ArrayList<Heard>();
        for (Instant moment : moments) {
            // Nor one that has come by the time the announcement is made (Till was down across both): "renews in 7
            // days" would arrive after the renewal.
            if (!moment.isAfter(at) || !moment.isAfter(now)) {
                continue;
            }
            Duration ahead = Duration.between(at, moment);
            // One late announcement at most, of the nearest moment, as the automations on the longer notices hear it.
            boolean late = heard.stream().noneMatch(Heard::late) && at.equals(opened)
                && offsets.stream().anyMatch(offset -> offset.compareTo(ahead) > 0);
            if (late || offsets.contains(ahead)) {
                heard.add(new Heard(moment, daysBefore(at, moment), late));
            }
        }
        return heard;
    }

    private static int daysBefore(Instant at, Instant moment) {
        return UpcomingNotices.daysBefore(Duration.between(at, moment));
    }
}
