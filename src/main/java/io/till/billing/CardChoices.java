package io.till.billing;

import io.till.catalog.Product;
import io.till.catalog.ProductOption;
import io.till.catalog.Products;
import io.till.customer.Cards;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The buyer's side of paying with saved cards (PRODUCT.md §6, seed 003 "Updating Card Information"): what each
 * subscription and plan owes and which card pays it, and the choice of a card for ONE of them, which never changes the
 * others. A choice that leaves an unpaid balance to retry runs that retry within the request, as the billing clock's
 * own job under the clock's lease, so that the buyer learns the outcome at once and the clock never charges again.
 * Everything is scoped to one customer: another customer's subscription or plan is not found.
 */
@Component
public class CardChoices {

    public enum Kind {
        SUBSCRIPTION,
        PAYMENT_PLAN
    }

    /**
     * A subscription or plan a card still pays, with what it owes now.
     *
     * @param cardId the card that pays it now (its own, else the customer's default; null when there is none)
     * @param unpaid what its unpaid invoices still owe, in minor units of {@code currency}
     * @param declineReason why the last attempt at an unpaid invoice failed, as the processor said; null if none did
     * @param endsAt when a canceling subscription ends (its period's end); null for one that goes on, and for plans
     * @param dueOnceSettled what is charged right after the unpaid balance is paid, 0 when nothing is: the renewal or
     *     installment that fell due while it was unpaid, billed at once when it is back in good standing
     *     (InvoiceOutcomes), so that a buyer paying what is owed is told of the charge that follows
     * @param dueSince when that renewal or installment fell due; null when nothing follows
     */
    public record Billed(Kind kind, String id, String productName, String optionName, String status, long amount,
        String currency, String interval, int intervalCount, Instant nextBillAt, String cardId, long unpaid,
        String declineReason, Instant endsAt, long dueOnceSettled, Instant dueSince) {}

    /** What choosing a card did to the unpaid balance of the subscription or plan. */
    public sealed interface Outcome {

        /** Nothing was owed: the card pays from the next bill on. */
        record NothingDue() implements Outcome {}

        /** The unpaid balance ({@code amount} minor units, 0 when not known) is paid. */
        record Paid(long amount, String currency) implements Outcome {}

        /** The balance is still owed; {@code reason} is the processor's. */
        record Declined(String reason) implements Outcome {}

        /** The attempt is being made elsewhere (the billing clock holds it): ask again in a moment. */
        record Trying() implements Outcome {}

        /** The subscription is paused: what it owes is charged when it resumes, not now. */
        record Held() implements Outcome {}
    }

    private final Subscriptions subscriptions;
    private final PaymentPlans paymentPlans;
    private final Invoices invoices;
    private final Payments payments;
    private final InvoiceCharges charges;
    private final SubscriptionActions actions;
    private final BillingJobs jobs;
    private final BillingClock billingClock;
    private final Products products;
    private final Cards cards;
    private final Clock clock;

    CardChoices(Subscriptions subscriptions, PaymentPlans paymentPlans, Invoices invoices, Payments payments,
        InvoiceCharges charges, SubscriptionActions actions, BillingJobs jobs, BillingClock billingClock,
        Products products, Cards cards, Clock clock) {
        this.subscriptions = subscriptions;
        this.paymentPlans = paymentPlans;
        this.invoices = invoices;
        this.payments = payments;
        this.charges = charges;
        this.actions = actions;
        this.jobs = jobs;
        this.billingClock = billingClock;
        this.products = products;
        this.cards = cards;
        this.clock = clock;
    }

    /** The customer's subscriptions (not canceled) and plans (active or unpaid), oldest first. */
    public List<Billed> billed(String accountId, String customerId) {
        var all = new ArrayList<Billed>();
        for (Subscription subscription : subscriptions.stillBilled(accountId, customerId)) {
            all.add(billed(accountId, subscription));
        }
        for (PaymentPlan plan : paymentPlans.stillBilled(accountId, customerId)) {
            all.add(billed(accountId, plan));
        }
        return all;
    }

    /** One of the customer's subscriptions or plans a card still pays; anything else is not found. */
    public Billed billed(String accountId, String customerId, Kind kind, String id) {
        return switch (kind) {
            case SUBSCRIPTION -> subscriptions.stillBilled(accountId, customerId)
                .stream()
                .filter(subscription -> subscription.id().equals(id))
                .findFirst()
                .map(subscription -> billed(accountId, subscription))
                .orElseThrow(() -> TillException.notFound("subscription", id));
            case PAYMENT_PLAN -> paymentPlans.stillBilled(accountId, customerId)
                .stream()
                .filter(plan -> plan.id().equals(id))
                .findFirst()
                .map(plan -> billed(accountId, plan))
                .orElseThrow(() -> TillException.notFound("payment plan", id));
        };
    }

