package io.till.billing;

import io.till.customer.CardEvents;
import io.till.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
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
     * The announcements of a subscription's current period, at every notice the account wants, or only at {@code only}
     * when it is given: the renewal's (or, for a trial, the trial end's), or the fixed term's end in its last period;
     * each after the period began.
     */
    List<Notice> subscriptionNotices(String accountId, Subscription subscription, Duration only) {
        Instant end = subscription.currentPeriodEnd();
        EventType type;
        BillingJobs.Kind kind;
        Instant moment;
        if (subscription.endsAt() != null && !end.isBefore(subscription.endsAt())) {
            // The last period: it ends rather than renews, and subscription.ending_soon announces that.
            type = EventType.SUBSCRIPTION_ENDING_SOON;
            kind = BillingJobs.Kind.SUBSCRIPTION_ENDING_SOON;
            moment = subscription.endsAt();
        } else if (subscription.trialEnd() != null && subscription.trialEnd().equals(end)) {
            type = EventType.SUBSCRIPTION_TRIAL_ENDING;
            kind = BillingJobs.Kind.SUBSCRIPTION_TRIAL_ENDING;
            moment = end;
        } else {
            type = EventType.SUBSCRIPTION_RENEWAL_UPCOMING;
            kind = BillingJobs.Kind.SUBSCRIPTION_RENEWAL_UPCOMING;
            moment = end;
        }
        var planned = new ArrayList<Notice>();
        for (Duration offset : only == null ? notices.offsets(accountId, type) : List.of(only)) {
            Instant at = moment.minus(offset);
            if (at.isAfter(subscription.currentPeriodStart())) {
                planned.add(new Notice(kind, subscription.id(), at));
            }
        }
        return planned;
    }

    /** The next installment, and its notices. */
    void nextInstallment(String accountId, String planId, Instant previous, Instant next) {
        jobs.schedule(accountId, BillingJobs.Kind.PLAN_INSTALLMENT, planId, next);
        installmentNotices(accountId, planId, previous, next, null).forEach(notice -> schedule(accountId, notice));
    }

    /** The announcements of an installment due {@code next}, each after {@code previous}. */
    List<Notice> installmentNotices(String accountId, String planId, Instant previous, Instant next, Duration only) {
        var planned = new ArrayList<Notice>();
        for (Duration offset : only == null
            ? notices.offsets(accountId, EventType.PAYMENT_PLAN_PAYMENT_UPCOMING)
            : List.of(only)) {
            Instant at = next.minus(offset);
            if (at.isAfter(previous)) {
                planned.add(new Notice(BillingJobs.Kind.PLAN_PAYMENT_UPCOMING, planId, at));
            }
        }
        return planned;
    }

    @EventListener
    void cardSaved(CardEvents.Saved card) {
        Instant expires = expiry(card.expMonth(), card.expYear());
        Instant now = clock.instant();
        cardNotices(card.accountId(), card.cardId(), expires, now, null)
            .forEach(notice -> schedule(card.accountId(), notice));
        if (expires.isAfter(now)) {
            jobs.schedule(card.accountId(), BillingJobs.Kind.CARD_EXPIRED, card.cardId(), expires);
        }
    }

    /** The moment a card stops working: when its expiry month ends. */
    static Instant expiry(int month, int year) {
        return YearMonth.of(year, month).plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The announcements of a card's expiry, each still to come. */
    List<Notice> cardNotices(String accountId, String cardId, Instant expires, Instant now, Duration only) {
        var planned = new ArrayList<Notice>();
        for (Duration offset : only == null ? notices.offsets(accountId, EventType.CARD_EXPIRING) : List.of(only)) {
            Instant at = expires.minus(offset);
            if (at.isAfter(now)) {
                planned.add(new Notice(BillingJobs.Kind.CARD_EXPIRING, cardId, at));
            }
        }
        return planned;
    }

    private void schedule(String accountId, Notice notice) {
        jobs.schedule(accountId, notice.kind(), notice.subjectId(), notice.at());
    }
}
