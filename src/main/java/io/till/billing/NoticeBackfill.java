package io.till.billing;

import io.till.customer.Card;
import io.till.customer.Cards;
import io.till.event.EventType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * When an automation starts asking for an announcement {@code days_before} that the account did not make yet, puts it
 * on the agenda for every subscription, plan and card already there whose time for it is still to come (those made
 * afterwards get it as they are scheduled). The clock still checks, when the time comes, that it is wanted.
 */
@Component
public class NoticeBackfill {

    private final BillingSchedule schedule;
    private final BillingJobs jobs;
    private final Subscriptions subscriptions;
    private final Cards cards;
    private final Clock clock;
    private final UpcomingNotices notices;
    private final PaymentPlans paymentPlans;
    private final Invoices invoices;

    NoticeBackfill(BillingSchedule schedule, BillingJobs jobs, Subscriptions subscriptions, Cards cards, Clock clock,
        UpcomingNotices notices, PaymentPlans paymentPlans, Invoices invoices) {
        this.notices = notices;
        this.paymentPlans = paymentPlans;
        this.invoices = invoices;
        this.schedule = schedule;
        this.jobs = jobs;
        this.subscriptions = subscriptions;
        this.cards = cards;
        this.clock = clock;
    }

    /** Puts the announcements of {@code type} {@code days} ahead on the agenda; returns how many it added or kept. */
    @Transactional
    public int wanted(String accountId, EventType type, int days) {
        // Waits for the subscriptions, plans and cards being made now, which read the demand before this activation
        // commits, and holds back those that start until it has.
        notices.lockExclusively(accountId);
        Instant now = clock.instant();
        Duration offset = Duration.ofDays(days);
        var planned = new ArrayList<BillingSchedule.Notice>();
        switch (type) {
            case SUBSCRIPTION_RENEWAL_UPCOMING, SUBSCRIPTION_TRIAL_ENDING, SUBSCRIPTION_ENDING_SOON -> {
                BillingJobs.Kind kind = BillingJobs.Kind.valueOf(type.name());
                for (Subscription subscription : subscriptions.announced(accountId)) {
                    schedule.subscriptionNotices(accountId, subscription, offset).stream()
                        .filter(notice -> notice.kind() == kind && notice.at().isAfter(now))
                        .forEach(planned::add);
                }
            }
            case PAYMENT_PLAN_PAYMENT_UPCOMING -> {
                for (PaymentPlan plan : paymentPlans.announced(accountId)) {
                    if (plan.nextBillAt() != null && plan.nextBillAt().isAfter(now)) {
                        planned.addAll(schedule.installmentNotices(accountId, plan, now, plan.nextBillAt(),
                            invoices.nextInstallment(accountId, plan), offset));
                    }
                }
            }
            case CARD_EXPIRING -> {
                var month = YearMonth.from(now.atOffset(ZoneOffset.UTC));
                for (var card : cards.savedExpiringFrom(accountId, month.getYear(), month.getMonthValue())) {
                    planned.addAll(schedule.cardNotices(accountId, card.id(), Card.expiry(
                        card.expMonth(), card.expYear()), now, offset));
                }
            }
            default -> throw new IllegalArgumentException(type.type() + " is not announced ahead of time");
        }
        jobs.scheduleAll(accountId, planned);
        return planned.size();
    }
}
