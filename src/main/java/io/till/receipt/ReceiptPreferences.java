package io.till.receipt;

/**
 * What the seller chose for receipts: a footer and which payments get a receipt email. The portal settings hold these
 * ({@code portal.PortalReceiptPreferences}); the interface lets the portal's pages use receipts without a cycle.
 */
public interface ReceiptPreferences {

    /** The footer text under every receipt and receipt email, or null. */
    String footer(String accountId);

    /** Whether a payment of this kind gets a receipt email (all off by default). */
    boolean emailWanted(String accountId, PaidFor paidFor);

    /** What a payment was for, as far as receipt emails care. */
    enum PaidFor {
        INITIAL_ORDER,
        SUBSCRIPTION_RENEWAL,
        PLAN_INSTALLMENT
    }
}
