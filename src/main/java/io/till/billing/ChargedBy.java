package io.till.billing;

/**
 * Who asked for an invoice's charge off its schedule, as kept with the payment ({@code charged_by}) and said on the
 * invoice's page: a staff member's email or "the API" for pay now, or a card change's words for the charge a new
 * card made at once. Null for the retry schedule's own attempts.
 */
public final class ChargedBy {

    /** Who chose a card in the customer portal: the buyer. */
    public static final String PORTAL = "the customer, in the portal";

    private static final String CARD_CHANGE = "card change by ";

    private ChargedBy() {}

    /** The charge a card chosen by {@code who} made at once ("card change by ada@shop.example"). */
    static String cardChange(String who) {
        return CARD_CHANGE + who;
    }

    /** Whether a charge kept as {@code chargedBy} was made at once for a new card: a schedule attempt brought on. */
    static boolean afterCardChange(String chargedBy) {
        return chargedBy != null && chargedBy.startsWith(CARD_CHANGE);
    }

    /** The words of the invoice's page: "Pay now by ada@shop.example", "After a card change by the customer, …". */
    static String words(String chargedBy) {
        return afterCardChange(chargedBy)
            ? "After a " + chargedBy
            : "Pay now by " + chargedBy;
    }
}
