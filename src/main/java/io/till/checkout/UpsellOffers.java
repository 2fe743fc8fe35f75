package io.till.checkout;

import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The upsells offered on an order ({@code order_upsells}): one row per offer, with its answer and, while an accept's
 * charge is at the gateway, the key and time that hold it and what it asked. The flow around them is {@link Upsells}'.
 */
@Repository
class UpsellOffers {

    /** Where an upsell offered on an order stands. */
    enum Offer {
        OFFERED,
        ACCEPTED,
        DECLINED,
        EXPIRED;

        static Offer of(String status) {
            return valueOf(status.toUpperCase(Locale.ROOT));
        }

        String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Refuses an answer to an offer the buyer can no longer answer. */
        void requireOpen() {
            switch (this) {
                case OFFERED -> {
                }
                case EXPIRED -> throw new TillException(ErrorCode.INVALID_STATE, "This offer expired when the "
                    + "checkout flow completed (two hours after the purchase, or once every other upsell was "
                    + "answered): it can no longer be accepted or declined, and nothing was charged for it.");
                case ACCEPTED, DECLINED -> throw new TillException(ErrorCode.INVALID_STATE,
                    "This upsell was already " + code() + ".");
            }
        }
    }

    private final JdbcClient db;
    private final Clock clock;

    UpsellOffers(JdbcClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Offers each of {@code upsellIds} on the order (inside the purchase's transaction). */
    void offer(String accountId, String orderId, List<String> upsellIds) {
        for (String upsellId : upsellIds) {
            db.sql("""
                INSERT INTO order_upsells (account_id, order_id, upsell_id, status)
                VALUES (:accountId, :orderId, :upsellId, 'offered')
                """)
                .param("accountId", accountId)
                .param("orderId", orderId)
                .param("upsellId", upsellId)
                .update();
        }
    }

    /** How many of the order's offers are still unanswered. */
    long unanswered(String accountId, String orderId) {
        return db.sql("""
            SELECT count(*) FROM order_upsells
             WHERE account_id = :accountId AND order_id = :orderId AND status = 'offered'
            """)
            .param("accountId", accountId)
            .param("orderId", orderId)
            .query(Long.class)
            .single();
    }

    /** Until when an accept's charge at the gateway holds one of the order's open offers, if one does. */
    Optional<Instant> chargingUntil(String accountId, String orderId) {
        return db.sql("""
            SELECT max(charging_until) FROM order_upsells
             WHERE account_id = :accountId AND order_id = :orderId AND status = 'offered' AND charging_until > :now
            """)
            .param("accountId", accountId)
            .param("orderId", orderId)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .query((rs, row) -> Timestamps.read(rs, "max"))
            .optional();
    }

    Offer status(String accountId, String orderId, String upsellId) {
        return db.sql("""
            SELECT status FROM order_upsells WHERE account_id = :accountId AND order_id = :orderId AND upsell_id = :id
            """)
            .param("accountId", accountId)
            .param("orderId", orderId)
            .param("id", upsellId)
            .query(String.class)
            .optional()
            .map(Offer::of)
            .orElseThrow(() -> TillException.notFound("upsell", upsellId));
    }

    /** An offer's answer so far, and whether an accept's charge holds it (see {@link #claim}). */
    record Locked(Offer offer, boolean charging) {}

    Locked lock(String accountId, String orderId, String upsellId) {
        return db.sql("""
            SELECT status, charging_until > :now AS charging FROM order_upsells
             WHERE account_id = :accountId AND order_id = :orderId AND upsell_id = :id
               FOR UPDATE
            """)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("accountId", accountId)
            .param("orderId", orderId)
            .param("id", upsellId)
            .query((rs, row) -> new Locked(Offer.of(rs.getString("status")), rs.getBoolean("charging")))
            .single();
    }

    /**
     * What the accept's charge holding an offer under {@code key} asked the gateway for ({@code amount}), until when it
     * holds the offer, and how many requests went out under the key: see {@link #ask}.
     */
    record Asked(String key, long amount, Instant until, int asks) {}

    private static final RowMapper<Asked> ASKED = (rs, row) -> new Asked(rs.getString("charging_key"),
        rs.getLong("charging_amount"), Timestamps.read(rs, "charging_until"), rs.getInt("charging_asks"));

    /**
     * Holds the offer for an accept's charge under {@code key}, whose request goes to the gateway right after, until
     * {@code until}: taken when no other key holds it, when this key does (a double click, an accept resumed), or when
     * the other's hold ran out; an offer that expired since only by an accept {@code resumed} under its key. Answers
     * what to ask: {@code amount}, or what the key asked first (the gateway holds a key to its first amount, and the
     * charge is booked as made, whatever the accept would ask now). Each request that goes out counts, so that a
     * settlement that found nothing at the gateway before it went out does not let it go. Empty when not taken.
     */
    Optional<Asked> ask(String accountId, String orderId, String upsellId, String key, long amount, boolean resumed,
        Instant until, Instant now) {
        return db.sql("""
            UPDATE order_upsells
               SET charging_amount = CASE WHEN charging_key = :key THEN coalesce(charging_amount, :amount)
                                          ELSE :amount END,
                   charging_asks = CASE WHEN charging_key = :key THEN charging_asks + 1 ELSE 1 END,
                   charging_key = :key, charging_until = :until
             WHERE account_id = :accountId AND order_id = :orderId AND upsell_id = :id
               AND (status = 'offered' OR (status = 'expired' AND :resumed))
               AND (charging_key IS NULL OR charging_key = :key OR charging_until <= :now)
            RETURNING charging_key, charging_amount, charging_until, charging_asks
            """)
            .param("key", key)
            .param("amount", amount)
            .param("resumed", resumed)
            .param("until", Timestamps.of(until))
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("orderId", orderId)
            .param("id", upsellId)
            .query(ASKED)
            .optional();
    }

    /** What the charge under {@code key} asked, if {@code key} holds the offer. */
    Optional<Asked> asked(String accountId, String orderId, String upsellId, String key) {
        return db.sql("""
            SELECT charging_key, charging_amount, charging_until, charging_asks FROM order_upsells
             WHERE account_id = :accountId AND order_id = :orderId AND upsell_id = :id AND charging_key = :key
            """)
            .param("accountId", accountId)
            .param("orderId", orderId)
            .param("id", upsellId)
            .param("key", key)
            .query(ASKED)
            .optional();
    }

    /**
     * Lets the offer go after a settlement found no charge under {@code asked}'s key at the gateway, unless a request
     * went out under it since ({@code asked} read before the gateway was): that one may be there now. Answers whether
     * it was let go.
     */
    boolean releaseUnasked(String accountId, String orderId, String upsellId, Asked asked) {
        return db
            .sql(
                """
                    UPDATE order_upsells SET charging_key = NULL, charging_until = NULL, charging_amount = NULL, charging_asks = 0
                     WHERE account_id = :accountId AND order_id = :orderId AND upsell_id = :id AND charging_key = :key
                       AND charging_asks = :asks
                    """)
            .param("accountId", accountId)
            .param("orderId", orderId)
            .param("id", upsellId)
            .param("key", asked.key())
            .param("asks", asked.asks())
            .update() == 1;
    }

    /** Lets the offer go after its charge was declined: it may be accepted again, or declined. */
    void release(String accountId, String orderId, String upsellId, String key) {
        db.sql(
            """
                UPDATE order_upsells SET charging_key = NULL, charging_until = NULL, charging_amount = NULL, charging_asks = 0
                 WHERE account_id = :accountId AND order_id = :orderId AND upsell_id = :id AND charging_key = :key
                """)
            .param("accountId", accountId)
            .param("orderId", orderId)
            .param("id", upsellId)
            .param("key", key)
            .update();
    }

    void answer(String accountId, String orderId, String upsellId, Offer answer, String paymentId,
        Instant now) {
        db.sql("""
            UPDATE order_upsells SET status = :status, payment_id = :paymentId, answered_at = :now,
                   charging_key = NULL, charging_until = NULL, charging_amount = NULL, charging_asks = 0
             WHERE account_id = :accountId AND order_id = :orderId AND upsell_id = :id
            """)
            .param("status", answer.code())
            .param("paymentId", paymentId)
            .param("now", Timestamps.of(now))
            .param("accountId", accountId)
            .param("orderId", orderId)
            .param("id", upsellId)
            .update();
    }

    /**
     * Expires the order's offers left unanswered, but one whose accept's charge is at the gateway now: the buyer
     * accepted while it stood, and its booking answers it ({@link #chargingUntil}).
     */
    void expireUnanswered(String accountId, String orderId) {
        db.sql("""
            UPDATE order_upsells SET status = 'expired', answered_at = :now
             WHERE account_id = :accountId AND order_id = :orderId AND status = 'offered'
               AND (charging_key IS NULL OR charging_until <= :now)
            """)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("accountId", accountId)
            .param("orderId", orderId)
            .update();
    }
}
