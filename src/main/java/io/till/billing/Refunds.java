package io.till.billing;

import io.till.idempotency.RequestEffects;
import io.till.payment.Gateways;
import io.till.payment.PaymentGateway;
import io.till.shared.Amounts;
import io.till.shared.ErrorCode;
import io.till.shared.FieldErrors;
import io.till.shared.Ids;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Refunds (the lists of a record's refunds are {@link RefundHistory}'s). A refund reserves its amount on the payment
 * before the gateway is asked, so that concurrent refunds can never give back more than was paid, and settles after
 * ({@link RefundSettlements}).
 */
@Component
class Refunds {

    static final RowMapper<Refund> REFUND = (rs, row) -> new Refund(rs.getString("id"),
        rs.getString("payment_id"), rs.getString("customer_id"), rs.getLong("amount"), rs.getString("currency"),
        rs.getString("status"), rs.getString("reason"), Timestamps.read(rs, "created_at"));

    private final JdbcClient db;
    private final Payments payments;
    private final Gateways gateways;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final RequestEffects movements;
    private final Orders orders;
    private final BillingJobs jobs;
    private final RefundSettlements settlements;
    private final RefundHistory history;
    private final InvoiceShares shares;

    /**
     * How long after a refund is asked the billing clock settles it if it is still pending (its answer from the
     * gateway was lost, or the node died asking): far longer than the gateway is given to answer.
     */
    static final java.time.Duration SETTLEMENT_DELAY = java.time.Duration.ofMinutes(10);

    Refunds(JdbcClient db, Payments payments, Gateways gateways, TransactionTemplate transaction, Clock clock,
        RequestEffects movements, Orders orders, BillingJobs jobs, RefundSettlements settlements,
        RefundHistory history, InvoiceShares shares) {
        this.db = db;
        this.payments = payments;
        this.gateways = gateways;
        this.transaction = transaction;
        this.clock = clock;
        this.movements = movements;
        this.orders = orders;
        this.jobs = jobs;
        this.settlements = settlements;
        this.history = history;
        this.shares = shares;
    }

    /**
     * What {@link #refund} would give back of {@code payment} at most, as of now: what is left of it, less what its
     * invoice already gave back as credit notes. Zero for a payment that did not succeed. For the dashboard's forms;
     * the refund itself checks again under locks.
     */
    long refundable(String accountId, Payment payment) {
        if (!payment.status().equals("succeeded")) {
            return 0;
        }
        long left = payment.amount() - payment.amountRefunded();
        return Math.max(0, Math.min(left, shares.of(accountId, payment.id(), false).left()));
    }

    /** Refunds {@code amount} (everything that is left when null) of a payment. */
    Refund refund(String accountId, String paymentId, Long amount, String reason) {
        Optional<Refund> resumed = resumed(accountId);
        if (resumed.isPresent()) {
            return resumed.get();
        }
        return cut(accountId, paymentId, amount, reason).goesOn().get();
    }

    /** A refund that has reserved its amount, and what its request does next: ask the gateway, then settle it. */
    record Cut(Refund refund, Supplier<Refund> goesOn) {}

