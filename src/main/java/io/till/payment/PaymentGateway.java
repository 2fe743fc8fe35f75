package io.till.payment;

/**
 * The port to whoever moves the money: Till's own sandbox, or Stripe. Calls are made outside any database transaction
 * and every charge carries an idempotency key, so that a retried or concurrent attempt is answered with the first
 * attempt's result instead of charging again.
 */
public interface PaymentGateway {

    /** The gateway's name as stored with each card and payment: {@code sandbox} or {@code stripe}. */
    String name();

    /** Saves a card from a token made by the gateway's client-side library (or a sandbox test token). */
    AttachedCard attach(CardToken token);

    /**
     * Charges the card, unless the request's time to be sent has passed ({@link ChargeRequest#sendBy}): then nothing
     * leaves, and it throws {@link NotSent}.
     */
    ChargeResult charge(ChargeRequest request);

    /**
     * How long after a charge or a refund is asked for (the ask recorded, which starts the wait for its settlement) its
     * request may still leave for the gateway. A request that stalled longer on its way (a paused process, a machine
     * put to sleep) is not sent: the settlement, which takes the gateway's silence for "never made" only once no
     * request of the ask can still be sent, may by then have let another charge of the same thing go ahead, or given
     * the refund's amount back by other means (a credit note).
     */
    java.time.Duration SEND_WITHIN = java.time.Duration.ofMinutes(1);

    /** The last moment the request of a charge or refund asked at {@code askedAt} may leave for the gateway. */
    static java.time.Instant sendBy(java.time.Instant askedAt) {
        return askedAt.plus(SEND_WITHIN);
    }

    /** Throws {@link NotSent}, saying what was not sent and why that is safe, once {@code now} is past {@code sendBy}. */
    private static void requireSendable(java.time.Instant sendBy, java.time.Instant now, String what, String since) {
        if (now.isAfter(sendBy)) {
            throw new NotSent(what + " was not sent: it was asked for more than " + SEND_WITHIN.toSeconds()
                + " seconds ago, and " + since);
        }
    }

    /**
     * Why this gateway cannot charge or refund {@code amount} of {@code currency} exactly, when it cannot (Stripe
     * takes a few currencies only in coarser steps than their minor unit), in words for the seller; empty when it can.
     * Asked before a charge or a refund is recorded, so that such an amount is refused or declined at once, never sent
     * to be refused with the outcome left unknown.
     */
    default java.util.Optional<String> refusal(long amount, String currency) {
        return java.util.Optional.empty();
    }

    /**
     * As {@link #refusal}, for a charge: also an amount under the gateway's smallest charge (Stripe's $0.50), which it
     * would refuse, leaving the charge's outcome to be learnt later rather than told at once.
     */
    default java.util.Optional<String> chargeRefusal(long amount, String currency) {
        return refusal(amount, currency);
    }

    /**
     * The result of the charge made with this idempotency key, if one was made: how Till settles a purchase whose
     * answer from the gateway never arrived.
     */
    java.util.Optional<ChargeResult> findCharge(String accountId, String idempotencyKey);

    /**
     * How long after a charge {@link #findCharge} may still not find it: a charge younger than this that it does not
     * find may have been made all the same. None for a gateway that finds what it was just asked.
     */
    default java.time.Duration findChargeLag(String accountId) {
        return java.time.Duration.ZERO;
    }

    /** Gives back part or all of a successful charge; returns the gateway's reference of the refund. */
    String refund(RefundRequest request);

    /**
     * The gateway's reference of the refund of {@code chargeReference} made with this idempotency key, if one was made
     * and gave the money back (or is on its way): how Till settles a refund whose answer from the gateway never
     * arrived.
     */
    java.util.Optional<String> findRefund(String accountId, String idempotencyKey, String chargeReference);

    /** A card as the gateway describes it; {@code reference} is how the gateway finds it again. */
    record AttachedCard(String brand, String last4, int expMonth, int expYear, String reference) {}

    /** A token to attach; the expiry may be chosen only in the sandbox, to make expiring and expired cards. */
    record CardToken(String token, Integer expMonth, Integer expYear) {}

    /**
     * @param idempotencyKey derived from what the charge pays for (an invoice and its attempt number, say), so that the
     *     same payment attempt always has the same key
     * @param sendBy the last moment the request may leave ({@link PaymentGateway#sendBy})
     */
    record ChargeRequest(String accountId, String idempotencyKey, String cardReference, long amount, String currency,
        String description, java.time.Instant sendBy) {

        public ChargeRequest {
            java.util.Objects.requireNonNull(sendBy, "sendBy");
        }

        /** Throws {@link NotSent} when it is {@code now} too late to send this request; a gateway asks right before. */
        void requireSendable(java.time.Instant now) {
            PaymentGateway.requireSendable(sendBy, now, "The charge", "its outcome may have been settled without it "
                + "since. Try it again.");
        }
    }

    /** @param sendBy the last moment the request may leave ({@link PaymentGateway#sendBy}) */
    record RefundRequest(String accountId, String idempotencyKey, String chargeReference, long amount,
        String currency, java.time.Instant sendBy) {

        public RefundRequest {
            java.util.Objects.requireNonNull(sendBy, "sendBy");
        }

        /** Throws {@link NotSent} when it is {@code now} too late to send this request; a gateway asks right before. */
        void requireSendable(java.time.Instant now) {
            PaymentGateway.requireSendable(sendBy, now, "The refund", "may have been settled without it since. Send it "
                + "again if it is still wanted.");
        }
    }

    /**
     * The key names a charge already made, or under way, for another card or amount, as a processor's idempotency
     * error says: nothing was charged by this request.
     */
    final class KeyUsedForAnotherCharge extends RuntimeException {

        public KeyUsedForAnotherCharge(String idempotencyKey) {
            super("Idempotency key " + idempotencyKey + " was used for a different charge");
        }
    }

    /**
     * The gateway took the charge but does not know its outcome yet (the bank is still processing it): it is neither
     * paid nor declined, so nothing may be booked or charged again. Whoever asked settles it later, when
     * {@link #findCharge} answers the outcome.
     */
    final class ChargeProcessing extends io.till.shared.TillException {

        public ChargeProcessing(String reference) {
            super(io.till.shared.ErrorCode.CHARGE_IN_PROGRESS, "The bank is still processing payment " + reference
                + ": it is neither paid nor declined yet. Till records its outcome once the bank answers.");
        }
    }

    /**
     * A request that never reached the gateway: no connection to it could be made (refused, no such host, none within
     * the time allowed), or its time to be sent had passed ({@link #SEND_WITHIN}), so nothing it asked can have been
     * done. Any other failure without an answer (a timeout while waiting for it, a connection reset, a proxy's error
     * page) may have come after the gateway did what it asked.
     */
    final class NotSent extends io.till.shared.TillException {

        public NotSent(String message) {
            super(io.till.shared.ErrorCode.GATEWAY_UNAVAILABLE, message);
        }
    }

    sealed interface ChargeResult {
        String reference();

        record Succeeded(String reference) implements ChargeResult {}

        /**
         * @param hard whether retrying the same card is pointless (expired, stolen, closed account), as opposed to a
         *     soft decline such as insufficient funds that may pass later
         */
        record Declined(String reference, String code, String message, boolean hard) implements ChargeResult {}
    }
}
