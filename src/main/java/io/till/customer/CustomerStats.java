package io.till.customer;

import java.util.List;

/**
 * The figures a customer record shows (PRODUCT §7), computed by whoever keeps the billing records.
 *
 * @param lifetimeValue what the customer paid, less refunds, per currency
 * @param activeSubscriptions subscriptions billing now or paid up to a cancellation (not paused, not unpaid)
 * @param pausedSubscriptions subscriptions paused: not ended, billing nothing until they resume
 * @param missedPayments subscriptions and plans of theirs that are behind on a payment (past due or unpaid)
 */
public record CustomerStats(
    long orderCount,
    List<Money> lifetimeValue,
    int activeSubscriptions,
    int activePaymentPlans,
    int missedPayments,
    int pausedSubscriptions) {

    public record Money(long amount, String currency) {}

    /** Computes the stats of one customer. */
    public interface Source {
        CustomerStats of(String accountId, String customerId);
    }
}
