package io.till.billing;

import io.till.customer.Cards;
import io.till.customer.Customer;
import io.till.customer.Customers;
import io.till.event.EventType;
import io.till.event.Events;
import io.till.payment.Gateways;
import io.till.payment.PaymentGateway;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An automation step's {@code retry_payment} of an invoice: one charge per step key, beside the invoice's retry
 * schedule ({@link InvoiceCharges}) without moving it, each charge of the invoice one at a time.
 */
@Component
class AutomationRetries {

    private final InvoiceCharges charges;
    private final Invoices invoices;
    private final InvoiceChargeHolds holds;
    private final Payments payments;
    private final Customers customers;
    private final Cards cards;
    private final Gateways gateways;
    private final Events events;
    private final InvoiceOutcomes outcomes;
    private final TransactionTemplate transaction;
    private final Clock clock;

    AutomationRetries(InvoiceCharges charges, Invoices invoices, InvoiceChargeHolds holds, Payments payments,
        Customers customers, Cards cards,
        Gateways gateways, Events events, InvoiceOutcomes outcomes, TransactionTemplate transaction, Clock clock) {
        this.charges = charges;
        this.invoices = invoices;
        this.holds = holds;
        this.payments = payments;
        this.customers = customers;
        this.cards = cards;
        this.gateways = gateways;
        this.events = events;
        this.outcomes = outcomes;
        this.transaction = transaction;
        this.clock = clock;
    }

    static final String IN_PROGRESS = "Another charge of this invoice is at the gateway; this step is taken again "
        + "once it has ended.";

    /**
     * How a retry asked for by an automation ended; {@code bySchedule}: the retry schedule's attempt had just been
     * declined on the same card, and is the answer ({@link #JUST_TRIED}).
     */
    record Retried(String status, String paymentId, String code, String message, boolean bySchedule) {

        Retried(String status, String paymentId, String code, String message) {
            this(status, paymentId, code, message, false);
        }
    }

    /**
     * Charges the invoice now, on behalf of an automation step, with the gateway key {@code key}: a step run twice,
     * or resumed after a crash, charges at most once. It stands beside the billing retry schedule without moving it:
     * a decline is recorded (with {@code payment.failed}, marked as caused by the execution so that it does not start
     * the same automation again) but neither counts as a scheduled attempt nor exhausts the invoice. Moments after the
     * schedule's declined attempt on the same card it charges nothing and answers that decline ({@link #JUST_TRIED}).
     */
    Retried retryNow(String accountId, String invoiceId, String key, String executionId) {
        var earlier = payments.findByKey(accountId, key);
        if (earlier.isPresent()) {
            return retried(earlier.get());
        }
        invoices.get(accountId, invoiceId);
        Instant now = Timestamps.now(clock);
        if (!holds.claim(accountId, invoiceId, key, now, now.plus(InvoiceCharges.CHARGE_HOLD))) {
            return new Retried("in_progress", null, "charge_in_progress", IN_PROGRESS);
        }
        // A step resumed under its key whose first request went to the gateway: its hold stays until that is recorded.
        var askedBefore = holds.asked(accountId, invoiceId).filter(asked -> asked.key().equals(key));
        boolean atGateway = askedBefore.isPresent();
        try {
            // Read now that no other charge can be under way: one that just ended may have paid it, or been this very
            // step run twice at once, whose outcome is then the answer.
            var made = payments.findByKey(accountId, key);
            if (made.isPresent()) {
                return retried(made.get());
            }
            Invoice invoice = invoices.get(accountId, invoiceId);
            if (!invoice.status().equals("issued")) {
                return new Retried("nothing_due", null, "invoice_" + invoice.status(), "The invoice is "
                    + invoice.status() + ".");
            }
            if (charges.paused(accountId, invoice)) {
                return new Retried("held", null, "subscription_paused", InvoiceCharges.PAUSED);
            }
            long toCharge = invoice.amountDue() - invoice.amountCredited();
            if (toCharge == 0) {
                transaction.executeWithoutResult(status -> charges.settleWithoutCharge(accountId, invoiceId));
                return new Retried("paid", null, null, null);
            }
            // A step resumed under its key asks exactly what it asked the first time (its answer was lost).
            String cardId = askedBefore.map(InvoiceChargeHolds.Asked::cardId).orElseGet(() -> charges.cardFor(accountId,
                invoice));
            long amount = askedBefore.map(InvoiceChargeHolds.Asked::amount).orElse(toCharge);
            var reference = cardId == null
                ? Optional.<String>empty()
                : cards.gatewayReference(accountId, invoice.customerId(), cardId);
            if (reference.isEmpty() && askedBefore.isPresent()) {
                // The card it was first asked with is gone: what the gateway did is recorded from its word.
                return new Retried("in_progress", null, "charge_in_progress", IN_PROGRESS);
            }
            if (reference.isEmpty()) {
                return new Retried("declined", null, "no_card", "The customer has no card to charge.");
            }
            var justDeclined = justDeclinedBySchedule(accountId, invoiceId, cardId, now);
            if (justDeclined.isPresent() && askedBefore.isEmpty()) {
                var payment = justDeclined.get();
                return new Retried("declined", payment.id(), payment.failureCode(), payment.failureMessage(), true);
            }
            PaymentGateway gateway = gateways.forAccount(accountId);
            var refused = askedBefore.isEmpty()
                ? gateway.chargeRefusal(amount, invoice.currency())
                : Optional.<String>empty();
            if (refused.isPresent()) {
                // Never sent: the gateway would refuse it however often it were asked.
                return new Retried("declined", null, InvoiceCharges.AMOUNT_NOT_SUPPORTED, refused.get());
            }
            if (askedBefore.isPresent()) {
                Optional<PaymentGateway.ChargeResult> found;
                try {
                    found = InvoiceCharges.madeBefore(gateway, accountId, key);
                } catch (ChargeInProgress processing) {
                    return new Retried("in_progress", null, "charge_in_progress", IN_PROGRESS);
                }
                if (found.isPresent()) {
                    return transaction.execute(status -> {
                        var asked = askedBefore.get();
                        var recorded = recordRetry(accountId, invoiceId, asked.cardId(), asked.amount(), gateway, key,
                            found.get(), executionId);
                        holds.release(accountId, invoiceId, key);
                        return recorded;
                    });
                }
            }
            // From here the outcome may be unknown (the gateway or the record failing): the claim then runs out by
            // itself, and only this key may charge meanwhile.
            atGateway = true;
            // The step run twice at once asks what its first run asked.
            var asked = charges.asking(accountId, invoiceId, key, cardId, amount, null, executionId);
            var askedReference = asked.cardId().equals(cardId)
                ? reference
                : cards.gatewayReference(accountId, invoice.customerId(), asked.cardId());
            if (askedReference.isEmpty()) {
                return new Retried("in_progress", null, "charge_in_progress", IN_PROGRESS);
            }
            var result = gateway.charge(new PaymentGateway.ChargeRequest(accountId, key, askedReference.get(),
                asked.amount(), invoice.currency(), "Invoice " + invoice.id(),
                PaymentGateway.sendBy(asked.at())));
            return transaction.execute(status -> {
                var recorded = recordRetry(accountId, invoiceId, asked.cardId(), asked.amount(), gateway, key, result,
                    executionId);
                holds.release(accountId, invoiceId, key);
                return recorded;
            });
        } finally {
            if (!atGateway) {
                holds.release(accountId, invoiceId, key);
            }
        }
    }

