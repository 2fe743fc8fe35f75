package io.till.billing;

import io.till.customer.CardEvents;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Puts on the billing clock's agenda what a new subscription, plan or card will need, and when. */
@Component
class BillingSchedule {

    /** card.expiring is announced this long before the card's expiry month ends. */
    static final Duration CARD_EXPIRY_NOTICE = Duration.ofDays(60);

    private final BillingJobs jobs;
    private final BillingSettings settings;
    private final java.time.Clock clock;

    BillingSchedule(BillingJobs jobs, BillingSettings settings, java.time.Clock clock) {
        this.jobs = jobs;
        this.settings = settings;
        this.clock = clock;
    }

    /** The renewal at the end of the current period, and the notices ahead of it. */
    void subscriptionPeriod(String accountId, Subscription subscription) {
        Instant end = subscription.currentPeriodEnd();
        jobs.schedule(accountId, BillingJobs.Kind.SUBSCRIPTION_RENEWAL, subscription.id(), end);
        if (subscription.endsAt() != null && !end.isBefore(subscription.endsAt())) {
            // The last period: it ends rather than renews, and subscription.ending_soon announces that.
            Instant endingSoon = subscription.endsAt().minus(settings.endingSoonNotice());
            if (endingSoon.isAfter(subscription.currentPeriodStart())) {
                jobs.schedule(accountId, BillingJobs.Kind.SUBSCRIPTION_ENDING_SOON, subscription.id(), endingSoon);
            }
            return;
        }
        Instant notice = end.minus(settings.upcomingNotice());
        if (subscription.trialEnd() != null && subscription.trialEnd().equals(end)) {
            if (notice.isAfter(subscription.currentPeriodStart())) {
                jobs.schedule(accountId, BillingJobs.Kind.SUBSCRIPTION_TRIAL_ENDING, subscription.id(), notice);
            }
        } else if (notice.isAfter(subscription.currentPeriodStart())) {
            jobs.schedule(accountId, BillingJobs.Kind.SUBSCRIPTION_RENEWAL_UPCOMING, subscription.id(), notice);
        }
    }

    /** The next installment, and its notice. */
    void nextInstallment(String accountId, String planId, Instant previous, Instant next) {
        jobs.schedule(accountId, BillingJobs.Kind.PLAN_INSTALLMENT, planId, next);
        Instant notice = next.minus(settings.upcomingNotice());
        if (notice.isAfter(previous)) {
            jobs.schedule(accountId, BillingJobs.Kind.PLAN_PAYMENT_UPCOMING, planId, notice);
        }
    }

    @EventListener
    void cardSaved(CardEvents.Saved card) {
        Instant expires = YearMonth.of(card.expYear(), card.expMonth()).plusMonths(1).atDay(1)
            .atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant now = clock.instant();
        if (expires.minus(CARD_EXPIRY_NOTICE).isAfter(now)) {
            jobs.schedule(card.accountId(), BillingJobs.Kind.CARD_EXPIRING, card.cardId(),
                expires.minus(CARD_EXPIRY_NOTICE));
        }
        if (expires.isAfter(now)) {
            jobs.schedule(card.accountId(), BillingJobs.Kind.CARD_EXPIRED, card.cardId(), expires);
        }
    }
}
