package io.till.billing;

import io.till.customer.Cards;
import io.till.customer.Customer;
import io.till.customer.Customers;
import io.till.payment.CardDeclinedException;
import io.till.payment.Gateways;
import io.till.payment.PaymentGateway;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Collects an invoice: charges the card of its subscription or plan (the customer's default card otherwise) outside
 * any transaction, with the key {@code invoice:<id>:attempt:<n>}, then records the payment, and what follows from it
 * ({@link InvoiceOutcomes}). Running an attempt again (after a crash, on another node) charges nothing new: it asks
 * what it asked the first time, and the gateway answers with the first result. A charge whose answer was lost, and
 * that nobody runs again, is recorded from the gateway's word once its hold runs out ({@link InvoiceChargeSettlements}).
 */
@Component
class InvoiceCharges {

    static final String PAUSED = "The subscription is paused: nothing is charged until it resumes.";

    private final Invoices invoices;
    private final InvoiceChargeHolds holds;
    private final Subscriptions subscriptions;
    private final PaymentPlans paymentPlans;
    private final Payments payments;
    private final Customers customers;
    private final Cards cards;
    private final Gateways gateways;
    private final InvoiceOutcomes outcomes;
    private final BillingJobs jobs;
    private final TransactionTemplate transaction;
    private final Clock clock;

    InvoiceCharges(Invoices invoices, InvoiceChargeHolds holds, Subscriptions subscriptions, PaymentPlans paymentPlans,
        Payments payments,
        Customers customers, Cards cards, Gateways gateways, InvoiceOutcomes outcomes, BillingJobs jobs,
        TransactionTemplate transaction, Clock clock) {
        this.invoices = invoices;
        this.holds = holds;
        this.subscriptions = subscriptions;
        this.paymentPlans = paymentPlans;
        this.payments = payments;
        this.customers = customers;
        this.cards = cards;
        this.gateways = gateways;
        this.outcomes = outcomes;
        this.jobs = jobs;
        this.transaction = transaction;
        this.clock = clock;
    }

    /**
     * Makes attempt number {@code attempt} at collecting the invoice, unless it is paid already, or its subscription is
     * paused: nothing is charged while paused, and resuming retries what is owed ({@link SubscriptionActions}).
     */
    void attempt(String accountId, String invoiceId, int attempt) {
        attempt(accountId, invoiceId, attempt, null);
    }

    /** As {@link #attempt(String, String, int)}; {@code chargedBy} (see {@link ChargedBy}) is kept with the charge. */
    void attempt(String accountId, String invoiceId, int attempt, String chargedBy) {
        Invoice invoice = invoices.get(accountId, invoiceId);
        if (!invoice.status().equals("issued") || paused(accountId, invoice)) {
            return;
        }
        charge(accountId, invoice, attempt, cardFor(accountId, invoice), true, chargedBy);
    }

    /** Whether the invoice belongs to a paused subscription, whose invoices wait for it to resume. */
    boolean paused(String accountId, Invoice invoice) {
        return invoice.subscriptionId() != null
            && subscriptions.get(accountId, invoice.subscriptionId()).status().equals("paused");
    }

    /**
     * Staff's "charge now": the invoice's next attempt, with {@code paymentMethodId} (a saved card of its customer) or
     * the card that pays it. It counts as an attempt of the dunning schedule, and its gateway key is that attempt's, so
     * a double click charges once: both clicks make the same attempt, and the gateway answers the second with the
     * first's result. {@code by} is who asked (a staff member's email, or "the API"), kept with the payment.
     */
    Invoice payNow(String accountId, String invoiceId, String paymentMethodId, String by) {
        // The attempt is read before the invoice: a click that finds the invoice still issued then makes the attempt
        // another click may be making, with the same key. Read after it, a count already raised by a click that has
        // paid the invoice meanwhile would make a new attempt, with a new key: a second charge.
        int attempt = invoices.scheduleAttempts(accountId, invoiceId) + 1;
        Invoice invoice = invoices.get(accountId, invoiceId).requireIssued("pay");
        if (paused(accountId, invoice)) {
            throw new TillException(ErrorCode.INVALID_STATE, PAUSED + " Resume it to charge this invoice.");
        }
        String cardId = paymentMethodId == null
            ? cardFor(accountId, invoice)
            : cards.findSaved(accountId, paymentMethodId)
                .filter(card -> card.customerId().equals(invoice.customerId()))
                .orElseThrow(() -> TillException.invalid("payment_method_id", "not_found",
                    "is not a saved card of this invoice's customer"))
                .id();
        var payment = charge(accountId, invoice, attempt, cardId, false, by);
        if (payment.isPresent() && payment.get().status().equals("failed")) {
            String code = payment.get().failureCode() == null ? "card_declined" : payment.get().failureCode();
            String message = payment.get().failureMessage() == null
                ? "The card was declined."
                : payment.get().failureMessage();
            throw new CardDeclinedException("payment_method_id", code, message, Map.of("invoice_id", invoiceId,
                "payment_id", payment.get().id()));
        }
        Invoice after = invoices.get(accountId, invoiceId);
        if (payment.isEmpty() && !after.status().equals("paid")) {
            // Voided, or its subscription paused, while this click waited for another charge to end: nothing was
            // charged, and 200 would say paid.
            after.requireIssued("pay");
            if (paused(accountId, after)) {
                throw new TillException(ErrorCode.INVALID_STATE, PAUSED + " Resume it to charge this invoice.");
            }
        }
        return after;
    }

    /**
     * Settles the invoice at once when credit covers all of it (PRODUCT.md §2, credits): paid, {@code invoice.paid},
     * and its subscription or plan back in good standing, without waiting for the next attempt.
     */
    void settleIfCovered(String accountId, String invoiceId) {
        Invoice invoice = invoices.get(accountId, invoiceId);
        if (invoice.status().equals("issued") && invoice.amountDue() == invoice.amountCredited()) {
            transaction.executeWithoutResult(status -> settleWithoutCharge(accountId, invoiceId));
        }
    }

    /**
     * Charges what is left of the invoice (or settles it when credit covers it all) as attempt {@code attempt}, with
     * the key {@code invoice:<id>:attempt:<n>}; answers the payment recorded for that attempt, if a charge was made.
     * {@code by} is who asked for it on demand, null for the billing schedule. With {@code ownCard} (the schedule's
     * attempts), an attempt under way on another card than {@code cardId} is waited for, and this becomes the next
     * attempt, on its own card: a card chosen while a charge was at the gateway is tried, never swallowed by that
     * charge's answer. Without it (pay now), a second click answers the first one's charge, whichever card it chose.
     */
    private Optional<Payment> charge(String accountId, Invoice stale, int attempt, String cardId, boolean ownCard,
        String by) {
        String key = ChargeKeys.attempt(stale.id(), attempt);
        Instant now = Timestamps.now(clock);
        if (!holds.claim(accountId, stale.id(), key, now, now.plus(CHARGE_HOLD))) {
            throw new ChargeInProgress();
        }
        // A charge resumed under its key whose first request went to the gateway: its hold stays until that is
        // recorded.
        var earlier = holds.asked(accountId, stale.id()).filter(asked -> asked.key().equals(key));
        boolean atGateway = earlier.isPresent();
        try {
            // Read again now that no other charge can be under way: one that just ended may have paid it.
            Invoice invoice = invoices.get(accountId, stale.id());
            var made = payments.findByKey(accountId, key);
            if (!invoice.status().equals("issued") || made.isPresent()) {
                // Paid meanwhile, or this very attempt was made (a second click that read the attempt count before
                // the first one's record): its outcome is the answer, and the gateway is not asked again, perhaps for
                // another amount under the same key.
                return made;
            }
            if (earlier.isEmpty() && paused(accountId, invoice)) {
                // Paused after the caller looked, before this claim (the pause holds the invoices against charges while
                // it is written, so it is seen here): nothing is charged while paused.
                return Optional.empty();
            }
            long toCharge = invoice.amountDue() - invoice.amountCredited();
            if (toCharge == 0) {
                // Paid in full by credits: nothing to charge.
                transaction.executeWithoutResult(status -> settleWithoutCharge(accountId, invoice.id()));
                return Optional.empty();
            }
            atGateway = true;
            return chargeClaimed(accountId, invoice, attempt, cardId, ownCard, key, toCharge, by, earlier);
        } finally {
            if (!atGateway) {
                holds.release(accountId, stale.id(), key);
            }
        }
    }

    /**
     * The gateway's part of {@link #charge}, the invoice claimed for {@code key}: the claim is let go with the record
     * of the outcome, and kept should the gateway or the record fail, the outcome then unknown, until it is recorded
     * from the gateway's word ({@link InvoiceChargeSettlements}). A charge resumed under its key, or a second click of
     * the same attempt, asks exactly what the key asked the first time ({@code earlier}, read as it claimed the
     * invoice, or what {@link #asking} answers): one request, whatever card each caller had in mind.
     */
    private Optional<Payment> chargeClaimed(String accountId, Invoice invoice, int attempt, String cardId,
        boolean ownCard, String key, long toCharge, String by, Optional<InvoiceChargeHolds.Asked> earlier) {
        if (ownCard && earlier.isPresent() && !earlier.get().cardId().equals(cardId)) {
            throw new ChargeInProgress();
        }
        PaymentGateway gateway = gateways.forAccount(accountId);
        if (earlier.isPresent()) {
            var made = madeBefore(gateway, accountId, key);
            if (made.isPresent()) {
                transaction.executeWithoutResult(status -> {
                    recordFound(accountId, invoice.id(), earlier.get(), gateway, made.get());
                    holds.release(accountId, invoice.id(), key);
                });
                return payments.findByKey(accountId, key);
            }
        }
        String wanted = earlier.map(InvoiceChargeHolds.Asked::cardId).orElse(cardId);
        var wantedReference = wanted == null
            ? Optional.<String>empty()
            : cards.gatewayReference(accountId, invoice.customerId(), wanted);
        if (wantedReference.isEmpty() && earlier.isPresent()) {
            // The card it was first asked with is gone: what the gateway did with it is recorded from its word.
            throw new ChargeInProgress();
        }
        var refused = earlier.isEmpty()
            ? gateway.chargeRefusal(toCharge, invoice.currency())
            : Optional.<String>empty();
        if (wantedReference.isEmpty() || refused.isPresent()) {
            // Declined here, as the gateway would decline it: recorded as the attempt, so that the seller sees why and
            // the invoice follows its dunning rather than being asked for again and again.
            var declined = refused.isPresent()
                ? new PaymentGateway.ChargeResult.Declined(null, AMOUNT_NOT_SUPPORTED, refused.get(), true)
                : new PaymentGateway.ChargeResult.Declined(null, "no_card", "The customer has no card to charge.",
                    true);
            transaction.executeWithoutResult(status -> {
                record(accountId, invoice.id(), attempt, wantedReference.isEmpty() ? null : wanted, toCharge, gateway,
                    key, declined, by);
                holds.release(accountId, invoice.id(), key);
            });
            return payments.findByKey(accountId, key);
        }
        var asked = asking(accountId, invoice.id(), key, wanted, earlier.map(InvoiceChargeHolds.Asked::amount)
            .orElse(toCharge), earlier.isPresent() ? earlier.get().by() : by, null);
        if (ownCard && !asked.cardId().equals(wanted)) {
            throw new ChargeInProgress();
        }
        var reference = asked.cardId().equals(wanted)
            ? wantedReference
            : cards.gatewayReference(accountId, invoice.customerId(), asked.cardId());
        if (reference.isEmpty()) {
            throw new ChargeInProgress();
        }
        PaymentGateway.ChargeResult result;
        try {
            result = gateway.charge(new PaymentGateway.ChargeRequest(accountId, key, reference.get(), asked.amount(),
                invoice.currency(), "Invoice " + invoice.id(), PaymentGateway.sendBy(asked.at())));
        } catch (PaymentGateway.KeyUsedForAnotherCharge otherCard) {
            // Another request under this key that asked otherwise reached the gateway first (one a settlement did
            // not find there yet): it is the attempt, and records it; this one charged nothing.
            return payments.findByKey(accountId, key).or(() -> {
                throw new ChargeInProgress();
            });
        }
        transaction.executeWithoutResult(status -> {
            record(accountId, invoice.id(), attempt, asked.cardId(), asked.amount(), gateway, key, result,
                asked.by());
            holds.release(accountId, invoice.id(), key);
        });
        return payments.findByKey(accountId, key);
    }

    /**
     * Writes what the charge under {@code key} asks the gateway for, and puts its settlement on the agenda for when
     * its hold runs out: should its answer be lost, the charge is recorded from the gateway's word then. Answers what
     * to ask (what the key asked first, when it did: see {@link InvoiceChargeHolds#asking}). Refused when the key no
     * longer holds the invoice, or its claim ran out before it asked.
     */
    InvoiceChargeHolds.Asked asking(String accountId, String invoiceId, String key, String cardId, long amount,
        String by, String executionId) {
        Instant now = Timestamps.now(clock);
        return transaction.execute(status -> {
            var asked = holds.asking(accountId, invoiceId, key, cardId, amount, by, executionId, now,
                now.plus(CHARGE_HOLD)).orElseThrow(ChargeInProgress::new);
            jobs.schedule(accountId, BillingJobs.Kind.INVOICE_CHARGE_SETTLEMENT, invoiceId, asked.until());
            return asked;
        });
    }

    /**
     * Records the outcome of a charge of the invoice the gateway made under {@code key}, whose answer was lost: as the
     * attempt its key names, with what it asked for.
     */
    void recordFound(String accountId, String invoiceId, InvoiceChargeHolds.Asked asked, PaymentGateway gateway,
        PaymentGateway.ChargeResult result) {
        int attempt = ChargeKeys.attemptOf(asked.key()).orElseThrow();
        record(accountId, invoiceId, attempt, asked.cardId(), asked.amount(), gateway, asked.key(), result, asked.by());
    }

    /**
     * What the gateway made under {@code key}, which was asked before and whose answer was lost: read before asking
     * again, since a gateway forgets keys (Stripe after 24 hours), and a request under a forgotten key is a second
     * charge. A charge its bank is still processing is left to the settlement ({@link ChargeInProgress}); one not found
     * (not made, or too recent for a search to find) is asked again under the key, which the gateway still knows then.
     */
    static Optional<PaymentGateway.ChargeResult> madeBefore(PaymentGateway gateway, String accountId, String key) {
        try {
            return gateway.findCharge(accountId, key);
        } catch (PaymentGateway.ChargeProcessing processing) {
            throw new ChargeInProgress();
        }
    }

    /**
     * The decline code of a charge whose amount the gateway cannot take exactly, or at all: under its smallest charge
     * ({@link PaymentGateway#chargeRefusal}).
     */
    static final String AMOUNT_NOT_SUPPORTED = "amount_not_supported";

    /** How long a charge holds its invoice against other charges: past the gateway's timeouts, then let go. */
    static final Duration CHARGE_HOLD = Duration.ofMinutes(5);

    /** The card that pays the invoice now: its subscription's or plan's own, else the customer's default. */
    String cardFor(String accountId, Invoice invoice) {
        String chosen = invoice.subscriptionId() != null
            ? subscriptions.get(accountId, invoice.subscriptionId()).cardId()
            : paymentPlans.get(accountId, invoice.paymentPlanId()).cardId();
        return payingCard(accountId, invoice.customerId(), chosen);
    }

    /**
     * The card that pays a subscription or plan whose own card is {@code chosen}: that one while it is saved, else the
     * customer's default (null when there is none).
     */
    String payingCard(String accountId, String customerId, String chosen) {
        if (chosen != null && cards.gatewayReference(accountId, customerId, chosen).isPresent()) {
            return chosen;
        }
        Customer customer = customers.get(accountId, customerId);
        return customer.defaultCard() == null ? null : customer.defaultCard().id();
    }

    private void record(String accountId, String invoiceId, int attempt, String cardId, long charged,
        PaymentGateway gateway, String key, PaymentGateway.ChargeResult result, String by) {
        Invoice invoice = invoices.lockWithOwner(accountId, invoiceId);
        if (payments.findByKey(accountId, key).isPresent()) {
            return;
        }
        boolean paid = result instanceof PaymentGateway.ChargeResult.Succeeded;
        // Money taken is always recorded, even if the invoice was voided or paid by other means while the charge was
        // in flight: staff then see a payment to refund instead of a charge nobody knows about.
        Payment payment = payments.record(accountId, invoice.customerId(), cardId, new Payments.PaidFor(null,
            invoice.subscriptionId(), invoice.paymentPlanId()), charged, invoice.currency(), gateway.name(), key,
            result);
        payments.linkInvoice(accountId, payment.id(), invoiceId);
        if (by != null) {
            payments.chargedBy(accountId, payment.id(), by);
        }
        if (!invoice.status().equals("issued")) {
            return;
        }
        Instant now = Timestamps.now(clock);
        invoices.recordAttempt(accountId, invoiceId, attempt, paid ? now : null);
        payment = payments.get(accountId, payment.id());
        invoice = invoices.get(accountId, invoiceId);
        Customer customer = customers.get(accountId, invoice.customerId());
        if (paid) {
            outcomes.paid(accountId, invoice, payment, customer, now);
        } else {
            outcomes.failed(accountId, invoice, payment, customer, attempt, now);
            // A card chosen while this attempt was at the gateway is not the one it tried: its retry, put off with
            // the others by the decline, is due now.
            String paying = cardFor(accountId, invoice);
            if (paying != null && !paying.equals(cardId)) {
                jobs.schedule(accountId, BillingJobs.Kind.INVOICE_RETRY, invoiceId, now);
            }
        }
    }

    void settleWithoutCharge(String accountId, String invoiceId) {
        Invoice invoice = invoices.lockWithOwner(accountId, invoiceId);
        if (!invoice.status().equals("issued")) {
            return;
        }
        Instant now = Timestamps.now(clock);
        invoices.markPaid(accountId, invoiceId, now);
        outcomes.paid(accountId, invoices.get(accountId, invoiceId), null, customers.get(accountId,
            invoice.customerId()), now);
    }
}
