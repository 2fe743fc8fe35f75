package io.till.customer;

import java.util.List;

/**
 * The figures a customer record shows (PRODUCT §7), computed by whoever keeps the billing records.
 *
 * @param lifetimeValue what the customer paid, less refunds and disputed payments, per currency
 * @param activeSubscriptions subscriptions billing now or paid up to a cancellation (not paused, not unpaid)
 * @param pausedSubscriptions subscriptions paused: not ended, billing nothing until they resume
 * @param missedPayments subscriptions and plans of theirs with an unpaid invoice whose charge failed (past due,
 *     unpaid, a plan retrying an installment, a paused subscription's arrears, a subscription's invoice written off as
 *     uncollectible, which is still owed)
 * @param disputed what the customer paid that their bank disputes (charged back), less what was refunded of it, per
 *     currency: taken back from the seller for now, so out of the lifetime value as a refund is, and shown apart as
 *     money at risk
 */
public record CustomerStats(
    long orderCount,
    List<Money> lifetimeValue,
    int activeSubscriptions,
    int activePaymentPlans,
    int missedPayments,
    int pausedSubscriptions,
    List<Money> disputed) {

    public record Money(long amount, String currency) {}

    /** Computes the stats of one customer. */
    public interface Source {
        CustomerStats of(String accountId, String customerId);
    }
}