    /**
     * The customer's subscription or plan as {@link #billed} has it, whatever its status: one that a choice just paid
     * off for good (a plan's last instalment) is no longer billed, and its outcome is still to be told.
     */
    public Billed billedEver(String accountId, String customerId, Kind kind, String id) {
        return switch (kind) {
            case SUBSCRIPTION -> billed(accountId, subscriptions.getForCustomer(accountId, customerId, id));
            case PAYMENT_PLAN -> billed(accountId, paymentPlans.getForCustomer(accountId, customerId, id));
        };
    }

    /**
     * Makes {@code cardId} (a saved card of the customer) pay this one subscription or plan ({@code card.updated});
     * its unpaid invoices are then retried with it at once, unless it is the card that just failed on them. An expired
     * card is refused: every charge on it would be declined, and the buyer would learn it only at the next bill.
     */
    public Outcome choose(String accountId, String customerId, Kind kind, String id, String cardId, String by) {
        Billed before = billed(accountId, customerId, kind, id);
        var expired = cards.findSaved(accountId, cardId)
            .filter(card -> card.customerId().equals(customerId))
            .filter(card -> card.expiredAt(Timestamps.now(clock)));
        if (expired.isPresent()) {
            throw new TillException(ErrorCode.INVALID_STATE, expired.get().name() + " expired "
                + expired.get().expiry() + ", so it cannot pay anything. Choose another card, or add a new one.");
        }
        switch (kind) {
            case SUBSCRIPTION -> actions.changeCard(accountId, id, cardId);
            case PAYMENT_PLAN -> actions.changePlanCard(accountId, id, cardId);
        }
        cards.adoptIfDefaultIdle(accountId, customerId, cardId);
        return chargeOwed(accountId, customerId, kind, id, before.unpaid(), by);
    }

    /**
     * Once a card was chosen for this subscription or plan (its retries scheduled now, unless it is the card that just
     * failed): runs those retries here and says where what it owed ({@code wasDue}) stands. {@code by} is who chose
     * the card ("the customer, in the portal", a staff member's email), which the invoice's page says of the charge.
     */
    public Outcome chargeOwed(String accountId, String customerId, Kind kind, String id, long wasDue, String by) {
        if (wasDue == 0) {
            return new Outcome.NothingDue();
        }
        Instant since = Timestamps.now(clock);
        for (Invoice invoice : unpaid(accountId, kind, id)) {
            billingClock.runDueNow(BillingJobs.Kind.INVOICE_RETRY, invoice.id(), ChargedBy.cardChange(by));
        }
        return outcome(accountId, customerId, kind, id, wasDue, since);
    }

    /**
     * Where the balance of this subscription or plan stands after a card was chosen for it.
     *
     * @param wasDue what it owed before, shown with {@link Outcome.Paid}
     * @param since when the card was chosen: nothing owed any more is {@link Outcome.Paid} only when a payment for it
     *     succeeded since, else (its invoices voided, written off or paid with credit meanwhile) nothing is due
     */
    public Outcome outcome(String accountId, String customerId, Kind kind, String id, long wasDue, Instant since) {
        // Not only what is still billed: paying a plan's last installment completes it, paying a canceling
        // subscription's last invoice may end it.
        Billed now = switch (kind) {
            case SUBSCRIPTION -> Optional.of(subscriptions.get(accountId, id))
                .filter(subscription -> subscription.customerId().equals(customerId))
                .map(subscription -> billed(accountId, subscription))
                .orElseThrow(() -> TillException.notFound("subscription", id));
            case PAYMENT_PLAN -> Optional.of(paymentPlans.get(accountId, id))
                .filter(plan -> plan.customerId().equals(customerId))
                .map(plan -> billed(accountId, plan))
                .orElseThrow(() -> TillException.notFound("payment plan", id));
        };
        if (now.unpaid() == 0) {
            return paidSince(accountId, kind, id, since)
                ? new Outcome.Paid(wasDue, now.currency())
                : new Outcome.NothingDue();
        }
        if (now.status().equals("paused")) {
            return new Outcome.Held();
        }
        Instant instant = Timestamps.now(clock);
        for (Invoice invoice : unpaid(accountId, kind, id)) {
            if (jobs.isDue(accountId, BillingJobs.Kind.INVOICE_RETRY, invoice.id(), instant)) {
                return new Outcome.Trying();
            }
        }
        // Read after the jobs: a charge that ended between the first read and the jobs' (another tab's, paid, its job
        // done) left no retry due, and its payment is there now. Told "declined", the buyer would pay again.
        if (paidSince(accountId, kind, id, since)) {
            return new Outcome.Paid(wasDue, now.currency());
        }
        return new Outcome.Declined(now.declineReason() == null ? "The card was declined." : now.declineReason());
    }

    /** Whether a payment of an invoice of this subscription or plan succeeded at or after {@code since}. */
    private boolean paidSince(String accountId, Kind kind, String id, Instant since) {
        return kind == Kind.SUBSCRIPTION
            ? payments.succeededSince(accountId, id, null, since)
            : payments.succeededSince(accountId, null, id, since);
    }

