package io.till.payment;

/**
 * Saving a card the buyer confirms in their own browser with the gateway's script (Stripe's SetupIntent and Stripe.js),
 * so that the card number never passes through Till and the bank may ask the buyer to authenticate once, after which
 * the card can be charged off-session.
 */
public interface CardSetups {

    /**
     * A setup waiting for the buyer: the page hands {@code clientSecret} to the gateway's script, which confirms it.
     *
     * @param publishableKey the gateway's public key for its script
     */
    record Started(String setupId, String clientSecret, String publishableKey) {}

    /** Opens a setup for a customer of an account; it can only ever be finished for that same customer. */
    Started start(String accountId, String customerId);

    /**
     * The card of a setup the buyer confirmed, read back from the gateway (never from the browser), provided it was
     * opened for this customer of this account.
     */
    PaymentGateway.AttachedCard finish(String accountId, String customerId, String setupId);
}
