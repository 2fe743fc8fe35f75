package io.till.billing;

import io.till.payment.Gateways;
import io.till.payment.PaymentGateway;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The billing clock's {@code INVOICE_CHARGE_SETTLEMENT}: a charge of an invoice whose answer was lost (the node died
 * between the gateway and the record, or the record failed) is recorded from the gateway's word once its hold has run
 * out, as the attempt or the automation's retry its key names; one that never reached the gateway lets the invoice go.
 * Until then the invoice stays held: nothing charges it again, nor changes what it owes, while money may have moved.
 */
@Component
class InvoiceChargeSettlements {

    private final InvoiceChargeHolds holds;
    private final InvoiceCharges charges;
    private final AutomationRetries retries;
    private final Payments payments;
    private final BillingJobs jobs;
    private final Gateways gateways;
    private final TransactionTemplate transaction;
    private final Clock clock;

    InvoiceChargeSettlements(InvoiceChargeHolds holds, InvoiceCharges charges, AutomationRetries retries,
        Payments payments, BillingJobs jobs, Gateways gateways, TransactionTemplate transaction, Clock clock) {
        this.holds = holds;
        this.charges = charges;
        this.retries = retries;
        this.payments = payments;
        this.jobs = jobs;
        this.gateways = gateways;
        this.transaction = transaction;
        this.clock = clock;
    }

    void settle(String accountId, String invoiceId) {
        var held = holds.asked(accountId, invoiceId);
        if (held.isEmpty()) {
            // Recorded and let go, as nearly every charge is.
            return;
        }
        var asked = held.get();
        Instant now = Timestamps.now(clock);
        boolean recorded = payments.findByKey(accountId, asked.key()).isPresent();
        if (!recorded && asked.until().isAfter(now)) {
            // Resumed under its key since, and holding again: its request may still be at the gateway.
            jobs.schedule(accountId, BillingJobs.Kind.INVOICE_CHARGE_SETTLEMENT, invoiceId, asked.until());
            return;
        }
        PaymentGateway gateway = gateways.forAccount(accountId);
        Optional<PaymentGateway.ChargeResult> made = recorded
            ? Optional.empty()
            : gateway.findCharge(accountId, asked.key());
        // Its request may pass its check until SEND_WITHIN after the ask, and still be leaving a while after (a
        // connection being made, a pause): another SEND_WITHIN covers that. A gateway may not find a charge just made
        // (Stripe's search) for a while after it arrived. Before all that, its silence is not taken for "never made".
        Instant trusted = PaymentGateway.sendBy(asked.at()).plus(PaymentGateway.SEND_WITHIN)
            .plus(gateway.findChargeLag(accountId));
        if (!recorded && made.isEmpty() && trusted.isAfter(now)) {
            jobs.schedule(accountId, BillingJobs.Kind.INVOICE_CHARGE_SETTLEMENT, invoiceId, trusted);
            return;
        }
        transaction.executeWithoutResult(status -> {
            if (made.isPresent()) {
                if (ChargeKeys.retriedByAutomation(asked.key())) {
                    retries.recordFound(accountId, invoiceId, asked, gateway, made.get());
                } else {
                    charges.recordFound(accountId, invoiceId, asked, gateway, made.get());
                }
            }
            if (made.isPresent() || recorded) {
                // Recorded now or before: the invoice is free for the next charge.
                holds.release(accountId, invoiceId, asked.key());
            } else if (!holds.releaseUnasked(accountId, invoiceId, asked)) {
                // Never charged as the gateway looked, but asked again since (a charge resumed under its key): that
                // request may be at the gateway now, and is settled when its own hold runs out.
                holds.asked(accountId, invoiceId).filter(again -> again.key().equals(asked.key()))
                    .ifPresent(again -> jobs.schedule(accountId, BillingJobs.Kind.INVOICE_CHARGE_SETTLEMENT,
                        invoiceId, again.until()));
            }
        });
    }
}
