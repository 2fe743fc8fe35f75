package io.till.customer;

/**
 * What happened to a card, published inside the transaction that changed it, for features that plan work around cards
 * (the billing clock announces expiries and retries unpaid invoices) without the customer feature knowing them.
 */
public final class CardEvents {

    private CardEvents() {}

    /** A card was saved; it expires at the end of {@code expMonth}/{@code expYear}. */
    public record Saved(String accountId, String customerId, String cardId, int expMonth, int expYear,
        java.time.Instant savedAt) {}

    /**
     * The customer chose a card to pay with (a new one, or another default): unpaid invoices may now be paid. The
     * default before and after the change tell which subscriptions and plans followed the default card; they are the
     * same when a card was saved without becoming the default.
     */
    public record PaymentCardChanged(String accountId, String customerId, String previousDefaultCardId,
        String defaultCardId) {}

    /**
     * A card was removed from the customer's wallet; {@code defaultCardId} is the default now (null when none is left).
     * What it paid is paid with that default from now on.
     */
    public record Removed(String accountId, String customerId, String cardId, String defaultCardId) {}
}