    /**
     * How soon after the retry schedule's declined attempt an automation's retry of the same card answers that decline
     * rather than charging again. The Payment Dunning template retries 3 days after a failure, the moment the default
     * schedule makes its second attempt: a bank that has just declined a card declines it again, and card networks
     * count such back-to-back retries against the seller.
     */
    static final Duration JUST_TRIED = Duration.ofMinutes(10);

    /**
     * The invoice's latest charge, when it is the retry schedule's attempt (not staff's pay now, not another
     * automation's retry), was declined on {@code cardId}, and was made less than {@link #JUST_TRIED} ago.
     */
    private Optional<Payment> justDeclinedBySchedule(String accountId, String invoiceId, String cardId, Instant now) {
        var tried = payments.forInvoice(accountId, invoiceId);
        if (tried.isEmpty()) {
            return Optional.empty();
        }
        var last = tried.getLast();
        // The schedule's attempts, and those a card change brought on: not staff's pay now.
        boolean bySchedule = ChargeKeys.attemptOf(last.key()).isPresent() && (last.chargedBy() == null
            || ChargedBy.afterCardChange(last.chargedBy()));
        Payment payment = last.payment();
        return bySchedule && payment.status().equals("failed") && cardId.equals(payment.cardId())
            && payment.createdAt().isAfter(now.minus(JUST_TRIED)) ? Optional.of(payment) : Optional.empty();
    }

    /** Records the outcome of an automation's retry the gateway made under its key, whose answer was lost. */
    void recordFound(String accountId, String invoiceId, InvoiceChargeHolds.Asked asked, PaymentGateway gateway,
        PaymentGateway.ChargeResult result) {
        recordRetry(accountId, invoiceId, asked.cardId(), asked.amount(), gateway, asked.key(), result,
            asked.executionId());
    }

    private Retried recordRetry(String accountId, String invoiceId, String cardId, long charged,
        PaymentGateway gateway, String key, PaymentGateway.ChargeResult result, String executionId) {
        Invoice invoice = invoices.lockWithOwner(accountId, invoiceId);
        var earlier = payments.findByKey(accountId, key);
        if (earlier.isPresent()) {
            return retried(earlier.get());
        }
        boolean paid = result instanceof PaymentGateway.ChargeResult.Succeeded;
        Payment payment = payments.record(accountId, invoice.customerId(), cardId, new Payments.PaidFor(null,
            invoice.subscriptionId(), invoice.paymentPlanId()), charged, invoice.currency(), gateway.name(), key,
            result);
        payments.linkInvoice(accountId, payment.id(), invoiceId);
        payment = payments.get(accountId, payment.id());
        if (!invoice.status().equals("issued")) {
            return retried(payment);
        }
        Customer customer = customers.get(accountId, invoice.customerId());
        Instant now = Timestamps.now(clock);
        if (paid) {
            invoices.markPaid(accountId, invoiceId, now);
            outcomes.paid(accountId, invoices.get(accountId, invoiceId), payment, customer, now);
        } else {
            var data = new java.util.LinkedHashMap<String, Object>();
            data.put("payment", payment);
            // As the retry left it: its attempt_count counts this charge.
            data.put("invoice", invoices.get(accountId, invoiceId));
            data.put("customer", customer);
            data.put("caused_by", Map.of("execution_id", executionId));
            events.record(accountId, EventType.PAYMENT_FAILED, customer.id(), data);
        }
        return retried(payment);
    }

    private static Retried retried(Payment payment) {
        return payment.status().equals("failed")
            ? new Retried("declined", payment.id(), payment.failureCode(), payment.failureMessage())
            : new Retried("paid", payment.id(), null, null);
    }
}
