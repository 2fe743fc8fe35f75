package io.till.billing;

import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * One charge of an invoice at a time: a charge claims the invoice ({@code invoices.charging_key}, until
 * {@code charging_until}) before it goes to the gateway and lets it go with its outcome's record; while it holds,
 * nothing may change what the invoice owes. Just before it asks the gateway, it writes what it asks for
 * ({@link #asking}): a charge whose answer was lost then holds the invoice until it is recorded from the gateway's word
 * ({@link InvoiceChargeSettlements}), however long its hold, so that nothing charges the invoice twice.
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
     * A charge of the invoice holds it, and its outcome is not recorded yet: the claim of {@link #claim}, alive, or run
     * out after its request went to the gateway (its answer lost, to be recorded from the gateway's word), and not
     * over (see there). In SQL over the invoices row {@code i}, with {@code :now}.
     */
    private static final String CHARGE_IN_FLIGHT = """
        (i.charging_key IS NOT NULL AND (i.charging_until > :now OR i.charging_amount IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.account_id = i.account_id
                                                     AND p.idempotency_key = i.charging_key))""";

    /** What a charge holding an invoice asked the gateway for: see {@link #asking}. */
    record Asked(String key, String cardId, long amount, String by, String executionId, Instant at, Instant until,
        int asks) {}

    private static final RowMapper<Asked> ASKED = (rs, row) -> new Asked(rs.getString("charging_key"),
        rs.getString("charging_card_id"), rs.getLong("charging_amount"), rs.getString("charging_by"),
        rs.getString("charging_execution_id"), Timestamps.read(rs, "charging_asked_at"),
        Timestamps.read(rs, "charging_until"), rs.getInt("charging_asks"));

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
     * hold has not run out (or its request went to the gateway: it is recorded first). The same key may always go on (a charge resumed after a crash, whose gateway answers a
     * repeat with the first outcome); a hold whose charge is recorded is over, even if its holder never let it go (a
     * node stopped past its lease, whose step another node took over and recorded, then resumed and was cut off).
     */
    boolean claim(String accountId, String id, String key, Instant now, Instant until) {
        return db.sql("""
            UPDATE invoices i
               SET charging_key = :key,
                   -- A charge resumed under its key after its request went to the gateway holds the invoice as long
                   -- as it did: its settlement is due then, and only a request that goes out again holds it longer.
                   charging_until = CASE WHEN i.charging_key = :key AND i.charging_amount IS NOT NULL
                                         THEN i.charging_until ELSE :until END,
                   -- A charge resumed under its key keeps what it asked for; another key asks anew.
                   charging_card_id = CASE WHEN i.charging_key = :key THEN i.charging_card_id END,
                   charging_amount = CASE WHEN i.charging_key = :key THEN i.charging_amount END,
                   charging_by = CASE WHEN i.charging_key = :key THEN i.charging_by END,
                   charging_execution_id = CASE WHEN i.charging_key = :key THEN i.charging_execution_id END,
                   charging_asked_at = CASE WHEN i.charging_key = :key THEN i.charging_asked_at END,
                   charging_asks = CASE WHEN i.charging_key = :key THEN i.charging_asks ELSE 0 END
             WHERE i.account_id = :accountId AND i.id = :id
               AND (i.charging_key = :key OR NOT""" + CHARGE_IN_FLIGHT + ")")
            .param("key", key)
            .param("until", Timestamps.of(until))
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("id", id)
            .update() == 1;
    }

    /**
     * Writes what the charge holding the invoice under {@code key} is about to ask the gateway for, and answers what
     * it asks for: that, or what an earlier holder of the same key asked for and never recorded (a charge resumed
     * after a crash, or a second click of the same attempt, asks exactly as the first did, and the gateway answers with
     * the first outcome, whatever card the invoice would take now). A first ask needs the claim alive and the invoice
     * still issued: a holder that stalled past its hold may find credit applied or the invoice voided meanwhile, and
     * must not charge what it read before. Asking again holds the invoice {@code hold} longer from now, and marks the
     * hold as asked anew, so that a settlement that found nothing at the gateway before it went out again does not let it
     * go. Empty when
     * the key no longer holds the invoice, or its claim ran out before it asked.
     */
    Optional<Asked> asking(String accountId, String id, String key, String cardId, long amount, String by,
        String executionId, Instant now, Instant hold) {
        return db.sql("""
            UPDATE invoices
               SET charging_card_id = CASE WHEN charging_amount IS NULL THEN :cardId ELSE charging_card_id END,
                   charging_by = CASE WHEN charging_amount IS NULL THEN :by ELSE charging_by END,
                   charging_execution_id = CASE WHEN charging_amount IS NULL THEN :executionId
                                                ELSE charging_execution_id END,
                   charging_until = CASE WHEN charging_amount IS NULL THEN charging_until ELSE :hold END,
                   charging_amount = coalesce(charging_amount, :amount),
                   charging_asked_at = :now, charging_asks = charging_asks + 1
             WHERE account_id = :accountId AND id = :id AND charging_key = :key
               AND (charging_amount IS NOT NULL OR (charging_until > :now AND status = 'issued'))
            RETURNING charging_key, charging_card_id, charging_amount, charging_by, charging_execution_id,
                      charging_asked_at, charging_until, charging_asks
            """)
            .param("cardId", cardId)
            .param("amount", amount)
            .param("by", by)
            .param("executionId", executionId)
            .param("now", Timestamps.of(now))
            .param("hold", Timestamps.of(hold))
            .param("accountId", accountId)
            .param("id", id)
            .param("key", key)
            .query(ASKED)
            .optional();
    }

    /** What the charge holding the invoice asked the gateway for, if one holds it and has asked. */
    Optional<Asked> asked(String accountId, String id) {
        return db.sql("""
            SELECT charging_key, charging_card_id, charging_amount, charging_by, charging_execution_id,
                   charging_asked_at, charging_until, charging_asks
              FROM invoices
             WHERE account_id = :accountId AND id = :id AND charging_key IS NOT NULL AND charging_amount IS NOT NULL
            """)
            .param("accountId", accountId)
            .param("id", id)
            .query(ASKED)
            .optional();
    }

    /**
     * Lets the invoice go after a settlement found no charge under {@code asked}'s key at the gateway, unless the
     * charge was asked again since ({@code asked} read before the gateway was): that request may be there now.
     */
    boolean releaseUnasked(String accountId, String id, Asked asked) {
        return db.sql("""
            UPDATE invoices
               SET charging_key = NULL, charging_until = NULL, charging_card_id = NULL, charging_amount = NULL,
                   charging_by = NULL, charging_execution_id = NULL, charging_asked_at = NULL, charging_asks = 0
             WHERE account_id = :accountId AND id = :id AND charging_key = :key AND charging_asks = :asks
            """)
            .param("key", asked.key())
            .param("asks", asked.asks())
            .param("accountId", accountId)
            .param("id", id)
            .update() == 1;
    }

    /** Lets the invoice go once the charge with {@code key} is recorded, or found not to be needed. */
    void release(String accountId, String id, String key) {
        db.sql("""
            UPDATE invoices
               SET charging_key = NULL, charging_until = NULL, charging_card_id = NULL, charging_amount = NULL,
                   charging_by = NULL, charging_execution_id = NULL, charging_asked_at = NULL, charging_asks = 0
             WHERE account_id = :accountId AND id = :id AND charging_key = :key
            """)
            .param("key", key)
            .param("accountId", accountId)
            .param("id", id)
            .update();
    }
}
