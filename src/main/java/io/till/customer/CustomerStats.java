package io.till.customer;

import java.util.List;

/**
 * The figures a customer record shows (PRODUCT §7), computed by whoever keeps the billing records.
 *
 * @param lifetimeValue what the customer paid, less refunds, per currency
 * @param activeSubscriptions subscriptions billing now or paid up to a cancellation (not paused, not unpaid)
 * @param pausedSubscriptions subscriptions paused: not ended, billing nothing until they resume
 * @param missedPayments subscriptions and plans of theirs with an unpaid invoice whose charge failed (past due,
 *     unpaid, a plan retrying an installment, a paused subscription's arrears)
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
