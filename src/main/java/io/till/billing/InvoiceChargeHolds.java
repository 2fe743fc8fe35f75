package io.till.billing;

import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * One charge of an invoice at a time: a charge claims the invoice ({@code invoices.charging_key}, until
 * {@code charging_until}) before it goes to the gateway and lets it go with its outcome's record; while it holds,
 * nothing may change what the invoice owes.
 */
@Repository
class InvoiceChargeHolds {

    private final JdbcClient db;
    private final Clock clock;

    InvoiceChargeHolds(JdbcClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * A charge of the invoice holds it, and its outcome is not recorded yet: the claim of {@link #claim}, alive
     * and not over (see there). In SQL over the invoices row {@code i}, with {@code :now}.
     */
    private static final String CHARGE_IN_FLIGHT = """
        (i.charging_key IS NOT NULL AND i.charging_until > :now
         AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.account_id = i.account_id
                                                     AND p.idempotency_key = i.charging_key))""";

    /**
     * Refuses to change what an invoice owes while a charge of it is at the gateway, the invoice locked by the
     * caller's transaction: that charge asked for the amount as it was, and whatever changed meanwhile (credit
     * applied, the invoice voided) would be on top of the money it takes. Once it has ended, the change may be made.
     */
    void requireNone(String accountId, String id) {
        if (inFlight(accountId, id)) {
            throw new ChargeInProgress("A charge of this invoice is at the gateway; try again in a moment, once it has "
                + "ended.");
        }
    }

    /** Whether a charge of the invoice is at the gateway, as of this statement (after the caller's lock). */
    boolean inFlight(String accountId, String id) {
        return db.sql("SELECT " + CHARGE_IN_FLIGHT + " FROM invoices i WHERE i.account_id = :accountId AND i.id = :id")
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("accountId", accountId)
            .param("id", id)
            .query(Boolean.class)
            .optional()
            .orElse(false);
    }

    /**
     * Takes the invoice for the charge with gateway key {@code key} until {@code until}: answers whether it may go to
     * the gateway, which it may unless another key's charge holds the invoice, its outcome not recorded yet, and its
     * hold has not run out. The same key may always go on (a charge resumed after a crash, whose gateway answers a
     * repeat with the first outcome); a hold whose charge is recorded is over, even if its holder never let it go (a
     * node stopped past its lease, whose step another node took over and recorded, then resumed and was cut off).
     */
    boolean claim(String accountId, String id, String key, Instant now, Instant until) {
        return db.sql("""
            UPDATE invoices i SET charging_key = :key, charging_until = :until
             WHERE i.account_id = :accountId AND i.id = :id
               AND (i.charging_key = :key OR NOT""" + CHARGE_IN_FLIGHT + ")")
            .param("key", key)
            .param("until", Timestamps.of(until))
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update() == 1;
    }

    /** Lets the invoice go once the charge with {@code key} is recorded, or found not to be needed. */
    void release(String accountId, String id, String key) {
        db.sql("""
            UPDATE invoices SET charging_key = NULL, charging_until = NULL
             WHERE account_id = :accountId AND id = :id AND charging_key = :key
            """)
            .param("key", key)
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }
}
