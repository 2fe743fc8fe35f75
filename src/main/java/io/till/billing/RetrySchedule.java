package io.till.billing;

import java.time.Duration;
import java.util.List;

/**
 * When a failed payment is tried again, each retry counted from the invoice's first attempt; after the last one the
 * subscription or plan is unpaid. The seeds' schedule is 1, 3 and 5 days.
 */
record RetrySchedule(List<Duration> subscriptions, List<Duration> paymentPlans) {

    RetrySchedule {
        subscriptions = List.copyOf(subscriptions);
        paymentPlans = List.copyOf(paymentPlans);
    }

    List<Duration> of(boolean forSubscription) {
        return forSubscription ? subscriptions : paymentPlans;
    }
}
