package io.till.billing;

import io.till.customer.Card;
import io.till.customer.CardEvents;
import io.till.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Puts on the billing clock's agenda what a new subscription, plan or card will need, and when: the renewal or
 * installment itself, and its announcements ahead of time, one per notice the account wants ({@link UpcomingNotices}).
 */
@Component
class BillingSchedule {

    private final BillingJobs jobs;
    private final UpcomingNotices notices;
    private final java.time.Clock clock;

    BillingSchedule(BillingJobs jobs, UpcomingNotices notices, java.time.Clock clock) {
        this.jobs = jobs;
        this.notices = notices;
        this.clock = clock;
    }

    /** An announcement to put on the agenda. */
    record Notice(BillingJobs.Kind kind, String subjectId, Instant at) {}

    /** The renewal at the end of the current period, and the notices ahead of it. */
    void subscriptionPeriod(String accountId, Subscription subscription) {
        jobs.schedule(accountId, BillingJobs.Kind.SUBSCRIPTION_RENEWAL, subscription.id(),
            subscription.currentPeriodEnd());
        subscriptionNotices(accountId, subscription, null).forEach(notice -> schedule(accountId, notice));
    }

    /**
     * The announcements due during a subscription's current period, at every notice the account wants (or only at
     * {@code only}): those of its renewals ({@link #renewals}: the one ending the period and, for a notice longer than
     * what is left of it, the next one), of its trial's end, and of a fixed term's end; each after the period began.
     */
    List<Notice> subscriptionNotices(String accountId, Subscription subscription, Duration only) {
        Instant start = subscription.currentPeriodStart();
        Instant end = subscription.currentPeriodEnd();
        var planned = new ArrayList<Notice>();
        // A notice longer than the first period (a 7-day notice of a 3-day trial's end, of a weekly plan's first
        // renewal) had passed before it began: it is given late, once, as the period begins. Later periods hear theirs
        // in the period before; a backfill ({@code only}) adds no late ones.
        boolean late = only == null && firstPeriod(subscription);
        if (subscription.inTrial()) {
            for (Duration offset : offsets(accountId, EventType.SUBSCRIPTION_TRIAL_ENDING, only)) {
                Instant at = end.minus(offset);
                if (at.isAfter(start) || late && end.isAfter(start)) {
                    planned.add(new Notice(BillingJobs.Kind.SUBSCRIPTION_TRIAL_ENDING, subscription.id(), at.isAfter(
                        start) ? at : start));
                }
            }
        }
        var renewalOffsets = offsets(accountId, EventType.SUBSCRIPTION_RENEWAL_UPCOMING, only);
        var renewals = renewals(subscription, renewalOffsets);
        for (Duration offset : renewalOffsets) {
            for (Instant renewal : renewals) {
                Instant at = renewal.minus(offset);
                if (at.isAfter(start) && !at.isAfter(end)) {
                    planned.add(new Notice(BillingJobs.Kind.SUBSCRIPTION_RENEWAL_UPCOMING, subscription.id(), at));
                } else if (late && !at.isAfter(start) && renewal.equals(end)) {
                    planned.add(new Notice(BillingJobs.Kind.SUBSCRIPTION_RENEWAL_UPCOMING, subscription.id(), start));
                }
            }
        }
        if (subscription.endsAt() != null) {
            // A fixed term's end, announced as far ahead as asked: from whichever period that falls in.
            for (Duration offset : offsets(accountId, EventType.SUBSCRIPTION_ENDING_SOON, only)) {
                Instant at = subscription.endsAt().minus(offset);
                if (at.isAfter(start)) {
                    planned.add(new Notice(BillingJobs.Kind.SUBSCRIPTION_ENDING_SOON, subscription.id(), at));
                }
            }
        }
        return planned;
    }

    /** Whether the subscription is in its first period: a notice that had passed when it began was never given. */
    static boolean firstPeriod(Subscription subscription) {
        return subscription.currentPeriodStart().equals(subscription.createdAt());
    }

