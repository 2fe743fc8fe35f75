package io.till.portal;

/**
 * The buyer signed in to the customer portal of one account. A controller method on a {@code /portal/{accountId}/**}
 * route takes it as a parameter; every query it runs filters by both {@link #accountId()} and {@link #customerId()}.
 */
public record PortalBuyer(String accountId, String customerId, Access access) {

    /** What the session may reach: everything, or (opened by a card-update link in an email) only the card page. */
    public enum Access {
        FULL,
        CARDS_ONLY;

        String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Access of(String code) {
            return valueOf(code.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
