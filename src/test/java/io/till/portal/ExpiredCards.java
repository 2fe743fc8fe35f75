package io.till.portal;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A saved card that expired while it paid something: no one can choose an expired card to pay (the portal and
 * change_card refuse it), so a test chooses a good one and then turns its expiry back, as time would.
 */
public final class ExpiredCards {

    private ExpiredCards() {}

    /** The card's expiry becomes 01/2025, long before the tests' clock. */
    public static void expire(JdbcClient db, String cardId) {
        db.sql("UPDATE cards SET exp_month = 1, exp_year = 2025 WHERE id = :id").param("id", cardId).update();
    }
}