    /**
     * The renewals whose announcements, at any of these {@code offsets} ahead, can fall in the current period: the one at its
     * end (unless the period ends a trial, announced as trial_ending, or the fixed term) and those after it (while the
     * term lasts) as far as such a notice reaches back into this period: the next one for a notice longer than the
     * rest of the period (30 days before each renewal of a monthly plan, in a 28-day month), a week of them for the
     * 7-day notice of a daily one.
     */
    static List<Instant> renewals(Subscription subscription, List<Duration> offsets) {
        Duration longest = offsets.stream().max(Duration::compareTo).orElse(Duration.ZERO);
        Instant end = subscription.currentPeriodEnd();
        var renewals = new ArrayList<Instant>();
        if (!subscription.inTrial() && renews(subscription, end)) {
            renewals.add(end);
        }
        Instant next = end;
        // The next one at least, as before; a year of daily renewals at most (a notice is at most 366 days).
        for (int i = 0; i < 400; i++) {
            next = Periods.after(next, subscription.interval(), subscription.intervalCount(),
                subscription.periodAnchor());
            if (!renews(subscription, next) || i > 0 && next.minus(longest).isAfter(end)) {
                break;
            }
            renewals.add(next);
        }
        return renewals;
    }

    /** Whether the subscription renews at {@code at}, rather than ending there or before. */
    private static boolean renews(Subscription subscription, Instant at) {
        return subscription.endsAt() == null || at.isBefore(subscription.endsAt());
    }

    private List<Duration> offsets(String accountId, EventType type, Duration only) {
        return only == null ? notices.offsets(accountId, type) : List.of(only);
    }

    /** The next installment (number {@code number} of the plan, due {@code next}), and the notices ahead of it. */
    void nextInstallment(String accountId, PaymentPlan plan, Instant previous, Instant next, int number) {
        jobs.schedule(accountId, BillingJobs.Kind.PLAN_INSTALLMENT, plan.id(), next);
        installmentNotices(accountId, plan, previous, next, number, null).forEach(notice -> schedule(accountId,
            notice));
    }

    /**
     * The announcements due before the installment due {@code next} (number {@code number}): its own, after
     * {@code previous}, and, for a notice longer than an installment's interval, the following installment's that fall
     * before {@code next}.
     */
    List<Notice> installmentNotices(String accountId, PaymentPlan plan, Instant previous, Instant next, int number,
        Duration only) {
        var planned = new ArrayList<Notice>();
        Instant following = following(plan, next, number);
        for (Duration offset : offsets(accountId, EventType.PAYMENT_PLAN_PAYMENT_UPCOMING, only)) {
            Instant at = next.minus(offset);
            if (at.isAfter(previous)) {
                planned.add(new Notice(BillingJobs.Kind.PLAN_PAYMENT_UPCOMING, plan.id(), at));
            }
            if (following != null) {
                Instant ahead = following.minus(offset);
                if (ahead.isAfter(previous) && !ahead.isAfter(next)) {
                    planned.add(new Notice(BillingJobs.Kind.PLAN_PAYMENT_UPCOMING, plan.id(), ahead));
                }
            }
        }
        return planned;
    }

    /** When the installment after the one due {@code next} (number {@code number}) is due, or null when none is. */
    static Instant following(PaymentPlan plan, Instant next, int number) {
        return number < plan.installments()
            ? Periods.after(next, plan.interval(), plan.intervalCount(), plan.createdAt())
            : null;
    }

    @EventListener
    void cardSaved(CardEvents.Saved card) {
        Instant expires = Card.expiry(card.expMonth(), card.expYear());
        Instant now = card.savedAt();
        cardNotices(card.accountId(), card.cardId(), expires, now, null)
            .forEach(notice -> schedule(card.accountId(), notice));
        if (expires.isAfter(now)) {
            jobs.schedule(card.accountId(), BillingJobs.Kind.CARD_EXPIRED, card.cardId(), expires);
        }
    }

    /**
     * The announcements of a card's expiry, each still to come. A card saved {@code now} (no {@code only}) that expires
     * sooner than a notice is announced late, once, as it is saved: no one was told at that notice.
     */
    List<Notice> cardNotices(String accountId, String cardId, Instant expires, Instant now, Duration only) {
        var planned = new ArrayList<Notice>();
        for (Duration offset : offsets(accountId, EventType.CARD_EXPIRING, only)) {
            Instant at = expires.minus(offset);
            if (at.isAfter(now)) {
                planned.add(new Notice(BillingJobs.Kind.CARD_EXPIRING, cardId, at));
            } else if (only == null && expires.isAfter(now)) {
                planned.add(new Notice(BillingJobs.Kind.CARD_EXPIRING, cardId, now));
            }
        }
        return planned;
    }

    private void schedule(String accountId, Notice notice) {
        jobs.schedule(accountId, notice.kind(), notice.subjectId(), notice.at());
    }
}