    /** The first step of a refund, which a test may stop at to let time pass before its request goes on. */
    Cut cut(String accountId, String paymentId, Long amount, String reason) {
        var errors = new FieldErrors();
        if (paymentId == null) {
            errors.add("payment_id", "required", "is required");
        }
        if (amount != null && amount <= 0) {
            errors.add("amount", "out_of_range", "must be positive, in minor units");
        }
        errors.checkLength("reason", reason, 500);
        errors.throwIfAny();
        payments.get(accountId, paymentId);
        PaymentGateway gateway = gateways.forAccount(accountId);
        record Reserved(Refund refund, String chargeReference) {}
        Reserved reserved = transaction.execute(status -> {
            record Refundable(String status, long remaining, String currency, String customerId,
                String chargeReference) {}
            var payment = db.sql("""
                SELECT status, amount - amount_refunded AS remaining, currency, customer_id, gateway_reference
                  FROM payments
                 WHERE account_id = :accountId AND id = :id
                   FOR NO KEY UPDATE
                """)
                .param("accountId", accountId)
                .param("id", paymentId)
                .query((rs, row) -> new Refundable(rs.getString("status"), rs.getLong("remaining"),
                    rs.getString("currency"), rs.getString("customer_id"), rs.getString("gateway_reference")))
                .single();
            if (!payment.status().equals("succeeded")) {
                throw new TillException(ErrorCode.INVALID_STATE, "A " + payment.status() + " payment cannot be "
                    + "refunded.");
            }
            // A refund of this payment whose processor never answered may have given the money back already: another
            // now (staff pressing Refund again, a client retrying with a new key) could give it back twice. It is
            // finished by its own request sent again, or settled by the billing clock within minutes.
            var waiting = db.sql("""
                SELECT id, amount FROM refunds
                 WHERE account_id = :accountId AND payment_id = :paymentId AND status = 'pending'
                 ORDER BY id
                 LIMIT 1
                """)
                .param("accountId", accountId)
                .param("paymentId", paymentId)
                .query((rs, row) -> rs.getString("id") + " of " + Amounts.format(rs.getLong("amount"), payment
                    .currency()))
                .optional();
            if (waiting.isPresent()) {
                throw new TillException(ErrorCode.INVALID_STATE, "A refund of this payment is waiting for the payment "
                    + "processor's answer (" + waiting.get() + "): it may have gone back already. Till records its "
                    + "outcome within " + SETTLEMENT_DELAY.toMinutes() + " minutes; refund more once it is settled.");
            }
            var share = shares.of(accountId, paymentId, true);
            long noted = share.noted();
            long remaining = Math.min(payment.remaining(), share.left());
            if (remaining <= 0) {
                throw new TillException(ErrorCode.INVALID_STATE, "Nothing is left to refund of this payment: its "
                    + "invoice went back to the customer in full, " + Amounts.format(noted, payment.currency())
                    + " of it as a credit note.");
            }
            long toRefund = amount == null ? remaining : amount;
            if (toRefund > remaining) {
                // In money, never in minor units: staff read this beside the form where they typed dollars.
                throw TillException.invalid("amount", "out_of_range", "is more than the "
                    + Amounts.format(remaining, payment.currency()) + " left to refund of this payment"
                    + (noted > 0
                        ? ", after the " + Amounts.format(noted, payment.currency()) + " its invoice gave "
                            + "back as a credit note"
                        : ""));
            }
            var refused = gateway.refusal(toRefund, payment.currency());
            if (refused.isPresent()) {
                throw TillException.invalid("amount", "not_supported", "cannot be given back by the payment gateway. "
                    + refused.get());
            }
            String id = Ids.newId("re");
            var now = Timestamps.now(clock);
            db.sql("""
                INSERT INTO refunds (id, account_id, payment_id, customer_id, amount, currency, status, reason,
                                     created_at, asked_at)
                VALUES (:id, :accountId, :paymentId, :customerId, :amount, :currency, 'pending', :reason, :now, :now)
                """)
                .param("id", id)
                .param("accountId", accountId)
                .param("paymentId", paymentId)
                .param("customerId", payment.customerId())
                .param("amount", toRefund)
                .param("currency", payment.currency())
                .param("reason", reason)
                .param("now", Timestamps.of(now))
                .update();
            // Should the gateway's answer never come, the billing clock asks the gateway what became of it.
            jobs.schedule(accountId, BillingJobs.Kind.REFUND_SETTLEMENT, id, now.plus(SETTLEMENT_DELAY));
            db.sql("""
                UPDATE payments SET amount_refunded = amount_refunded + :amount,
                       status = CASE WHEN amount_refunded + :amount = amount THEN 'refunded' ELSE status END
                 WHERE account_id = :accountId AND id = :id
                """)
                .param("amount", toRefund)
                .param("accountId", accountId)
                .param("id", paymentId)
                .update();
            orders.followRefunds(accountId, paymentId);
            movements.reaching("refund:" + id);
            return new Reserved(get(accountId, id), payment.chargeReference());
        });
        Refund pending = reserved.refund();
        return new Cut(pending, () -> complete(accountId, pending, reserved.chargeReference(), gateway)
            .orElseThrow(() -> new TillException(ErrorCode.INVALID_STATE, "Refund " + pending.id() + " was given up "
                + "before it reached the payment gateway: this request took too long to get there, and its amount was "
                + "freed meanwhile. Nothing was given back under it. Send the refund again if it is still wanted.")));
    }

    /**
     * The refund an earlier attempt of this request (same Idempotency-Key) reserved, finished under its own key: the
     * gateway gives back at most once per key. Empty when there is none or it failed (nothing was given back): then
     * the refund runs anew.
     */
    private Optional<Refund> resumed(String accountId) {
        Optional<String> refundKey = movements.reachedBefore().filter(key -> key.startsWith("refund:"));
        if (refundKey.isEmpty()) {
            return Optional.empty();
        }
        Refund earlier = get(accountId, refundKey.get().substring("refund:".length()));
        return switch (earlier.status()) {
            case "succeeded" -> Optional.of(earlier);
            case "pending" -> askAgain(accountId, earlier);
            default -> Optional.empty();
        };
    }

