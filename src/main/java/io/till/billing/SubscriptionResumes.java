package io.till.billing;

import org.springframework.stereotype.Component;

/**
 * Resuming a subscription, as the API and the dashboard do it: the resume is written, then what it made due is done at
 * once rather than at the billing clock's next tick (what it owes retried, a new period charged when the last one
 * ended while it was paused), so the answer, and the page the staff member lands on, show the charge and the new
 * period instead of the state before them.
 */
@Component
class SubscriptionResumes {

    private final SubscriptionActions actions;
    private final BillingClock billingClock;
    private final Invoices invoices;
    private final Subscriptions subscriptions;

    SubscriptionResumes(SubscriptionActions actions, BillingClock billingClock, Invoices invoices,
        Subscriptions subscriptions) {
        this.actions = actions;
        this.billingClock = billingClock;
        this.invoices = invoices;
        this.subscriptions = subscriptions;
    }

    Subscription resume(String accountId, String id) {
        actions.resume(accountId, id);
        // Committed: the jobs it scheduled for now are done here, as the clock would do them (arrears first).
        for (Invoice owed : invoices.unpaidFor(accountId, id, null)) {
            billingClock.runDueNow(BillingJobs.Kind.INVOICE_RETRY, owed.id());
        }
        billingClock.runDueNow(BillingJobs.Kind.SUBSCRIPTION_RENEWAL, id);
        return subscriptions.get(accountId, id);
    }
}
