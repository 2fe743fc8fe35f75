package io.till.billing;

import io.till.customer.Customers;
import io.till.event.EventType;
import io.till.event.Events;
import java.time.Instant;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Puts a plan's next installment back on the billing clock's agenda when the plan runs again after its billing stopped:
 * staff reactivated it, an installment was voided, or the missed installment of an unpaid plan was paid. One rule for
 * all of them, so that an active plan that still owes an installment always has one coming.
 */
@Component
class PlanInstallments {

    private final PaymentPlans paymentPlans;
    private final Invoices invoices;
    private final BillingSchedule schedule;
    private final Events events;
    private final Customers customers;

    PlanInstallments(PaymentPlans paymentPlans, Invoices invoices, BillingSchedule schedule, Events events,
        Customers customers) {
        this.paymentPlans = paymentPlans;
        this.invoices = invoices;
        this.schedule = schedule;
        this.events = events;
        this.customers = customers;
    }

    /**
     * Completes an active plan that has nothing left to bill and owes nothing ({@code payment_plan.completed}): every
     * installment was paid but one that staff wrote off as uncollectible, which keeps its number and is never billed
     * again. Without this it stayed active for good, with no next bill date and nothing that could give it one.
     * Answers whether it completed it.
     */
    boolean completeIfBilledOut(String accountId, String planId, Instant now) {
        PaymentPlan plan = paymentPlans.lockForUpdate(accountId, planId);
        if (!plan.isActive() || invoices.nextInstallment(accountId, plan) <= plan.installments()
            || !invoices.unpaidFor(accountId, null, planId).isEmpty()) {
            return false;
        }
        paymentPlans.complete(accountId, planId, now);
        events.record(accountId, EventType.PAYMENT_PLAN_COMPLETED, plan.customerId(), Map.of("payment_plan",
            paymentPlans.get(accountId, planId), "customer", customers.get(accountId, plan.customerId())));
        return true;
    }

    /**
     * Schedules the next installment of an active plan that still has one to bill: on its next bill date, or now when
     * that has passed (a job that fell due while the plan was canceled or unpaid billed nothing). Like a resumed
     * subscription's new period, the schedule then runs on from now: the buyer is not charged twice in a row. A plan
     * whose last billed installment was voided has no next bill date; the installment comes one interval after it.
     */
    void resume(String accountId, String planId, Instant now) {
        PaymentPlan plan = paymentPlans.lockForUpdate(accountId, planId);
        if (!plan.isActive()) {
            return;
        }
        int number = invoices.nextInstallment(accountId, plan);
        if (number > plan.installments()) {
            return;
        }
        Instant due = plan.nextBillAt() != null
            ? plan.nextBillAt()
            : Periods.after(invoices.lastInstallmentDue(accountId, planId).orElse(plan.createdAt()),
                plan.interval(), plan.intervalCount(), plan.createdAt());
        Instant next = due.isAfter(now) ? due : now;
        if (!next.equals(plan.nextBillAt())) {
            paymentPlans.setNextBill(accountId, planId, next, now);
        }
        schedule.nextInstallment(accountId, plan, now, next, number);
    }
}