    /**
     * Finishes a pending refund for a retry of its request: from the gateway's word if it made the refund already (read
     * before write: a key the gateway forgot, as Stripe does after a day, must not make a second one), else by asking
     * again under the refund's key.
     */
    private Optional<Refund> askAgain(String accountId, Refund pending) {
        String chargeReference = settlements.chargeReference(accountId, pending);
        PaymentGateway gateway = gateways.forAccount(accountId);
        Optional<String> made = gateway.findRefund(accountId, RefundSettlements.key(pending), chargeReference);
        if (made.isPresent()) {
            return Optional.of(
                counted(accountId, transaction.execute(status -> settlements.succeed(accountId, pending, made.get()))));
        }
        return complete(accountId, pending, chargeReference, gateway);
    }

    /**
     * Asks the gateway to make a pending refund, and settles it with the answer. Empty when the refund was no longer
     * pending when it came to ask, and did not succeed: its settlement failed it, nothing was given back under it.
     */
    private Optional<Refund> complete(String accountId, Refund pending, String chargeReference,
        PaymentGateway gateway) {
        Instant askedAt = Timestamps.now(clock);
        var ask = asking(accountId, pending, askedAt);
        if (ask.isEmpty()) {
            // Settled meanwhile: succeeded is the answer; failed gave nothing back.
            Refund settled = get(accountId, pending.id());
            return settled.status().equals("succeeded") ? Optional.of(settled) : Optional.empty();
        }
        String reference;
        try {
            reference = gateway
                .refund(new PaymentGateway.RefundRequest(accountId, RefundSettlements.key(pending), chargeReference,
                    pending.amount(), pending.currency(), PaymentGateway.sendBy(askedAt)));
        } catch (PaymentGateway.NotSent e) {
            if (ask.getAsInt() == 1) {
                // Its only ask never left: nothing was given back for certain, so the amount is freed now rather than
                // at its settlement, and the seller may refund again at once. Not if another ask came meanwhile
                // (fail counts them), nor after an earlier one, which may have reached the gateway.
                transaction.executeWithoutResult(status -> settlements.fail(accountId, pending, 1));
            }
            throw e;
        } catch (TillException e) {
            if (e.code() == ErrorCode.REFUND_DECLINED) {
                // The gateway looked at it and said no: nothing was given back.
                transaction.executeWithoutResult(status -> settlements.fail(accountId, pending, null));
            }
            throw e;
        }
        // Any other failure (no answer, an answer that is not one, a fault here) leaves it unknown whether the money
        // went back: the refund stays pending with its amount reserved, so that nothing is given back twice, until a
        // retry with the same Idempotency-Key finishes it or the billing clock settles it
        // (RefundSettlements.settlePending).
        return Optional
            .of(counted(accountId, transaction.execute(status -> settlements.succeed(accountId, pending, reference))));
    }

    /**
     * Counts a pending refund as about to go to the gateway, and answers how many asks it has had with this one, or none
     * when it may not ask: only while it is pending. A
     * request that stalled on its way until its settlement failed the refund (nothing at the gateway, its amount freed
     * and perhaps refunded again since) must not ask then. The settlement waits until the last ask is
     * {@link #SETTLEMENT_DELAY} old, and fails the refund only if none came since it looked.
     */
    private OptionalInt asking(String accountId, Refund refund, Instant now) {
        return db.sql("""
            UPDATE refunds SET asked_at = :now, asks = asks + 1
             WHERE account_id = :accountId AND id = :id AND status = 'pending'
            RETURNING asks
            """)
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", refund.id())
            .query(Integer.class)
            .optional()
            .map(OptionalInt::of)
            .orElse(OptionalInt.empty());
    }

    /**
     * The refund the gateway made, as its request answers it: refused while it is still failed, which it is when it
     * was made after it had been given up and another refund had reserved its amount meanwhile.
     */
    private Refund counted(String accountId, Refund made) {
        if (!made.status().equals("failed")) {
            return made;
        }
        var pending = db.sql("""
            SELECT id FROM refunds WHERE account_id = :accountId AND payment_id = :paymentId AND status = 'pending'
             ORDER BY id
            """)
            .param("accountId", accountId)
            .param("paymentId", made.paymentId())
            .query(String.class)
            .list();
        String waitingFor = switch (pending.size()) {
            case 0 -> "the refunds that held it are";
            case 1 -> "refund " + pending.getFirst() + " is";
            default -> "refunds " + String.join(", ", pending) + " are";
        };
        throw new TillException(ErrorCode.INVALID_STATE, "The money of refund " + made.id() + " went back after it "
            + "had been given up (this request took too long to reach the payment gateway), and other refunds had "
            + "reserved what was left of payment " + made.paymentId() + " meanwhile: it is counted as given back after "
            + waitingFor + " settled, which the gateway will refuse (it never gives back more than it took).");
    }

    Refund get(String accountId, String id) {
        return history.get(accountId, id);
    }
}