    /**
     * Whether the last attempt at every unpaid invoice of this subscription or plan failed with {@code cardId}:
     * choosing that card again retries none of them (a new card, or one that has not failed on them, is tried at once).
     */
    public boolean justFailedWith(String accountId, String customerId, Kind kind, String id, String cardId) {
        return justFailedAt(accountId, customerId, kind, id, cardId).isPresent();
    }

    /** As {@link #justFailedWith}, answering when the latest of those failed attempts was made. */
    public Optional<Instant> justFailedAt(String accountId, String customerId, Kind kind, String id,
        String cardId) {
        billed(accountId, customerId, kind, id);
        var unpaid = unpaid(accountId, kind, id);
        var failed = unpaid.stream()
            .map(invoice -> payments.latestFor(accountId, invoice.id())
                .filter(payment -> payment.status().equals("failed") && cardId.equals(payment.cardId())))
            .toList();
        if (failed.isEmpty() || failed.stream().anyMatch(Optional::isEmpty)) {
            return Optional.empty();
        }
        return failed.stream().map(payment -> payment.get().createdAt()).max(java.util.Comparator.naturalOrder());
    }

    private List<Invoice> unpaid(String accountId, Kind kind, String id) {
        return kind == Kind.SUBSCRIPTION
            ? invoices.unpaidFor(accountId, id, null)
            : invoices.unpaidFor(accountId, null, id);
    }

    private Billed billed(String accountId, Subscription subscription) {
        var names = names(accountId, subscription.productId(), subscription.optionId());
        var unpaid = invoices.unpaidFor(accountId, subscription.id(), null);
        // InvoiceOutcomes.settled: a period that ended while it was owing starts anew, billed at once, once paid.
        boolean follows = !unpaid.isEmpty() && List.of("past_due", "unpaid").contains(subscription.status())
            && !subscription.currentPeriodEnd().isAfter(Timestamps.now(clock)) && (subscription.endsAt() == null
                || subscription.currentPeriodEnd().isBefore(subscription.endsAt()));
        return new Billed(Kind.SUBSCRIPTION, subscription.id(), names.product(), names.option(),
            subscription.status(), subscription.amount(), subscription.currency(), subscription.interval(),
            subscription.intervalCount(), subscription.nextBill(), charges.payingCard(accountId,
                subscription.customerId(), subscription.cardId()),
            owed(unpaid), declineReason(accountId, unpaid), subscription.status().equals("canceling")
                ? subscription.currentPeriodEnd()
                : null,
            follows ? subscription.amount() : 0, follows ? subscription.currentPeriodEnd() : null);
    }

    private Billed billed(String accountId, PaymentPlan plan) {
        var names = names(accountId, plan.productId(), plan.optionId());
        var unpaid = invoices.unpaidFor(accountId, null, plan.id());
        // InvoiceOutcomes: an installment that fell due while the plan was unpaid is billed once it is paid up.
        boolean follows = !unpaid.isEmpty() && plan.status().equals("unpaid") && plan.nextBillAt() != null
            && !plan.nextBillAt().isAfter(Timestamps.now(clock)) && plan.installmentsPaid() + unpaid.size() < plan
                .installments();
        // Only an active plan bills on its date (Renewals.chargeInstallment): an unpaid one bills nothing on its own,
        // as an unpaid subscription renews nothing; what follows once it is paid up is said apart.
        return new Billed(Kind.PAYMENT_PLAN, plan.id(), names.product(), names.option(), plan.status(),
            plan.installmentAmount(), plan.currency(), plan.interval(), plan.intervalCount(), plan.isActive()
                ? plan.nextBillAt()
                : null,
            charges.payingCard(accountId, plan.customerId(), plan.cardId()), owed(unpaid),
            declineReason(accountId, unpaid), null, follows ? plan.installmentAmount() : 0, follows
                ? plan.nextBillAt()
                : null);
    }

    /** The next renewal, while the subscription still renews. */
    private record Names(String product, String option) {}

    private Names names(String accountId, String productId, String optionId) {
        String product = products.find(accountId, productId).map(Product::name).orElse("Subscription");
        String option = products.option(accountId, optionId).map(ProductOption::name).orElse(null);
        return new Names(product, option);
    }

    private static long owed(List<Invoice> unpaid) {
        return unpaid.stream().mapToLong(invoice -> invoice.amountDue() - invoice.amountCredited()).sum();
    }

    private String declineReason(String accountId, List<Invoice> unpaid) {
        return unpaid.stream()
            .map(invoice -> payments.latestFor(accountId, invoice.id()))
            .flatMap(java.util.Optional::stream)
            .filter(payment -> payment.status().equals("failed"))
            .map(Payment::failureMessage)
            .filter(java.util.Objects::nonNull)
            .findFirst()
            .orElse(null);
    }
}
